package agents

import (
	"fmt"
	"math"
	"testing"

	"github.com/legolab/legolab/sim"
	"github.com/legolab/legolab/stats"
)

// TestLogitFrequencies checks provider choice against the multinomial
// logit: utilities U = (1, 0, 0) at β = 1 give P = e^U/Σe^U = (0.5761,
// 0.2119, 0.2119). Qualities (1, 0.999, 0.999) with quality_weight 1000
// make U = (1000, 999, 999), the same differences; the outside option
// (utility 0) then has probability e^{−999} and network and yield terms are
// off. Each frequency must lie within 4 binomial standard errors: a
// false-failure rate below 2·10⁻⁴ for the three (the seed is fixed, so the
// result is deterministic).
func TestLogitFrequencies(t *testing.T) {
	const n = 30000
	spec := parse(t, fmt.Sprintf(`
name = "logit"
horizon_days = 3650
dimensions = ["x"]
[builders]
market_potential = %d
p_per_year = 50
q_per_year = 0
app_lifetime_days = 0
[choice]
consideration_set = 3
beta = 1
quality_weight = 1000
yield_weight = 0
network_weight = 0
outside_utility = 0
[[protocols]]
name = "a"
serves = { x = 1.0 }
[[protocols]]
name = "b"
serves = { x = 0.999 }
[[protocols]]
name = "c"
serves = { x = 0.999 }
[[app_types]]
name = "single"
needs = ["x"]
`, n))
	m := newModel(t, spec, 0)
	run(t, m, spec.HorizonDays)
	if m.nBuilders != n {
		t.Fatalf("builders = %d; want all %d", m.nBuilders, n)
	}
	u := []float64{1, 0, 0}
	den := 0.0
	for _, x := range u {
		den += math.Exp(x)
	}
	for i, x := range u {
		want := math.Exp(x) / den
		got := float64(m.prot[i].usage) / n
		tol := 4 * math.Sqrt(want*(1-want)/n)
		if math.Abs(got-want) > tol {
			t.Errorf("protocol %s: frequency %.4f; want %.4f ± %.4f", m.prot[i].name, got, want, tol)
		}
	}
	if math.Abs(math.Exp(1)/den-0.5761) > 5e-5 || math.Abs(1/den-0.2119) > 5e-5 {
		t.Errorf("analytic logit probabilities %.4f, %.4f; want 0.5761, 0.2119", math.Exp(1)/den, 1/den)
	}
}

// TestConsiderationSetUniform checks that the consideration set is a
// uniform sample without replacement (Floyd's algorithm).
func TestConsiderationSetUniform(t *testing.T) {
	// With equal utilities and k < n, each provider must be chosen with
	// probability 1/n: sampling without replacement is uniform. Within 4
	// binomial standard errors each: a false-failure rate below 7·10⁻⁴
	// for the ten.
	const n, apps = 10, 20000
	spec := parse(t, fmt.Sprintf(`
name = "uniform"
horizon_days = 3650
dimensions = ["x"]
[builders]
market_potential = %d
p_per_year = 50
q_per_year = 0
app_lifetime_days = 0
[choice]
consideration_set = 3
quality_weight = 0
yield_weight = 0
network_weight = 0
outside_utility = -1000
[[populations]]
prefix = "p"
count = %d
[[app_types]]
name = "single"
needs = ["x"]
`, apps, n))
	m := newModel(t, spec, 0)
	run(t, m, spec.HorizonDays)
	want := 1.0 / n
	tol := 4 * math.Sqrt(want*(1-want)/apps)
	for i := range m.nProt {
		if got := float64(m.prot[i].usage) / apps; math.Abs(got-want) > tol {
			t.Errorf("provider %d: frequency %.4f; want %.4f ± %.4f", i, got, want, tol)
		}
	}
}

// giantFraction solves S = 1 − e^{−cS} by fixed-point iteration (the
// Erdős–Rényi giant component); 0 for c ≤ 1.
func giantFraction(c float64) float64 {
	if c <= 1 {
		return 0
	}
	s := 1.0
	for range 10000 {
		next := 1 - math.Exp(-c*s)
		if math.Abs(next-s) < 1e-15 {
			break
		}
		s = next
	}
	return s
}

// TestErdosRenyiGiantComponent adds c·n/2 random bilateral integrations
// (bridges, on the model's own union–find interop graph) among n generated
// protocols and compares the largest component's share with the
// Erdős–Rényi giant component S = 1 − e^{−cS}.
func TestErdosRenyiGiantComponent(t *testing.T) {
	n := reps(1000, 2000)
	R := reps(4, 8)
	// The analytic values of docs/sources.md, pinned.
	if s := giantFraction(1.5); math.Abs(s-0.5828) > 5e-5 {
		t.Fatalf("S(1.5) = %.4f; want 0.5828", s)
	}
	if s := giantFraction(2); math.Abs(s-0.7968) > 5e-5 {
		t.Fatalf("S(2) = %.4f; want 0.7968", s)
	}
	spec := parse(t, fmt.Sprintf(`
name = "er"
horizon_days = 100
dimensions = ["x"]
[builders]
market_potential = 1
p_per_year = 1e-9
q_per_year = 0
[[populations]]
prefix = "p"
count = %d
[[app_types]]
name = "single"
needs = ["x"]
`, n))
	for _, c := range []float64{0.5, 1.5, 2, 3} {
		want := giantFraction(c)
		sum := 0.0
		for r := range R {
			m := newModel(t, spec, r)
			run(t, m, 0) // launches
			rng := sim.NewStream(7, uint64(r), sim.StreamID(fmt.Sprintf("er-%g", c)))
			edges := int(c * float64(n) / 2)
			for added := 0; added < edges; {
				a, b := rng.IntN(n), rng.IntN(n)
				if a == b || m.hasBridge(a, b) {
					continue
				}
				m.AddBridge(a, b)
				added++
			}
			share, comps := m.LargestComponent()
			if comps < 1 {
				t.Fatalf("c=%g: %d components", c, comps)
			}
			sum += share
		}
		got := sum / float64(R)
		// Above the threshold the giant component's share is
		// asymptotically normal around S with standard deviation
		// σ/√n, σ² = S(1−S)/(1 − c(1−S))² for G(n, p) (Pittel 1990);
		// with a fixed number of edges, G(n, m) as here, it is smaller
		// (simulated: 0.25–0.69 against σ = 0.29–1.32), so 4σ/√(nR)
		// bounds the false-failure rate by 6·10⁻⁵ per c; 3/n covers the
		// finite-size bias (simulated |bias| ≤ 1.5/n at n = 1,000 and
		// 2,000). Below the threshold the largest component holds
		// O(log n) nodes.
		tol := 20 * math.Log(float64(n)) / float64(n)
		if c > 1 {
			sigma := math.Sqrt(want*(1-want)) / (1 - c*(1-want))
			tol = 4*sigma/math.Sqrt(float64(n*R)) + 3/float64(n)
		}
		t.Logf("c=%g: largest component share %.4f; S = %.4f ± %.4f", c, got, want, tol)
		if math.Abs(got-want) > tol {
			t.Errorf("c=%g: largest component share %.4f; want S = %.4f ± %.4f", c, got, want, tol)
		}
	}
}

// TestPolyaUrn runs the de facto standard's urn rule with linear
// reinforcement (urn_exponent 1): two offered standards, a and b initial
// speakers, and protocols that each adopt once, drawing a standard with
// probability ∝ its speakers. The final share of the first standard is
// Pólya's urn, whose limit is Beta(a, b); with many adopters the share
// after all adopt is within 1/n of it. A Kolmogorov–Smirnov test against
// the Beta CDF must not reject at the 0.1% level: a false-failure rate of
// 10⁻³ per case (the seeds are fixed, so the result is deterministic); with
// urn_exponent 1.5 it rejects with p < 10⁻⁴, so the test has power.
func TestPolyaUrn(t *testing.T) {
	n := 100
	R := reps(150, 300)
	cases := []struct {
		name string
		a    int // initial speakers of standard A (b = 1)
		cdf  func(float64) float64
	}{
		{"Beta(1,1)", 1, func(x float64) float64 { return x }},
		{"Beta(2,1)", 2, func(x float64) float64 { return x * x }},
	}
	for _, tc := range cases {
		extra := ""
		if tc.a == 2 {
			extra = `
[[protocols]]
name = "A2"
serves = { x = 0.5 }
standards = { x = "A" }
`
		}
		spec := parse(t, fmt.Sprintf(`
name = "polya"
horizon_days = 500
dimensions = ["x"]
[builders]
market_potential = 1
p_per_year = 1e-9
q_per_year = 0
[standards]
offered_by = ["A", "B"]
rule = "urn"
urn_exponent = 1
review_every_days = 20 # 25 reviews each: P(a protocol never reviews) = e^-25
[[protocols]]
name = "A"
serves = { x = 0.5 }
[[protocols]]
name = "B"
serves = { x = 0.5 }
%s
[[populations]]
prefix = "p"
count = %d
openness = { dist = "const", value = 1 }
[[app_types]]
name = "single"
needs = ["x"]
`, extra, n))
		shares := make([]float64, R)
		for r := range R {
			m := newModel(t, spec, r)
			run(t, m, spec.HorizonDays)
			sa := m.speakers[int(m.stdIndex["A"])*m.nDim]
			sb := m.speakers[int(m.stdIndex["B"])*m.nDim]
			total := int32(n + tc.a + 1)
			if sa+sb != total {
				t.Fatalf("%s replication %d: %d + %d speakers; want all %d adopted", tc.name, r, sa, sb, total)
			}
			shares[r] = float64(sa) / float64(total)
		}
		d, p := stats.KS(shares, tc.cdf)
		t.Logf("%s: KS D = %.4f, p = %.4f over %d replications", tc.name, d, p, R)
		if p < 0.001 {
			t.Errorf("%s: KS D = %.4f, p = %.4f over %d replications; want p ≥ 0.001", tc.name, d, p, R)
		}
	}
}

// TestDeFactoLockIn runs the threshold rule with pure increasing returns:
// no sovereignty cost, a negligible switching cost, openness 1. Every
// replication must lock in to a single standard (share → 1) by the horizon.
func TestDeFactoLockIn(t *testing.T) {
	R := reps(10, 30)
	spec := parse(t, `
name = "lockin"
horizon_days = 3650
dimensions = ["x"]
[builders]
market_potential = 3000
p_per_year = 1
q_per_year = 0
app_lifetime_days = 365
[standards]
offered_by = ["A", "B"]
rule = "threshold"
benefit_per_share = 50
switching_cost = 0.01
review_every_days = 30
[[protocols]]
name = "A"
serves = { x = 0.5 }
openness = 1
[[protocols]]
name = "B"
serves = { x = 0.5 }
openness = 1
[[populations]]
prefix = "p"
count = 40
openness = { dist = "const", value = 1 }
quality = { dist = "const", value = 0.5 }
[[app_types]]
name = "single"
needs = ["x"]
`)
	var o Observation
	for r := range R {
		m := newModel(t, spec, r)
		run(t, m, spec.HorizonDays)
		m.Observe(&o)
		if o.LiveStandards[0] != 1 {
			t.Errorf("replication %d: %d live standards at the horizon; want lock-in to 1", r, o.LiveStandards[0])
		}
	}
}
