package stats

import (
	"math"
	"slices"

	"github.com/legolab/legolab/internal/portable"
)

// KS is the one-sample Kolmogorov–Smirnov test of xs against a continuous CDF. It returns
// the statistic d = sup|F_n − F| and the asymptotic p-value Q(λ) of the Kolmogorov
// distribution at λ = (√n + 0.12 + 0.11/√n)·d, Stephens' (1970) small-sample adjustment, good
// to a few per cent of p for n >= 5. The order of xs does not matter; xs is not modified. With
// no data it returns 0 and 1. It panics on a NaN sample.
func KS(xs []float64, cdf func(float64) float64) (d, p float64) {
	if len(xs) == 0 {
		return 0, 1
	}
	s := slices.Clone(xs)
	for _, x := range s {
		if math.IsNaN(x) {
			panic("stats: ks test of a NaN sample")
		}
	}
	slices.Sort(s)
	n := float64(len(s))
	for i, x := range s {
		f := cdf(x)
		d = max(d, f-float64(i)/n, float64(i+1)/n-f)
	}
	sn := math.Sqrt(n)
	return d, KolmogorovQ((sn + 0.12 + 0.11/sn) * d)
}

// KSUniform is KS against the Uniform(0, 1) distribution, as for p-values under a null
// hypothesis or a Pólya urn's limiting share.
func KSUniform(xs []float64) (d, p float64) {
	return KS(xs, func(x float64) float64 { return min(max(x, 0), 1) })
}

// KolmogorovQ is the survival function of the Kolmogorov distribution,
// Q(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}, the limiting P(√n·D_n > λ). Below λ = 1.18, where
// that series converges slowly, it uses the equivalent Jacobi theta form
// 1 − (√(2π)/λ) Σ_{k odd} e^{−k²π²/(8λ²)}.
func KolmogorovQ(lambda float64) float64 {
	if !(lambda > 0) {
		return 1
	}
	var q float64
	if lambda < 1.18 {
		sum := 0.0
		for k := 1; k < 20; k += 2 {
			kk := float64(k)
			sum += portable.Exp(-kk * kk * math.Pi * math.Pi / (8 * lambda * lambda))
		}
		q = 1 - math.Sqrt(2*math.Pi)/lambda*sum
	} else {
		sign := 1.0
		for k := 1; k < 100; k++ {
			kk := float64(k)
			term := portable.Exp(-2 * kk * kk * lambda * lambda)
			q += sign * term
			if term < 1e-18 {
				break
			}
			sign = -sign
		}
		q *= 2
	}
	return min(max(q, 0), 1)
}
