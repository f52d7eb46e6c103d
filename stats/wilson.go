package stats

import "math"

// Wilson returns the 95% Wilson score interval (Wilson 1927) for a binomial proportion with k
// successes in n trials:
//
//	(p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n),
//
// which, unlike the Wald interval, stays inside [0, 1] and keeps close to nominal coverage
// at k = 0 or k = n. With n = 0 it returns [0, 1]. It panics unless 0 <= k <= n.
func Wilson(k, n int) (lo, hi float64) {
	if n < 0 || k < 0 || k > n {
		panic("stats: wilson interval needs 0 <= k <= n")
	}
	if n == 0 {
		return 0, 1
	}
	const z = z975
	nn := float64(n)
	p := float64(k) / nn
	den := 1 + z*z/nn
	center := (p + z*z/(2*nn)) / den
	half := z / den * math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn))
	lo, hi = max(center-half, 0), min(center+half, 1)
	if k == 0 {
		lo = 0
	}
	if k == n {
		hi = 1
	}
	return lo, hi
}
