package reports

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/legolab/legolab/internal/portable"
)

// okabeIto is the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal
// Design"), distinguishable under the common forms of colour blindness.
// Variants take colours in this order, so variant k has the same colour in
// every chart of a report; black comes last because axes and text are black.
var okabeIto = []color.NRGBA{
	{0x00, 0x72, 0xB2, 0xff}, // blue
	{0xE6, 0x9F, 0x00, 0xff}, // orange
	{0x00, 0x9E, 0x73, 0xff}, // bluish green
	{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	{0xF0, 0xE4, 0x42, 0xff}, // yellow
	{0x00, 0x00, 0x00, 0xff}, // black
}

// VariantColor returns the colour of the k-th variant (0-based) in every
// legolab chart: the Okabe–Ito palette in a fixed order, cycling after eight.
// Beyond eight variants colours repeat and line styles tell them apart.
func VariantColor(k int) color.NRGBA {
	if k < 0 {
		panic("reports: negative variant index")
	}
	return okabeIto[k%len(okabeIto)]
}

// variantDashes distinguishes variants that share a colour (more than eight).
func variantDashes(k int) []vg.Length {
	switch (k / len(okabeIto)) % 3 {
	case 1:
		return []vg.Length{vg.Points(6), vg.Points(3)}
	case 2:
		return []vg.Length{vg.Points(2), vg.Points(2)}
	}
	return nil
}

// withAlpha returns c with opacity a in [0, 1], as a non-premultiplied colour.
func withAlpha(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(math.Round(a * 255))
	return c
}

var (
	inkColor   = color.NRGBA{0x22, 0x22, 0x22, 0xff}
	greyColor  = color.NRGBA{0x77, 0x77, 0x77, 0xff}
	gridColor  = color.NRGBA{0xdd, 0xdd, 0xdd, 0xff}
	sansFont   = font.Font{Typeface: "Liberation", Variant: "Sans"}
	boldFont   = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}
	chartWidth = 7 * vg.Inch
)

// Standard chart sizes: a full-width chart and a panel of a grid.
var (
	wideW, wideH   = chartWidth, 3.9 * vg.Inch
	panelW, panelH = 5 * vg.Inch, 3.2 * vg.Inch
)

// newPlot returns a plot in the house style: sans-serif text, a light grid,
// the title and axis labels given. Axis labels carry their units.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := newBarePlot(title, xLabel, yLabel)
	g := plotter.NewGrid()
	g.Vertical.Color = gridColor
	g.Horizontal.Color = gridColor
	g.Vertical.Width = vg.Points(0.5)
	g.Horizontal.Width = vg.Points(0.5)
	p.Add(g)
	return p
}

// newBarePlot is newPlot without the grid.
func newBarePlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(boldFont, 12)
	p.Title.TextStyle.Color = inkColor
	p.Title.Padding = vg.Points(8)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(sansFont, 10.5)
		ax.Label.TextStyle.Color = inkColor
		ax.Tick.Label.Font = font.From(sansFont, 9.5)
		ax.Tick.Label.Color = inkColor
		ax.Color = greyColor
		ax.Tick.Color = greyColor
		ax.Padding = vg.Points(2)
	}
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Legend.TextStyle.Font = font.From(sansFont, 9.5)
	p.Legend.TextStyle.Color = inkColor
	p.Legend.ThumbnailWidth = vg.Points(18)
	p.Legend.Padding = vg.Points(2)
	return p
}

// textStyle returns a text style in the house font.
func textStyle(size vg.Length, c color.Color) draw.TextStyle {
	return draw.TextStyle{
		Color:   c,
		Font:    font.From(sansFont, size),
		Handler: plot.DefaultTextHandler,
	}
}

// lineStyle returns a solid line of the given colour and width in points.
func lineStyle(c color.Color, width float64) draw.LineStyle {
	return draw.LineStyle{Color: c, Width: vg.Points(width)}
}

// percentTicks labels a probability axis in [0, 1] as percentages.
type percentTicks struct{}

// Ticks implements plot.Ticker.
func (percentTicks) Ticks(min, max float64) []plot.Tick {
	var ts []plot.Tick
	for v := 0; v <= 100; v += 10 {
		x := float64(v) / 100
		if x < min-1e-9 || x > max+1e-9 {
			continue
		}
		label := ""
		if v%20 == 0 {
			label = fmt.Sprintf("%d%%", v)
		}
		ts = append(ts, plot.Tick{Value: x, Label: label})
	}
	return ts
}

// niceStep returns a step of 1, 2 or 5 × 10^k that cuts span into about
// target intervals; with integer at least 1.
func niceStep(span float64, target int, integer bool) float64 {
	if !(span > 0) || math.IsInf(span, 0) {
		return 1
	}
	raw := span / float64(target)
	mag := portable.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if raw <= m*mag*(1+1e-9) {
			step = m * mag
			break
		}
	}
	if integer && step < 1 {
		step = 1
	}
	return step
}

// niceRange widens [lo, hi] to whole steps of niceStep, so that the axis
// holds every value with ticks at both ends; an empty range becomes one
// step wide (not below zero when lo is not).
func niceRange(lo, hi float64, integer bool) (float64, float64) {
	if hi <= lo {
		if lo >= 0 && lo < 1 {
			lo, hi = 0, math.Max(hi, 1)
		} else {
			lo, hi = lo-1, hi+1
			if lo < 0 && hi-2 >= 0 {
				lo = 0
			}
		}
	}
	step := niceStep(hi-lo, 5, integer)
	return math.Floor(lo/step+1e-9) * step, math.Ceil(hi/step-1e-9) * step
}

// niceTicks labels a linear axis at steps of niceStep (so at 0 when 0 is
// in range), every label with the step's decimals and suffix appended
// ("80%" on an axis of percentages, as percentTicks writes them).
type niceTicks struct {
	suffix  string
	integer bool // values are counts: whole-number steps
}

// Ticks implements plot.Ticker.
func (t niceTicks) Ticks(min, max float64) []plot.Tick {
	step := niceStep(max-min, 5, t.integer)
	decimals := max0(int(-math.Floor(math.Log10(step) + 1e-9)))
	var ts []plot.Tick
	for i := math.Ceil(min/step - 1e-9); i*step <= max+1e-9*step; i++ {
		v := i * step
		if v == 0 {
			v = 0 // no "-0"
		}
		ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', decimals, 64) + t.suffix})
	}
	return ts
}

// max0 is max(n, 0).
func max0(n int) int { return max(n, 0) }

// calendar converts days since a start date to dates.
type calendar struct {
	start time.Time
}

// parseStart reads a scenario start date (YYYY-MM-DD).
func parseStart(s string) (calendar, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return calendar{}, fmt.Errorf("reports: start date %q: want YYYY-MM-DD", s)
	}
	return calendar{start: t}, nil
}

// date returns the instant day days after the start.
func (c calendar) date(day float64) time.Time {
	whole := math.Floor(day)
	return c.start.AddDate(0, 0, int(whole)).Add(time.Duration((day - whole) * 24 * float64(time.Hour)))
}

// day returns the days from the start to t.
func (c calendar) day(t time.Time) float64 {
	return t.Sub(c.start).Hours() / 24
}

// month formats the month day falls in, as YYYY-MM.
func (c calendar) month(day float64) string {
	return c.date(day).Format("2006-01")
}

// iso formats the date day falls on, as YYYY-MM-DD.
func (c calendar) iso(day float64) string {
	return c.date(day).Format(time.DateOnly)
}

// monthStart returns the first of the month of t, plus months months.
func monthStart(t time.Time, months int) time.Time {
	return time.Date(t.Year(), t.Month()+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
}

// calendarTicks labels an axis measured in days since the start with
// calendar dates on month boundaries: years for long spans, YYYY-MM for
// short ones, so a reader never converts days in their head.
type calendarTicks struct {
	cal calendar
}

// tickSteps are the label spacings in months, and the minor spacing for each.
var tickSteps = []struct{ major, minor int }{
	{1, 0}, {3, 1}, {6, 1}, {12, 3}, {24, 12}, {60, 12}, {120, 60},
}

// Ticks implements plot.Ticker.
func (t calendarTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) || math.IsInf(max-min, 0) {
		return nil
	}
	spanMonths := (max - min) / 30.44
	step := tickSteps[len(tickSteps)-1]
	for _, s := range tickSteps {
		if spanMonths/float64(s.major) <= 7 {
			step = s
			break
		}
	}
	lo, hi := t.cal.date(min), t.cal.date(max)
	var ts []plot.Tick
	for m := monthStart(lo, 0); !m.After(hi); m = monthStart(m, 1) {
		d := t.cal.day(m)
		if d < min-1e-9 {
			continue
		}
		idx := m.Year()*12 + int(m.Month()) - 1
		switch {
		case idx%step.major == 0:
			label := m.Format("2006-01")
			if step.major >= 12 {
				label = m.Format("2006")
			}
			ts = append(ts, plot.Tick{Value: d, Label: label})
		case step.minor > 0 && idx%step.minor == 0:
			ts = append(ts, plot.Tick{Value: d})
		}
	}
	return ts
}

// dateAxis sets p's x axis to calendar dates from day 0 to the horizon.
func dateAxis(p *plot.Plot, cal calendar, horizon float64) {
	p.X.Min, p.X.Max = 0, horizon
	p.X.Tick.Marker = calendarTicks{cal}
}

// vline is a vertical reference line across the whole data area with a
// label at its top, used for the horizon.
type vline struct {
	x      float64
	style  draw.LineStyle
	label  string
	text   draw.TextStyle
	bottom bool // label at the bottom instead of the top
}

// Plot implements plot.Plotter.
func (v vline) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(v.x)
	c.StrokeLine2(v.style, x, c.Min.Y, x, c.Max.Y)
	if v.label != "" {
		st := v.text
		st.XAlign = draw.XRight
		st.YAlign = draw.YTop
		y := c.Max.Y - vg.Points(2)
		if v.bottom {
			st.YAlign = draw.YBottom
			y = c.Min.Y + vg.Points(2)
		}
		c.FillText(st, vg.Point{X: x - vg.Points(3), Y: y}, v.label)
	}
}

// hline is a horizontal reference line across the data area.
type hline struct {
	y     float64
	style draw.LineStyle
}

// Plot implements plot.Plotter.
func (h hline) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	y := trY(h.y)
	c.StrokeLine2(h.style, c.Min.X, y, c.Max.X, y)
}

// band is a filled area between lo and hi over the same xs, drawn as one
// polygon without an outline.
func band(xs, lo, hi []float64, fill color.Color) (*plotter.Polygon, error) {
	ring := make(plotter.XYs, 0, 2*len(xs))
	for i := range xs {
		ring = append(ring, plotter.XY{X: xs[i], Y: lo[i]})
	}
	for i := len(xs) - 1; i >= 0; i-- {
		ring = append(ring, plotter.XY{X: xs[i], Y: hi[i]})
	}
	poly, err := plotter.NewPolygon(ring)
	if err != nil {
		return nil, err
	}
	poly.Color = fill
	poly.LineStyle.Width = 0
	return poly, nil
}

// slug makes s safe as part of a file name: lower-case ASCII letters,
// digits and '-', at most 40 bytes; empty when nothing is left.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	return b.String()
}

// finite reports whether every value is a finite number.
func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
