package metrics

import (
	"sort"

	"github.com/legolab/legolab/scenarios"
)

// LegoReadsComposability reports whether DetectLego or LeftTruncated, with
// rule, can read the composability index at the last of the samples given
// so far: days, appsCum and composedCum are the series up to and including
// that sample, the one just taken (later samples do not change the
// answer). A collector that knows only the detector will read its series
// can skip computing the index where this is false, and hold any value
// there (NaN, say): both functions then give the results they give on the
// true series.
//
// The window rule reads composability[i] only at a sample day t ≥ days[0]
// + 2W where the count conditions (b) and (c) hold, and LeftTruncated only
// at the first such day t₀, where (b) and the size part of (c) hold; those
// conditions read the counts at t, t − W and t − 2W ≤ t alone, so they are
// known when the sample at t is taken. The logistic rule never reads the
// index. The expressions below are DetectLego's and LeftTruncated's, so
// that the answer is theirs to the bit; TestLegoReadsComposability checks
// the property on random series and rules.
func LegoReadsComposability(days, appsCum, composedCum []float64, rule scenarios.Lego) bool {
	return legoReads(days, appsCum, composedCum, rule, nil)
}

// LegoReads is LegoReadsComposability for a collector that asks at every
// sample in turn, each time with one sample more: it keeps where t − W and
// t − 2W fell among the days, which only move forward, rather than
// searching for them each time. The zero value is ready; use one per
// series.
type LegoReads struct{ cursor [2]int }

// Composability is LegoReadsComposability(days, appsCum, composedCum, rule).
func (r *LegoReads) Composability(days, appsCum, composedCum []float64, rule scenarios.Lego) bool {
	return legoReads(days, appsCum, composedCum, rule, &r.cursor)
}

// legoReads is LegoReadsComposability, with the interpolations at t − W
// and t − 2W started from cursor's indices when it is not nil.
func legoReads(days, appsCum, composedCum []float64, rule scenarios.Lego, cursor *[2]int) bool {
	n := len(days)
	if n == 0 {
		return false
	}
	W := rule.WindowDays
	switch {
	case W <= 0 || W != W:
		return false
	case rule.Rule == "logistic":
		return false
	case rule.Rule != "" && rule.Rule != "window":
		return true // DetectLego panics on an unknown rule; say nothing less
	}
	i := n - 1
	t := days[i]
	eligible := func(t float64) bool { return !(t < days[0]+2*W-1e-9) }
	if !eligible(t) {
		return false
	}
	at := func(s []float64, t float64, c int) float64 {
		if cursor == nil {
			return interpolate(days, s, t)
		}
		return interpolateFrom(days, s, t, &cursor[c])
	}
	composedW := at(composedCum, t-W, 0) // read twice below
	cur := composedCum[i] - composedW
	apps := appsCum[i] - at(appsCum, t-W, 0)
	if !(apps <= 0 || cur/apps < rule.ComposedShareMin) {
		prev := composedW - at(composedCum, t-2*W, 1)
		if !(cur < rule.MinComposedPerWindow || cur < rule.GrowthMin*prev) {
			return true
		}
	}
	// LeftTruncated's day t₀: the first eligible one.
	first := i == 0 || !eligible(days[i-1])
	return first && apps > 0 && cur/apps >= rule.ComposedShareMin && cur >= rule.MinComposedPerWindow
}

// interpolateFrom is interpolate(days, s, t), finding t's place among the
// days by a scan from *from, the place found for an earlier t, which it
// then updates: when the t asked for do not decrease, as a series grows,
// the scans together take one pass. A t before *from's place is searched
// for as interpolate does.
func interpolateFrom(days, s []float64, t float64, from *int) float64 {
	n := len(days)
	if t <= days[0] {
		return s[0]
	}
	if t >= days[n-1] {
		return s[n-1]
	}
	// The place i is the first with t ≤ days[i], sort.SearchFloat64s's:
	// in [1, n−1] here, since days[0] < t < days[n−1].
	i := min(max(*from, 1), n-1)
	if days[i-1] >= t {
		i = sort.SearchFloat64s(days, t)
	}
	for days[i] < t {
		i++
	}
	*from = i
	if days[i] == t {
		return s[i]
	}
	t0, t1 := days[i-1], days[i]
	return s[i-1] + (s[i]-s[i-1])*(t-t0)/(t1-t0)
}
