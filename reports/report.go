package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/legolab/legolab/metrics"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The files of a run report, relative to the run folder. Charts are saved
// as plots/NAME.svg (inlined in the HTML), the headline chart also as
// plots/NAME.png (shown by the Markdown), and with Options.PNG every chart
// as PNG too; NAME is one of:
//
//	lego-cumulative       probability of the Lego moment by date (1 − S), the headline chart
//	lego-survival         Kaplan–Meier share of runs not yet reached, with 95% bands
//	lego-dates            histogram of Lego dates per variant, censored runs apart
//	fan-METRIC            fan chart of one observable, e.g. fan-composability_index
//	graph-N-SLUG          interop graph of variant N (1-based, summary order) at the horizon
//
// A chart whose data is absent (no series, no runs, no saved graph) is not
// written, and the report says so.
const (
	HTMLFile     = "report.html"
	MarkdownFile = "report.md"
	PlotsDir     = "plots"
	// HeadlineChart is the chart report.md shows as an image, and so the
	// one always saved as PNG.
	HeadlineChart = "lego-cumulative"
)

// chart is one figure of the report.
type chart struct {
	name    string // file name without extension, under plots/
	title   string // alt text and heading
	caption string // how to read it
	w, h    vg.Length
	draw    func(draw.Canvas)
	png     bool // saved as PNG as well as SVG (set by Render)
}

// Files renders the report of one run with the default Options: see
// Render.
func Files(d *Data) ([]File, error) {
	return Render(d, Options{})
}

// Render renders the report of one run: report.html, report.md and every
// chart as plots/*.svg, and as plots/*.png where opt says (see HTMLFile
// for the names). The outputs depend only on d and opt.PNG, byte for byte.
// It returns an error for data it cannot report (a bad start date, a
// non-positive horizon).
func Render(d *Data, opt Options) ([]File, error) {
	if d == nil {
		panic("reports: Render of nil Data")
	}
	m, err := newModel(d)
	if err != nil {
		return nil, err
	}
	m.data = d
	charts := m.charts(d)
	for i := range charts {
		charts[i].png = opt.PNG || charts[i].name == HeadlineChart
	}
	rendered, err := renderChartsContext(opt.Context, charts, opt.Jobs)
	if err != nil {
		return nil, err
	}
	var plots []File
	svgs := map[string][]byte{}
	for i, c := range charts {
		svgs[c.name] = rendered[i][0].Data
		plots = append(plots, rendered[i]...)
	}
	html, err := m.html(charts, svgs)
	if err != nil {
		return nil, err
	}
	md := m.markdown(charts)
	return append([]File{{Name: HTMLFile, Data: html}, {Name: MarkdownFile, Data: md}}, plots...), nil
}

// model is the report's text, computed once for the HTML and the Markdown.
type model struct {
	s       *metrics.Summary
	cal     calendar
	horizon string // YYYY-MM-DD of the horizon
	answers []answer
	compare []string
	fans    []observable
	groups  map[seriesKey][]metrics.SeriesPoint
	missing []string // variants without a saved interop graph
	data    *Data    // for the forecast section's scatter
}

// answer is the headline of one variant.
type answer struct {
	Name, Description string
	Color             string // CSS hex of the variant colour
	Sentence          string
	Rows              [][2]string // the variant's result table
	Final             []metrics.FinalStat
}

// change is one row of the "What each variant changes" table: a variant's
// override of the base scenario, or a variant that overrides nothing
// (empty Key).
type change struct {
	Variant, Color, Key, Value string
	First                      bool // the variant's first row
	Span                       int  // the variant's row count, on its first row
}

// changes lists every variant's overrides for the table near the top, or
// nil when no variant changes anything (a run of the base alone).
func (m *model) changes() []change {
	some := false
	for _, v := range m.s.Variants {
		some = some || len(v.Set) > 0
	}
	if !some {
		return nil
	}
	var out []change
	for i, v := range m.s.Variants {
		color := m.answers[i].Color
		if len(v.Set) == 0 {
			out = append(out, change{Variant: v.Name, Color: color, First: true, Span: 1})
			continue
		}
		for j, p := range v.Set {
			out = append(out, change{Variant: v.Name, Color: color, Key: p.Key, Value: p.Value, First: j == 0, Span: len(v.Set)})
		}
	}
	return out
}

// maxHorizonDays is scenarios.MaxHorizonDays, which reports does not
// import.
const maxHorizonDays = 36525

// newModel checks d and prepares the report's text.
func newModel(d *Data) (*model, error) {
	s := &d.Summary
	// A horizon past the scenarios' limit (scenarios.MaxHorizonDays, 100
	// years) is not one legolab wrote: charts by day would not fit in memory.
	if !(s.HorizonDays > 0) || s.HorizonDays > maxHorizonDays {
		return nil, fmt.Errorf("reports: horizon_days must be in (0, %d], got %v", maxHorizonDays, s.HorizonDays)
	}
	cal, err := parseStart(s.Start)
	if err != nil {
		return nil, err
	}
	m := &model{s: s, cal: cal, horizon: cal.iso(s.HorizonDays)}
	for k, v := range s.Variants {
		m.answers = append(m.answers, m.answer(k, v))
	}
	m.compare = m.comparisons(func(s string) string { return s })
	m.groups = groupSeries(d.Series)
	m.fans = fanPanels(d.Series)
	return m, nil
}

// monthOf formats a day as YYYY-MM, or "beyond the horizon" for nil.
func (m *model) monthOf(day *float64) string {
	if day == nil {
		return "beyond the horizon"
	}
	return m.cal.month(*day)
}

// answer writes the headline sentence and result table of variant k.
func (m *model) answer(k int, v metrics.VariantSummary) answer {
	c := VariantColor(k)
	a := answer{
		Name: v.Name, Description: v.Description,
		Color: fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B),
		Final: v.Final,
	}
	l := v.Lego
	n := l.Reached + l.Censored
	hMonth := m.cal.month(m.s.HorizonDays)
	pci := "95% CI " + pctRange(l.PCI95[0], l.PCI95[1])
	switch {
	case n == 0:
		a.Sentence = "no run has completed, so there is no estimate yet."
	case l.Reached == 0:
		a.Sentence = fmt.Sprintf("the Lego moment is not reached within the horizon (%s) in any of the %s runs (%s).",
			hMonth, thousands(n), pci)
	case l.MedianDay != nil:
		a.Sentence = fmt.Sprintf("the Lego moment arrives by %s in half the runs (median; 95%% CI %s to %s) and by the horizon, %s, in %s (%s).",
			m.cal.month(*l.MedianDay), m.monthOf(l.MedianCI95[0]), m.monthOf(l.MedianCI95[1]), hMonth, pct(l.PByHorizon), pci)
	default:
		a.Sentence = fmt.Sprintf("the Lego moment is not reached within the horizon in most runs: by %s it arrives in only %s (%s); the median date lies beyond the horizon.",
			hMonth, pct(l.PByHorizon), pci)
	}
	median := "not reached within the horizon"
	if l.MedianDay != nil {
		median = m.cal.month(*l.MedianDay)
	}
	medianCI := "—"
	if l.MedianDay != nil {
		medianCI = m.monthOf(l.MedianCI95[0]) + " to " + m.monthOf(l.MedianCI95[1])
	}
	a.Rows = [][2]string{
		{"median date of the Lego moment", median},
		{"95% CI of the median", medianCI},
		{"P(reached by " + m.horizon + ")", pct(l.PByHorizon) + " (" + pci + ")"},
		{"runs reaching it / not within the horizon", thousands(l.Reached) + " / " + thousands(l.Censored)},
		{"restricted mean time to it (to the horizon)", fmt.Sprintf("%s days (%.1f years)", thousands(int(math.Round(l.RMSTDays))), l.RMSTDays/365.25)},
	}
	// Only when there are any, so reports of well-calibrated scenarios (and
	// of summaries saved before the count) keep their table.
	if l.LeftTruncated > 0 {
		row := [2]string{"runs composed before the detector could see (left-truncated)", thousands(l.LeftTruncated) + " of " + thousands(n)}
		a.Rows = slices.Insert(a.Rows, 4, row)
	}
	return a
}

// comparisons writes one sentence per log-rank comparison, with variant
// names passed through esc (the Markdown escaper; the HTML template
// escapes on its own). The rest of the text is safe in both.
func (m *model) comparisons(esc func(string) string) []string {
	var out []string
	for _, c := range m.s.Comparisons {
		verdict := "not significant at the 5% level"
		if c.PValue < Alpha {
			verdict = "significant at the 5% level"
		}
		a, b := esc(c.A), esc(c.B)
		s := b + " vs " + a + ": "
		if c.MeanDiff != nil && c.Paired > 0 {
			d := *c.MeanDiff
			dir := "later"
			if d < 0 {
				dir = "earlier"
			}
			s += fmt.Sprintf("%s reaches the Lego moment %.1f months (%s days) %s on average, over the %s paired runs where both reach it; ",
				b, math.Abs(d)/30.44, thousands(int(math.Round(math.Abs(d)))), dir, thousands(c.Paired))
		}
		s += fmt.Sprintf("log-rank χ² = %.1f, %s (%s).", c.LogRankChi2, PValue(c.PValue), verdict)
		out = append(out, s)
	}
	return out
}

// pctRange formats an interval of probabilities: "54–60%".
func pctRange(lo, hi float64) string {
	return strings.TrimSuffix(pct(lo), "%") + "–" + pct(hi)
}

// fnum formats the value of observable metric for a table: shares (the
// model names them "..._share..." and keeps them in [0, 1]) as
// percentages, like the charts; anything else with num.
func fnum(metric string, x float64) string {
	if strings.Contains(metric, "share") && finite(x) {
		return strconv.FormatFloat(100*x, 'f', 1, 64) + "%"
	}
	return num(x)
}

// thousands formats n with comma thousands separators: 1,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// num formats an observable's value: three significant digits, no
// exponent for everyday magnitudes.
func num(x float64) string {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return "n/a"
	case x == 0:
		return "0"
	case math.Abs(x) >= 1e6 || math.Abs(x) < 1e-3:
		return strconv.FormatFloat(x, 'e', 2, 64)
	case math.Abs(x) >= 1000:
		return thousands(int(math.Round(x)))
	}
	return strconv.FormatFloat(x, 'g', 3, 64)
}

// charts lists the report's figures, in order, with their captions.
func (m *model) charts(d *Data) []chart {
	s := m.s
	hasKM := false
	for _, v := range s.Variants {
		hasKM = hasKM || len(v.Lego.KM) > 0 || v.Lego.Reached+v.Lego.Censored > 0
	}
	var cs []chart
	if hasKM {
		cs = append(cs,
			chart{name: "lego-cumulative", title: "Probability that the Lego moment has arrived, by date",
				caption: "The headline. Each curve is one variant's estimated probability that the Lego moment has arrived by each date " +
					"(Kaplan–Meier, 1 − S), with its pointwise 95% confidence band shaded. Where a curve crosses the dashed 50% line (●) is its median date. " +
					"The right end, at the dashed horizon line, is the chance within the horizon; runs that have not reached it by then are censored, " +
					"counted as “not yet”, never as arriving at the horizon. A curve further left and higher means an earlier, likelier Lego moment.",
				w: wideW, h: wideH + legendExtra(len(s.Variants)+1), draw: legoChart(s, m.cal, true)},
			chart{name: "lego-survival", title: "Runs that have not yet reached the Lego moment",
				caption: "The same estimate read the other way: the share of runs still waiting for the Lego moment at each date, with 95% bands. " +
					"A steeper drop means an earlier Lego moment; a curve that stays high means most runs never get there within the horizon. " +
					"Nothing is estimated beyond the dashed horizon line.",
				w: wideW, h: wideH + legendExtra(len(s.Variants)+1), draw: legoChart(s, m.cal, false)},
		)
	}
	if f := legoHistogram(d, m.cal); f != nil {
		cs = append(cs, chart{name: "lego-dates", title: "When the Lego moment arrives",
			caption: "The share of each variant's runs whose Lego moment falls in each calendar period, bars side by side per variant. " +
				"The light bars right of the dashed horizon line count the runs that never reach it within the horizon (censored), " +
				"kept apart so they are not mistaken for arrivals at the horizon; the percentage above each is that variant's censored share.",
			w: wideW, h: wideH + legendExtra(len(s.Variants)+1), draw: f})
	}
	fanMetrics := make([]string, len(m.fans))
	for i, o := range m.fans {
		fanMetrics[i] = o.metric
	}
	fanNames := uniqueFileNames(fanMetrics)
	for i, o := range m.fans {
		f := fanChart(o, s, m.groups, m.cal)
		if f == nil {
			continue
		}
		w, h := fanSize(len(s.Variants))
		caption := o.title + ": " + o.caption + ". Line: median across runs; dark band: the middle 50% of runs (P25–P75); " +
			"light band: 90% of runs (P05–P95)."
		if len(s.Variants) > 1 {
			caption += " One panel per variant, on the same axes; the faint lines are the other variants’ medians."
		}
		cs = append(cs, chart{name: "fan-" + fanNames[i], title: o.title, caption: caption, w: w, h: h, draw: f})
	}
	for k, v := range s.Variants {
		if k >= len(d.Graphs) || d.Graphs[k] == nil || len(d.Graphs[k].Nodes) == 0 {
			m.missing = append(m.missing, v.Name)
			continue
		}
		f, gl := graphChart(v.Name, d.Graphs[k])
		caption := fmt.Sprintf("Protocols of %s's representative run (the one whose Lego day is nearest the median, or a censored run "+
			"when the median is not reached) at the horizon, placed on a circle grouped by their main dimension, "+
			"the area of each disc in proportion to its usage (live app links). Lines are interop routes: thin grey for a shared standard, "+
			"thick dark for a bilateral bridge, and dashed from each hub member to its hub's square near the centre, labelled with the hub's name "+
			"(one square labelled \"hub\" for a graph saved before routes named their hub). "+
			"The most used protocols are named where space allows.", v.Name)
		if gl.dropped.nodes > 0 || gl.dropped.edges > 0 {
			caption += fmt.Sprintf(" For legibility %d less used protocols and %d routes are not drawn.", gl.dropped.nodes, gl.dropped.edges)
		}
		name := fmt.Sprintf("graph-%d", k+1)
		if sl := slug(v.Name); sl != "" {
			name += "-" + sl
		}
		cs = append(cs, chart{name: name, title: "Interop graph: " + v.Name, caption: caption,
			w: wideW, h: 5.2*vg.Inch + legendExtra(len(gl.dims)+len(edgeKinds)), draw: f})
	}
	return cs
}

// legendExtra is the height a legend of n entries adds below a chart.
func legendExtra(n int) vg.Length {
	return vg.Length(n)*vg.Points(13) + vg.Points(10)
}

// uniqueFileNames returns fileSafe of each key, made injective: keys that
// fileSafe maps to one name (dimensions "a.b", "a_b" and "a b" of a
// metric) keep it only if they are that name already; the others get "-"
// and the first 8 hex digits of the SHA-256 of the key appended, so the
// name depends on the key alone and is the same in every run. A name that
// is still taken (a key whose safe form ends like a suffix) gets "-K", its
// 1-based position. Keys that collide with nothing keep today's names.
func uniqueFileNames(keys []string) []string {
	count := map[string]int{}
	for _, k := range keys {
		count[fileSafe(k)]++
	}
	out := make([]string, len(keys))
	taken := map[string]bool{}
	for i, k := range keys {
		name := fileSafe(k)
		if count[name] > 1 && name != k {
			sum := sha256.Sum256([]byte(k))
			name += "-" + hex.EncodeToString(sum[:4])
		}
		if taken[name] {
			name += "-" + strconv.Itoa(i+1)
		}
		taken[name] = true
		out[i] = name
	}
	return out
}

// fileSafe keeps a metric name usable as a file name: ASCII letters,
// digits, '_' and '-' are kept, anything else becomes '_'.
func fileSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	if len(b) > 60 {
		b = b[:60]
	}
	return string(b)
}
