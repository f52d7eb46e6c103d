package reports

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/legolab/legolab/internal/portable"
	"github.com/legolab/legolab/metrics"
)

// Colours of the calibration charts: the posterior in the first Okabe–Ito
// colour, the prior in orange, held-out points in vermillion.
var (
	posteriorColor = okabeIto[0]
	priorColor     = okabeIto[1]
	heldOutColor   = okabeIto[5]
)

// maxScatter is the most particles a pair-plot panel draws (the heaviest):
// beyond it the SVG grows and the picture does not change.
const maxScatter = 1000

// charts lists the calibration report's figures, in order: the
// posterior-predictive chart of each series, the marginal of each
// parameter, the pair plot.
func (m *calModel) charts() []chart {
	var cs []chart
	names := make([]string, len(m.c.Series))
	for i, s := range m.c.Series {
		names[i] = s.Name
	}
	for i, fn := range uniqueFileNames(names) {
		s := &m.c.Series[i]
		caption := fmt.Sprintf("Series %s against the model observable %s", s.Name, s.Observable)
		if s.Transform == "log" || s.Transform == "log1p" {
			caption += " on a log scale (the distance's " + s.Transform + " transform)"
		}
		caption += ". Line: the posterior-predictive median; dark band: its middle 50% (P25–P75); light band: 90% (P05–P95), " +
			"from simulations with θ drawn from the posterior. Dark marks are the observed points the calibration fitted; "
		if m.hasCut {
			caption += "vermillion marks right of the dashed cutoff line (the shaded part) were held out: not fitted, they are the test. "
		}
		caption += "An arrow up marks a lower bound (the truth is at or above it), a square with an arrow a count held at a cap; " +
			"an open circle is an approximate value."
		f, entries := m.predictiveChart(i)
		cs = append(cs, chart{name: "predictive-" + fn, title: "Posterior predictive: " + s.Name, caption: caption,
			w: wideW, h: wideH + legendExtra(entries), draw: f, png: true})
	}
	keys := make([]string, len(m.c.Params))
	for i, p := range m.c.Params {
		keys[i] = p.Key
	}
	for i, fn := range uniqueFileNames(keys) {
		p := m.c.Params[i]
		prior := fmt.Sprintf("the prior, %s, by its 95%% interval shaded (its family is not one the chart draws)", p.Prior)
		if _, ok := parsePrior(p.Prior); ok {
			prior = fmt.Sprintf("the prior, %s, as the dashed orange curve, its 95%% interval shaded", p.Prior)
		}
		caption := fmt.Sprintf("Marginal posterior of %s: a histogram of the final particles, weighted, as a density; %s; "+
			"the posterior median as a solid line and its 95%% credible interval as dashed lines. %s.",
			p.Key, prior, capitalise(narrowText(m.narrow[i])))
		cs = append(cs, chart{name: "marginal-" + fn, title: "Marginal posterior: " + p.Key, caption: caption,
			w: panelW, h: panelH + legendExtra(4), draw: m.marginalChart(i)})
	}
	if top := m.topParams(maxPairPlot); len(top) >= 2 && len(m.post.Rows) > 0 {
		caption := fmt.Sprintf("Pair plot of the %d parameters the data narrowed most, each axis spanning the particles (not the prior). Diagonal: each one's weighted marginal histogram. "+
			"Below it: one point per particle, darker for a heavier weight. Above it: the weighted correlation of each pair "+
			"(of the log10 values where an axis is logarithmic); a strong correlation means the data pin down a combination, not each one.", len(top))
		cs = append(cs, chart{name: "pairs", title: "Pair plot of the most narrowed parameters", caption: caption,
			w: chartWidth, h: chartWidth + legendExtra(2), draw: m.pairsChart(top)})
	}
	return cs
}

// capitalise upper-cases an ASCII first letter.
func capitalise(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}

// valueScale is an axis scale for the observation transforms: ln(1+x) for
// log1p (counts, which may be 0), log10 x for log (money), linear
// otherwise. Unlike plot.LogScale it never panics: values below the
// transform's domain are clamped to its floor.
type valueScale struct{ transform string }

// fwd maps x to the scale's linear coordinate.
func (s valueScale) fwd(x float64) float64 {
	switch s.transform {
	case "log":
		return math.Log10(math.Max(x, 1e-300))
	case "log1p":
		return math.Log1p(math.Max(x, 0))
	}
	return x
}

// inv is the inverse of fwd.
func (s valueScale) inv(u float64) float64 {
	switch s.transform {
	case "log":
		return portable.Pow(10, u)
	case "log1p":
		return math.Expm1(u)
	}
	return u
}

// isLog reports whether the scale is not linear.
func (s valueScale) isLog() bool { return s.transform == "log" || s.transform == "log1p" }

// Normalize implements plot.Normalizer.
func (s valueScale) Normalize(min, max, x float64) float64 {
	a, b := s.fwd(min), s.fwd(max)
	if b == a {
		return 0.5
	}
	return (s.fwd(x) - a) / (b - a)
}

// logTicks labels a log or log1p axis at 1, 2 and 5 times the powers of
// ten in range (and 0 on a log1p axis that reaches it); with more than
// maxLabels labels (8 when 0) only the powers of ten keep theirs.
type logTicks struct {
	log1p     bool
	maxLabels int
}

// Ticks implements plot.Ticker.
func (t logTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) || !finite(min, max) {
		return nil
	}
	var vals []float64
	var mant []int
	if t.log1p && min <= 0 {
		vals, mant = append(vals, 0), append(mant, 1)
	}
	lo := min
	if lo <= 0 {
		lo = math.Max(max*1e-12, 1)
		if max < 1 {
			lo = max / 10
		}
	}
	for k := int(math.Floor(math.Log10(lo))); k <= int(math.Ceil(math.Log10(max))) && k < 400; k++ {
		for _, m := range []int{1, 2, 5} {
			v := float64(m) * portable.Pow(10, float64(k))
			if v >= min*(1-1e-9) && v <= max*(1+1e-9) && v > 0 {
				vals, mant = append(vals, v), append(mant, m)
			}
		}
	}
	most := t.maxLabels
	if most == 0 {
		most = 8
	}
	sparse := len(vals) > most
	ts := make([]plot.Tick, len(vals))
	for i, v := range vals {
		ts[i].Value = v
		if !sparse || mant[i] == 1 {
			ts[i].Label = tickNum(v)
		}
	}
	return ts
}

// tickNum labels a tick: plain decimals for everyday magnitudes, an
// exponent beyond.
func tickNum(v float64) string {
	if v != 0 && (math.Abs(v) >= 1e6 || math.Abs(v) < 1e-3) {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	if math.Abs(v) >= 1000 {
		return thousands(int(math.Round(v)))
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// fewTicks labels a linear axis of a small panel at about four nice
// steps.
type fewTicks struct{}

// Ticks implements plot.Ticker.
func (fewTicks) Ticks(min, max float64) []plot.Tick {
	step := niceStep(max-min, 4, false)
	decimals := max0(int(-math.Floor(math.Log10(step) + 1e-9)))
	var ts []plot.Tick
	for i := math.Ceil(min/step - 1e-9); i*step <= max+1e-9*step; i++ {
		v := i * step
		if v == 0 {
			v = 0 // no "-0"
		}
		label := strconv.FormatFloat(v, 'f', decimals, 64)
		if math.Abs(v) >= 1000 {
			label = tickNum(v)
		}
		ts = append(ts, plot.Tick{Value: v, Label: label})
	}
	return ts
}

// setSmallScale is setScale for a small panel: fewer labels.
func setSmallScale(ax *plot.Axis, s valueScale, lo, hi float64) {
	setScale(ax, s, lo, hi, 0)
	ax.Min, ax.Max = lo, hi
	if s.isLog() {
		ax.Tick.Marker = logTicks{log1p: s.transform == "log1p", maxLabels: 3}
	} else {
		ax.Tick.Marker = fewTicks{}
	}
}

// setScale puts axis ax on scale s over [lo, hi] (padded by pad of the
// span in the scale's coordinate), with ticks to match.
func setScale(ax *plot.Axis, s valueScale, lo, hi, pad float64) {
	a, b := s.fwd(lo), s.fwd(hi)
	if !(b > a) {
		span := math.Max(math.Abs(a)*0.1, 0.5)
		a, b = a-span, b+span
	}
	d := (b - a) * pad
	a, b = a-d, b+d
	if s.transform == "log1p" && a < 0 {
		a = 0 // a count axis starts at 0, not below
	}
	ax.Min, ax.Max = s.inv(a), s.inv(b)
	if s.isLog() {
		ax.Scale = s
		ax.Tick.Marker = logTicks{log1p: s.transform == "log1p"}
		return
	}
	ax.Tick.Marker = niceTicks{}
}

// vspan shades the data area between x0 and x1, top to bottom.
type vspan struct {
	x0, x1 float64
	fill   color.Color
}

// Plot implements plot.Plotter.
func (v vspan) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x0 := max(trX(v.x0), c.Min.X)
	x1 := min(trX(v.x1), c.Max.X)
	if !(x1 > x0) {
		return
	}
	c.FillPolygon(v.fill, []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}})
}

// markGlyph is the glyph of an observed point by kind: a filled disc for a
// point, a ring for an approx value, an up arrow on a bar for a lower
// bound, an up arrow on a square for a capped count.
type markGlyph struct{ kind string }

// DrawGlyph implements draw.GlyphDrawer.
func (g markGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	ls := draw.LineStyle{Color: sty.Color, Width: vg.Points(1.2)}
	arrow := func(from vg.Length) {
		top := pt.Y + 2.6*r
		c.StrokeLine2(ls, pt.X, from, pt.X, top-0.6*r)
		c.FillPolygon(sty.Color, []vg.Point{{X: pt.X - 0.7*r, Y: top - 0.9*r}, {X: pt.X + 0.7*r, Y: top - 0.9*r}, {X: pt.X, Y: top}})
	}
	switch g.kind {
	case "approx":
		draw.RingGlyph{}.DrawGlyph(c, sty, pt)
	case "lower_bound":
		c.StrokeLine2(draw.LineStyle{Color: sty.Color, Width: vg.Points(1.6)}, pt.X-r, pt.Y, pt.X+r, pt.Y)
		arrow(pt.Y)
	case "capped":
		s := 0.8 * r
		sq := []vg.Point{{X: pt.X - s, Y: pt.Y - s}, {X: pt.X + s, Y: pt.Y - s}, {X: pt.X + s, Y: pt.Y + s}, {X: pt.X - s, Y: pt.Y + s}, {X: pt.X - s, Y: pt.Y - s}}
		c.StrokeLines(ls, sq)
		arrow(pt.Y + s)
	default:
		draw.CircleGlyph{}.DrawGlyph(c, sty, pt)
	}
}

// glyphThumb is a legend thumbnail: one glyph, centred.
type glyphThumb struct{ style draw.GlyphStyle }

// Thumbnail implements plot.Thumbnailer.
func (t glyphThumb) Thumbnail(c *draw.Canvas) {
	pt := vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: (c.Min.Y + c.Max.Y) / 2}
	if _, ok := t.style.Shape.(markGlyph); ok {
		pt.Y -= t.style.Radius // room for the arrow
	}
	c.DrawGlyph(t.style, pt)
}

// kindOrder is the legend order of the observed kinds.
var kindOrder = []string{"point", "approx", "lower_bound", "capped"}

// predictiveChart draws series k's posterior-predictive band against its
// observed points, with the cutoff; entries is its legend's length.
func (m *calModel) predictiveChart(k int) (fn func(draw.Canvas), entries int) {
	s := &m.c.Series[k]
	sc := valueScale{s.Transform}
	var bs []metrics.CalibBand
	for _, b := range s.Band {
		if finite(b.Day) && finite(b.Quantiles[:]...) {
			bs = append(bs, b)
		}
	}
	slices.SortStableFunc(bs, func(a, b metrics.CalibBand) int { return cmp.Compare(a.Day, b.Day) })
	var pts []metrics.CalibPoint
	for _, p := range s.Points {
		if finite(p.Day, p.Value) {
			pts = append(pts, p)
		}
	}
	yLabel := s.Unit
	if yLabel == "" {
		yLabel = s.Observable
	}
	if sc.isLog() {
		yLabel += " (log scale)"
	}
	p := newPlot("Series "+s.Name+": posterior predictive and observed values", "date", yLabel)
	p.X.Tick.Marker = calendarTicks{m.cal}
	xlo, xhi := math.Inf(1), math.Inf(-1)
	ylo, yhi := math.Inf(1), math.Inf(-1)
	// On a log axis the range starts at the smallest positive value.
	yok := func(y float64) bool { return s.Transform != "log" || y > 0 }
	for _, b := range bs {
		xlo, xhi = math.Min(xlo, b.Day), math.Max(xhi, b.Day)
		for _, q := range []float64{b.Quantiles[0], b.Quantiles[4]} {
			if yok(q) {
				ylo, yhi = math.Min(ylo, q), math.Max(yhi, q)
			}
		}
	}
	for _, pt := range pts {
		xlo, xhi = math.Min(xlo, pt.Day), math.Max(xhi, pt.Day)
		if yok(pt.Value) {
			ylo, yhi = math.Min(ylo, pt.Value), math.Max(yhi, pt.Value)
		}
	}
	l := newLegend()
	add := func(text string, th ...plot.Thumbnailer) {
		l.Add(text, th...)
		entries++
	}
	if !finite(xlo, xhi) {
		p.X.Min, p.X.Max = 0, 365
		p.Y.Min, p.Y.Max = 0, 1
		p.Add(labels{{x: 182, y: 0.5, text: "no band and no observed point to draw", style: centred(textStyle(11, greyColor))}})
		return withLegendBelow(p, l), 0
	}
	if !finite(ylo, yhi) {
		ylo, yhi = 1, 10
	}
	if s.Transform == "log1p" && ylo > 0 {
		ylo = 0 // a count axis shows 0
	}
	xspan := math.Max(xhi-xlo, 30)
	p.X.Min, p.X.Max = xlo-0.03*xspan, xhi+0.03*xspan
	setScale(&p.Y, sc, ylo, yhi, 0.06)
	if m.hasCut && m.cutoff < p.X.Max {
		p.Add(vspan{x0: m.cutoff, x1: p.X.Max, fill: withAlpha(heldOutColor, 0.06)})
	}
	ink := posteriorColor
	if len(bs) > 0 {
		xs := make([]float64, len(bs))
		q := make([][]float64, 5)
		for i := range q {
			q[i] = make([]float64, len(bs))
		}
		for i, b := range bs {
			xs[i] = b.Day
			for j := range 5 {
				q[j][i] = b.Quantiles[j]
				if s.Transform == "log" {
					q[j][i] = math.Max(q[j][i], p.Y.Min) // no polygon vertex below the axis
				}
			}
		}
		outer, err1 := band(xs, q[0], q[4], withAlpha(ink, 0.16))
		inner, err2 := band(xs, q[1], q[3], withAlpha(ink, 0.34))
		line, err3 := newLine(xyPairs(xs, q[2]))
		if err1 == nil && err2 == nil && err3 == nil {
			line.LineStyle = lineStyle(ink, 1.8)
			p.Add(outer, inner, line)
			add("posterior-predictive median", lineThumb{line.LineStyle})
			add("middle 50% (P25–P75)", swatch{fill: withAlpha(ink, 0.45)})
			add("90% (P05–P95)", swatch{fill: withAlpha(ink, 0.18)})
		}
	} else {
		p.Add(labels{{x: (p.X.Min + p.X.Max) / 2, y: p.Y.Max, dy: -vg.Points(14), text: "no posterior-predictive band saved",
			style: centred(textStyle(10, greyColor))}})
	}
	var marks dots
	seen := map[string]bool{}
	held := false
	for _, pt := range pts {
		col := inkColor
		if pt.HeldOut {
			col, held = heldOutColor, true
		}
		y := pt.Value
		if s.Transform == "log" {
			y = math.Max(y, p.Y.Min)
		}
		marks = append(marks, dot{x: pt.Day, y: y, style: draw.GlyphStyle{Color: col, Radius: vg.Points(3.2), Shape: markGlyph{pt.Kind}}})
		seen[pt.Kind] = true
	}
	p.Add(marks)
	for _, k := range kindOrder {
		if seen[k] {
			add("observed, fitted: "+kindText(k), glyphThumb{draw.GlyphStyle{Color: inkColor, Radius: vg.Points(3.2), Shape: markGlyph{k}}})
		}
	}
	if held {
		add("held out after the cutoff: not fitted, the test", glyphThumb{draw.GlyphStyle{Color: heldOutColor, Radius: vg.Points(3.2), Shape: draw.CircleGlyph{}}})
	}
	if m.hasCut && m.cutoff >= p.X.Min && m.cutoff <= p.X.Max {
		st := draw.LineStyle{Color: inkColor, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}
		p.Add(vline{x: m.cutoff, label: "cutoff " + m.c.Cutoff, text: textStyle(9, greyColor), style: st})
		add("information cutoff: points after it were not fitted", lineThumb{st})
	}
	return withLegendBelow(p, l), entries
}

// paramAxis is the axis of parameter i in the marginal and pair charts:
// its scale and range.
type paramAxis struct {
	sc     valueScale
	lo, hi float64 // the range, padded, in parameter units
}

// column returns parameter i's finite particle values with their weights.
func (m *calModel) column(i int) (xs, ws []float64) {
	for r, row := range m.post.Rows {
		if finite(row[i]) {
			xs, ws = append(xs, row[i]), append(ws, m.post.Weights[r])
		}
	}
	return xs, ws
}

// axisOf chooses parameter i's axis: logarithmic for a loguniform or
// lognormal prior whose values are all positive, over the particles and
// the credible interval, and with withPrior the prior's 95% interval (its
// support when bounded) too.
func (m *calModel) axisOf(i int, withPrior bool) paramAxis {
	p := m.c.Params[i]
	pr, havePrior := parsePrior(p.Prior)
	xs, _ := m.column(i)
	lo, hi := math.Inf(1), math.Inf(-1)
	add := func(vs ...float64) {
		for _, v := range vs {
			if finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	add(p.Lo95, p.Hi95, p.Median)
	add(xs...)
	if withPrior || !finite(lo, hi) {
		add(p.PriorLo95, p.PriorHi95)
	}
	if withPrior && havePrior {
		// A bounded support shows the whole prior (uniform, beta, ...).
		if a, b := priorSupport(pr); finite(a, b) {
			add(a, b)
		}
	}
	sc := valueScale{"identity"}
	if havePrior && pr.logFamily() && lo > 0 {
		sc = valueScale{"log"}
	}
	if !finite(lo, hi) {
		lo, hi = 0, 1
	}
	var ax plot.Axis
	setScale(&ax, sc, lo, hi, 0.04)
	return paramAxis{sc: sc, lo: ax.Min, hi: ax.Max}
}

// priorSupport is the bounded support of a prior, or ±Inf.
func priorSupport(p calPrior) (lo, hi float64) {
	if p.family == "normal" || p.family == "lognormal" {
		return math.Inf(-1), math.Inf(1)
	}
	// Every other family is bounded: its quantiles 0 and 1 are the ends.
	if d, ok := p.dist.(interface{ Quantile(float64) float64 }); ok {
		return d.Quantile(0), d.Quantile(1)
	}
	return math.Inf(-1), math.Inf(1)
}

// histogram bins the weighted values xs on axis a into n bins spanning
// [min xs, max xs] in the axis coordinate, as densities per unit of that
// coordinate (per log10 unit on a log axis): the bars' area is 1.
func histogram(xs, ws []float64, a paramAxis, n int) (bars []rect, top float64) {
	if len(xs) == 0 {
		return nil, 0
	}
	ulo, uhi := math.Inf(1), math.Inf(-1)
	total := 0.0
	for k, x := range xs {
		u := a.sc.fwd(x)
		ulo, uhi = math.Min(ulo, u), math.Max(uhi, u)
		total += ws[k]
	}
	if !(total > 0) {
		return nil, 0
	}
	if uhi == ulo {
		w := (a.sc.fwd(a.hi) - a.sc.fwd(a.lo)) / 100
		ulo, uhi, n = ulo-w/2, uhi+w/2, 1
	}
	width := (uhi - ulo) / float64(n)
	mass := make([]float64, n)
	for k, x := range xs {
		b := min(int((a.sc.fwd(x)-ulo)/width), n-1)
		mass[max(b, 0)] += ws[k]
	}
	for b, w := range mass {
		d := w / total / width
		top = math.Max(top, d)
		if w > 0 {
			bars = append(bars, rect{x0: a.sc.inv(ulo + float64(b)*width), x1: a.sc.inv(ulo + float64(b+1)*width), y0: 0, y1: d})
		}
	}
	return bars, top
}

// bins is the histogram's bin count for an effective sample size n: Rice's
// rule 2·n^(1/3), between 8 and 40.
func bins(ess float64) int {
	return min(max(int(math.Round(2*math.Cbrt(ess))), 8), 40)
}

// priorCurve is the prior's density on axis a, per unit of the axis
// coordinate, at 240 points: (CDF(b) − CDF(a)) / (b − a) over each grid
// step, exact for any family and truncation.
func priorCurve(pr calPrior, a paramAxis) (xs, ys []float64) {
	const n = 240
	ulo, uhi := a.sc.fwd(a.lo), a.sc.fwd(a.hi)
	h := (uhi - ulo) / n
	for k := range n {
		u0, u1 := ulo+float64(k)*h, ulo+float64(k+1)*h
		d := (pr.dist.CDF(a.sc.inv(u1)) - pr.dist.CDF(a.sc.inv(u0))) / h
		if !finite(d) {
			continue
		}
		xs, ys = append(xs, a.sc.inv((u0+u1)/2)), append(ys, d)
	}
	return xs, ys
}

// shortKey shortens a key path for a small panel to at most n bytes: its
// last dot-separated segments behind "…", or the end of its last segment
// when that alone is too long.
func shortKey(k string, n int) string {
	if len(k) <= n {
		return k
	}
	cut := len(k) - n + len("…")
	if i := strings.IndexByte(k[cut:], '.'); i >= 0 && i+cut+1 < len(k) {
		cut += i + 1
	}
	for cut < len(k) && !utf8RuneStart(k[cut]) {
		cut++
	}
	return "…" + k[cut:]
}

// utf8RuneStart reports whether b starts a UTF-8 sequence.
func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// marginalChart draws parameter i's weighted posterior histogram against
// its prior, with the 95% credible interval and median.
func (m *calModel) marginalChart(i int) func(draw.Canvas) {
	p := m.c.Params[i]
	a := m.axisOf(i, true)
	xs, ws := m.column(i)
	yLabel := "density"
	if a.sc.isLog() {
		yLabel = "density per log10 unit"
	}
	xLabel := "value"
	if a.sc.isLog() {
		xLabel = "value (log scale)"
	}
	pl := newPlot(shortKey(p.Key, 60), xLabel, yLabel)
	pl.Title.TextStyle.Font.Size = 10.5
	setScale(&pl.X, a.sc, a.lo, a.hi, 0)
	pl.X.Min, pl.X.Max = a.lo, a.hi
	l := newLegend()
	top := 0.0
	priorTop := 0.0
	pr, havePrior := parsePrior(p.Prior)
	if finite(p.PriorLo95, p.PriorHi95) && p.PriorHi95 > p.PriorLo95 {
		pl.Add(vspan{x0: p.PriorLo95, x1: p.PriorHi95, fill: withAlpha(priorColor, 0.10)})
		l.Add("prior 95% interval "+interval(p.PriorLo95, p.PriorHi95), swatch{fill: withAlpha(priorColor, 0.18)})
	}
	bars, htop := histogram(xs, ws, a, bins(m.ess))
	for k := range bars {
		bars[k].fill = withAlpha(posteriorColor, 0.55)
		bars[k].line = lineStyle(posteriorColor, 0.5)
	}
	top = htop
	var curve *line
	if havePrior {
		px, py := priorCurve(pr, a)
		if len(px) > 1 {
			for _, y := range py {
				priorTop = math.Max(priorTop, y)
			}
			if c, err := newLine(xyPairs(px, py)); err == nil {
				c.LineStyle = draw.LineStyle{Color: priorColor, Width: vg.Points(1.8), Dashes: []vg.Length{vg.Points(5), vg.Points(2)}}
				curve = &c
			}
		}
	}
	// A spike of the prior at an edge (a beta with a shape below 1) would
	// flatten the histogram: the axis stops at three times its top.
	ymax := top
	switch {
	case priorTop > 0 && top > 0:
		ymax = math.Max(top, math.Min(priorTop, 3*top))
	case priorTop > 0:
		ymax = priorTop
	}
	if !(ymax > 0) {
		ymax = 1
	}
	pl.Y.Min, pl.Y.Max = 0, ymax*1.08
	pl.Y.Tick.Marker = niceTicks{}
	if len(bars) > 0 {
		pl.Add(rects(bars))
		l.Add(fmt.Sprintf("posterior: weighted histogram of %s particles (ESS %s)", thousands(len(xs)), num(m.ess)),
			swatch{fill: withAlpha(posteriorColor, 0.55), line: lineStyle(posteriorColor, 0.5)})
	} else {
		pl.Add(labels{{x: a.sc.inv((a.sc.fwd(a.lo) + a.sc.fwd(a.hi)) / 2), y: ymax * 0.8, text: "no particles saved",
			style: centred(textStyle(10, greyColor))}})
	}
	if curve != nil {
		pl.Add(curve)
		l.Add("prior density: "+shortKey(p.Prior, 70), lineThumb{curve.LineStyle})
	}
	dash := draw.LineStyle{Color: inkColor, Width: vg.Points(1.1), Dashes: []vg.Length{vg.Points(3), vg.Points(2)}}
	if finite(p.Lo95, p.Hi95) {
		pl.Add(vline{x: p.Lo95, style: dash}, vline{x: p.Hi95, style: dash})
		l.Add("posterior 95% credible interval "+interval(p.Lo95, p.Hi95), lineThumb{dash})
	}
	if finite(p.Median) {
		st := lineStyle(inkColor, 1.4)
		pl.Add(vline{x: p.Median, style: st})
		l.Add("posterior median "+calNum(p.Median), lineThumb{st})
	}
	return withLegendBelow(pl, l)
}

// weightedCorr is the weighted Pearson correlation of xs and ys, NaN when
// either has no spread.
func weightedCorr(xs, ys, ws []float64) float64 {
	sw, mx, my := 0.0, 0.0, 0.0
	for k := range xs {
		sw += ws[k]
		mx += ws[k] * xs[k]
		my += ws[k] * ys[k]
	}
	if !(sw > 0) {
		return math.NaN()
	}
	mx, my = mx/sw, my/sw
	var sxx, syy, sxy float64
	for k := range xs {
		dx, dy := xs[k]-mx, ys[k]-my
		sxx += ws[k] * dx * dx
		syy += ws[k] * dy * dy
		sxy += ws[k] * dx * dy
	}
	if !(sxx > 0) || !(syy > 0) {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}

// unlabelled keeps a ticker's ticks and drops their labels, for the inner
// panels of the pair plot.
type unlabelled struct{ plot.Ticker }

// Ticks implements plot.Ticker.
func (u unlabelled) Ticks(min, max float64) []plot.Tick {
	ts := u.Ticker.Ticks(min, max)
	for i := range ts {
		ts[i].Label = ""
	}
	return ts
}

// pairsChart draws the pair plot of the parameters top (indices into
// Params): histograms on the diagonal, particles below, correlations
// above.
func (m *calModel) pairsChart(top []int) func(draw.Canvas) {
	k := len(top)
	axes := make([]paramAxis, k)
	for j, i := range top {
		axes[j] = m.axisOf(i, false) // zoomed to the posterior
	}
	// The heaviest particles, drawn lightest first so heavy ones lie on top.
	order := make([]int, len(m.post.Rows))
	for r := range order {
		order[r] = r
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(m.post.Weights[b], m.post.Weights[a]) })
	order = order[:min(len(order), maxScatter)]
	slices.Reverse(order)
	// Opacity by weight relative to twice the mean, so equal weights are
	// mid-grey-blue and a few heavy particles do not wash the rest out.
	wref := 0.0
	for _, w := range m.post.Weights {
		wref += w
	}
	wref = 2 * wref / float64(max(len(m.post.Weights), 1))
	grid := make([][]*plot.Plot, k)
	corr := make([][]float64, k)
	for r := range k {
		grid[r] = make([]*plot.Plot, k)
		corr[r] = make([]float64, k)
		for c := range k {
			xa, ya := axes[c], axes[r]
			xi, yi := top[c], top[r]
			if c > r {
				var us, vs, ws []float64
				for row, vals := range m.post.Rows {
					if finite(vals[xi], vals[yi]) {
						us, vs = append(us, xa.sc.fwd(vals[xi])), append(vs, ya.sc.fwd(vals[yi]))
						ws = append(ws, m.post.Weights[row])
					}
				}
				corr[r][c] = weightedCorr(us, vs, ws)
				continue
			}
			xLabel, yLabel := "", ""
			if r == k-1 {
				xLabel = shortKey(m.c.Params[xi].Key, 28)
			}
			if c == 0 && r > 0 {
				yLabel = shortKey(m.c.Params[yi].Key, 28)
			}
			p := newPlot("", xLabel, yLabel)
			p.X.Label.TextStyle.Font.Size = 8.5
			p.Y.Label.TextStyle.Font.Size = 8.5
			p.X.Tick.Label.Font.Size = 8
			p.Y.Tick.Label.Font.Size = 8
			setSmallScale(&p.X, xa.sc, xa.lo, xa.hi)
			if r == c {
				xs, ws := m.column(xi)
				bars, htop := histogram(xs, ws, xa, bins(m.ess))
				for b := range bars {
					bars[b].fill = withAlpha(posteriorColor, 0.55)
				}
				p.Add(rects(bars))
				p.Y.Min, p.Y.Max = 0, math.Max(htop, 1e-300)*1.1
				p.Y.Tick.Marker = unlabelled{fewTicks{}}
				p.Title.Text = shortKey(m.c.Params[xi].Key, 30)
				p.Title.TextStyle.Font = font.From(boldFont, 8.5)
				p.Title.Padding = vg.Points(2)
			} else {
				setSmallScale(&p.Y, ya.sc, ya.lo, ya.hi)
				var ds dots
				for _, row := range order {
					x, y := m.post.Rows[row][xi], m.post.Rows[row][yi]
					if !finite(x, y) {
						continue
					}
					alpha := 0.15
					if wref > 0 {
						alpha += 0.75 * math.Min(1, m.post.Weights[row]/wref)
					}
					ds = append(ds, dot{x: x, y: y, style: draw.GlyphStyle{Color: withAlpha(posteriorColor, alpha), Radius: vg.Points(1.6), Shape: draw.CircleGlyph{}}})
				}
				p.Add(ds)
			}
			if r != k-1 {
				p.X.Tick.Marker = unlabelled{p.X.Tick.Marker}
			}
			if c != 0 && r != c {
				p.Y.Tick.Marker = unlabelled{p.Y.Tick.Marker}
			}
			grid[r][c] = p
		}
	}
	l := newLegend()
	l.Add("one particle; darker = heavier weight", glyphThumb{draw.GlyphStyle{Color: withAlpha(posteriorColor, 0.8), Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}})
	l.Add("diagonal: weighted marginal histogram", swatch{fill: withAlpha(posteriorColor, 0.55)})
	return func(c draw.Canvas) {
		c.SetColor(color.White)
		c.Fill(c.Rectangle.Path())
		lh := legendHeight(&l) + vg.Points(12)
		body := draw.Crop(c, vg.Points(4), -vg.Points(8), lh, -vg.Points(4))
		tiles := draw.Tiles{Rows: k, Cols: k, PadX: vg.Points(6), PadY: vg.Points(6)}
		cs := plot.Align(grid, tiles, body)
		st := centred(textStyle(11, inkColor))
		for r := range grid {
			for col, p := range grid[r] {
				if p != nil {
					p.Draw(cs[r][col])
					continue
				}
				text := "r = n/a"
				if x := corr[r][col]; finite(x) {
					if math.Abs(x) < 0.005 {
						x = 0 // no "-0.00"
					}
					text = "r = " + strconv.FormatFloat(x, 'f', 2, 64)
				}
				ctr := vg.Point{X: (cs[r][col].Min.X + cs[r][col].Max.X) / 2, Y: (cs[r][col].Min.Y + cs[r][col].Max.Y) / 2}
				c.FillText(st, ctr, text)
			}
		}
		l.Left, l.Top = true, true
		lc := c
		lc.Max.Y = c.Min.Y + lh - vg.Points(4)
		lc.Min.X += vg.Points(40)
		l.Draw(lc)
	}
}
