package agents

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/legolab/legolab/internal/portable"
)

// TestExpNegError measures expNeg against portable.Exp on [-700, 0]: uniformly
// over the whole range and over [-2, 0], where most logit arguments fall,
// and at every table step k·ln2/256, its neighbours and the midpoints.
func TestExpNegError(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 15))
	worst := 0.0
	check := func(x float64) {
		e, f := portable.Exp(x), expNeg(x)
		d := math.Abs(f-e) / e
		if !(d <= expNegMaxErr) {
			t.Fatalf("expNeg(%v) = %v, portable.Exp = %v: relative error %g over the bound %g", x, f, e, d, expNegMaxErr)
		}
		worst = max(worst, d)
	}
	n := 2_000_000
	if testing.Short() {
		n = 200_000
	}
	for i := range n {
		if i%2 == 0 {
			check(-700 * r.Float64())
		} else {
			check(-2 * r.Float64())
		}
	}
	for k := 0; float64(k)/log2e8 <= 700; k++ {
		x := -float64(k) / log2e8
		check(x)
		check(math.Nextafter(x, 0))
		if x > -700 {
			check(math.Nextafter(x, -1))
		}
		check(x - 0.5/log2e8)
	}
	for _, x := range []float64{0, math.Copysign(0, -1), -0x1p-1074, -1e-300, -700} {
		check(x)
	}
	t.Logf("worst relative error %.3g, %.2f ulp of 1", worst, worst/0x1p-52)
	for _, x := range []float64{math.Nextafter(-700, -1000), -745, -1e9, math.Inf(-1)} {
		if f := expNeg(x); f != 0 {
			t.Errorf("expNeg(%v) = %v, want 0", x, f)
		}
		if e := portable.Exp(x); e >= 1e-304 {
			t.Errorf("portable.Exp(%v) = %v, not below 1e-304", x, e)
		}
	}
	if f := expNeg(0.5); f != portable.Exp(0.5) {
		t.Errorf("expNeg(0.5) = %v, want portable.Exp's %v", f, portable.Exp(0.5))
	}
	if f := expNeg(math.NaN()); !math.IsNaN(f) {
		t.Errorf("expNeg(NaN) = %v, want NaN", f)
	}
	// A NaN argument (0·∞) makes both draws pick the outside option.
	for _, util := range [][]float64{{math.Inf(-1), 1}, {1, math.Inf(-1), 0.5}} {
		w := make([]float64, len(util))
		got, ok := fastPick(w, util, 0, 0, 1, 0.5)
		want := exactPick(append([]float64(nil), util...), 0, 0, 1, 0.5)
		if !ok || got != want {
			t.Errorf("utilities %v, β = 0: fastPick %d, %v; exactPick %d", util, got, ok, want)
		}
	}
}

// TestFastPickAgrees wants fastPick's pick to be exactPick's whenever
// fastPick makes one, on random utilities and on adversarial draws: r
// placed so that r·S lands on a boundary between two options, or one
// ulp either side. It also counts the adversarial cases where the fast
// weights without the margin pick another option than portable.Exp's, to
// show that the margin is needed and the test can tell.
func TestFastPickAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 15))
	cases := 200_000
	if testing.Short() {
		cases = 20_000
	}
	var fallbacks, naiveWrong, random, randomFallbacks int
	util := make([]float64, 0, 80)
	for c := range cases {
		n := 1 + rng.IntN(70)
		beta := []float64{0, 1, 5 * rng.Float64(), 40 * rng.Float64(), 1e3}[rng.IntN(5)]
		util = util[:0]
		for range n {
			var u float64
			switch rng.IntN(4) {
			case 0:
				u = float64(rng.IntN(3)) // ties, and utilities equal to best
			case 1:
				u = rng.NormFloat64() * 1e-8 // near-ties
			default:
				u = rng.NormFloat64() * 3
			}
			util = append(util, u)
		}
		outside := rng.NormFloat64() * 2
		best := outside
		for _, u := range util {
			best = max(best, u)
		}
		// Exact weights and running remainders, for the adversarial draws.
		w := append([]float64(nil), util...)
		exactPick(w, beta, outside, best, 0)
		sum := expShift(beta, outside, best)
		for _, x := range w {
			sum += x
		}
		var r float64
		if c%2 == 0 {
			r = rng.Float64()
			random++
		} else {
			// r·S at the end of option j's interval (a prefix sum), or an ulp off.
			j := rng.IntN(n + 1)
			prefix := 0.0
			for _, x := range w[:j] {
				prefix += x
			}
			r = prefix / sum
			switch rng.IntN(3) {
			case 1:
				r = math.Nextafter(r, 0)
			case 2:
				r = math.Nextafter(r, 1)
			}
			if r >= 1 {
				r = math.Nextafter(1, 0)
			}
		}
		want := exactPick(append([]float64(nil), util...), beta, outside, best, r)
		fw := make([]float64, n)
		got, ok := fastPick(fw, util, beta, outside, best, r)
		if !ok {
			fallbacks++
			if c%2 == 0 {
				randomFallbacks++
			}
		} else if got != want {
			t.Fatalf("case %d: fastPick picked %d, exactPick %d (β %v, outside %v, r %v, utilities %v)",
				c, got, want, beta, outside, r, util)
		}
		if naivePick(fw, beta, outside, best, r) != want {
			naiveWrong++
		}
	}
	t.Logf("%d cases (%d random): %d fell back to exactPick (%d random); the fast weights without the margin picked wrong %d times",
		cases, random, fallbacks, randomFallbacks, naiveWrong)
	if fallbacks == 0 || naiveWrong == 0 {
		t.Errorf("the adversarial draws never needed the fallback (%d) or never fooled the fast weights (%d): the test has no power", fallbacks, naiveWrong)
	}
	// A random draw lands within the margin of one of at most 71
	// boundaries with probability under 2·71·1e-9 per case.
	if randomFallbacks > 0 {
		t.Errorf("%d random draws fell back; expected none at a rate under 1.5e-7 a case", randomFallbacks)
	}
}

// naivePick is fastPick's draw on its weights w, without the margin.
func naivePick(w []float64, beta, outside, best, r float64) int {
	sum := expNeg(beta * (outside - best))
	for _, x := range w {
		sum += x
	}
	x := r * sum
	for i, wi := range w {
		if x < wi {
			return i
		}
		x -= wi
	}
	return -1
}

// BenchmarkExp times portable.Exp and expNegAll over the logit's usual
// number of options, per value.
func BenchmarkExp(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 15))
	xs := make([]float64, 1024)
	for i := range xs {
		xs[i] = -3 * r.ExpFloat64()
	}
	w := make([]float64, 5)
	b.Run("portable.Exp", func(b *testing.B) {
		for i := range b.N {
			x := xs[(i*8)&1023:]
			for j := range w {
				w[j] = portable.Exp(x[j])
			}
		}
	})
	b.Run("expNegAll", func(b *testing.B) {
		for i := range b.N {
			copy(w, xs[(i*8)&1023:])
			expNegAll(w)
		}
	})
}
