package stats

import (
	"math"
	"testing"
)

func TestWilson(t *testing.T) {
	for _, tc := range []struct {
		name   string
		k, n   int
		lo, hi float64
	}{
		// Published values (Newcombe 1998, Table I, and the usual textbook examples).
		{"0 of 10", 0, 10, 0, 0.2775},
		{"5 of 10", 5, 10, 0.2366, 0.7634},
		{"10 of 10", 10, 10, 0.7225, 1},
		{"81 of 263", 81, 263, 0.2553, 0.3662},
		{"no trials", 0, 0, 0, 1},
	} {
		lo, hi := Wilson(tc.k, tc.n)
		if math.Abs(lo-tc.lo) > 5e-5 || math.Abs(hi-tc.hi) > 5e-5 {
			t.Errorf("%s: got [%.4f, %.4f]; want [%.4f, %.4f]", tc.name, lo, hi, tc.lo, tc.hi)
		}
	}
}

func TestWilsonSymmetry(t *testing.T) {
	for n := 1; n <= 40; n++ {
		for k := 0; k <= n; k++ {
			lo, hi := Wilson(k, n)
			mlo, mhi := Wilson(n-k, n)
			p := float64(k) / float64(n)
			if math.Abs(lo-(1-mhi)) > 1e-12 || math.Abs(hi-(1-mlo)) > 1e-12 || !(0 <= lo && lo <= p && p <= hi && hi <= 1) {
				t.Fatalf("k=%d n=%d: got [%v, %v], mirror [%v, %v]", k, n, lo, hi, mlo, mhi)
			}
		}
	}
}

// TestWilsonCoverage computes the exact coverage Σ_k C(n,k)p^k(1−p)^{n−k}·[p ∈ CI(k)], which
// for the Wilson interval stays near 95%: within [0.92, 0.98] for these (n, p).
func TestWilsonCoverage(t *testing.T) {
	for _, tc := range []struct {
		n int
		p float64
	}{{50, 0.3}, {100, 0.1}, {200, 0.5}, {30, 0.2}} {
		cov := 0.0
		for k := 0; k <= tc.n; k++ {
			lo, hi := Wilson(k, tc.n)
			if lo <= tc.p && tc.p <= hi {
				lg, _ := math.Lgamma(float64(tc.n + 1))
				lk, _ := math.Lgamma(float64(k + 1))
				lnk, _ := math.Lgamma(float64(tc.n - k + 1))
				cov += math.Exp(lg - lk - lnk + float64(k)*math.Log(tc.p) + float64(tc.n-k)*math.Log1p(-tc.p))
			}
		}
		if cov < 0.92 || cov > 0.98 {
			t.Errorf("n=%d p=%v: coverage %v; want 0.95 ± 0.03", tc.n, tc.p, cov)
		}
	}
}

func TestWilsonPanics(t *testing.T) {
	for _, tc := range []struct{ k, n int }{{-1, 5}, {6, 5}, {0, -1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Wilson(%d, %d): no panic", tc.k, tc.n)
				}
			}()
			Wilson(tc.k, tc.n)
		}()
	}
}
