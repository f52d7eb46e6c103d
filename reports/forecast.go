package reports

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"math"
	"slices"
	"strconv"

	"github.com/legolab/legolab/metrics"
)

// The forecast section leads a prior-predictive run's report (issue 12):
// the predictive interval and the detector-family statement first, then
// the variance split, importance bars, the PRIM box table and a scatter of
// the Lego day against the top two parameters. Every string from the
// scenario is escaped here, for HTML and for Markdown.

// forecastLead is the plain-words lead of a forecast, one line per
// variant and the leading-pathway statement.
func forecastLead(f *metrics.Forecast, horizon string) (lines []string, leading string) {
	q := func(d *string) string {
		if d == nil {
			return "after " + horizon
		}
		return *d
	}
	for _, v := range f.Variants {
		median := "is not reached by " + horizon
		if v.QuantileDates[2] != nil {
			median = "comes around " + *v.QuantileDates[2]
		}
		fam := "under every detector of the family the median is beyond the horizon"
		switch {
		case v.Family.EarliestMedian != nil && v.Family.LatestMedian != nil:
			fam = fmt.Sprintf("across the %d detectors of the family the median runs from %s to %s", len(v.Family.Members), *v.Family.EarliestMedian, *v.Family.LatestMedian)
		case v.Family.EarliestMedian != nil:
			fam = fmt.Sprintf("across the %d detectors the median runs from %s to beyond the horizon (%d never reach it)", len(v.Family.Members), *v.Family.EarliestMedian, v.Family.Unreached)
		}
		lines = append(lines, fmt.Sprintf("%s: P(Lego by %s) = %.2f; the Lego moment %s, 90%% predictive interval %s to %s (quartiles %s to %s); %s.",
			v.Name, horizon, v.PByHorizon, median, q(v.QuantileDates[0]), q(v.QuantileDates[4]), q(v.QuantileDates[1]), q(v.QuantileDates[3]), fam))
	}
	return lines, "Leading pathway: " + f.Leading.Text + "."
}

// forecastHTML renders the section for report.html.
func (m *model) forecastHTML(d *Data) template.HTML {
	f := m.s.Forecast
	if f == nil {
		return ""
	}
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	e := html.EscapeString
	lines, leading := forecastLead(f, m.horizon)
	p("<section class=\"answer\" id=\"forecast\">\n<h2>The forecast, with what we do not know</h2>\n")
	from := "the scenario's priors"
	if len(f.Posteriors) > 0 {
		from = "the scenario's priors and posteriors"
	}
	p("<p class=\"note\">%d θ draws from %s × %d replications each. The intervals below are predictive: they carry the priors and the dice. The confidence intervals further down are Monte Carlo precision only.</p>\n", f.Thetas, from, f.Inner)
	for _, fp := range f.Posteriors {
		p("<p class=\"note\">%s.</p>\n", e(fp.Text()))
	}
	p("<ul class=\"answers\">\n")
	for _, l := range lines {
		p("<li>%s</li>\n", e(l))
	}
	p("</ul>\n<p><strong>%s</strong></p>\n", e(leading))
	p("<h3>How much of the spread is the priors'</h3>\n<table><tr><th>variant</th><th>θ share of Var(Lego day ∧ horizon)</th><th>θ share of Var(reached)</th></tr>\n")
	for _, v := range f.Variants {
		if v.DayVariance == nil || v.ReachedVariance == nil {
			p("<tr><td>%s</td><td colspan=\"2\">%s</td></tr>\n", e(v.Name), e(v.VarianceNote))
			continue
		}
		p("<tr><td>%s</td><td>%.0f%% [%.0f%%, %.0f%%]</td><td>%.0f%% [%.0f%%, %.0f%%]</td></tr>\n", e(v.Name),
			100*v.DayVariance.Share, 100*v.DayVariance.ShareLo, 100*v.DayVariance.ShareHi,
			100*v.ReachedVariance.Share, 100*v.ReachedVariance.ShareLo, 100*v.ReachedVariance.ShareHi)
	}
	p("</table>\n")
	for vi, v := range f.Variants {
		p("<h3>What drives the date: %s</h3>\n", e(v.Name))
		if len(v.Importance) == 0 {
			p("<p class=\"note\">%s</p>\n", e(v.ImportanceNote))
		} else {
			b.WriteString(importanceSVG(v.Importance))
		}
		if v.Box != nil {
			p("<p>%s</p>\n", e(v.Box.Text))
			p("<table><tr><th>parameter</th><th>from</th><th>to</th></tr>\n")
			for _, bd := range v.Box.Bounds {
				p("<tr><td><code>%s</code></td><td>%s</td><td>%s</td></tr>\n", e(bd.Key), boundText(bd.Lo), boundText(bd.Hi))
			}
			p("</table>\n<p class=\"note\">Coverage/density trade-off (peel by peel): %s</p>\n", e(tradeoff(v.Box)))
		}
		if len(v.Importance) > 0 {
			b.WriteString(scatterSVG(d, f, vi, v, m.s.HorizonDays))
		}
	}
	p("</section>\n")
	return template.HTML(b.String())
}

// forecastMarkdown renders the section for report.md.
func (m *model) forecastMarkdown() string {
	f := m.s.Forecast
	if f == nil {
		return ""
	}
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	lines, leading := forecastLead(f, m.horizon)
	p("## The forecast, with what we do not know\n\n%d θ draws × %d replications each; the intervals are predictive (priors and dice). The CIs below are Monte Carlo precision only.\n\n", f.Thetas, f.Inner)
	for _, fp := range f.Posteriors {
		p("%s.\n\n", md(fp.Text()))
	}
	for _, l := range lines {
		p("- %s\n", md(l))
	}
	p("\n**%s**\n\n", md(leading))
	p("| variant | θ share of Var(Lego day ∧ horizon) | θ share of Var(reached) |\n|---|---|---|\n")
	for _, v := range f.Variants {
		if v.DayVariance == nil || v.ReachedVariance == nil {
			p("| %s | %s | |\n", md(v.Name), md(v.VarianceNote))
			continue
		}
		p("| %s | %.0f%% [%.0f%%, %.0f%%] | %.0f%% [%.0f%%, %.0f%%] |\n", md(v.Name),
			100*v.DayVariance.Share, 100*v.DayVariance.ShareLo, 100*v.DayVariance.ShareHi,
			100*v.ReachedVariance.Share, 100*v.ReachedVariance.ShareLo, 100*v.ReachedVariance.ShareHi)
	}
	for _, v := range f.Variants {
		p("\n**What drives the date: %s** (PRCC with the truncated day; negative = earlier)\n\n", md(v.Name))
		for _, im := range v.Importance {
			p("- `%s` %+.2f [%+.2f, %+.2f]\n", codeSpan(im.Key), im.PRCC, im.Lo, im.Hi)
		}
		if v.Box != nil {
			p("\n%s\n", md(v.Box.Text))
		}
	}
	p("\n")
	return b.String()
}

func boundText(x *float64) string {
	if x == nil {
		return "(any)"
	}
	return strconv.FormatFloat(*x, 'g', 4, 64)
}

// tradeoff lists the trajectory's coverage and density, the chosen box
// marked.
func tradeoff(b *metrics.PRIMBox) string {
	var s []byte
	for i, t := range b.Trajectory {
		if i > 0 {
			s = append(s, ", "...)
		}
		mark := ""
		if i == b.Chosen {
			mark = " (chosen)"
		}
		s = fmt.Appendf(s, "%.0f%%/%.0f%%%s", 100*t.Coverage, 100*t.Density, mark)
	}
	return "coverage/density " + string(s)
}

// importanceSVG draws the PRCC of each key as a horizontal bar.
func importanceSVG(im []Importance) string {
	const w, row, label = 640, 22, 300
	h := row*len(im) + 10
	var b bytes.Buffer
	fmt.Fprintf(&b, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>Partial rank correlation with the Lego day</title>\n", w, h, w, h)
	mid := label + (w-label)/2
	fmt.Fprintf(&b, "<line x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", mid, mid, h)
	for i, x := range im {
		y := 5 + i*row
		bw := math.Abs(x.PRCC) * float64(w-label) / 2
		bx := float64(mid)
		color := "#2b6cb0"
		if x.PRCC < 0 {
			bx -= bw
			color = "#c05621"
		}
		fmt.Fprintf(&b, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>", label-6, y+14, html.EscapeString(x.Key))
		fmt.Fprintf(&b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>", bx, y+3, bw, row-8, color)
		fmt.Fprintf(&b, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%+.2f</text>\n", w-40, y+14, x.PRCC)
	}
	b.WriteString("</svg><figcaption>Partial rank correlation of each prior with the Lego day truncated at the horizon (left, orange: larger values bring the date earlier).</figcaption></figure>\n")
	return b.String()
}

// Importance is metrics.Importance, named here for the chart.
type Importance = metrics.Importance

// scatterSVG plots the Lego day of variant v's runs against the top two
// parameters; censored runs are set apart above the horizon line, hollow.
func scatterSVG(d *Data, f *metrics.Forecast, vi int, v metrics.VariantForecast, horizon float64) string {
	if d == nil {
		return ""
	}
	var b bytes.Buffer
	b.WriteString("<figure><div class=\"chart\">")
	for k := 0; k < min(2, len(v.Importance)); k++ {
		key := v.Importance[k].Key
		col := slices.Index(f.Keys, key)
		if col < 0 {
			continue
		}
		var xs, ys []float64
		var cens []bool
		levels := map[string]float64{}
		for _, r := range d.Runs {
			if r.Variant != v.Name || col >= len(r.Theta) || r.Theta[col] == "" {
				continue
			}
			x, err := strconv.ParseFloat(r.Theta[col], 64)
			if err != nil {
				lv, ok := levels[r.Theta[col]]
				if !ok {
					lv = float64(len(levels))
					levels[r.Theta[col]] = lv
				}
				x = lv
			}
			xs = append(xs, x)
			ys = append(ys, r.LegoDay)
			cens = append(cens, r.Censored)
		}
		if len(xs) == 0 {
			continue
		}
		b.WriteString(scatterPanel(key, xs, ys, cens, horizon))
	}
	fmt.Fprintf(&b, "</div><figcaption>Lego day of %s's runs against its two most important priors; hollow grey marks above the dashed line are runs with no Lego moment by the horizon.</figcaption></figure>\n", html.EscapeString(v.Name))
	_ = vi
	return b.String()
}

// scatterPanel is one scatter, at most 2,000 points (every n-th run).
func scatterPanel(key string, xs, ys []float64, cens []bool, horizon float64) string {
	const w, h, pad = 320, 240, 36
	lo, hi := slices.Min(xs), slices.Max(xs)
	if hi == lo {
		hi = lo + 1
	}
	top := float64(pad / 2)
	plotH := float64(h - pad - pad/2)
	ymax := horizon * 1.08
	px := func(x float64) float64 { return pad + (x-lo)/(hi-lo)*float64(w-pad-10) }
	py := func(y float64) float64 { return top + plotH*(1-y/ymax) }
	var b bytes.Buffer
	fmt.Fprintf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>Lego day against %s</title>\n", w, h, w, h, html.EscapeString(key))
	fmt.Fprintf(&b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>\n", pad, py(horizon), w-10, py(horizon))
	step := max(1, len(xs)/2000)
	for i := 0; i < len(xs); i += step {
		if cens[i] {
			fmt.Fprintf(&b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"none\" stroke=\"#999\"/>", px(xs[i]), py(horizon*1.04))
			continue
		}
		fmt.Fprintf(&b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"#2b6cb0\" fill-opacity=\"0.5\"/>", px(xs[i]), py(ys[i]))
	}
	fmt.Fprintf(&b, "\n<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>", w/2, h-6, html.EscapeString(key))
	fmt.Fprintf(&b, "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text><text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%s</text>",
		pad, h-20, strconv.FormatFloat(lo, 'g', 3, 64), w-10, h-20, strconv.FormatFloat(hi, 'g', 3, 64))
	fmt.Fprintf(&b, "<text x=\"4\" y=\"%.1f\" font-size=\"10\">day %g</text>", py(horizon)-3, horizon)
	b.WriteString("</svg>")
	return b.String()
}
