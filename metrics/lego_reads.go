package metrics

import "github.com/legolab/legolab/scenarios"

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
	at := func(s []float64, t float64) float64 { return interpolate(days, s, t) }
	composedW := at(composedCum, t-W) // read twice below
	cur := composedCum[i] - composedW
	apps := appsCum[i] - at(appsCum, t-W)
	if !(apps <= 0 || cur/apps < rule.ComposedShareMin) {
		prev := composedW - at(composedCum, t-2*W)
		if !(cur < rule.MinComposedPerWindow || cur < rule.GrowthMin*prev) {
			return true
		}
	}
	// LeftTruncated's day t₀: the first eligible one.
	first := i == 0 || !eligible(days[i-1])
	return first && apps > 0 && cur/apps >= rule.ComposedShareMin && cur >= rule.MinComposedPerWindow
}
