package stats

import "math"

// Quantile returns the q-quantile, 0 <= q <= 1, of sorted (ascending, non-empty) values:
// Hyndman & Fan's type 7, the default of R and NumPy, which interpolates linearly between
// the order statistics at rank h = q(n−1) (0-based),
//
//	x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
//
// It is the one quantile of the module's exact summaries: Sketch while it is exact, Fan up
// to six values, Sobol's bootstrap intervals and a sweep's median over points. Infinite
// values are allowed: where the rank falls on an order statistic, or between equal ones,
// that value is returned as it is, so a +∞ never turns into a NaN (∞ − ∞ or 0·∞). It
// panics if sorted is empty or q is outside [0, 1].
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		panic("stats: quantile of no values")
	}
	if !(q >= 0 && q <= 1) {
		panic("stats: quantile must be in [0, 1]")
	}
	h := q * float64(len(sorted)-1)
	i := int(math.Floor(h))
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	if sorted[i+1] == sorted[i] || h == float64(i) {
		return sorted[i]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}

// MedianCIRanks returns the 0-based order statistics that bound a distribution-free 95%
// confidence interval of the median of n values: ranks n/2 ∓ 1.96·√n/2, the normal
// approximation to the Binomial(n, 1/2) count below the median, clamped to [0, n−1]. It
// panics unless n >= 1.
func MedianCIRanks(n int) (lo, hi int) {
	if n < 1 {
		panic("stats: median interval of no values")
	}
	half := z975 * math.Sqrt(float64(n)) / 2
	lo = int(math.Floor(float64(n)/2 - half))
	hi = int(math.Ceil(float64(n)/2+half)) - 1
	return min(max(lo, 0), n-1), min(max(hi, 0), n-1)
}
