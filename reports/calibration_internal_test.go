package reports

import (
	"math"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/legolab/legolab/metrics"
	"gonum.org/v1/plot"
)

func TestParsePrior(t *testing.T) {
	for _, tc := range []struct {
		in     string
		family string
		// x and the CDF there, computed from the family's formula.
		x, cdf float64
	}{
		{"uniform(0, 2)", "uniform", 0.5, 0.25},
		{"Uniform( -1 , 1 )", "uniform", 0, 0.5},
		{"uniform(min=2, max=4)", "uniform", 3.5, 0.75},
		{"loguniform(10, 1000)", "loguniform", 100, 0.5},
		{"loguniform(1, 10000)", "loguniform", 10, 0.25},
		{"normal(0.4, 0.2)", "normal", 0.4, 0.5},
		{"normal(mean=0, sd=1)", "normal", 1, 0.5 * (1 + math.Erf(1/math.Sqrt2))},
		// Truncated to [0, 1] around its mean: symmetric, so the CDF at the
		// mean is still 1/2, and at 0 it is 0.
		{"normal(0.5, 0.3) [0, 1]", "normal", 0.5, 0.5},
		{"normal(0.5, 0.3) truncated to [0, 1]", "normal", 0, 0},
		{"lognormal(0, 1)", "lognormal", 1, 0.5},
		// mean m, sd s: the median is exp(μ) = m/√(1 + s²/m²).
		{"lognormal(mean=2, sd=1)", "lognormal", 2 / math.Sqrt(1+0.25), 0.5},
		{"beta(1, 1)", "beta", 0.3, 0.3},
		{"beta(2, 1)", "beta", 0.5, 0.25}, // CDF x²
		{"beta(1, 1, 10, 20)", "beta", 15, 0.5},
		{"triangular(0, 0, 1)", "triangular", 0.5, 0.75}, // CDF 1 − (1−x)²
		{"triangular(0, 1, 2)", "triangular", 1, 0.5},
		// The forms lab's describePrior writes.
		{"lognormal(μ = 0, σ = 1)", "lognormal", 1, 0.5},
		{"lognormal(mean 2, sd 1)", "lognormal", 2 / math.Sqrt(1+0.25), 0.5},
		{"normal(0.5, 0.3) on [0.5, —]", "normal", 0.5, 0},
		{"normal(0, 1) on [—, 0]", "normal", -1, 0.5 * (1 + math.Erf(-1/math.Sqrt2)) / 0.5},
		{"beta(1, 1) on [10, 20]", "beta", 12, 0.2},
	} {
		p, ok := parsePrior(tc.in)
		if !ok {
			t.Errorf("%q: not parsed", tc.in)
			continue
		}
		if p.family != tc.family {
			t.Errorf("%q: family %q; want %q", tc.in, p.family, tc.family)
		}
		if got := p.dist.CDF(tc.x); math.Abs(got-tc.cdf) > 1e-9 {
			t.Errorf("%q: CDF(%v) = %v; want %v", tc.in, tc.x, got, tc.cdf)
		}
	}
	for _, in := range []string{"", "choice(1, 2, 3)", "uniform", "uniform(1)", "uniform(2, 1)", "loguniform(0, 1)",
		"normal(0, -1)", "normal(0, x)", "beta(0, 1)", "triangular(0, 3, 2)", "uniform(0, 1) [1, 0",
		"lognormal(mean=1)", "uniform(0, NaN)", "gamma(2, 1)", "fixed at 0.3", "normal(0, 1) on [x, 1]",
		"normal(mean, 1)", "uniform(= 1, 2)"} {
		if _, ok := parsePrior(in); ok {
			t.Errorf("%q parsed; want it refused", in)
		}
	}
	if p, _ := parsePrior("loguniform(1, 2)"); !p.logFamily() {
		t.Error("a loguniform is not drawn on a log axis")
	}
	if p, _ := parsePrior("uniform(1, 2)"); p.logFamily() {
		t.Error("a uniform is drawn on a log axis")
	}
}

// TestPriorCurveMass checks the prior curve's area over the axis: the
// steps' (CDF difference / width) × width telescope to the CDF's mass on
// the axis range, linear or logarithmic.
func TestPriorCurveMass(t *testing.T) {
	for _, tc := range []struct {
		prior  string
		sc     string
		lo, hi float64
	}{
		{"normal(0, 1)", "identity", -2, 3},
		{"beta(2, 5)", "identity", -0.1, 1.1},
		{"loguniform(0.01, 1)", "log", 0.005, 2},
		{"lognormal(0, 1)", "log", 0.1, 10},
	} {
		p, ok := parsePrior(tc.prior)
		if !ok {
			t.Fatalf("%s not parsed", tc.prior)
		}
		a := paramAxis{sc: valueScale{tc.sc}, lo: tc.lo, hi: tc.hi}
		_, ys := priorCurve(p, a)
		h := (a.sc.fwd(tc.hi) - a.sc.fwd(tc.lo)) / float64(len(ys))
		area := 0.0
		for _, y := range ys {
			area += y * h
		}
		want := p.dist.CDF(tc.hi) - p.dist.CDF(tc.lo)
		if math.Abs(area-want) > 1e-9 {
			t.Errorf("%s: area %v; want %v", tc.prior, area, want)
		}
	}
}

// TestHistogramArea checks that the weighted histogram is a density: its
// bars' area (in the axis coordinate) is 1 and each bar's area is its
// share of the weight.
func TestHistogramArea(t *testing.T) {
	xs := []float64{1, 2, 2, 3, 10, 100}
	ws := []float64{1, 1, 2, 1, 3, 2}
	for _, sc := range []string{"identity", "log"} {
		a := paramAxis{sc: valueScale{sc}, lo: 0.5, hi: 200}
		bars, top := histogram(xs, ws, a, 5)
		area, tallest := 0.0, 0.0
		for _, b := range bars {
			w := a.sc.fwd(b.x1) - a.sc.fwd(b.x0)
			area += w * b.y1
			tallest = math.Max(tallest, b.y1)
		}
		if math.Abs(area-1) > 1e-12 || top != tallest {
			t.Errorf("%s: area %v (want 1), top %v (want %v)", sc, area, top, tallest)
		}
	}
	// One distinct value: one bar holding everything.
	bars, _ := histogram([]float64{3, 3}, []float64{1, 1}, paramAxis{sc: valueScale{"identity"}, lo: 0, hi: 10}, 12)
	if len(bars) != 1 {
		t.Errorf("%d bars for one value; want 1", len(bars))
	}
	if bars, _ := histogram(nil, nil, paramAxis{sc: valueScale{"identity"}, lo: 0, hi: 1}, 10); bars != nil {
		t.Error("bars without values")
	}
}

func TestTopParams(t *testing.T) {
	p := func(lo, hi float64) metrics.CalibParam {
		return metrics.CalibParam{Lo95: lo, Hi95: hi, PriorLo95: 0, PriorHi95: 10}
	}
	c := &metrics.Calibration{Start: "2021-01-01", Params: []metrics.CalibParam{
		p(0, 5),                 // 0.5
		p(0, 1),                 // 0.9
		{PriorHi95: math.NaN()}, // n/a
		p(0, 12),                // −0.2
		p(2, 7),                 // 0.5, after index 0
		p(0, 2),                 // 0.8
	}}
	m, err := newCalModel(c, Posterior{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.topParams(10), []int{1, 5, 0, 4, 3, 2}; !slices.Equal(got, want) {
		t.Errorf("order %v; want %v", got, want)
	}
	if got, want := m.topParams(4), []int{1, 5, 0, 4}; !slices.Equal(got, want) {
		t.Errorf("top 4 %v; want %v", got, want)
	}
	if got := narrowText(m.narrow[3]); got != "did not narrow (95% interval 20% wider)" {
		t.Errorf("narrowText(−0.2) = %q", got)
	}
	if got := narrowText(m.narrow[2]); got != "n/a" {
		t.Errorf("narrowText(NaN) = %q", got)
	}
}

func TestConsistent(t *testing.T) {
	for _, tc := range []struct {
		kind    string
		pit     float64
		in, has bool
	}{
		{"point", 0.5, true, true}, {"point", 0.04, false, true}, {"approx", 0.96, false, true}, {"point", 0.05, true, true},
		{"lower_bound", 0.01, true, true}, {"lower_bound", 0.97, false, true}, {"capped", 0.95, true, true},
		{"point", math.NaN(), false, false},
	} {
		in, has := consistent(metrics.CalibPoint{Kind: tc.kind, PIT: tc.pit})
		if in != tc.in || has != tc.has {
			t.Errorf("%s PIT %v: %v, %v; want %v, %v", tc.kind, tc.pit, in, has, tc.in, tc.has)
		}
	}
}

func TestLogTicks(t *testing.T) {
	vals := func(ts []plot.Tick) []float64 {
		var out []float64
		for _, t := range ts {
			if t.Label != "" {
				out = append(out, t.Value)
			}
		}
		return out
	}
	if got, want := vals(logTicks{log1p: true}.Ticks(0, 60)), []float64{0, 1, 2, 5, 10, 20, 50}; !slices.Equal(got, want) {
		t.Errorf("log1p [0, 60]: labels at %v; want %v", got, want)
	}
	// Six decades: only the powers of ten are labelled.
	if got, want := vals(logTicks{}.Ticks(0.5, 2e5)), []float64{1, 10, 100, 1000, 1e4, 1e5}; !slices.Equal(got, want) {
		t.Errorf("log [0.5, 2e5]: labels at %v; want %v", got, want)
	}
	if ts := (logTicks{}).Ticks(1, 1); ts != nil {
		t.Errorf("empty range: %v", ts)
	}
	s := valueScale{"log1p"}
	if got := s.Normalize(0, math.Expm1(2), math.Expm1(1)); math.Abs(got-0.5) > 1e-12 {
		t.Errorf("log1p Normalize = %v; want 0.5", got)
	}
	if got := (valueScale{"log"}).Normalize(1, 100, -5); !finite(got) {
		t.Errorf("log Normalize of a negative value = %v; want a finite clamp", got)
	}
}

func TestWeightedCorr(t *testing.T) {
	xs := []float64{1, 2, 3, 4}
	ws := []float64{0.1, 0.2, 0.3, 0.4}
	lin := []float64{3, 5, 7, 9} // 2x + 1
	neg := []float64{-1, -2, -3, -4}
	if got := weightedCorr(xs, lin, ws); math.Abs(got-1) > 1e-12 {
		t.Errorf("corr(x, 2x+1) = %v; want 1", got)
	}
	if got := weightedCorr(xs, neg, ws); math.Abs(got+1) > 1e-12 {
		t.Errorf("corr(x, −x) = %v; want −1", got)
	}
	// y = (x − 2.5)² weighted uniformly: cov = E[(x−2.5)³] = 0 by symmetry.
	sq := []float64{2.25, 0.25, 0.25, 2.25}
	if got := weightedCorr(xs, sq, []float64{1, 1, 1, 1}); math.Abs(got) > 1e-12 {
		t.Errorf("corr(x, (x−2.5)²) = %v; want 0", got)
	}
	// A weight on two points only: the correlation of those two, ±1.
	if got := weightedCorr(xs, []float64{0, 9, 1, 5}, []float64{0, 1, 1, 0}); math.Abs(got+1) > 1e-12 {
		t.Errorf("corr on two weighted points = %v; want −1", got)
	}
	if got := weightedCorr(xs, []float64{1, 1, 1, 1}, ws); !math.IsNaN(got) {
		t.Errorf("corr with a constant = %v; want NaN", got)
	}
}

func TestShortKey(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"builders.p", 28, "builders.p"},
		{"builders.market_potential_x", 20, "…arket_potential_x"},
		{"hubs.ibc.join_incentive", 20, "…join_incentive"},
		{"a.verylongsegmentwithoutdots", 12, "…thoutdots"},
		{"x.日本語日本語日本語", 10, "…本語"},
	} {
		got := shortKey(tc.in, tc.n)
		if got != tc.want || len(got) > tc.n || !utf8.ValidString(got) {
			t.Errorf("shortKey(%q, %d) = %q; want %q (at most %d bytes, valid UTF-8)", tc.in, tc.n, got, tc.want, tc.n)
		}
	}
}
