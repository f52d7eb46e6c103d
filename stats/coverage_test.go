package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The Monte Carlo coverage study of a median interval (issue 12,
// "Validation"): cut a large reference sample of a known distribution,
// censored at a horizon, into disjoint subsets of m runs, compute the
// interval on each and count how often it covers the reference median. The
// subsets are independent, so the count is Binomial(subsets, coverage) and
// the estimate carries the standard error √(c(1−c)/subsets).

// medianInterval is a 95% interval of the median from runs; hiOK false
// means the upper end lies beyond the horizon (unbounded above).
type medianInterval func(runs []Obs, horizon float64) (lo, hi float64, hiOK bool)

// coverage returns the fraction of the disjoint subsets of m runs of ref
// whose interval covers target, its binomial standard error and the number
// of subsets.
func coverage(ref []Obs, horizon float64, m int, ci medianInterval, target float64) (c, se float64, n int) {
	covered := 0
	for start := 0; start+m <= len(ref); start += m {
		lo, hi, hiOK := ci(ref[start:start+m], horizon)
		if lo <= target && (!hiOK || target <= hi) {
			covered++
		}
		n++
	}
	c = float64(covered) / float64(n)
	return c, math.Sqrt(c * (1 - c) / float64(n)), n
}

// brookmeyerCrowley is the interval legolab reports today (KM.MedianCI).
func brookmeyerCrowley(runs []Obs, horizon float64) (lo, hi float64, hiOK bool) {
	lo, hi, _, hiOK = KaplanMeier(runs, horizon).MedianCI()
	return lo, hi, hiOK
}

// weibullRuns draws n Lego days from a Weibull(shape k, scale λ) in days,
// censored at horizon; with grid > 0 each day is rounded up to the next
// multiple of grid, as the detector reports the first sample day at or after
// the moment.
func weibullRuns(rng *rand.Rand, n int, k, lambda, horizon, grid float64) []Obs {
	out := make([]Obs, n)
	for i := range out {
		t := lambda * math.Pow(-math.Log(1-rng.Float64()), 1/k)
		if grid > 0 {
			t = math.Ceil(t/grid) * grid
		}
		if t > horizon {
			out[i] = Obs{Time: horizon}
		} else {
			out[i] = Obs{Time: t, Event: true}
		}
	}
	return out
}

// orderStatInterval is the distribution-free interval [X_(l), X_(u)] of the
// median of uncensored data, l the largest and u the smallest order with
// P(B < l) ≤ 2.5% and P(B ≥ u) ≤ 2.5%, B ~ Binomial(m, 1/2). Its exact
// coverage is P(l ≤ B < u), which TestCoverageHelper checks the study
// against.
func orderStatInterval(m int) (l, u int, exact float64) {
	pmf := make([]float64, m+1)
	for b := range pmf {
		lg, _ := math.Lgamma(float64(m + 1))
		l1, _ := math.Lgamma(float64(b + 1))
		l2, _ := math.Lgamma(float64(m - b + 1))
		pmf[b] = math.Exp(lg - l1 - l2 - float64(m)*math.Ln2)
	}
	c := 0.0
	for l = 0; c+pmf[l] <= 0.025; l++ {
		c += pmf[l]
	}
	c = 0
	for u = m; c+pmf[u] <= 0.025; u-- {
		c += pmf[u]
	}
	// X_(l) ≤ median < X_(u) (1-based orders) iff l ≤ B < u with B the
	// count below the median; B ~ Binomial(m, 1/2).
	u++
	for b := l; b < u; b++ {
		exact += pmf[b]
	}
	return l, u, exact
}

// TestCoverageHelper validates the study on a case with a known answer: the
// order-statistic interval on uncensored exponential data, whose coverage
// P(l ≤ B < u) is computed exactly. The estimate must lie within 3.5
// standard errors of it (false-failure rate 4.7e-4).
func TestCoverageHelper(t *testing.T) {
	const m, N = 40, 200000
	l, u, exact := orderStatInterval(m)
	rng := rand.New(rand.NewPCG(40, 1))
	ref := make([]Obs, N)
	for i := range ref {
		ref[i] = Obs{Time: rng.ExpFloat64(), Event: true}
	}
	ci := func(runs []Obs, _ float64) (float64, float64, bool) {
		ts := make([]float64, len(runs))
		for i, o := range runs {
			ts[i] = o.Time
		}
		slices.Sort(ts)
		return ts[l-1], ts[u-1], true
	}
	c, se, n := coverage(ref, math.Inf(1), m, ci, math.Ln2)
	if math.Abs(c-exact) > 3.5*se {
		t.Errorf("order-statistic interval: coverage %.4f ± %.4f over %d subsets; want %.4f", c, se, n, exact)
	}
}

// TestKMMedianCoverage measures the coverage of the Brookmeyer–Crowley 95%
// interval of the KM median (KM.MedianCI, unchanged) at m = 40 runs
// per ensemble, against the median of a reference sample of 400,000 runs
// (10,000 disjoint subsets, standard error ≈ 0.0025): Lego days
// Weibull(shape 2, scale 1005 days), median 1005·(ln 2)^½ ≈ 836.7 (midway
// between two weekly sample days, so that the reference median of the
// gridded days is not a coin toss between two of them), censored at a
// horizon of 1200 days (24% censored) or 880 days (47%), continuous and on
// the detector's weekly grid. The figures are logged, not pinned, since issue 12
// asks for the interval to be fixed where it falls short; the test asserts
// only that the reference median matches the known one (within 2 days,
// continuous, or exactly the grid day, weekly) and that coverage is in
// (0.5, 1).
//
// Measured (seeds below), at m = 40: continuous 0.938 ± 0.002, weekly grid
// 0.944 ± 0.002, and the same 0.944 with 47% censored: censoring after the
// median moves neither the lower end nor whether the upper one is above the
// median, so it cannot change coverage. At m = 200 (not run here) the weekly
// case gave 0.960 ± 0.004. So on these smooth distributions the interval is
// slightly short of 95% at m = 40 (by 0.6–1.2 points), far less than the
// 87% that issue 12 reports for defacto over 60 ensembles (whose own
// standard error is about 0.03).
func TestKMMedianCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("coverage study: 400,000 runs × 2")
	}
	const (
		k, lambda = 2.0, 1005.0
		N, m      = 400000, 40
	)
	trueMedian := lambda * math.Pow(math.Ln2, 1/k)
	for _, c := range []struct {
		name          string
		grid, horizon float64
		want          float64 // the known median of the reported days
		tol           float64
	}{
		{"continuous", 0, 1200, trueMedian, 2},
		{"weekly grid", 7, 1200, math.Ceil(trueMedian/7) * 7, 0},
		{"weekly grid, 47% censored", 7, 880, math.Ceil(trueMedian/7) * 7, 0},
	} {
		horizon := c.horizon
		rng := rand.New(rand.NewPCG(40, 2))
		ref := weibullRuns(rng, N, k, lambda, horizon, c.grid)
		refMedian, ok := KaplanMeier(ref, horizon).Median()
		if !ok || math.Abs(refMedian-c.want) > c.tol {
			t.Errorf("%s: reference median %g (reached %v); want %g ± %g", c.name, refMedian, ok, c.want, c.tol)
		}
		cov, se, n := coverage(ref, horizon, m, brookmeyerCrowley, refMedian)
		t.Logf("%s: Brookmeyer–Crowley coverage at m = %d: %.4f ± %.4f (%d subsets, reference median %g)", c.name, m, cov, se, n, refMedian)
		if !(cov > 0.5 && cov < 1) {
			t.Errorf("%s: coverage %.4f; want in (0.5, 1)", c.name, cov)
		}
	}
}
