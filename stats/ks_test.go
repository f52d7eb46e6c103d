package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

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

func TestKS(t *testing.T) {
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
	if d, p := KS(beta, betaCDF); p < 0.01 {
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
