package lab

import (
	"math"
	"testing"
)

// TestMCPrecisionCoverage checks the Monte Carlo precision interval that a
// forecast reports (the Brookmeyer–Crowley CI of the KM median, summary
// mc_precision.median_ci95_days) against the known median of the fake
// model: 200 independent 40-run ensembles (seeds 1..200) of the variant
// with q = 0.4, whose Lego day is ⌈E/(q/365)/7⌉·7 with E ~ Exp(1), so its
// median is the smallest grid day d with 1 − e^{−(q/365)d} ≥ 1/2,
// computed here. The coverage's binomial standard error at 95% is
// √(0.95·0.05/200) ≈ 0.015; the test fails below 0.95 − 4 SE = 0.888, a
// false-failure rate below 10⁻⁴ for an interval that truly covers 95%
// (the seeds are fixed, so the result is deterministic).
func TestMCPrecisionCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("200 small ensembles")
	}
	const ensembles, runs = 200, 40
	rate := 0.4 / 365
	median := 7.0
	for 1-math.Exp(-rate*median) < 0.5 {
		median += 7
	}
	covered := 0
	for seed := uint64(1); seed <= ensembles; seed++ {
		te := fakeEnsemble(newFake(), "", runs, 1)
		te.Seed = seed
		te.Variants = te.Variants[:1]
		_, res := runMem(t, te.Ensemble)
		ci := res.Summary.Variants[0].Lego.MedianCI95
		lo, hi := 0.0, math.Inf(1)
		if ci[0] != nil {
			lo = *ci[0]
		}
		if ci[1] != nil {
			hi = *ci[1]
		}
		if lo <= median && median <= hi {
			covered++
		}
	}
	cov := float64(covered) / ensembles
	se := math.Sqrt(0.95 * 0.05 / ensembles)
	t.Logf("median CI covered the true median %d/%d = %.3f (SE %.3f)", covered, ensembles, cov, se)
	if cov < 0.95-4*se {
		t.Errorf("Monte Carlo precision interval covers %.3f ± %.3f of the time; want 0.95", cov, se)
	}
}
