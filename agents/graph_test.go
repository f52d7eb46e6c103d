package agents

import "testing"

// TestInteropGraph checks the union–find interop graph through additions
// (bridge, shared standard, hub membership) and removals (a standard
// switch, a hub departure, an exit), against the expected components.
func TestInteropGraph(t *testing.T) {
	spec := parse(t, `
name = "graph"
horizon_days = 100
dimensions = ["x", "y"]
[builders]
market_potential = 1
p_per_year = 1e-9
[standards]
offered_by = ["s0"]
[[protocols]]
name = "s0"
serves = { x = 0.5 }
[[protocols]]
name = "s1"
serves = { x = 0.5 }
standards = { x = "s0" }
[[protocols]]
name = "b0"
serves = { y = 0.5 }
[[protocols]]
name = "b1"
serves = { y = 0.5 }
[[protocols]]
name = "h0"
serves = { y = 0.5 }
verification = "tee"
[[protocols]]
name = "h1"
serves = { x = 0.5 }
verification = "tee"
[[protocols]]
name = "lone"
serves = { x = 0.5 }
verification = "zk"
[[hubs]]
name = "hub"
launch_day = 0
covers = ["tee"]
[[app_types]]
name = "pair"
needs = ["x", "y"]
`)
	m := newModel(t, spec, 0)
	run(t, m, 0)
	check := func(step string, wantComps int, wantLargest float64) {
		t.Helper()
		share, comps := m.LargestComponent()
		if comps != wantComps || share != wantLargest {
			t.Errorf("%s: %d components, largest share %.4f; want %d, %.4f", step, comps, share, wantComps, wantLargest)
		}
	}
	// s0–s1 share a standard: 6 components {s0,s1} b0 b1 h0 h1 lone.
	check("start", 6, 2.0/7)
	m.AddBridge(2, 3) // b0–b1
	m.joinHub(4, 0)   // h0 and h1 through the hub
	m.joinHub(5, 0)
	check("additions", 4, 2.0/7)
	m.AddBridge(1, 2) // s1–b0 joins {s0,s1} and {b0,b1}
	check("bridge", 3, 4.0/7)
	// s1 switches back to its own standard: s0 is cut off (a removal,
	// rebuilt lazily).
	m.switchStd(1, 0, m.prot[1].origStd)
	check("switch", 4, 3.0/7)
	m.leaveHub(5, 0)
	check("leave", 5, 3.0/7)
	m.exitProtocol(2) // b0 exits: s1 and b1 separate
	check("exit", 6, 1.0/6)
	nodes, edges := m.Graph()
	if len(nodes) != 6 {
		t.Errorf("graph: %d nodes; want 6 live protocols", len(nodes))
	}
	kinds := map[string]int{}
	for _, e := range edges {
		kinds[e.Kind]++
	}
	// No edge left: the bridges touch the exited b0, s0 and s1 no longer
	// share a standard, h0 is the hub's only member.
	if len(edges) != 0 {
		t.Errorf("graph edges %v; want none", kinds)
	}
	m.AddBridge(0, 6)
	m.joinHub(5, 0)
	m.switchStd(1, 0, m.std[0])
	_, edges = m.Graph()
	kinds = map[string]int{}
	for _, e := range edges {
		kinds[e.Kind]++
	}
	if kinds["bridge"] != 1 || kinds["hub"] != 1 || kinds["standard"] != 1 {
		t.Errorf("graph edge kinds %v; want one of each", kinds)
	}
	for _, e := range edges {
		want := ""
		if e.Kind == "hub" {
			want = m.hubs[0].name
		}
		if e.Hub != want {
			t.Errorf("graph %s edge %d–%d: Hub %q; want %q", e.Kind, e.A, e.B, e.Hub, want)
		}
	}
	check("rejoined", 3, 3.0/6)
}
