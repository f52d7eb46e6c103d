package reports

import (
	"fmt"
	"math"
	"slices"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/stats"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// kmResolution is the number of steps a Kaplan–Meier curve may show
// across the horizon.
const kmResolution = 700

// kmCurve turns a Kaplan–Meier step function into drawable points up to the
// horizon: each step becomes a horizontal then a vertical segment, and the
// last value is carried to the horizon, where follow-up ends. With
// cumulative, it returns 1 − S and its band instead of S.
func kmCurve(km []stats.KMPoint, horizon float64, cumulative bool) (xs, ys, lo, hi []float64) {
	add := func(x float64, p stats.KMPoint) {
		s, l, h := p.Survival, p.Lo, p.Hi
		if cumulative {
			s, l, h = 1-s, 1-h, 1-l
		}
		xs, ys, lo, hi = append(xs, x), append(ys, s), append(lo, l), append(hi, h)
	}
	// Steps closer than kmResolution of the horizon merge into one (the
	// later value wins): a thousand-run curve then stays a few hundred
	// points, and the difference is below a pixel.
	res := horizon / kmResolution
	prev := stats.KMPoint{Survival: 1, Lo: 1, Hi: 1}
	add(0, prev)
	for i, p := range km {
		if p.Day > horizon {
			break
		}
		if p.Day > 0 && i+1 < len(km) && km[i+1].Day <= horizon && math.Floor(km[i+1].Day/res) == math.Floor(p.Day/res) {
			continue
		}
		add(p.Day, prev) // the horizontal run up to this step
		add(p.Day, p)
		prev = p
	}
	add(horizon, prev) // follow-up ends at the horizon
	return xs, ys, lo, hi
}

// pct formats a probability as a whole percentage ("71%"), with one
// decimal below 1% and above 99% ("0.4%", "99.6%") so a rare event never
// reads as impossible or a likely one as certain.
func pct(p float64) string {
	switch {
	case math.IsNaN(p):
		return "n/a"
	case p <= 0:
		return "0%"
	case p >= 1:
		return "100%"
	case p < 0.01 || p > 0.99:
		s := fmt.Sprintf("%.1f%%", 100*p)
		switch s {
		case "0.0%":
			return "<0.1%"
		case "100.0%":
			return ">99.9%"
		}
		return s
	}
	return fmt.Sprintf("%.0f%%", 100*p)
}

// legoChart draws the Kaplan–Meier curves of every variant: the share of
// runs that have not yet reached the Lego moment (cumulative false) or the
// probability of having reached it by each date (cumulative true), with
// 95% bands, medians marked and the horizon drawn.
func legoChart(s *metrics.Summary, cal calendar, cumulative bool) func(draw.Canvas) {
	h := s.HorizonDays
	title := "Runs that have not yet reached the Lego moment (Kaplan–Meier, 95% band)"
	yLabel := "runs not yet reached (%)"
	if cumulative {
		title = "Probability that the Lego moment has arrived, by date"
		yLabel = "probability reached (%)"
	}
	p := newPlot(title, "date", yLabel)
	dateAxis(p, cal, h)
	p.X.Max = h * 1.03 // room to see the horizon line
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = percentTicks{}
	p.Add(hline{y: 0.5, style: draw.LineStyle{Color: greyColor, Width: vg.Points(0.7), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}})
	l := newLegend()
	var marks dots
	var drops segments
	none := len(s.Variants) > 0
	for k, v := range s.Variants {
		none = none && v.Lego.Reached == 0
		col := VariantColor(k)
		xs, ys, lo, hi := kmCurve(v.Lego.KM, h, cumulative)
		if poly, err := band(xs, lo, hi, withAlpha(col, 0.16)); err == nil {
			p.Add(poly)
		}
		pts := make(plotter.XYs, len(xs))
		for i := range xs {
			pts[i] = plotter.XY{X: xs[i], Y: ys[i]}
		}
		line, err := newLine(pts)
		if err != nil {
			continue // non-finite KM values: nothing sensible to draw
		}
		line.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(2), Dashes: variantDashes(k)}
		p.Add(line)
		entry := v.Name + ": "
		if cumulative {
			entry += fmt.Sprintf("%s by %s (95%% CI %s)", pct(v.Lego.PByHorizon), cal.month(h), pctRange(v.Lego.PCI95[0], v.Lego.PCI95[1]))
		} else if v.Lego.MedianDay != nil {
			entry += "median " + cal.month(*v.Lego.MedianDay)
		} else {
			entry += "median not reached within the horizon"
		}
		l.Add(entry, swatch{fill: withAlpha(col, 0.16)}, lineThumb{line.LineStyle})
		if m := v.Lego.MedianDay; m != nil && *m <= h {
			marks = append(marks, dot{x: *m, y: 0.5, style: draw.GlyphStyle{
				Color: col, Radius: vg.Points(4), Shape: draw.CircleGlyph{}}})
			drops = append(drops, segment{x0: *m, y0: 0.5, x1: *m, y1: 0,
				style: draw.LineStyle{Color: col, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(1.5), vg.Points(2)}}})
		}
	}
	p.Add(drops, marks)
	if none {
		p.Add(labels{{x: h / 2, y: 0.75, text: "No run reaches the Lego moment within the horizon",
			style: centred(textStyle(11, inkColor))}})
	}
	// The label goes where the curves are not: at the bottom of the
	// cumulative chart (curves rise), at the top of the survival chart.
	p.Add(vline{x: h, label: "horizon " + cal.iso(h), text: textStyle(9, greyColor), bottom: cumulative,
		style: draw.LineStyle{Color: inkColor, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}})
	l.Add("median (50%), marked ●", lineThumb{draw.LineStyle{Color: greyColor, Width: vg.Points(0.7), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}})
	return withLegendBelow(p, l)
}

// histBin is one calendar period of the Lego-date histogram, in days.
type histBin struct {
	from, to float64
}

// binSteps are the histogram's candidate bin widths in months.
var binSteps = []int{1, 3, 6, 12, 24, 60, 120}

// calendarBins splits [0, horizon] into calendar-aligned periods (months,
// quarters, half-years, years, ...) of at most 14 bins; the first and last
// are cut at the start and the horizon.
func calendarBins(cal calendar, horizon float64) ([]histBin, int) {
	months := binSteps[len(binSteps)-1]
	for _, m := range binSteps {
		if horizon/30.44/float64(m) <= 13 {
			months = m
			break
		}
	}
	first := monthStart(cal.start, 0)
	idx := first.Year()*12 + int(first.Month()) - 1
	first = monthStart(first, -(idx % months))
	var bins []histBin
	for t := first; cal.day(t) < horizon; t = monthStart(t, months) {
		from := math.Max(0, cal.day(t))
		to := math.Min(horizon, cal.day(monthStart(t, months)))
		bins = append(bins, histBin{from, to})
	}
	return bins, months
}

// legoHistogram draws the share of runs reaching the Lego moment in each
// calendar period, variants side by side, and the runs that never reach it
// as a separate bar beyond the horizon: censored runs are not events at the
// horizon. It returns nil when there are no runs.
func legoHistogram(d *Data, cal calendar) func(draw.Canvas) {
	s := &d.Summary
	h := s.HorizonDays
	if len(d.Runs) == 0 || len(s.Variants) == 0 {
		return nil
	}
	bins, months := calendarBins(cal, h)
	unit := map[int]string{1: "month", 3: "quarter", 6: "half-year", 12: "year", 24: "two years", 60: "five years", 120: "decade"}[months]
	p := newPlot("When the Lego moment arrives: share of runs per "+unit, "date", "share of runs (%)")
	dateAxis(p, cal, h)
	binW := bins[len(bins)-1].to - bins[len(bins)-1].from
	if len(bins) > 1 {
		binW = bins[1].to - bins[1].from
	}
	gap := 0.35 * binW
	cens := histBin{h + gap, h + gap + binW}
	p.X.Max = cens.to + 0.1*binW
	p.X.Tick.Marker = plot.TickerFunc(func(min, max float64) []plot.Tick {
		ts := calendarTicks{cal}.Ticks(0, h)
		return append(ts, plot.Tick{Value: (cens.from + cens.to) / 2, Label: "not reached"})
	})
	nv := len(s.Variants)
	var rs rects
	var tops labels
	l := newLegend()
	for k, v := range s.Variants {
		counts := make([]int, len(bins))
		total, censored := 0, 0
		for _, r := range d.Runs {
			if r.Variant != v.Name {
				continue
			}
			total++
			if r.Censored || math.IsNaN(r.LegoDay) {
				censored++
				continue
			}
			for i, b := range bins {
				if r.LegoDay < b.to || i == len(bins)-1 {
					counts[i]++
					break
				}
			}
		}
		if total == 0 {
			continue
		}
		col := VariantColor(k)
		bar := func(b histBin, n int, fill float64) rect {
			w := (b.to - b.from) * 0.84 / float64(nv)
			x0 := b.from + (b.to-b.from)*0.08 + float64(k)*w
			return rect{x0: x0, x1: x0 + w, y0: 0, y1: 100 * float64(n) / float64(total),
				fill: withAlpha(col, fill), line: lineStyle(col, 0.8)}
		}
		for i, b := range bins {
			if counts[i] > 0 {
				rs = append(rs, bar(b, counts[i], 0.85))
			}
		}
		cb := bar(cens, censored, 0.25)
		rs = append(rs, cb)
		st := textStyle(8, inkColor)
		st.XAlign = draw.XCenter
		tops = append(tops, label{x: (cb.x0 + cb.x1) / 2, y: cb.y1, dy: vg.Points(2), text: pct(float64(censored) / float64(total)), style: st})
		l.Add(fmt.Sprintf("%s: %s of %s runs reach it, %s not within the horizon", v.Name, thousands(total-censored), thousands(total), thousands(censored)),
			swatch{fill: withAlpha(col, 0.85), line: lineStyle(col, 0.8)})
	}
	p.Add(rs, stackedLabels(tops))
	if reachedAny := slices.ContainsFunc(d.Runs, func(r Run) bool { return !r.Censored && !math.IsNaN(r.LegoDay) }); !reachedAny {
		p.Add(labels{{x: h / 2, y: 50, text: "No run reaches the Lego moment within the horizon", style: centred(textStyle(11, inkColor))}})
	}
	// Room above the tallest bar for its label, ending on a tick; ticks
	// read "20%" as on the other charts.
	p.Y.Min, p.Y.Max = niceRange(0, math.Min(p.Y.Max*1.1, 100), false)
	p.Y.Tick.Marker = niceTicks{suffix: "%"}
	p.Add(vline{x: h + gap/2, label: "", style: draw.LineStyle{Color: inkColor, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}})
	l.Add("light bar right of the horizon: runs that never reach it (censored)", swatch{fill: withAlpha(greyColor, 0.25), line: lineStyle(greyColor, 0.8)})
	return withLegendBelow(p, l)
}
