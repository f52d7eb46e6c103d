package stats

import (
	"math"

	"github.com/legolab/legolab/internal/portable"
)

// MeanCI returns the mean of xs and its two-sided 95% confidence interval
// mean ± t·s/√n, with s the sample standard deviation and t the 97.5% quantile of
// Student's t distribution with n−1 degrees of freedom (Student 1908). The normal z = 1.96
// in its place is 5% too narrow at n = 25 and 18% at n = 9. With one value the interval is
// NaN; with none all three are NaN. The sums run in the order of xs.
func MeanCI(xs []float64) (mean, lo, hi float64) {
	n := len(xs)
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(n)
	if n < 2 {
		return mean, math.NaN(), math.NaN()
	}
	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	half := StudentT975(n-1) * math.Sqrt(ss/float64(n-1)/float64(n))
	return mean, mean - half, mean + half
}

// StudentT975 returns the 97.5% quantile of Student's t distribution with df degrees of
// freedom, the half-width multiplier of a 95% interval of a mean. Its Quantile draws no
// random numbers, so the distribution needs no Src. It panics unless df >= 1.
func StudentT975(df int) float64 {
	if df < 1 {
		panic("stats: student's t needs df >= 1")
	}
	return portable.StudentsTQuantile(float64(df), 0.975)
}

// MainEffects estimates each factor's first-order sensitivity index as the correlation
// ratio (Pearson 1903)
//
//	η²_j = Σ_b n_b (ȳ_b − ȳ)² / Σ_i (y_i − ȳ)²,
//
// the points grouped by level[j][i], the level (0, 1, ...) of factor j at point i. On a full
// factorial grid it is the exact first-order ANOVA share of the variance; on binned samples
// it is a screening estimate biased up by about (levels − 1)/n from noise. It returns an
// error with fewer than two points or an output of zero variance, and panics if a row of
// level does not have one non-negative level per output.
func MainEffects(y []float64, level [][]int) ([]float64, error) {
	n := len(y)
	if n < 2 {
		return nil, errorf("main effects need at least 2 points, got %d", n)
	}
	for _, l := range level {
		if len(l) != n {
			panic("stats: main effects need one level per output")
		}
	}
	mean := 0.0
	for _, v := range y {
		mean += v
	}
	mean /= float64(n)
	total := 0.0
	for _, v := range y {
		total += (v - mean) * (v - mean)
	}
	if !(total > 0) {
		return nil, errorf("main effects output variance is zero")
	}
	s1 := make([]float64, len(level))
	for j, l := range level {
		bins := 0
		for _, b := range l {
			if b < 0 {
				panic("stats: main effects level must be non-negative")
			}
			bins = max(bins, b+1)
		}
		sum := make([]float64, bins)
		cnt := make([]int, bins)
		for i, b := range l {
			sum[b] += y[i]
			cnt[b]++
		}
		between := 0.0
		for b := range bins {
			if cnt[b] > 0 {
				m := sum[b] / float64(cnt[b])
				between += float64(cnt[b]) * (m - mean) * (m - mean)
			}
		}
		s1[j] = between / total
	}
	return s1, nil
}
