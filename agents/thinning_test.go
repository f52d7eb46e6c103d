package agents

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// TestThinningBoundEquivalence checks that the tight thinning bound (the
// composed share at scheduling plus a margin, redrawn when exceeded) leaves
// the model's distribution as it was under the loose bound (c̄ = 1): both
// are exact thinnings of the same intensity, so only the random streams may
// differ. For deai-2025 "both" (composition amplifies arrivals) and
// defi-2017 (liquidity mining), a two-sample Kolmogorov–Smirnov test
// compares builders_cum at a quarter, half and all of the horizon,
// composed_cum at half and all of it, and the composability index at half
// of it, between R loose runs (replications 0..R-1) and R tight runs
// (replications R..2R-1, so the samples are independent). (The Lego day
// would need metrics' detector, which agents' tests may not import.)
//
// Each of the 12 comparisons rejects at the asymptotic critical value for
// α = 0.001 (c(α) = √(−ln(α/2)/2) = 1.949), which the discrete statistics
// (ties make the test conservative) exceed with probability at most α under
// the null: the false-failure rate is below 12 × 0.001 = 1.2% (Bonferroni),
// and the seeds are fixed, so the outcome is deterministic.
func TestThinningBoundEquivalence(t *testing.T) {
	if testing.Short() {
		t.Skip("statistical test: 1,600 replications")
	}
	const R = 200
	const alpha = 0.001
	cases := []struct{ scenario, variant string }{
		{"deai-2025", "both"},
		{"defi-2017", ""},
	}
	for _, c := range cases {
		base, err := scenarios.Builtin(c.scenario)
		if err != nil {
			t.Fatal(err)
		}
		spec := base
		if c.variant != "" {
			if spec, err = base.Variant(c.variant); err != nil {
				t.Fatal(err)
			}
		}
		h := spec.HorizonDays
		q1, q2 := math.Round(h/4), math.Round(h/2)
		names := []string{
			fmt.Sprintf("builders_cum@%g", q1), fmt.Sprintf("builders_cum@%g", q2), fmt.Sprintf("builders_cum@%g", h),
			fmt.Sprintf("composed_cum@%g", q2), fmt.Sprintf("composed_cum@%g", h),
			fmt.Sprintf("composability@%g", q2),
		}
		sample := func(loose bool, first int) [][]float64 {
			out := make([][]float64, len(names))
			var o Observation
			for r := first; r < first+R; r++ {
				m, err := New(spec, spec.Seed, r, Options{})
				if err != nil {
					t.Fatal(err)
				}
				// The first candidate, drawn by New at N = 0, has the same
				// bound under both rules.
				m.looseThinning = loose
				run(t, m, q1)
				m.Observe(&o)
				out[0] = append(out[0], float64(o.BuildersCum))
				run(t, m, q2)
				m.Observe(&o)
				out[1] = append(out[1], float64(o.BuildersCum))
				out[3] = append(out[3], float64(o.ComposedCum))
				out[5] = append(out[5], o.Composability)
				run(t, m, h)
				m.Observe(&o)
				out[2] = append(out[2], float64(o.BuildersCum))
				out[4] = append(out[4], float64(o.ComposedCum))
			}
			return out
		}
		loose, tight := sample(true, 0), sample(false, R)
		crit := math.Sqrt(-math.Log(alpha/2)/2) * math.Sqrt(2.0/R)
		for k, name := range names {
			d := ks2(loose[k], tight[k])
			t.Logf("%s/%s %s: D = %.3f (critical %.3f)", c.scenario, c.variant, name, d, crit)
			if d > crit {
				t.Errorf("%s %s %s: two-sample KS D = %.3f > %.3f (α = %g): tight and loose bounds differ in distribution",
					c.scenario, c.variant, name, d, crit, alpha)
			}
		}
	}
}

// ks2 is the two-sample Kolmogorov–Smirnov statistic sup |F_a − F_b|,
// evaluated after every distinct value (ties step together).
func ks2(a, b []float64) float64 {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	i, j, d := 0, 0, 0.0
	for i < len(a) && j < len(b) {
		x := math.Min(a[i], b[j])
		for i < len(a) && a[i] == x {
			i++
		}
		for j < len(b) && b[j] == x {
			j++
		}
		d = math.Max(d, math.Abs(float64(i)/float64(len(a))-float64(j)/float64(len(b))))
	}
	return d
}

// TestKS2 pins the statistic on small samples computed by hand.
func TestKS2(t *testing.T) {
	cases := []struct {
		a, b []float64
		want float64
	}{
		{[]float64{1, 2, 3}, []float64{1, 2, 3}, 0},
		{[]float64{1, 2}, []float64{3, 4}, 1},
		{[]float64{1, 2, 3, 4}, []float64{3, 4, 5, 6}, 0.5},
		{[]float64{1, 1, 2}, []float64{1, 2, 2}, 1.0 / 3},
	}
	for _, c := range cases {
		if got := ks2(c.a, c.b); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("ks2(%v, %v) = %g; want %g", c.a, c.b, got, c.want)
		}
	}
}

// smallComposed is a market small enough for one death to move the composed
// share by more than the thinning margin: 40 builders, 20-day apps, half of
// them composed of two protocols that share a standard, η = 5.
const smallComposed = `
name = "small-composed"
horizon_days = 730
dimensions = ["x", "y"]
[builders]
market_potential = 40
p_per_year = 2
q_per_year = 4
composability_amplification = 5
app_lifetime_days = 20
[choice]
outside_utility = -5
[[protocols]]
name = "A"
serves = { x = 0.8 }
standards = { x = "s" }
[[protocols]]
name = "B"
serves = { y = 0.8 }
standards = { y = "s" }
[[app_types]]
name = "pair"
needs = ["x", "y"]
[[app_types]]
name = "single"
needs = ["x"]
`

// TestDeathCheckSkip checks that skipping the thinning check after a death
// that cannot have raised the composed share (appsChanged) changes nothing:
// each run's trace (every arrival, choice, integration and death, with its
// time) is byte-identical to the run that checks the bound after every
// death. The scenarios compose apps under η > 0 without builder incentives
// (deai-2025's variants, small-composed), where the skip acts, and with
// them (defi-2017), where it must not. small-composed redraws after deaths
// often enough that skipping the check after every death changes its trace.
func TestDeathCheckSkip(t *testing.T) {
	cases := []struct{ scenario, variant string }{
		{"deai-2025", "siloed"}, {"deai-2025", "hub"}, {"deai-2025", "both"},
		{"defi-2017", ""}, {"subnets-128", "both"}, {"small-composed", ""},
	}
	for _, c := range cases {
		var spec *scenarios.Spec
		if c.scenario == "small-composed" {
			spec = parse(t, smallComposed)
		} else {
			base, err := scenarios.Builtin(c.scenario)
			if err != nil {
				t.Fatal(err)
			}
			spec = base
			if c.variant != "" {
				if spec, err = base.Variant(c.variant); err != nil {
					t.Fatal(err)
				}
			}
		}
		for r := range reps(1, 3) {
			var traces [2]bytes.Buffer
			var gens [2]uint32
			for k, check := range []bool{false, true} {
				m, err := New(spec, 1, r, Options{Trace: &traces[k]})
				if err != nil {
					t.Fatal(err)
				}
				m.checkDeaths = check
				run(t, m, spec.HorizonDays)
				gens[k] = m.arrGen
			}
			if !bytes.Equal(traces[0].Bytes(), traces[1].Bytes()) {
				t.Errorf("%s/%s replication %d: the trace with the skip differs from the one checking every death", c.scenario, c.variant, r)
			}
			if gens[0] != gens[1] {
				t.Errorf("%s/%s replication %d: %d candidates drawn with the skip; %d checking every death", c.scenario, c.variant, r, gens[0], gens[1])
			}
		}
	}
}
