package reports

import (
	"cmp"
	"image/color"
	"math"
	"slices"
	"strings"

	"github.com/legolab/legolab/metrics"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// observable describes how to chart one series metric.
type observable struct {
	metric  string
	title   string
	yLabel  string
	percent bool // values are shares in [0, 1], shown as percentages
	caption string
}

// observables are the fan-chart panels, in report order. Metrics absent
// from the series are skipped; live standards are charted per dimension
// ("live_standards_<dim>") because quantiles of a sum are not sums of
// quantiles, and as a total when the series has "live_standards".
var observables = []observable{
	{metric: "composability_index", title: "Composability index", yLabel: "composability index (0–1)",
		caption: "usage-weighted share of cross-dimension protocol pairs that compose below the cost threshold"},
	{metric: "composed_share_new", title: "Composed share of new apps", yLabel: "share of new apps (%)", percent: true,
		caption: "share of newly built apps that use two or more distinct protocols"},
	{metric: "live_standards", title: "Live standards, all dimensions", yLabel: "live standards (count)",
		caption: "interface standards still used by at least one protocol"},
	{metric: "hub_share", title: "Hub share", yLabel: "hub share (%)", percent: true,
		caption: "share of interop routed through a cross-protocol hub"},
	{metric: "outside_share", title: "Outside-option share", yLabel: "outside-option share (%)", percent: true,
		caption: "share of apps that chose centralised cloud AI instead of a protocol"},
}

// liveStandardsPrefix names the per-dimension live-standards metrics.
const liveStandardsPrefix = "live_standards_"

// seriesKey identifies one fan: a metric of a variant.
type seriesKey struct{ variant, metric string }

// fanPanels returns the observables present in series, in report order,
// with one live-standards panel per dimension in order of first appearance.
func fanPanels(series []metrics.SeriesPoint) []observable {
	present := map[string]bool{}
	var dims []string
	for _, p := range series {
		if !present[p.Metric] && strings.HasPrefix(p.Metric, liveStandardsPrefix) {
			dims = append(dims, strings.TrimPrefix(p.Metric, liveStandardsPrefix))
		}
		present[p.Metric] = true
	}
	var out []observable
	for _, o := range observables {
		if present[o.metric] {
			out = append(out, o)
		}
		if o.metric == "live_standards" {
			for _, dim := range dims {
				out = append(out, observable{
					metric:  liveStandardsPrefix + dim,
					title:   "Live standards: " + dim,
					yLabel:  "live standards (count)",
					caption: "interface standards for " + dim + " still used by at least one protocol",
				})
			}
		}
	}
	return out
}

// groupSeries splits series by variant and metric, each sorted by day.
func groupSeries(series []metrics.SeriesPoint) map[seriesKey][]metrics.SeriesPoint {
	g := map[seriesKey][]metrics.SeriesPoint{}
	for _, p := range series {
		k := seriesKey{p.Variant, p.Metric}
		g[k] = append(g[k], p)
	}
	for _, ps := range g {
		slices.SortStableFunc(ps, func(a, b metrics.SeriesPoint) int { return cmp.Compare(a.Day, b.Day) })
	}
	return g
}

// fan is one variant's quantile bands of an observable, ready to draw.
type fan struct {
	xs, p05, p25, p50, p75, p95 []float64
}

// fanMaxPoints bounds the points drawn per fan: a panel is a few hundred
// points wide, and weekly samples over ten years would otherwise make a
// report of megabytes.
const fanMaxPoints = 240

// fanOf extracts the finite points of a series up to the horizon, scaled,
// keeping every stride-th sample (and the last) beyond fanMaxPoints.
func fanOf(pts []metrics.SeriesPoint, horizon, scale float64) fan {
	var f fan
	stride := (len(pts) + fanMaxPoints - 1) / fanMaxPoints
	for i, q := range pts {
		if !finite(q.Day, q.P05, q.P25, q.P50, q.P75, q.P95) || q.Day > horizon {
			continue
		}
		if stride > 1 && i%stride != 0 && i != len(pts)-1 {
			continue
		}
		f.xs = append(f.xs, q.Day)
		f.p05, f.p25, f.p50 = append(f.p05, scale*q.P05), append(f.p25, scale*q.P25), append(f.p50, scale*q.P50)
		f.p75, f.p95 = append(f.p75, scale*q.P75), append(f.p95, scale*q.P95)
	}
	return f
}

// facetGrid returns the columns and rows of a small-multiples grid of n
// panels: one panel alone, else two columns.
func facetGrid(n int) (cols, rows int) {
	if n <= 1 {
		return 1, 1
	}
	return 2, (n + 1) / 2
}

// fanSize is the size of the fan chart of n variants.
func fanSize(n int) (w, h vg.Length) {
	if n <= 1 {
		return panelW, panelH + legendExtra(3)
	}
	_, rows := facetGrid(n)
	return wideW, vg.Points(24) + vg.Length(rows)*2.6*vg.Inch + legendExtra(4)
}

// fanChart draws one observable as small multiples, one panel per variant
// on shared axes: the median as a line, the 50% band (P25–P75) darker and
// the 90% band (P05–P95) lighter, in the variant's colour, with the other
// variants' medians faint behind for comparison. Overlaying several
// variants' bands in one panel turned out unreadable. Points with
// non-finite values are skipped. It returns nil when no variant has data.
func fanChart(o observable, s *metrics.Summary, groups map[seriesKey][]metrics.SeriesPoint, cal calendar) func(draw.Canvas) {
	scale := 1.0
	if o.percent {
		scale = 100
	}
	fans := make([]fan, len(s.Variants))
	ymin, ymax := math.Inf(1), math.Inf(-1)
	found := false
	for k, v := range s.Variants {
		fans[k] = fanOf(groups[seriesKey{v.Name, o.metric}], s.HorizonDays, scale)
		for i := range fans[k].xs {
			ymin, ymax = math.Min(ymin, fans[k].p05[i]), math.Max(ymax, fans[k].p95[i])
			found = true
		}
	}
	if !found {
		return nil
	}
	// Start non-negative axes at zero, where a reader expects them, unless
	// the data sit far above it.
	if ymin >= 0 && ymin < 0.5*ymax {
		ymin = 0
	}
	// Counts get whole-number ticks; every band lies inside the axis,
	// which ends on ticks.
	integer := o.metric == "live_standards" || strings.HasPrefix(o.metric, liveStandardsPrefix)
	ymin, ymax = niceRange(ymin, ymax, integer)
	if o.percent {
		ymin, ymax = math.Max(ymin, 0), math.Min(ymax, 100)
	}
	yticks := niceTicks{integer: integer}
	if o.percent {
		yticks.suffix = "%"
	}
	n := len(s.Variants)
	cols, rows := facetGrid(n)
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
	}
	for k, v := range s.Variants {
		r, c := k/cols, k%cols
		title, xLabel, yLabel := v.Name, "", ""
		if n == 1 {
			title = o.title
		}
		if r == rows-1 || (r == rows-2 && k+cols >= n) {
			xLabel = "date"
		}
		if c == 0 {
			yLabel = o.yLabel
		}
		p := newPlot(title, xLabel, yLabel)
		if n > 1 {
			p.Title.TextStyle.Font.Size = 10.5
			p.Title.Padding = vg.Points(4)
		}
		dateAxis(p, cal, s.HorizonDays)
		p.Y.Min, p.Y.Max = ymin, ymax
		p.Y.Tick.Marker = yticks
		for j, g := range fans {
			if j == k || len(g.xs) == 0 {
				continue
			}
			if ghost, err := newLine(xyPairs(g.xs, g.p50)); err == nil {
				ghost.LineStyle = draw.LineStyle{Color: withAlpha(VariantColor(j), 0.5), Width: vg.Points(0.9), Dashes: variantDashes(j)}
				p.Add(ghost)
			}
		}
		if f := fans[k]; len(f.xs) > 0 {
			col := VariantColor(k)
			outer, err1 := band(f.xs, f.p05, f.p95, withAlpha(col, 0.16))
			inner, err2 := band(f.xs, f.p25, f.p75, withAlpha(col, 0.34))
			line, err3 := newLine(xyPairs(f.xs, f.p50))
			if err1 == nil && err2 == nil && err3 == nil {
				line.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.8), Dashes: variantDashes(k)}
				p.Add(outer, inner, line)
			}
		} else {
			p.Add(labels{{x: s.HorizonDays / 2, y: (ymin + ymax) / 2, text: "no data", style: centred(textStyle(9, greyColor))}})
		}
		p.X.Min, p.X.Max = 0, s.HorizonDays
		grid[r][c] = p
	}
	l := newLegend()
	ink := color.NRGBA{0x55, 0x55, 0x55, 0xff}
	l.Add("median across runs", lineThumb{lineStyle(ink, 1.8)})
	l.Add("middle 50% of runs (P25–P75)", swatch{fill: withAlpha(ink, 0.45)})
	l.Add("90% of runs (P05–P95)", swatch{fill: withAlpha(ink, 0.18)})
	if n > 1 {
		l.Add("other variants' medians, faint, for comparison", lineThumb{lineStyle(withAlpha(ink, 0.5), 0.9)})
	}
	title := o.title
	return func(c draw.Canvas) {
		c.SetColor(color.White)
		c.Fill(c.Rectangle.Path())
		lh := legendHeight(&l) + vg.Points(12)
		body := draw.Crop(c, 0, 0, lh, 0)
		if n > 1 {
			st := textStyle(12, inkColor)
			st.Font = font.From(boldFont, 12)
			st.XAlign, st.YAlign = draw.XCenter, draw.YTop
			c.FillText(st, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y - vg.Points(2)}, title)
			body = draw.Crop(body, 0, 0, 0, -vg.Points(24))
		}
		tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(10), PadY: vg.Points(8), PadRight: vg.Points(6)}
		cs := plot.Align(grid, tiles, body)
		for r := range grid {
			for col, p := range grid[r] {
				if p != nil {
					p.Draw(cs[r][col])
				}
			}
		}
		l.Left, l.Top = true, true
		lc := c
		lc.Max.Y = c.Min.Y + lh - vg.Points(4)
		lc.Min.X += vg.Points(40)
		l.Draw(lc)
	}
}

// xyPairs zips xs and ys into plotter points.
func xyPairs(xs, ys []float64) plotter.XYs {
	pts := make(plotter.XYs, len(xs))
	for i := range xs {
		pts[i] = plotter.XY{X: xs[i], Y: ys[i]}
	}
	return pts
}

// centred returns st aligned on its centre.
func centred(st draw.TextStyle) draw.TextStyle {
	st.XAlign, st.YAlign = draw.XCenter, draw.YCenter
	return st
}
