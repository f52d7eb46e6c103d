package agents

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// refComponents is components by its definition, without the model's
// union–find: live protocols joined by a standard either speaks (on any
// dimension), a hub both are members of (the hub covering their
// verification mechanisms) or a bridge, the weights summed in the order of
// m.live.
func refComponents(m *Model) (count int, weighted, nodes float64) {
	live := m.live
	if len(live) == 0 {
		return 0, 0, 0
	}
	parent := make([]int, len(live))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	joined := func(p, q int) bool {
		for d := range m.nDim {
			for e := range m.nDim {
				if s := m.std[p*m.nDim+d]; s >= 0 && s == m.std[q*m.nDim+e] {
					return true
				}
			}
		}
		in := func(p int) uint64 { return m.prot[p].members & m.coverMask[m.prot[p].verif] }
		return in(p)&in(q) != 0 || m.hasBridge(p, q)
	}
	for i := range live {
		for j := range i {
			if joined(int(live[i]), int(live[j])) {
				parent[find(i)] = find(j)
			}
		}
	}
	w := make([]float64, len(live))
	c := make([]float64, len(live))
	total := 0.0
	for i, p := range live {
		r := find(i)
		if c[r] == 0 {
			count++
		}
		x := 1 + float64(m.prot[p].usage)
		w[r] += x
		c[r]++
		total += x
	}
	return count, slices.Max(w) / total, slices.Max(c) / float64(len(live))
}

// TestObserveStructureCache checks what Observe and components keep of an
// interop structure (structureGen: components, bridges, hub share, live
// standards, adopters, and the slots HHI is summed over; and the emissions,
// integrated through emitCache) against the same computed afresh (components by
// refComponents), every day of replications of ciScenario, of deai-2025's
// variants and of the other built-in scenarios, and that the kept values
// are used on most days and refreshed on some.
func TestObserveStructureCache(t *testing.T) {
	specs, _ := structureSpecs(t)
	// One protocol, one component: the Bass reduction's shape.
	specs = append(specs, parse(t, `
name = "solo"
horizon_days = 1000
dimensions = ["x"]
[builders]
market_potential = 500
[[protocols]]
name = "solo"
serves = { x = 1.0 }
[[app_types]]
name = "single"
needs = ["x"]
`))
	kept, refreshed, single := 0, 0, 0
	var o Observation
	for _, spec := range specs {
		for r := range reps(1, 2) {
			m := newModel(t, spec, r)
			for day := 0.0; day <= min(spec.HorizonDays, 2000); day++ {
				run(t, m, day)
				before := m.ciScratch.obs.gen
				m.Observe(&o)
				if m.ciScratch.obs.gen == before {
					kept++
				} else {
					refreshed++
				}
				fail := func(what string, got, want any) {
					t.Fatalf("%s replication %d day %g: %s %v; computed afresh %v", spec.Name, r, day, what, got, want)
				}
				count, weighted, nodes := refComponents(m)
				if count == 1 {
					single++
				}
				if o.Components != count || math.Float64bits(o.LargestShare) != math.Float64bits(weighted) {
					fail("components, largest share", []any{o.Components, o.LargestShare}, []any{count, weighted})
				}
				if share, n := m.LargestComponent(); n != count || math.Float64bits(share) != math.Float64bits(nodes) {
					fail("largest component (nodes)", []any{n, share}, []any{count, nodes})
				}
				bridges, inHub := 0, 0
				for _, br := range m.bridgeList {
					if m.isLive(int(br[0])) && m.isLive(int(br[1])) {
						bridges++
					}
				}
				for _, p := range m.live {
					if m.prot[p].members&m.launched != 0 {
						inHub++
					}
				}
				hubShare := 0.0
				if len(m.live) > 0 {
					hubShare = float64(inHub) / float64(len(m.live))
				}
				if o.Bridges != bridges || math.Float64bits(o.HubShare) != math.Float64bits(hubShare) {
					fail("bridges, hub share", []any{o.Bridges, o.HubShare}, []any{bridges, hubShare})
				}
				for d := range m.nDim {
					if want := m.hhi(d); math.Float64bits(o.HHI[d]) != math.Float64bits(want) {
						fail("HHI on "+spec.Dimensions[d], o.HHI[d], want)
					}
					if want := m.liveStandards(d); o.LiveStandards[d] != want {
						fail("live standards on "+spec.Dimensions[d], o.LiveStandards[d], want)
					}
				}
				if want := m.adopters(); o.Adopters != want {
					fail("adopters", o.Adopters, want)
				}
				// The money: every protocol's open segment integrated by
				// emissionIntegral, none skipped.
				emitted, offered := 0.0, 0.0
				for p := range m.prot {
					pr := &m.prot[p]
					emitted += pr.emitCum
					offered += pr.incentCum
					if pr.launched && !pr.exited && day > pr.emitT {
						v := pr.price * pr.emissionIntegral(pr.emitT, day)
						emitted += v
						offered += v * pr.builderShare(pr.emitT)
					}
				}
				if math.Float64bits(o.EmissionsCum) != math.Float64bits(emitted) || math.Float64bits(o.IncentivesCum) != math.Float64bits(offered) {
					fail("emissions, incentives", []any{o.EmissionsCum, o.IncentivesCum}, []any{emitted, offered})
				}
			}
		}
	}
	t.Logf("structure kept %d days, refreshed %d; one component on %d days", kept, refreshed, single)
	if single < 1000 {
		t.Errorf("one component on %d days only", single)
	}
	if kept < 2*refreshed || refreshed < 100 {
		t.Errorf("structure kept %d days, refreshed %d: the test checks little", kept, refreshed)
	}
}

// TestStructureSameLength checks that the structure's key tells apart two
// live lists of one length: an exit and a launch between two observations
// (here called directly, protocol "late" on the standard of "a", and "b"
// exiting) change the components, live standards and composability index,
// but neither the number of live protocols nor routeEpoch.
func TestStructureSameLength(t *testing.T) {
	spec := parse(t, `
name = "same-length"
horizon_days = 100
dimensions = ["x", "y"]
[builders]
market_potential = 1
p_per_year = 1e-9
[[protocols]]
name = "a"
serves = { x = 0.5 }
[[protocols]]
name = "b"
serves = { y = 0.5 }
[[protocols]]
name = "late"
serves = { y = 0.5 }
standards = { y = "a" }
launch_day = 50
[[app_types]]
name = "pair"
needs = ["x", "y"]
`)
	m := newModel(t, spec, 0)
	run(t, m, 1)
	var o Observation
	m.Observe(&o)
	if o.LiveProtocols != 2 || o.Components != 2 || o.Composability != 0 || o.LiveStandards[1] != 1 {
		t.Fatalf("before: %d live, %d components, index %v, %d standards on y; want 2, 2, 0, 1", o.LiveProtocols, o.Components, o.Composability, o.LiveStandards[1])
	}
	epoch := m.routeEpoch
	m.exitProtocol(1)
	m.onLaunch(2)
	if m.routeEpoch != epoch || len(m.live) != 2 {
		t.Fatalf("the test needs the same routeEpoch and live count: epoch %d→%d, %d live", epoch, m.routeEpoch, len(m.live))
	}
	m.Observe(&o)
	if o.LiveProtocols != 2 || o.Components != 1 || o.Composability != 1 || o.LiveStandards[1] != 1 {
		t.Errorf("after: %d live, %d components, index %v, %d standards on y; want 2, 1, 1, 1", o.LiveProtocols, o.Components, o.Composability, o.LiveStandards[1])
	}
}

// TestEmitCache compares emitCache.integral with emissionIntegral, bit for
// bit, on random tokens (with and without halving and decay, halvings
// short enough to reach the 1100-segment cap) and random observation
// sequences: t1 growing in small and large steps, the open segment's start
// t0 moving on now and then (a flush), and t1 going back sometimes.
func TestEmitCache(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(p float64, v float64) float64 {
		if rng.Float64() < p {
			return v
		}
		return 0
	}
	checked := 0
	for range reps(300, 3000) {
		pr := &protocol{emitStart: pick(0.5, rng.Float64()*500)}
		pr.token.EmissionPerDay = pick(0.9, 1+rng.Float64()*1e4)
		pr.token.HalvingDays = pick(0.7, []float64{0.5, 3, 365, 1458, 1e4}[rng.IntN(5)]*(0.5+rng.Float64()))
		pr.token.DecayPerYear = pick(0.5, rng.Float64()*2)
		var c emitCache
		t0 := rng.Float64() * 1000
		t1 := t0 - 10
		for range 200 {
			switch x := rng.Float64(); {
			case x < 0.05:
				t0 = t1 + rng.Float64()*5 - 2 // a flush, or a t0 past t1
			case x < 0.08:
				t1 -= rng.Float64() * 300 // back in time
			case x < 0.12:
				t1 += rng.Float64() * 3000
			default:
				t1 += rng.Float64() * 10
			}
			got, want := c.integral(pr, t0, t1), pr.emissionIntegral(t0, t1)
			if math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("token %+v, emission start %g: integral(%g, %g) = %v (kept %+v); emissionIntegral %v",
					pr.token, pr.emitStart, t0, t1, got, c, want)
			}
			checked++
		}
	}
	t.Logf("%d integrals compared", checked)
}
