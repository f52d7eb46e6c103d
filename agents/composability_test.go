package agents

import (
	"math"
	"testing"

	"github.com/legolab/legolab/scenarios"
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

// ciScenario has shared standards, two hubs (one too expensive to count,
// one covering only some mechanisms), bridges, exits and standard switches,
// and 42 protocols, enough that a join pair can have more slot pairs than
// ciDirectMax.
const ciScenario = `
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
`

// TestComposabilityExact compares the grouped O(P·K + B) composability
// index with the O(P²) definition on states with shared standards, two hubs
// (one too expensive to count, one covering only some mechanisms),
// bridges, exits and standard switches.
func TestComposabilityExact(t *testing.T) {
	spec := parse(t, ciScenario)
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

// BenchmarkComposability times the composability index on deai-2025's
// variants (the both variant has the hub and the offered standard) at a
// few days of one replication each, the index every sample reads.
func BenchmarkComposability(b *testing.B) {
	deai, err := scenarios.Builtin("deai-2025")
	if err != nil {
		b.Fatal(err)
	}
	var models []*Model
	for _, v := range deai.VariantNames() {
		s, err := deai.Variant(v)
		if err != nil {
			b.Fatal(err)
		}
		for _, day := range []float64{400, 1200, 3000} {
			m := newModel(b, s, 0)
			run(b, m, day)
			models = append(models, m)
		}
	}
	for _, c := range []struct {
		name string
		ci   func(*Model) float64
	}{
		{"exact", (*Model).Composability},
		{"float", (*Model).composabilityFloat}, // the reference, for comparison
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			sink := 0.0
			for b.Loop() {
				sink += c.ci(models[i%len(models)])
				i++
			}
			_ = sink
		})
	}
}

// TestComposabilityBits checks that the exact integer sums of Composability
// give the bits of the float64 reference composabilityFloat, in every state
// of random event sequences (replications of ciScenario and of deai-2025's
// variants, read every day): with the pairs tested one by one, grouped, and
// the two mixed as in use (and, trivially, through the fallback).
func TestComposabilityBits(t *testing.T) {
	deai, err := scenarios.Builtin("deai-2025")
	if err != nil {
		t.Fatal(err)
	}
	specs := []*scenarios.Spec{parse(t, ciScenario)}
	for _, v := range deai.VariantNames() {
		s, err := deai.Variant(v)
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, s)
	}
	defer func(d int, e int64) { ciDirectMax, ciExactMax = d, e }(ciDirectMax, ciExactMax)
	for _, direct := range []int{0, 256, math.MaxInt, -1} {
		ciDirectMax, ciExactMax = direct, 1<<26
		if direct < 0 {
			ciExactMax = 2 // every state takes the float64 fallback
		}
		interior := 0 // states with 0 < index < 1
		for _, spec := range specs {
			for r := range reps(1, 2) {
				m := newModel(t, spec, r)
				for day := 0.0; day <= min(spec.HorizonDays, 1500); day++ {
					run(t, m, day)
					got, want := m.Composability(), m.composabilityFloat()
					if math.Float64bits(got) != math.Float64bits(want) {
						t.Fatalf("%s replication %d day %g, direct up to %d pairs: composability %v; the float64 sums give %v",
							spec.Name, r, day, direct, got, want)
					}
					if got > 0 && got < 1 {
						interior++
					}
				}
			}
		}
		if interior < 1000 {
			t.Errorf("direct up to %d pairs: only %d states with an interior index: the test checks little", direct, interior)
		}
	}
}

// TestComposabilityStructure checks what Composability keeps of an interop
// structure (structureGen): in every state of random event sequences
// (replications of ciScenario, of deai-2025's variants and of the other
// built-in scenarios, read every day, as an observer would), the index it
// returns, from the kept structure with the weights refreshed or as the
// structure's class 0 or 1, is the bits of the index from a structure built
// anew and that of the float64 sums, and both shortcuts are taken; with the
// pairs grouped or tested one by one where there are many, and with the
// float64 fallback forced (ciExactMax = 2), where the class is used only
// while no weight reaches 2.
func TestComposabilityStructure(t *testing.T) {
	specs, small := structureSpecs(t)
	defer func(d int, e int64) { ciDirectMax, ciExactMax = d, e }(ciDirectMax, ciExactMax)
	for _, c := range []struct {
		direct   int
		exactMax int64
	}{{256, 1 << 26}, {math.MaxInt, 1 << 26}, {256, 2}} {
		ciDirectMax, ciExactMax = c.direct, c.exactMax
		exactMax := c.exactMax
		hits := map[float64]int{}
		refreshed := 0 // structure kept, weights refreshed
		for i, spec := range specs {
			if i >= small && c.direct > 256 {
				break // every pair tested one by one: slow on the larger scenarios
			}
			for r := range reps(1, 2) {
				m := newModel(t, spec, r)
				for day := 0.0; day <= min(spec.HorizonDays, 2000); day++ {
					run(t, m, day)
					sc := &m.ciScratch
					same := sc.gen == m.structureGen()
					ok := same && sc.class != ciUnknown && m.ciWeightsSmall()
					known := map[int8]float64{ciZero: 0, ciOne: 1}[sc.class]
					got := m.Composability()
					// The index from a structure built anew, in scratch
					// space of its own.
					kept := m.ciScratch
					m.ciScratch = composabilityScratch{}
					want, _, _, _, _ := m.composabilityExact(false)
					m.ciScratch = kept
					if ref := m.composabilityFloat(); math.Float64bits(want) != math.Float64bits(ref) {
						t.Fatalf("%s replication %d day %g: composability summed afresh %v; the float64 sums give %v", spec.Name, r, day, want, ref)
					}
					if math.Float64bits(got) != math.Float64bits(want) || ok && math.Float64bits(known) != math.Float64bits(want) {
						t.Fatalf("%s replication %d day %g: composability %v (structure kept %v, shortcut %v taken %v); summed afresh %v",
							spec.Name, r, day, got, same, known, ok, want)
					}
					if same && !ok {
						refreshed++
					}
					if ok {
						hits[known]++
						if exactMax == 2 && len(m.live)+m.protoLinks >= 2 {
							t.Fatalf("%s replication %d day %g: shortcut taken with the fallback forced", spec.Name, r, day)
						}
					}
				}
			}
		}
		t.Logf("direct up to %d pairs, exact below %d: shortcut taken %d times for 0, %d for 1; structure kept, weights refreshed %d times", c.direct, exactMax, hits[0], hits[1], refreshed)
		if exactMax > 2 && (hits[0] == 0 || hits[1] == 0 || refreshed < 1000) {
			t.Errorf("shortcut taken %d times for 0 and %d for 1, weights refreshed %d times: the test checks little", hits[0], hits[1], refreshed)
		}
	}
}

// structureSpecs returns the specs the interop-structure caches are checked
// on: ciScenario, deai-2025's variants, then the other built-ins; small
// counts the first two groups (few protocols).
func structureSpecs(t *testing.T) (specs []*scenarios.Spec, small int) {
	t.Helper()
	specs = []*scenarios.Spec{parse(t, ciScenario)}
	deai, err := scenarios.Builtin("deai-2025")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range deai.VariantNames() {
		s, err := deai.Variant(v)
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, s)
	}
	small = len(specs)
	for _, name := range []string{"bittensor-2023", "defi-2017", "ibc-2021", "layerzero-2022", "subnets-128"} {
		s, err := scenarios.Builtin(name)
		if err != nil {
			t.Fatal(err)
		}
		specs = append(specs, s)
	}
	return specs, small
}
