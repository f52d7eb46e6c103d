package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/legolab/legolab/metrics"
)

// SweepChart is one chart of a sweep report: its files (SVG and PNG), the
// title and caption, and the outcome it shows, 1-based in the sweep's
// order.
type SweepChart struct {
	Title, Caption string
	Files          []File
	Outcome        int
}

// file returns the name of the chart's file with extension ext.
func (c SweepChart) file(ext string) string {
	for _, f := range c.Files {
		if strings.HasSuffix(f.Name, ext) {
			return f.Name
		}
	}
	return ""
}

// data returns the content of the chart's file with extension ext.
func (c SweepChart) data(ext string) []byte {
	name := c.file(ext)
	for _, f := range c.Files {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

// chartsOf returns the charts of outcome k (1-based), in drawing order.
func chartsOf(charts []SweepChart, k int) []SweepChart {
	var out []SweepChart
	for _, c := range charts {
		if c.Outcome == k {
			out = append(out, c)
		}
	}
	return out
}

// SensitivityTable is the table of one outcome's sensitivity indices that
// the terminal, report.md and report.html all show: the same columns, in
// the same order, for each design. Each medium formats the numbers.
type SensitivityTable struct {
	// Head are the columns after "parameter".
	Head []string
	Rows []SensitivityTableRow
}

// SensitivityTableRow is one parameter's row: a cell per column and the
// row's note ("" for none).
type SensitivityTableRow struct {
	Param string
	Cells []SensitivityCell
	Note  string
}

// SensitivityCell is an index, with its 95% interval when CI is not nil.
type SensitivityCell struct {
	V  *float64
	CI *[2]*float64
}

// SensitivityTableOf returns the table of rows (one outcome's, ranked)
// for a sensitivity method (a metrics.Method constant): ST and S1 with their intervals for sobol; μ*, μ
// and σ for morris; S1 for the main-effect designs.
func SensitivityTableOf(method string, rows []metrics.SensitivityRow) SensitivityTable {
	var t SensitivityTable
	switch method {
	case metrics.MethodSobol:
		t.Head = []string{"ST [95% CI]", "S1 [95% CI]"}
	case metrics.MethodMorris:
		t.Head = []string{"μ*", "μ", "σ"}
	default:
		t.Head = []string{"S1 (main effect)"}
	}
	for _, r := range rows {
		row := SensitivityTableRow{Param: r.Param, Note: r.Note}
		switch method {
		case metrics.MethodSobol:
			st, s1 := r.STCI95, r.S1CI95
			row.Cells = []SensitivityCell{{r.ST, &st}, {r.S1, &s1}}
		case metrics.MethodMorris:
			row.Cells = []SensitivityCell{{V: r.MuStar}, {V: r.Mu}, {V: r.Sigma}}
		default:
			row.Cells = []SensitivityCell{{V: r.S1}}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// Strings returns the table's cells as report.md and report.html show
// them, the row's note after its last cell.
func (r SensitivityTableRow) Strings() []string {
	out := make([]string, len(r.Cells))
	for i, c := range r.Cells {
		if c.CI != nil {
			out[i] = sweepCI(c.V, *c.CI, "—")
		} else {
			out[i] = sweepNum(c.V)
		}
	}
	if len(out) > 0 {
		out[len(out)-1] += sweepNote(r.Note)
	}
	return out
}

// SweepDesignText describes a sweep's design and its settings.
func SweepDesignText(s *metrics.SweepSummary) string {
	switch s.Design {
	case "sobol":
		sc := "scrambled"
		if !s.Scramble {
			sc = "unscrambled"
		}
		return fmt.Sprintf("sobol (Saltelli, N = %d, %s, %d bootstrap resamples)", s.Samples, sc, s.Bootstrap)
	case "morris":
		return fmt.Sprintf("morris (r = %d trajectories, p = %d levels)", s.Trajectories, s.Levels)
	case "grid":
		return "grid (full factorial)"
	}
	return fmt.Sprintf("%s (%d samples)", s.Design, s.Samples)
}

func sweepMethodNote(method string) string {
	switch method {
	case metrics.MethodSobol:
		return "Sobol' indices from Saltelli's A/B/AB_i design: S1 (Saltelli 2010) is the share of the outcome's variance due to the parameter alone, ST (Jansen 1999) the share it takes part in, with interactions. Parameters are ranked by ST.\n"
	case metrics.MethodMorris:
		return "Morris elementary effects, in outcome units per full range of the parameter: μ* (mean absolute effect) ranks importance, σ flags nonlinearity or interactions. Parameters are ranked by μ*.\n"
	}
	return "Main effects (correlation ratio Var(E[Y|X])/Var(Y)): a screening measure; use a sobol design for total indices. Parameters are ranked by S1.\n"
}

func sweepParamRange(p metrics.SweepParamInfo) string {
	if len(p.Values) > 0 {
		return "{" + strings.Join(p.Values, ", ") + "}"
	}
	r := fmt.Sprintf("[%s, %s]", sweepNum(p.Min), sweepNum(p.Max))
	if p.Scale == "log" {
		r += " log"
	}
	if p.Type == "int" {
		r += " int"
	}
	return r
}

// sweepParamRangeMD is sweepParamRange for report.md: a list's values,
// free text, escaped.
func sweepParamRangeMD(p metrics.SweepParamInfo) string {
	if len(p.Values) > 0 {
		vs := make([]string, len(p.Values))
		for i, v := range p.Values {
			vs[i] = md(v)
		}
		return "{" + strings.Join(vs, ", ") + "}"
	}
	return sweepParamRange(p)
}

// mdRow is r.Strings() for report.md: the note, free text, escaped.
func mdRow(r SensitivityTableRow) []string {
	r.Note = md(strings.ReplaceAll(r.Note, "|", "/"))
	return r.Strings()
}

func sweepNum(p *float64) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprintf("%.4g", *p)
}

// sweepCI formats "x [lo, hi]"; a nil x is written none, a nil upper
// bound ∞.
func sweepCI(p *float64, ci [2]*float64, none string) string {
	if p == nil {
		return none
	}
	if ci[0] == nil && ci[1] == nil {
		return sweepNum(p)
	}
	hi := "∞"
	if ci[1] != nil {
		hi = fmt.Sprintf("%.4g", *ci[1])
	}
	lo := "—"
	if ci[0] != nil {
		lo = fmt.Sprintf("%.4g", *ci[0])
	}
	return fmt.Sprintf("%.4g [%s, %s]", *p, lo, hi)
}

func sweepNote(n string) string {
	if n == "" {
		return ""
	}
	return " (" + strings.ReplaceAll(n, "|", "/") + ")"
}

// sweepStats returns the rows of the "outcomes over the design" table.
func sweepStats(s *metrics.SweepSummary) [][5]string {
	var out [][5]string
	for _, st := range s.Stats {
		maxText := sweepNum(st.Max)
		if st.Max == nil {
			maxText = "∞"
		}
		out = append(out, [5]string{st.Outcome, sweepCI(st.Mean, st.MeanCI95, "∞"),
			sweepCI(st.Median, st.MedianCI95, "∞"), sweepNum(st.Min), maxText})
	}
	return out
}

// WriteSweepMarkdown writes a sweep's report.md: what was swept, how the
// outcomes ranged over the design, and which parameters matter most for
// each outcome, with the charts' PNG files.
func WriteSweepMarkdown(w io.Writer, s *metrics.SweepSummary, charts []SweepChart) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Sweep %s\n\n", md(s.Sweep))
	if s.Description != "" {
		fmt.Fprintf(&b, "%s\n\n", md(s.Description))
	}
	fmt.Fprintf(&b, "Base scenario **%s**, variants %s. Design **%s** with %d points × %d replications (seed %d, legolab %s).\n\n",
		md(s.Scenario), md(strings.Join(s.Variants, ", ")), SweepDesignText(s), s.Points, s.Replications, s.Seed, md(s.Version))
	b.WriteString("## Parameters\n\n| parameter | range |\n|---|---|\n")
	for _, p := range s.Params {
		fmt.Fprintf(&b, "| `%s` | %s |\n", codeSpan(p.Key), sweepParamRangeMD(p))
	}
	b.WriteString("\n## Outcomes over the design\n\n")
	b.WriteString("Mean over points with its 95% CI; for median days, the median over points (not reached = ∞).\n\n")
	b.WriteString("| outcome | mean [95% CI] | median [95% CI] | min | max |\n|---|---|---|---|---|\n")
	for _, st := range sweepStats(s) {
		fmt.Fprintf(&b, "| %s | %s |\n", md(st[0]), strings.Join(st[1:], " | "))
	}
	b.WriteString("\n## Sensitivity\n\n")
	b.WriteString(sweepMethodNote(s.Method()))
	for k, o := range s.Outcomes {
		fmt.Fprintf(&b, "\n### %s\n\n", md(o))
		for _, c := range chartsOf(charts, k+1) {
			fmt.Fprintf(&b, "![%s](%s)\n\n", md(c.Title), c.file(".png"))
		}
		t := SensitivityTableOf(s.Method(), s.Top(o, 0))
		fmt.Fprintf(&b, "| parameter | %s |\n|---%s|\n", strings.Join(t.Head, " | "), strings.Repeat("|---", len(t.Head)))
		for _, r := range t.Rows {
			fmt.Fprintf(&b, "| `%s` | %s |\n", codeSpan(r.Param), strings.Join(mdRow(r), " | "))
		}
	}
	if len(s.Warnings) > 0 {
		b.WriteString("\n## Warnings\n\n")
		for _, w := range s.Warnings {
			fmt.Fprintf(&b, "- %s\n", md(w))
		}
	}
	b.WriteString("\nPer-point outcomes are in points.csv, all indices in sensitivity.csv; see docs/sweeps.md.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

//go:embed sweep_report.html.tmpl
var sweepHTMLSource string

var sweepHTMLTemplate = template.Must(template.New("sweep").Parse(sweepHTMLSource))

// WriteSweepHTML writes a sweep's report.html: report.md's content as one
// self-contained page with the charts' SVG inline.
func WriteSweepHTML(w io.Writer, s *metrics.SweepSummary, charts []SweepChart) error {
	type figure struct {
		SVG     template.HTML
		Caption string
	}
	type row struct {
		Param string
		Cells []string
	}
	type outcome struct {
		Name    string
		Figures []figure
		Head    []string
		Rows    []row
	}
	type param struct{ Key, Range string }
	page := struct {
		S                            *metrics.SweepSummary
		Variants, Design, MethodNote string
		Params                       []param
		Stats                        [][5]string
		Outcomes                     []outcome
	}{
		S: s, Variants: strings.Join(s.Variants, ", "), Design: SweepDesignText(s),
		MethodNote: sweepMethodNote(s.Method()), Stats: sweepStats(s),
	}
	for _, p := range s.Params {
		page.Params = append(page.Params, param{p.Key, sweepParamRange(p)})
	}
	for k, o := range s.Outcomes {
		out := outcome{Name: o}
		for _, c := range chartsOf(charts, k+1) {
			svg, err := inlineSVG(c.data(".svg"), c.Title)
			if err != nil {
				return fmt.Errorf("reports: chart %s: %w", c.file(".svg"), err)
			}
			out.Figures = append(out.Figures, figure{svg, c.Caption})
		}
		t := SensitivityTableOf(s.Method(), s.Top(o, 0))
		out.Head = t.Head
		for _, r := range t.Rows {
			out.Rows = append(out.Rows, row{r.Param, r.Strings()})
		}
		page.Outcomes = append(page.Outcomes, out)
	}
	var b bytes.Buffer
	if err := sweepHTMLTemplate.Execute(&b, page); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// SweepSensitivityChart draws the ranked indices of one outcome of a
// sensitivity method as base+".svg" and ".png"; ok is false when there is
// nothing to draw.
func SweepSensitivityChart(method, outcome string, rows []metrics.SensitivityRow, base string) (c SweepChart, ok bool) {
	sc := SensitivityChart{Title: "Sensitivity of " + outcome}
	val := func(p *float64) float64 {
		if p == nil {
			return math.NaN()
		}
		return *p
	}
	series := func(name string, get func(r metrics.SensitivityRow) (v, lo, hi float64)) BarSeries {
		s := BarSeries{Name: name}
		for _, r := range rows {
			v, lo, hi := get(r)
			s.Value, s.Lo, s.Hi = append(s.Value, v), append(s.Lo, lo), append(s.Hi, hi)
		}
		return s
	}
	for _, r := range rows {
		sc.Params = append(sc.Params, r.Param)
	}
	caption := ""
	switch method {
	case metrics.MethodSobol:
		sc.ValueLabel = "Sobol' index (share of variance)"
		sc.Series = []BarSeries{
			series("total ST", func(r metrics.SensitivityRow) (float64, float64, float64) {
				return val(r.ST), val(r.STCI95[0]), val(r.STCI95[1])
			}),
			series("first-order S1", func(r metrics.SensitivityRow) (float64, float64, float64) {
				return val(r.S1), val(r.S1CI95[0]), val(r.S1CI95[1])
			}),
		}
		caption = "Total (ST) and first-order (S1) Sobol' indices with 95% bootstrap intervals, parameters ranked by ST."
	case metrics.MethodMorris:
		sc.ValueLabel = "elementary effect (outcome units per full range)"
		sc.Series = []BarSeries{
			series("μ*", func(r metrics.SensitivityRow) (float64, float64, float64) {
				return val(r.MuStar), math.NaN(), math.NaN()
			}),
			series("σ", func(r metrics.SensitivityRow) (float64, float64, float64) {
				return val(r.Sigma), math.NaN(), math.NaN()
			}),
		}
		caption = "Morris μ* (importance) and σ (nonlinearity or interactions), parameters ranked by μ*."
	default:
		sc.ValueLabel = "main effect S1 (share of variance)"
		sc.Series = []BarSeries{
			series("S1", func(r metrics.SensitivityRow) (float64, float64, float64) { return val(r.S1), math.NaN(), math.NaN() }),
		}
		caption = "Main effects (correlation ratio), parameters ranked by S1."
	}
	files, err := SensitivityBars(base, sc)
	if err != nil {
		return SweepChart{}, false
	}
	return SweepChart{Title: sc.Title, Caption: caption, Files: files}, true
}
