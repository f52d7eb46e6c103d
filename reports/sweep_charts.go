package reports

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// This file holds the charts of a parameter sweep. Each builder takes
// plain slices, checks them, and returns the chart as base+".svg" and
// base+".png" (see PlotFiles), in the same style and palette as the run
// report.

// HeatmapChart is an outcome over a grid of two parameters.
type HeatmapChart struct {
	Title string
	// XLabel and YLabel name the parameters on the axes, with units.
	XLabel, YLabel string
	// ZLabel names the outcome, with units, for the colour scale.
	ZLabel string
	// X are the column parameter values, Y the row values, in the order to
	// show them (left to right, bottom to top). Cells are equally sized
	// whatever the spacing of the values.
	X, Y []float64
	// Z[i][j] is the outcome at (X[j], Y[i]); NaN marks a cell without a
	// value (shown grey, labelled NaNLabel).
	Z [][]float64
	// ZStart, when set (YYYY-MM-DD), means Z are days since that date
	// (e.g. a median Lego day): cells and scale then show dates.
	ZStart string
	// ZPercent means Z are probabilities in [0, 1], shown as percentages.
	ZPercent bool
	// NaNLabel labels cells without a value; default "n/a" (a sweep of
	// median dates would say "not reached").
	NaNLabel string
}

// viridis are control points of the viridis colour map (van der Walt &
// Smith, matplotlib 2015): perceptually uniform, readable in greyscale and
// by colour-blind readers.
var viridis = []color.NRGBA{
	{0x44, 0x01, 0x54, 0xff}, {0x48, 0x28, 0x78, 0xff}, {0x3e, 0x4a, 0x89, 0xff},
	{0x31, 0x68, 0x8e, 0xff}, {0x26, 0x82, 0x8e, 0xff}, {0x1f, 0x9e, 0x89, 0xff},
	{0x35, 0xb7, 0x79, 0xff}, {0x6d, 0xcd, 0x59, 0xff}, {0xb4, 0xde, 0x2c, 0xff},
	{0xfd, 0xe7, 0x25, 0xff},
}

// viridisAt returns the colour at t in [0, 1].
func viridisAt(t float64) color.NRGBA {
	t = math.Max(0, math.Min(1, t))
	x := t * float64(len(viridis)-1)
	i := int(math.Floor(x))
	if i >= len(viridis)-1 {
		return viridis[len(viridis)-1]
	}
	f := x - float64(i)
	a, b := viridis[i], viridis[i+1]
	mix := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + f*(float64(q)-float64(p)))) }
	return color.NRGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 0xff}
}

// luminance is the relative luminance of c (ITU-R BT.709), to pick a
// readable text colour on it.
func luminance(c color.NRGBA) float64 {
	return (0.2126*float64(c.R) + 0.7152*float64(c.G) + 0.0722*float64(c.B)) / 255
}

// zFormat returns how heatmap values are written.
func (c *HeatmapChart) zFormat() (func(float64) string, *calendar, error) {
	switch {
	case c.ZStart != "":
		cal, err := parseStart(c.ZStart)
		if err != nil {
			return nil, nil, err
		}
		return cal.month, &cal, nil
	case c.ZPercent:
		return pct, nil, nil
	}
	return num, nil, nil
}

// nominalTicks labels categories 0..n-1 at their centres (i+0.5), thinned
// to at most max labels.
func nominalTicks(vals []float64, max int) plot.ConstantTicks {
	step := (len(vals) + max - 1) / max
	var ts plot.ConstantTicks
	for i, v := range vals {
		label := ""
		if i%step == 0 {
			label = num(v)
		}
		ts = append(ts, plot.Tick{Value: float64(i) + 0.5, Label: label})
	}
	return ts
}

// Heatmap draws c with a colour scale (viridis) on its right and each
// cell's value written in it when the grid is small enough to read.
func Heatmap(base string, c HeatmapChart) ([]File, error) {
	if len(c.X) == 0 || len(c.Y) == 0 {
		return nil, errors.New("reports: heatmap: no parameter values")
	}
	if len(c.Z) != len(c.Y) {
		return nil, fmt.Errorf("reports: heatmap: %d rows of values for %d Y values", len(c.Z), len(c.Y))
	}
	zmin, zmax := math.Inf(1), math.Inf(-1)
	for i, row := range c.Z {
		if len(row) != len(c.X) {
			return nil, fmt.Errorf("reports: heatmap: row %d has %d values for %d X values", i, len(row), len(c.X))
		}
		for _, z := range row {
			if finite(z) {
				zmin, zmax = math.Min(zmin, z), math.Max(zmax, z)
			}
		}
	}
	format, cal, err := c.zFormat()
	if err != nil {
		return nil, err
	}
	nanLabel := c.NaNLabel
	if nanLabel == "" {
		nanLabel = "n/a"
	}
	hasValues := !math.IsInf(zmin, 1)
	if hasValues && zmax == zmin {
		zmin, zmax = zmin-0.5, zmax+0.5
	}
	if c.ZPercent && hasValues {
		zmin, zmax = math.Min(zmin, 0), math.Max(zmax, 1)
	}
	norm := func(z float64) float64 { return (z - zmin) / (zmax - zmin) }

	p := newBarePlot(c.Title, c.XLabel, c.YLabel)
	p.X.Min, p.X.Max = 0, float64(len(c.X))
	p.Y.Min, p.Y.Max = 0, float64(len(c.Y))
	p.X.Tick.Marker = nominalTicks(c.X, 10)
	p.Y.Tick.Marker = nominalTicks(c.Y, 12)
	annotate := len(c.X)*len(c.Y) <= 150 && len(c.X) <= 14
	var cells rects
	var texts labels
	for i, row := range c.Z {
		for j, z := range row {
			fill := color.NRGBA{0xd9, 0xd9, 0xd9, 0xff}
			text := nanLabel
			if finite(z) {
				fill = viridisAt(norm(z))
				text = format(z)
			}
			cells = append(cells, rect{x0: float64(j), x1: float64(j + 1), y0: float64(i), y1: float64(i + 1),
				fill: fill, line: lineStyle(color.White, 0.5)})
			if annotate {
				ink := color.Color(color.White)
				if luminance(fill) > 0.5 {
					ink = inkColor
				}
				texts = append(texts, label{x: float64(j) + 0.5, y: float64(i) + 0.5, text: text, style: centred(textStyle(8, ink))})
			}
		}
	}
	p.Add(cells, texts)

	// The colour scale: a column of thin bands from zmin to zmax.
	scale := newBarePlot("", "", c.ZLabel)
	scale.HideX()
	scale.X.Min, scale.X.Max = 0, 1
	if hasValues {
		const steps = 64
		var bands rects
		for k := range steps {
			z0 := zmin + (zmax-zmin)*float64(k)/steps
			z1 := zmin + (zmax-zmin)*float64(k+1)/steps
			// Overlap the next band a little: abutting fills leave
			// anti-aliasing seams.
			z1 = math.Min(zmax, z1+(zmax-zmin)/steps/2)
			bands = append(bands, rect{x0: 0, x1: 1, y0: z0, y1: z1, fill: viridisAt(norm((z0 + z1) / 2))})
		}
		scale.Add(bands)
		scale.Y.Min, scale.Y.Max = zmin, zmax
		switch {
		case cal != nil:
			scale.Y.Tick.Marker = calendarTicks{*cal}
		case c.ZPercent:
			scale.Y.Tick.Marker = percentTicks{}
		}
	} else {
		scale.HideY()
	}
	w, h := chartWidth, 5*vg.Inch
	return renderFiles(base, w, h, func(dc draw.Canvas) {
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
		scaleW := vg.Points(90)
		p.Draw(draw.Crop(dc, 0, -scaleW-vg.Points(12), 0, 0))
		sc := draw.Crop(dc, dc.Rectangle.Size().X-scaleW, -vg.Points(30), vg.Points(48), -vg.Points(28))
		scale.Draw(sc)
	})
}

// SensitivityChart is a set of sensitivity measures per parameter, e.g.
// first-order and total Sobol indices with their confidence intervals.
type SensitivityChart struct {
	Title string
	// ValueLabel names the measure on the horizontal axis, with units.
	ValueLabel string
	// Params are the parameters, one group of bars each, top to bottom.
	Params []string
	// Series are the measures, one bar per parameter each, in legend order.
	Series []BarSeries
}

// BarSeries is one measure of a SensitivityChart.
type BarSeries struct {
	Name string
	// Value is the measure per parameter, in Params order; Lo and Hi its
	// 95% interval (nil for none; NaN for none on one bar).
	Value, Lo, Hi []float64
}

// SensitivityBars draws c as horizontal bars, parameters top to bottom,
// each series in its own colour, with whiskers for the intervals and a line
// at zero.
func SensitivityBars(base string, c SensitivityChart) ([]File, error) {
	if len(c.Params) == 0 || len(c.Series) == 0 {
		return nil, errors.New("reports: sensitivity bars: no parameters or no series")
	}
	n := len(c.Params)
	xmin, xmax := 0.0, 0.0
	for _, s := range c.Series {
		if len(s.Value) != n || (s.Lo != nil && len(s.Lo) != n) || (s.Hi != nil && len(s.Hi) != n) {
			return nil, fmt.Errorf("reports: sensitivity bars: series %q has values for %d parameters, want %d", s.Name, len(s.Value), n)
		}
		for i, v := range s.Value {
			for _, x := range []float64{v, at(s.Lo, i), at(s.Hi, i)} {
				if finite(x) {
					xmin, xmax = math.Min(xmin, x), math.Max(xmax, x)
				}
			}
		}
	}
	if xmax == xmin {
		xmax = xmin + 1
	}
	p := newPlot(c.Title, c.ValueLabel, "")
	ns := len(c.Series)
	// Parameter i occupies [n-1-i, n-i] on the y axis, so the first is on top.
	var ticks plot.ConstantTicks
	var bars rects
	var whiskers segments
	l := newLegend()
	const groupFill = 0.8
	barH := groupFill / float64(ns)
	for i, name := range c.Params {
		ticks = append(ticks, plot.Tick{Value: float64(n-1-i) + 0.5, Label: name})
	}
	for k, s := range c.Series {
		col := VariantColor(k)
		for i, v := range s.Value {
			y0 := float64(n-1-i) + (1-groupFill)/2 + float64(ns-1-k)*barH
			if finite(v) {
				bars = append(bars, rect{x0: 0, x1: v, y0: y0 + 0.1*barH, y1: y0 + 0.9*barH, fill: withAlpha(col, 0.85)})
			}
			lo, hi := at(s.Lo, i), at(s.Hi, i)
			if finite(lo, hi) {
				ym := y0 + barH/2
				st := lineStyle(inkColor, 1)
				whiskers = append(whiskers,
					segment{x0: lo, y0: ym, x1: hi, y1: ym, style: st},
					segment{x0: lo, y0: ym - 0.25*barH, x1: lo, y1: ym + 0.25*barH, style: st},
					segment{x0: hi, y0: ym - 0.25*barH, x1: hi, y1: ym + 0.25*barH, style: st})
			}
		}
		l.Add(s.Name, swatch{fill: withAlpha(col, 0.85)})
	}
	legendRows := ns
	if len(whiskers) > 0 {
		// Only when some bar has an interval: Morris and main effects have none.
		l.Add("95% confidence interval", lineThumb{lineStyle(inkColor, 1)})
		legendRows++
	}
	p.Add(bars, whiskers, segments{{x0: 0, y0: 0, x1: 0, y1: float64(n), style: lineStyle(inkColor, 0.8)}})
	// The axis ends on nice ticks, one of them at 0 (xmin ≤ 0 ≤ xmax).
	pad := 0.04 * (xmax - xmin)
	p.X.Min, p.X.Max = niceRange(xmin-pad*b2f(xmin < 0), xmax+pad, false)
	p.X.Tick.Marker = niceTicks{}
	p.Y.Min, p.Y.Max = 0, float64(n)
	p.Y.Tick.Marker = ticks
	p.Y.Tick.Length = 0
	h := vg.Points(80) + vg.Length(n)*vg.Points(math.Max(26, 14*float64(ns)+8)) + legendExtra(legendRows)
	return renderFiles(base, chartWidth, h, withLegendBelow(p, l))
}

// b2f is 1 for true, 0 for false.
func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// at returns xs[i], or NaN when xs is nil.
func at(xs []float64, i int) float64 {
	if xs == nil {
		return math.NaN()
	}
	return xs[i]
}

// ResponseChart is an outcome as a function of one parameter, one curve
// per variant (or per level of another parameter), with bands.
type ResponseChart struct {
	Title          string
	XLabel, YLabel string // with units
	// YStart, when set (YYYY-MM-DD), means Y are days since that date: the
	// axis then shows dates.
	YStart string
	// YPercent means Y are probabilities in [0, 1], shown as percentages.
	YPercent bool
	// BandLabel says what the shaded bands are; default "95% interval".
	BandLabel string
	Curves    []Curve
}

// Curve is one line of a ResponseChart, coloured like variant k for the
// k-th curve.
type Curve struct {
	Name string
	// X are the parameter values, ascending; Y the outcome; Lo and Hi its
	// band, e.g. a 95% interval (nil for none). A NaN Y breaks the line.
	X, Y, Lo, Hi []float64
}

// ResponseCurve draws c: each curve as a line with markers at the swept
// values and its band shaded.
func ResponseCurve(base string, c ResponseChart) ([]File, error) {
	if len(c.Curves) == 0 {
		return nil, errors.New("reports: response curve: no curves")
	}
	p := newPlot(c.Title, c.XLabel, c.YLabel)
	switch {
	case c.YStart != "":
		cal, err := parseStart(c.YStart)
		if err != nil {
			return nil, err
		}
		p.Y.Tick.Marker = calendarTicks{cal}
	case c.YPercent:
		p.Y.Tick.Marker = percentTicks{}
	}
	l := newLegend()
	drawn, bands := 0, false
	for k, cv := range c.Curves {
		n := len(cv.X)
		if len(cv.Y) != n || (cv.Lo != nil && len(cv.Lo) != n) || (cv.Hi != nil && len(cv.Hi) != n) {
			return nil, fmt.Errorf("reports: response curve %q: X, Y, Lo and Hi lengths differ", cv.Name)
		}
		col := VariantColor(k)
		style := draw.LineStyle{Color: col, Width: vg.Points(1.8), Dashes: variantDashes(k)}
		var xs, ys, lo, hi []float64
		var pts dots
		flush := func() {
			if len(xs) == 0 {
				return
			}
			if cv.Lo != nil && cv.Hi != nil && len(xs) > 1 {
				if poly, err := band(xs, lo, hi, withAlpha(col, 0.2)); err == nil {
					p.Add(poly)
				}
			}
			if line, err := newLine(xyPairs(xs, ys)); err == nil && len(xs) > 1 {
				line.LineStyle = style
				p.Add(line)
			}
			xs, ys, lo, hi = nil, nil, nil, nil
		}
		for i := range n {
			y, a, b := cv.Y[i], at(cv.Lo, i), at(cv.Hi, i)
			if !finite(cv.X[i], y) || (cv.Lo != nil && cv.Hi != nil && !finite(a, b)) {
				flush()
				continue
			}
			xs, ys, lo, hi = append(xs, cv.X[i]), append(ys, y), append(lo, a), append(hi, b)
			pts = append(pts, dot{x: cv.X[i], y: y, style: draw.GlyphStyle{Color: col, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}})
			drawn++
		}
		flush()
		p.Add(pts)
		if cv.Lo != nil && cv.Hi != nil {
			bands = true
			l.Add(cv.Name, swatch{fill: withAlpha(col, 0.2)}, lineThumb{style})
		} else {
			l.Add(cv.Name, lineThumb{style})
		}
	}
	if drawn == 0 {
		return nil, errors.New("reports: response curve: no finite points")
	}
	if bands {
		bl := c.BandLabel
		if bl == "" {
			bl = "95% interval"
		}
		l.Add("shaded: "+bl, swatch{fill: withAlpha(greyColor, 0.25)})
	}
	// Keep the end markers inside the frame.
	pad := 0.03 * (p.X.Max - p.X.Min)
	p.X.Min, p.X.Max = p.X.Min-pad, p.X.Max+pad
	if c.YPercent {
		p.Y.Min, p.Y.Max = math.Min(p.Y.Min, 0), math.Max(p.Y.Max, 1)
	}
	return renderFiles(base, chartWidth, wideH+legendExtra(len(c.Curves)), withLegendBelow(p, l))
}
