package agents

import (
	"fmt"
	"math"
	"testing"
)

// bassF is the Bass (1969) adopted fraction F(t) = (1 − e^{−(p+q)t}) /
// (1 + (q/p)·e^{−(p+q)t}).
func bassF(p, q, t float64) float64 {
	e := math.Exp(-(p + q) * t)
	return (1 - e) / (1 + q/p*e)
}

// TestBassDiffusion checks that with interop off (one protocol, so no app
// can be composed) cumulative builders follow Bass diffusion: the mean over
// replications of N(t) is M·F(t) within four standard errors plus the
// stochastic model's own O(1) departure from the mean-field curve. The
// false-failure rate is below 6·10⁻⁵ per time point, 4·10⁻⁴ for the six
// (the seeds are fixed, so the result is deterministic).
func TestBassDiffusion(t *testing.T) {
	const (
		p, q = 0.03, 0.38
		M    = 2000
	)
	// docs/sources.md: p=0.03, q=0.38 → T* = 6.193 years, F(T*) = 0.4605,
	// F(10) = 0.8128. Recompute them so the test pins the formula too.
	tStar := math.Log(q/p) / (p + q)
	if got := bassF(p, q, tStar); math.Abs(got-0.4605) > 5e-4 {
		t.Fatalf("F(T*) = %.4f; want 0.4605", got)
	}
	if got := bassF(p, q, 10); math.Abs(got-0.8128) > 5e-4 {
		t.Fatalf("F(10) = %.4f; want 0.8128", got)
	}
	spec := parse(t, fmt.Sprintf(`
name = "bass"
horizon_days = 3652.5
dimensions = ["x"]
[builders]
market_potential = %d
p_per_year = %g
q_per_year = %g
composability_amplification = 2
app_lifetime_days = 365
[[protocols]]
name = "solo"
serves = { x = 1.0 }
[[app_types]]
name = "single"
needs = ["x"]
`, M, p, q))
	years := []float64{1, 2, 4, tStar, 8, 10}
	R := reps(200, 200)
	sum := make([]float64, len(years))
	sum2 := make([]float64, len(years))
	var o Observation
	for r := range R {
		m := newModel(t, spec, r)
		for k, y := range years {
			run(t, m, y*daysPerYear)
			m.Observe(&o)
			n := float64(o.BuildersCum)
			sum[k] += n
			sum2[k] += n * n
			if o.ComposedLive != 0 {
				t.Fatalf("replication %d: %d composed apps with one protocol", r, o.ComposedLive)
			}
		}
	}
	for k, y := range years {
		mean := sum[k] / float64(R)
		sd := math.Sqrt(math.Max(sum2[k]/float64(R)-mean*mean, 0))
		se := sd / math.Sqrt(float64(R))
		want := M * bassF(p, q, y)
		// The stochastic Bass process departs from M·F(t) by O(1)
		// builders (the −(q/M)·Var(N) term of dE[N]/dt); allow 0.2% of M.
		tol := 4*se + 0.002*M
		if math.Abs(mean-want) > tol {
			t.Errorf("t=%.3f years: mean N = %.1f; want M·F(t) = %.1f ± %.1f (se %.2f)", y, mean, want, tol, se)
		}
	}
}
