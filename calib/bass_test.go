package calib

import (
	"math"
	"testing"
)

// TestBassMean checks the yearly means against the closed-form cumulative
// curve: Σ_{y ≤ T} λ_y = M·F(T), and the peak of adoption falls in the year
// containing t* = ln(q/p)/(p+q) (Bass 1969).
func TestBassMean(t *testing.T) {
	p, q, m := 0.02, 0.45, 1500.0
	b := Bass{Years: 15}
	lam := b.Mean([]float64{p, q, m})
	F := func(t float64) float64 {
		e := math.Exp(-(p + q) * t)
		return (1 - e) / (1 + q/p*e)
	}
	sum := 0.0
	peak := 0
	for y, l := range lam {
		sum += l
		if l > lam[peak] {
			peak = y
		}
	}
	if want := m * F(15); math.Abs(sum-want) > 1e-9*want {
		t.Errorf("Σ λ = %v; want M·F(15) = %v", sum, want)
	}
	tstar := math.Log(q/p) / (p + q)
	if float64(peak) > tstar+1 || float64(peak+1) < tstar {
		t.Errorf("peak year %d; want the year holding t* = %.2f", peak+1, tstar)
	}
	got := b.Reduce([]float64{1, 2, 3})
	if want := []float64{6, (1 + 4 + 9) / 6.0, 1}; got[0] != want[0] || math.Abs(got[1]-want[1]) > 1e-15 || got[2] != want[2] {
		t.Errorf("Reduce = %v; want %v", got, want)
	}
}

// TestPoissonMoments checks the Poisson sampler's mean and variance on both
// branches (multiplication below 10, PTRS above) with 200,000 draws: each
// estimate must lie within 5 standard errors (false-failure probability
// about 6e-7 per check).
func TestPoissonMoments(t *testing.T) {
	r := stream(9, 0, 0, 0)
	for _, lam := range []float64{0.5, 3, 9.9, 10, 37, 1200} {
		const n = 200_000
		s, s2 := 0.0, 0.0
		for range n {
			k := float64(poisson(r, lam))
			s += k
			s2 += k * k
		}
		mean := s / n
		v := s2/n - mean*mean
		if se := math.Sqrt(lam / n); math.Abs(mean-lam) > 5*se {
			t.Errorf("λ=%v: mean %v; want %v ± %v", lam, mean, lam, 5*se)
		}
		// Var of the sample variance ≈ (μ4 − σ⁴)/n = (λ + 2λ²)/n for Poisson.
		if se := math.Sqrt((lam + 2*lam*lam) / n); math.Abs(v-lam) > 5*se {
			t.Errorf("λ=%v: variance %v; want %v ± %v", lam, v, lam, 5*se)
		}
	}
}
