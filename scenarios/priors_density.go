package scenarios

import (
	"math"
	"math/rand/v2"
)

// PriorDist is a continuous prior's distribution as a Sampler draws it
// (truncated to its window and the key's range), with its density: what a
// calibration needs of a prior (calib.Univariate) and its quantiles for a
// report.
type PriorDist interface {
	Rand(r *rand.Rand) float64
	Quantile(p float64) float64
	LogPdf(x float64) float64
}

// Keys returns the canonical key paths of the sampler's priors, in θ order.
func (sm *Sampler) Keys() []string {
	out := make([]string, len(sm.list))
	for i, rp := range sm.list {
		out[i] = rp.key
	}
	return out
}

// Dist returns the distribution of prior i (θ order) as Draw draws it, or
// nil for a choice, which has no density.
func (sm *Sampler) Dist(i int) PriorDist {
	c, ok := sm.list[i].dist.(clamped)
	if !ok {
		return nil
	}
	if _, ok := c.sampler.(interface{ LogPdf(float64) float64 }); !ok {
		return nil
	}
	return c
}

// LogPdf is the density of the underlying distribution within [lo, hi]
// (the clamp only moves values that rounding put past an open end, a set
// of measure zero), −Inf outside.
func (c clamped) LogPdf(x float64) float64 {
	if !(x >= c.lo && x <= c.hi) {
		return math.Inf(-1)
	}
	return c.sampler.(interface{ LogPdf(float64) float64 }).LogPdf(x)
}
