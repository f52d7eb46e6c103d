package metrics

import (
	"math"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

func defaultLego() scenarios.Lego {
	return scenarios.Lego{Rule: "window", WindowDays: 90, ComposabilityMin: 0.3, ComposedShareMin: 0.3,
		GrowthMin: 2, MinComposedPerWindow: 10, ComposeCostMax: 5}
}

// series builds sample days 0, every, ..., horizon and cumulative series
// by integrating the given rates (per day) exactly on each interval.
func series(horizon, every float64, ci func(t float64) float64, appsCum, composedCum func(t float64) float64) (days, c, a, k []float64) {
	for t := 0.0; t <= horizon+1e-9; t += every {
		days = append(days, t)
		c = append(c, ci(t))
		a = append(a, appsCum(t))
		k = append(k, composedCum(t))
	}
	return
}

func TestDetectLegoExplosion(t *testing.T) {
	// 10 apps a day; composed share 0.1 until day T0, then 0.9. Over the
	// window ending x days after T0: share = 0.1 + 0.8x/W ≥ s* needs
	// x ≥ (s* − 0.1)·W/0.8 = 22.5 days; growth n_cur/n_prev =
	// (0.1W + 0.8x)/(0.1W) ≥ G needs x ≥ (G − 1)·0.1W/0.8 = 11.25 days.
	// So the moment is the first sample day ≥ T0 + 22.5.
	const rate, T0, every = 10.0, 1001.0, 7.0
	rule := defaultLego()
	W := rule.WindowDays
	xMin := math.Max((rule.ComposedShareMin-0.1)*W/0.8, (rule.GrowthMin-1)*0.1*W/0.8)
	want := math.Ceil((T0+xMin)/every) * every
	composed := func(t float64) float64 {
		if t <= T0 {
			return 0.1 * rate * t
		}
		return 0.1*rate*T0 + 0.9*rate*(t-T0)
	}
	days, c, a, k := series(2000, every, func(float64) float64 { return 0.5 }, func(t float64) float64 { return rate * t }, composed)
	day, ok := DetectLego(days, c, a, k, rule)
	if !ok || day != want {
		t.Errorf("explosion at day %g: DetectLego = (%g, %v); want (%g, true)", T0, day, ok, want)
	}
	// The same series with composability below c* is censored at the
	// horizon; raising the index at day 1500 moves the moment there.
	low := make([]float64, len(c))
	for i := range low {
		low[i] = 0.29
	}
	if day, ok := DetectLego(days, low, a, k, rule); ok || day != days[len(days)-1] {
		t.Errorf("composability below c*: (%g, %v); want censored at the last day", day, ok)
	}
	for i, d := range days {
		if d >= 1500 {
			low[i] = 0.3
		}
	}
	// By day 1500 the growth condition no longer holds (steady 0.9
	// share): the explosion is over, so it is never reached.
	if day, ok := DetectLego(days, low, a, k, rule); ok {
		t.Errorf("composability reached after the explosion: (%g, %v); want censored", day, ok)
	}
}

func TestDetectLegoDrift(t *testing.T) {
	// Composed apps growing 2.5× a year (DeFi's pre-explosion pace): over
	// a 90-day window the rate grows 2.5^(90/365.25) ≈ 1.25× < G, so
	// the drift must never count as an explosion, however high the shares.
	rule := defaultLego()
	g := math.Log(2.5) / 365.25
	cum := func(t float64) float64 { return 20 / g * (math.Exp(g*t) - 1) }
	days, c, a, k := series(3650, 7, func(float64) float64 { return 1 }, func(t float64) float64 { return 1.2 * cum(t) }, cum)
	if day, ok := DetectLego(days, c, a, k, rule); ok {
		t.Errorf("slow drift detected at day %g", day)
	}
	// The same pace but 4× a window (≈ 280×/year) is an explosion.
	g = math.Log(4) / rule.WindowDays
	days, c, a, k = series(3650, 7, func(float64) float64 { return 1 }, func(t float64) float64 { return 1.2 * cum(t) }, cum)
	if _, ok := DetectLego(days, c, a, k, rule); !ok {
		t.Errorf("4× per window not detected")
	}
}

func TestDetectLegoNever(t *testing.T) {
	rule := defaultLego()
	days, c, a, k := series(3650, 7, func(float64) float64 { return 0 }, func(t float64) float64 { return t }, func(float64) float64 { return 0 })
	if day, ok := DetectLego(days, c, a, k, rule); ok || day != days[len(days)-1] {
		t.Errorf("nothing composed: (%g, %v); want (%g, false)", day, ok, days[len(days)-1])
	}
	if day, ok := DetectLego(nil, nil, nil, nil, rule); ok || day != 0 {
		t.Errorf("empty series: (%g, %v); want (0, false)", day, ok)
	}
	// A burst inside the first 2W cannot be compared with a window before
	// it: not an explosion.
	burst := func(t float64) float64 { return math.Min(t, 100) * 5 }
	days, c, a, k = series(3650, 7, func(float64) float64 { return 1 }, burst, burst)
	if day, ok := DetectLego(days, c, a, k, rule); ok {
		t.Errorf("burst at the start detected at day %g", day)
	}
}

func TestLeftTruncated(t *testing.T) {
	// Composed share 0.9 of 10 apps a day from day T0 (0.1 before), the
	// index 0.5 throughout, samples every 7 days, so the rule first looks
	// on day 182 (the first sample ≥ 2W = 180). With T0 inside the first
	// 2W the window (92, 182] is mostly composed, whatever the growth
	// test says; with T0 = 1001 it is not (share 0.1 < s*). The jump on
	// day 150 is still dated by DetectLego (growth (0.9·32 + 0.1·58)/9 ≈
	// 3.8 ≥ G on day 182) but only as "at or before"; the jump on day 20
	// is over by day 182 (growth 810/666 ≈ 1.2), so DetectLego censors it.
	rule := defaultLego()
	const rate, every = 10.0, 7.0
	for _, tc := range []struct {
		name        string
		t0          float64
		wantTrunc   bool
		wantReached bool
		wantDay     float64
	}{
		{"jump on day 20", 20, true, false, 3647},
		{"jump on day 150", 150, true, true, 182},
		{"jump on day 1001", 1001, false, true, 1029},
	} {
		composed := func(t float64) float64 {
			if t <= tc.t0 {
				return 0.1 * rate * t
			}
			return 0.1*rate*tc.t0 + 0.9*rate*(t-tc.t0)
		}
		days, c, a, k := series(3650, every, func(float64) float64 { return 0.5 }, func(t float64) float64 { return rate * t }, composed)
		if got := LeftTruncated(days, c, a, k, rule); got != tc.wantTrunc {
			t.Errorf("%s: LeftTruncated = %v; want %v", tc.name, got, tc.wantTrunc)
		}
		if day, ok := DetectLego(days, c, a, k, rule); ok != tc.wantReached || day != tc.wantDay {
			t.Errorf("%s: DetectLego = (%g, %v); want (%g, %v)", tc.name, day, ok, tc.wantDay, tc.wantReached)
		}
		// Composition below the index threshold is not established.
		low := make([]float64, len(c))
		for i := range low {
			low[i] = rule.ComposabilityMin - 0.01
		}
		if LeftTruncated(days, low, a, k, rule) {
			t.Errorf("%s: flagged with the index below c*", tc.name)
		}
	}
	// Too short a series, and the logistic rule, are never flagged.
	days, c, a, k := series(175, every, func(float64) float64 { return 1 }, func(t float64) float64 { return rate * t }, func(t float64) float64 { return rate * t })
	if LeftTruncated(days, c, a, k, rule) {
		t.Errorf("series shorter than 2W flagged")
	}
	logistic := rule
	logistic.Rule = "logistic"
	days, c, a, k = series(3650, every, func(float64) float64 { return 1 }, func(t float64) float64 { return rate * t }, func(t float64) float64 { return rate * t })
	if LeftTruncated(days, c, a, k, logistic) {
		t.Errorf("logistic rule flagged")
	}
	defer func() {
		if recover() == nil {
			t.Errorf("no panic on mismatched lengths")
		}
	}()
	LeftTruncated([]float64{0, 1}, []float64{0}, []float64{0, 1}, []float64{0, 1}, rule)
}

func TestDetectLegoLogistic(t *testing.T) {
	rule := defaultLego()
	rule.Rule = "logistic"
	const K, r, t0 = 5000.0, 0.02, 1200.0
	logistic := func(t float64) float64 { return K / (1 + math.Exp(-r*(t-t0))) }
	days, c, a, k := series(3650, 7, func(float64) float64 { return 1 }, func(t float64) float64 { return 2 * logistic(t) }, logistic)
	day, ok := DetectLego(days, c, a, k, rule)
	if !ok || math.Abs(day-t0) > 7 {
		t.Errorf("logistic with inflection at %g: (%g, %v); want within one sample", t0, day, ok)
	}
	// Still accelerating at the horizon: the inflection is not yet seen.
	days, c, a, k = series(1100, 7, func(float64) float64 { return 1 }, func(t float64) float64 { return 2 * logistic(t) }, logistic)
	if day, ok := DetectLego(days, c, a, k, rule); ok {
		t.Errorf("growth still accelerating at the horizon detected at %g", day)
	}
}

func TestDetectLegoPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("no panic on mismatched lengths")
		}
	}()
	DetectLego([]float64{0, 1}, []float64{0}, []float64{0, 1}, []float64{0, 1}, defaultLego())
}

func TestInterpolate(t *testing.T) {
	days := []float64{0, 10, 20}
	s := []float64{0, 100, 120}
	for _, tc := range []struct{ t, want float64 }{{-5, 0}, {0, 0}, {5, 50}, {10, 100}, {15, 110}, {20, 120}, {30, 120}} {
		if got := interpolate(days, s, tc.t); got != tc.want {
			t.Errorf("interpolate(%g) = %g; want %g", tc.t, got, tc.want)
		}
	}
}
