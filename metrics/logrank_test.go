package metrics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// ksCritical is the asymptotic critical value of √n·D at level alpha, √(−ln(α/2)/2).
func ksCritical(alpha float64) float64 { return math.Sqrt(-math.Log(alpha/2) / 2) }

func TestLogRankHand(t *testing.T) {
	// a = {1, 3}, b = {2, 4}, all events. By hand:
	// day 1: n=4, nA=2, d=1, dA=1: E=1/2, V=1/4
	// day 2: n=3, nA=1, d=1, dA=0: E=1/3, V=2/9
	// day 3: n=2, nA=1, d=1, dA=1: E=1/2, V=1/4
	// day 4: n=1, nA=0, d=1, dA=0: E=0,   V=0
	// O−E = 2 − 4/3 = 2/3, V = 13/18, chi2 = (4/9)/(13/18) = 8/13.
	a := []Obs{{3, true}, {1, true}}
	b := []Obs{{2, true}, {4, true}}
	chi2, p := LogRank(a, b)
	if want := 8.0 / 13; math.Abs(chi2-want) > 1e-14 {
		t.Errorf("chi2: got %v; want %v", chi2, want)
	}
	if want := math.Erfc(math.Sqrt(4.0 / 13)); math.Abs(p-want) > 1e-14 {
		t.Errorf("p: got %v; want %v", p, want)
	}
	if c2, p2 := LogRank(b, a); math.Abs(c2-chi2) > 1e-14 || math.Abs(p2-p) > 1e-14 {
		t.Errorf("swapped groups: got %v %v; want %v %v", c2, p2, chi2, p)
	}
}

func TestLogRankDegenerate(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b []Obs
	}{
		{"empty", nil, nil},
		{"one empty", []Obs{{1, true}}, nil},
		{"all censored", []Obs{{1, false}}, []Obs{{2, false}}},
	} {
		if chi2, p := LogRank(tc.a, tc.b); chi2 != 0 || p != 1 {
			t.Errorf("%s: got %v %v; want 0 1", tc.name, chi2, p)
		}
	}
	same := []Obs{{1, true}, {2, false}, {3, true}}
	if chi2, p := LogRank(same, same); chi2 != 0 || p != 1 {
		t.Errorf("identical groups: got %v %v; want 0 1", chi2, p)
	}
}

// TestLogRankNull checks that under equal hazards the p-values of 300 seeded comparisons
// are Uniform(0,1): their Kolmogorov–Smirnov statistic must stay below the asymptotic
// α = 0.01 critical value √(ln(200)/2)/√300 ≈ 0.094.
func TestLogRankNull(t *testing.T) {
	const reps = 300
	ps := make([]float64, reps)
	for rep := range reps {
		rng := rand.New(rand.NewPCG(uint64(rep), 31337))
		a := expSample(rng, 60, 0.01, 200)
		b := expSample(rng, 60, 0.01, 200)
		_, ps[rep] = LogRank(a, b)
	}
	d, p := KSUniform(ps)
	if crit := ksCritical(0.01) / math.Sqrt(reps); d > crit {
		t.Errorf("KS of null p-values: got D %v (p %v); want D <= %v", d, p, crit)
	} else {
		t.Logf("KS of null p-values: D %.4f (p %.3f), critical %.4f", d, p, crit)
	}
}

func TestLogRankPower(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	a := expSample(rng, 300, 0.01, 300)
	b := expSample(rng, 300, 0.03, 300)
	if chi2, p := LogRank(a, b); !(p < 1e-6) {
		t.Errorf("rates 0.01 vs 0.03: got chi2 %v p %v; want p < 1e-6", chi2, p)
	}
}

func TestKolmogorovQ(t *testing.T) {
	for _, tc := range []struct {
		alpha float64
	}{{0.2}, {0.1}, {0.05}, {0.01}, {0.001}} {
		// The asymptotic critical value √(−ln(α/2)/2) comes from the first term of the series
		// alone; the neglected terms are below 2e^{-8λ²} ≈ α⁴/8, far under 1e-3 relative.
		if got := KolmogorovQ(ksCritical(tc.alpha)); math.Abs(got-tc.alpha)/tc.alpha > 1e-3 {
			t.Errorf("Q(critical(%v)): got %v; want %v", tc.alpha, got, tc.alpha)
		}
	}
	// Both series agree where they switch, and the classic median of the distribution.
	lo := KolmogorovQ(math.Nextafter(1.18, 0))
	if hi := KolmogorovQ(1.18); math.Abs(lo-hi) > 1e-12 {
		t.Errorf("series switch at 1.18: got %v and %v", lo, hi)
	}
	if got := KolmogorovQ(0.8275735551899077); math.Abs(got-0.5) > 1e-6 {
		t.Errorf("Q(median): got %v; want 0.5", got)
	}
	if KolmogorovQ(0) != 1 || KolmogorovQ(0.1) != 1 || !(KolmogorovQ(10) < 1e-80) {
		t.Errorf("Q extremes: got %v %v %v; want 1 1 ~0", KolmogorovQ(0), KolmogorovQ(0.1), KolmogorovQ(10))
	}
}

func TestKSTest(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	u := make([]float64, 1000)
	beta := make([]float64, 1000)
	for i := range u {
		u[i] = rng.Float64()
		// The median of three uniforms is Beta(2, 2), with CDF 3x² − 2x³.
		x, y, z := rng.Float64(), rng.Float64(), rng.Float64()
		beta[i] = max(min(x, y), min(max(x, y), z))
	}
	if d, p := KSUniform(u); p < 0.01 {
		t.Errorf("uniform vs uniform: got D %v p %v; want p >= 0.01", d, p)
	}
	if d, p := KSUniform(beta); p > 1e-6 {
		t.Errorf("Beta(2,2) vs uniform: got D %v p %v; want p < 1e-6", d, p)
	}
	betaCDF := func(x float64) float64 { x = min(max(x, 0), 1); return 3*x*x - 2*x*x*x }
	if d, p := KSTest(beta, betaCDF); p < 0.01 {
		t.Errorf("Beta(2,2) vs its CDF: got D %v p %v; want p >= 0.01", d, p)
	}
	// One point at 0.5: D = 0.5 exactly.
	if d, _ := KSUniform([]float64{0.5}); d != 0.5 {
		t.Errorf("single point: got D %v; want 0.5", d)
	}
	if d, p := KSUniform(nil); d != 0 || p != 1 {
		t.Errorf("empty: got %v %v; want 0 1", d, p)
	}
}
