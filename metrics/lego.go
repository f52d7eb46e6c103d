package metrics

import (
	"fmt"
	"math"
	"sort"

	"github.com/legolab/legolab/scenarios"
)

// DetectLego finds the Lego moment in one replication's series, sampled on
// days (ascending): composability is the composability index, appsCum the
// cumulative number of apps built (builders_cum) and composedCum the
// cumulative number of composed apps built (composed_cum). It returns the
// day of the Lego moment and true, or the last day (the horizon) and false
// when the replication is right-censored.
//
// Rule "window" (the default): the first sample day t ≥ days[0] + 2W such
// that, with n(a, b) the composed apps built in (a, b] and N(a, b) all apps
// built in (a, b] (cumulative series interpolated linearly between samples),
//
//	(a) composability[t] ≥ composability_min,
//	(b) n(t−W, t) / N(t−W, t) ≥ composed_share_min,
//	(c) n(t−W, t) ≥ min_composed_per_window and
//	    n(t−W, t) ≥ growth_min · n(t−2W, t−W).
//
// Requiring t ≥ days[0] + 2W gives condition (c) a full window to compare
// with, so the start of the series never counts as an explosion; the other
// side of that coin is that an explosion over before days[0] + 2W goes
// unseen. And in a saturated market, where composed apps trickle in at a
// steady λ per window, two Poisson counts pass (c) by chance with
// probability P(X ≥ max(min, G·Y)) at every sample day, so
// min_composed_per_window must sit well above λ (docs/model.md, "Two blind
// spots").
//
// Rule "logistic": the inflection of cumulative composed apps, estimated
// without a parametric fit as the centre of the trailing window W with the
// highest rate of new composed apps (the inflection of a logistic is where
// its derivative peaks). It counts as reached only if that window holds at
// least min_composed_per_window composed apps, its rate is at least
// growth_min times the lowest earlier window rate, and the rate over the
// last window has fallen to at most half the peak (the inflection is behind
// us, not just growth still accelerating at the horizon).
//
// DetectLego panics if the series lengths differ (a programming error).
func DetectLego(days, composability, appsCum, composedCum []float64, rule scenarios.Lego) (day float64, reached bool) {
	n := len(days)
	if len(composability) != n || len(appsCum) != n || len(composedCum) != n {
		panic(fmt.Sprintf("metrics: DetectLego: series lengths differ (days %d, composability %d, apps %d, composed %d)",
			n, len(composability), len(appsCum), len(composedCum)))
	}
	if n == 0 {
		return 0, false
	}
	horizon := days[n-1]
	W := rule.WindowDays
	if W <= 0 || math.IsNaN(W) {
		return horizon, false
	}
	at := func(s []float64, t float64) float64 { return interpolate(days, s, t) }
	switch rule.Rule {
	case "logistic":
		return detectLogistic(days, composedCum, rule, at)
	case "", "window":
	default:
		panic(fmt.Sprintf("metrics: DetectLego: unknown rule %q", rule.Rule))
	}
	for i, t := range days {
		if t < days[0]+2*W-1e-9 {
			continue
		}
		if composability[i] < rule.ComposabilityMin {
			continue
		}
		cur := composedCum[i] - at(composedCum, t-W)
		apps := appsCum[i] - at(appsCum, t-W)
		if apps <= 0 || cur/apps < rule.ComposedShareMin {
			continue
		}
		prev := at(composedCum, t-W) - at(composedCum, t-2*W)
		if cur < rule.MinComposedPerWindow || cur < rule.GrowthMin*prev {
			continue
		}
		return t, true
	}
	return horizon, false
}

// LeftTruncated reports whether a replication's composition was already
// established when the window rule first looks, at the first sample day
// t₀ ≥ days[0] + 2W: conditions (a) and (b) of DetectLego and the size
// part of (c), n(t₀−W, t₀] ≥ min_composed_per_window, all hold at t₀. Any
// explosion then happened in the first 2W days, which the rule cannot see
// (docs/model.md, "Two blind spots"): a Lego moment it reports on t₀ is
// "at or before t₀", not a dated explosion, and a censored run composed
// without the rule being able to date it. The detector's answer is left as
// it is (it is what docs/model.md defines); this flags the run so that a report
// can say so, and a scenario where most runs are flagged switches its
// pathway on too early. Series shorter than 2W, and the logistic rule
// (whose first window is already comparable with none), are never flagged.
//
// LeftTruncated panics if the series lengths differ (a programming error).
func LeftTruncated(days, composability, appsCum, composedCum []float64, rule scenarios.Lego) bool {
	n := len(days)
	if len(composability) != n || len(appsCum) != n || len(composedCum) != n {
		panic(fmt.Sprintf("metrics: LeftTruncated: series lengths differ (days %d, composability %d, apps %d, composed %d)",
			n, len(composability), len(appsCum), len(composedCum)))
	}
	W := rule.WindowDays
	if n == 0 || W <= 0 || math.IsNaN(W) || (rule.Rule != "" && rule.Rule != "window") {
		return false
	}
	i := sort.Search(n, func(i int) bool { return days[i] >= days[0]+2*W-1e-9 })
	if i == n {
		return false
	}
	t := days[i]
	cur := composedCum[i] - interpolate(days, composedCum, t-W)
	apps := appsCum[i] - interpolate(days, appsCum, t-W)
	return composability[i] >= rule.ComposabilityMin && apps > 0 && cur/apps >= rule.ComposedShareMin &&
		cur >= rule.MinComposedPerWindow
}

func detectLogistic(days, composedCum []float64, rule scenarios.Lego, at func([]float64, float64) float64) (float64, bool) {
	n := len(days)
	horizon := days[n-1]
	W := rule.WindowDays
	best, bestI := -1.0, -1
	minBefore := math.Inf(1)
	minAtBest := math.Inf(1)
	for i, t := range days {
		if t < days[0]+W-1e-9 {
			continue
		}
		c := composedCum[i] - at(composedCum, t-W)
		if c > best {
			best, bestI = c, i
			minAtBest = minBefore
		}
		minBefore = math.Min(minBefore, c)
	}
	if bestI < 0 || best < rule.MinComposedPerWindow {
		return horizon, false
	}
	if !math.IsInf(minAtBest, 1) && best < rule.GrowthMin*minAtBest {
		return horizon, false
	}
	last := composedCum[n-1] - at(composedCum, horizon-W)
	if last > best/2 {
		return horizon, false
	}
	return days[bestI] - W/2, true
}

// interpolate returns s at day t, linear between samples and clamped to
// the first and last samples outside them.
func interpolate(days, s []float64, t float64) float64 {
	n := len(days)
	if t <= days[0] {
		return s[0]
	}
	if t >= days[n-1] {
		return s[n-1]
	}
	i := sort.SearchFloat64s(days, t) // days[i-1] < t ≤ days[i]
	if days[i] == t {
		return s[i]
	}
	t0, t1 := days[i-1], days[i]
	return s[i-1] + (s[i]-s[i-1])*(t-t0)/(t1-t0)
}
