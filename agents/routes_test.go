package agents

import (
	"bytes"
	"os"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// routeCases are scenarios whose routes change during a run: standard
// switches (deai-2025 defacto, both), hub joins, exploits and resumptions
// (hub, both, two-hubs), bilateral bridges (all of them). A hub's launch
// changes no route today (no protocol is a member before it: joins come at
// reviews, which start at the launch), so nothing here can miss its
// invalidation; it invalidates all the same.
func routeCases(t *testing.T) map[string]*scenarios.Spec {
	t.Helper()
	specs := map[string]*scenarios.Spec{}
	deai, err := scenarios.Builtin("deai-2025")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range deai.VariantNames() {
		if specs["deai-2025/"+v], err = deai.Variant(v); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"defi-2017", "ibc-2021", "layerzero-2022", "bittensor-2023"} {
		if specs[name], err = scenarios.Builtin(name); err != nil {
			t.Fatal(err)
		}
	}
	src, err := os.ReadFile("../examples/two-hubs.toml")
	if err != nil {
		t.Fatal(err)
	}
	two := parse(t, string(src))
	for _, v := range two.VariantNames() {
		if specs["two-hubs/"+v], err = two.Variant(v); err != nil {
			t.Fatal(err)
		}
	}
	// A suspension without departures, and departures from a hub that stays
	// live (no recovery time): each is then the only route change of an
	// exploit. Frequent exploits, so that runs see many.
	for name, set := range map[string][]string{
		"suspend-only": {"hubs.interlink.trust_loss=0", "hubs.interlink.exploits_per_year=4"},
		"leave-only":   {"hubs.interlink.recovery_days=0", "hubs.interlink.exploits_per_year=4"},
	} {
		s := specs["deai-2025/hub"].Clone()
		if err := s.Apply(set); err != nil {
			t.Fatal(err)
		}
		specs[name] = s
	}
	specs["small-composed"] = parse(t, smallComposed)
	return specs
}

// TestRouteCache checks the route cache against route itself on the states
// of whole runs: after every day of each run, every entry the cache holds
// as current must equal route's answer in that state (cost, kind and hub).
// A missed invalidation leaves an entry computed before a standard switch,
// bridge or hub change, which route then contradicts. The test fails if no
// scenario uses the cache or no entry is ever checked.
func TestRouteCache(t *testing.T) {
	checked := 0
	cases := routeCases(t)
	for _, name := range sortedKeys(cases) {
		spec := cases[name]
		for r := range reps(1, 2) {
			m := newModel(t, spec, r)
			if m.routeCache == nil {
				continue
			}
			S := m.nProt * m.nDim
			for day := 1.0; day <= spec.HorizonDays; day++ {
				run(t, m, day)
				for i, e := range m.routeCache {
					if e.epoch != m.routeEpoch {
						continue
					}
					a, da, b, db := i/S/m.nDim, i/S%m.nDim, i%S/m.nDim, i%S%m.nDim
					cost, kind, hub := m.route(a, da, b, db)
					if e.cost != cost || e.kind != kind || e.hub != hub {
						t.Fatalf("%s replication %d day %g: cached route (%d/%d, %d/%d) = (%g, %s, %d); route gives (%g, %s, %d)",
							name, r, day, a, da, b, db, e.cost, routeNames[e.kind], e.hub, cost, routeNames[kind], hub)
					}
					checked++
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no cached route was checked")
	}
	t.Logf("%d cached routes checked", checked)
}

// TestRouteCacheTrace checks that a run with the route cache leaves the
// same trace, byte for byte, as the run without it.
func TestRouteCacheTrace(t *testing.T) {
	cases := routeCases(t)
	for _, name := range sortedKeys(cases) {
		spec := cases[name]
		var traces [2]bytes.Buffer
		for k := range traces {
			m, err := New(spec, 1, 0, Options{Trace: &traces[k]})
			if err != nil {
				t.Fatal(err)
			}
			if k == 1 {
				m.routeCache = nil
			}
			run(t, m, spec.HorizonDays)
		}
		if !bytes.Equal(traces[0].Bytes(), traces[1].Bytes()) {
			t.Errorf("%s: the trace with the route cache differs from the one without", name)
		}
	}
}
