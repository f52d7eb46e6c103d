package stats

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
