package agents

import (
	"math"
	"testing"
)

// bruteComposability is the composability index by its definition, over
// every ordered pair of slots: O(J·P²).
func bruteComposability(m *Model) float64 {
	cmax := m.spec.Lego.ComposeCostMax
	in := &m.spec.Integration
	cheapHub := func(a, b int) bool {
		for h := range m.hubs {
			bit := uint64(1) << h
			if m.hubs[h].fee > cmax || m.liveHubs&bit == 0 {
				continue
			}
			ok := func(p int) bool {
				return m.prot[p].members&bit != 0 && m.coverMask[m.prot[p].verif]&bit != 0
			}
			if ok(a) && ok(b) {
				return true
			}
		}
		return false
	}
	num, den := 0.0, 0.0
	for _, jp := range m.joinPairs {
		da, db := jp[0], jp[1]
		for a := range m.nProt {
			if !m.isLive(a) || m.prot[a].serves&(1<<da) == 0 {
				continue
			}
			for b := range m.nProt {
				if a == b || !m.isLive(b) || m.prot[b].serves&(1<<db) == 0 {
					continue
				}
				w := (1 + float64(m.usageDim[a*m.nDim+da])) * (1 + float64(m.usageDim[b*m.nDim+db]))
				den += w
				if (in.SameStandardCost <= cmax && m.std[a*m.nDim+da] == m.std[b*m.nDim+db]) ||
					(in.BridgeCost <= cmax && m.hasBridge(a, b)) || cheapHub(a, b) {
					num += w
				}
			}
		}
	}
	if den == 0 {
		return 0
	}
	return num / den
}

// TestComposabilityExact compares the grouped O(P·K + B) composability
// index with the O(P²) definition on states with shared standards, two hubs
// (one too expensive to count, one covering only some mechanisms),
// bridges, exits and standard switches.
func TestComposabilityExact(t *testing.T) {
	spec := parse(t, `
name = "ci"
horizon_days = 1500
dimensions = ["data", "model", "compute"]
[builders]
market_potential = 3000
p_per_year = 0.5
q_per_year = 0.5
app_lifetime_days = 300
[integration]
bespoke_cost = 10
[verification]
cross = 5
[standards]
offered_by = ["big"]
switching_cost = 18
review_every_days = 30
[[protocols]]
name = "big"
serves = { data = 0.6, model = 0.7, compute = 0.6 }
verification = "consensus"
[[protocols]]
name = "twin"
serves = { model = 0.5, compute = 0.5 }
standards = { model = "big" }
[[populations]]
prefix = "p"
count = 40
dimensions_each = 2
verification = ["consensus", "tee", "zk", "none"]
[[hubs]]
name = "cheap"
launch_day = 100
adapter_cost = 5
join_incentive = 50
fee_per_use = 0.5
covers = ["consensus", "tee", "none"]
exploits_per_year = 1
[[hubs]]
name = "dear"
launch_day = 200
adapter_cost = 5
join_incentive = 50
fee_per_use = 9
[[shocks]]
kind = "exit"
rate_per_year = 2
[[app_types]]
name = "pair"
needs = ["data", "model"]
[[app_types]]
name = "triple"
needs = ["data", "model", "compute"]
[[app_types]]
name = "double-compute"
needs = ["compute", "compute"]
`)
	for r := range reps(2, 4) {
		m := newModel(t, spec, r)
		for day := 0.0; day <= spec.HorizonDays; day += 100 {
			run(t, m, day)
			got, want := m.Composability(), bruteComposability(m)
			if math.Abs(got-want) > 1e-9 {
				t.Fatalf("replication %d, day %g: composability %.12f; want %.12f (brute force)", r, day, got, want)
			}
		}
		if len(m.bridgeList) == 0 || m.hubs[0].members == 0 || m.exploits == 0 {
			t.Errorf("replication %d: state not rich enough (bridges %d, hub members %d, exploits %d)", r, len(m.bridgeList), m.hubs[0].members, m.exploits)
		}
	}
}
