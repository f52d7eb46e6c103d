package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strconv"
	"strings"
)

//go:embed calibration.html.tmpl
var calibrationSource string

// calibrationTemplate is the calibration report page; like the run
// report's, html/template escapes every value by context and only the SVG
// this package rendered enters as template.HTML.
var calibrationTemplate = template.Must(template.New("calibration").Parse(calibrationSource))

// calPage is the data of the calibration template.
type calPage struct {
	Title, Name, Description, Meta string
	Lead                           []string
	Predictive, Marginals          []figure
	Pairs                          *figure
	PairsNote                      string
	HeldOut, Fitted                []calPointRow
	ScoreNote                      string
	Params                         []calParamRow
	Series                         []calSeriesRow
	Stop                           string
	Generations                    []calGenRow
	Method                         []string
}

// calParamRow is one row of the parameters table.
type calParamRow struct {
	Key, Prior, Source, PriorInterval, Mean, SD, Median, CrI, Narrowing string
}

// calPointRow is one row of a table of observed points.
type calPointRow struct {
	Series, Date, Value, Kind, PIT, CRPS, Agrees, Source string
}

// calSeriesRow is one row of the series table.
type calSeriesRow struct {
	Name, Observable, Transform, Unit, Discrepancy, Points string
}

// calGenRow is one row of the generations table.
type calGenRow struct {
	Generation, Epsilon, Acceptance, ESS, Simulations string
}

// paramRows is the parameters table.
func (m *calModel) paramRows() []calParamRow {
	rows := make([]calParamRow, len(m.c.Params))
	for i, p := range m.c.Params {
		rows[i] = calParamRow{Key: p.Key, Prior: p.Prior, Source: p.Source, PriorInterval: interval(p.PriorLo95, p.PriorHi95),
			Mean: calNum(p.Mean), SD: calNum(p.SD), Median: calNum(p.Median), CrI: interval(p.Lo95, p.Hi95), Narrowing: narrowText(m.narrow[i])}
	}
	return rows
}

// pointRows is a table of observed points.
func pointRows(ps []calPoint) []calPointRow {
	rows := make([]calPointRow, len(ps))
	for i, p := range ps {
		agrees := "n/a"
		if in, ok := consistent(p.CalibPoint); ok {
			agrees = map[bool]string{true: "yes", false: "no"}[in]
		}
		rows[i] = calPointRow{Series: p.Series, Date: p.Date, Value: calNum(p.Value), Kind: kindText(p.Kind),
			PIT: pitText(p.PIT), CRPS: calNum(p.CRPS), Agrees: agrees, Source: p.Source}
	}
	return rows
}

// seriesRows is the series table.
func (m *calModel) seriesRows() []calSeriesRow {
	rows := make([]calSeriesRow, len(m.c.Series))
	for i, s := range m.c.Series {
		held := 0
		for _, p := range s.Points {
			if p.HeldOut {
				held++
			}
		}
		rows[i] = calSeriesRow{Name: s.Name, Observable: s.Observable, Transform: s.Transform, Unit: s.Unit,
			Discrepancy: calNum(s.Discrepancy), Points: fmt.Sprintf("%d fitted, %d held out", len(s.Points)-held, held)}
	}
	return rows
}

// genRows is the generations table.
func (m *calModel) genRows() []calGenRow {
	rows := make([]calGenRow, len(m.c.Generations))
	for i, g := range m.c.Generations {
		rows[i] = calGenRow{Generation: strconv.Itoa(g.Generation), Epsilon: calNum(g.Epsilon), Acceptance: pctOne(g.Acceptance),
			ESS: num(g.ESS), Simulations: thousands(g.Simulations)}
	}
	return rows
}

// pctOne formats a rate as a percentage with up to three significant
// digits: 0.0123 → "1.23%".
func pctOne(x float64) string {
	if !finite(x) {
		return "n/a"
	}
	return strconv.FormatFloat(100*x, 'g', 3, 64) + "%"
}

// scoreNote explains the agreement column and the CRPS.
const scoreNote = "PIT is the posterior-predictive probability that the model’s value at the point’s date is at or below the observed one " +
	"(ties count half). A point or approx value agrees at the 90% level when its PIT lies in [0.05, 0.95]; for a lower bound or a cap, " +
	"where the truth is at or above the value, when at least 5% of the predictive lies at or above it (PIT ≤ 0.95). " +
	"CRPS, the continuous ranked probability score, is on the distance’s transformed scale (log1p, log or identity): lower is better, 0 is a perfect sure forecast."

// methodNotes describes the method in a few sentences.
func (m *calModel) methodNotes() []string {
	return []string{
		"ABC-SMC (approximate Bayesian computation by sequential Monte Carlo): each generation perturbs the previous particles, " +
			"simulates the model at each, and keeps those whose distance to the fitted points is within a tolerance ε taken from a quantile of the previous generation’s distances; " +
			"importance weights correct for the perturbation. Generation 0 draws from the prior.",
		"The distance compares each fitted point with the simulated observable on the series’ transformed scale, each gap scaled by the spread of the previous generation’s simulations " +
			"(Prangle 2017) and the series’ model-discrepancy sd in quadrature. A lower bound enters one-sided (a simulated value at or above it is no error); " +
			"a capped count is compared censored, the simulated count capped as the real one was.",
		"The posterior predictive draws particles by weight and simulates each, fitted and held-out dates alike; the bands and the PIT and CRPS of each point come from those simulations.",
		"Free parameters not listed were not calibrated: they stay at their scenario’s central value.",
	}
}

// html renders the calibration report.html with the charts' SVG inlined.
func (m *calModel) html(charts []chart, svgs map[string][]byte) ([]byte, error) {
	c := &m.c
	pg := calPage{
		Title: "legolab calibration report: " + c.Name, Name: c.Name, Description: c.Description, Meta: m.meta(),
		Lead: m.lead(func(s string) string { return s }), HeldOut: pointRows(m.heldOut), Fitted: pointRows(m.fitted), ScoreNote: scoreNote,
		Params: m.paramRows(), Series: m.seriesRows(), Stop: "The run stopped because " + stopText(c.Stop) + ".",
		Generations: m.genRows(), Method: m.methodNotes(),
	}
	for _, ch := range charts {
		svg, err := inlineSVG(svgs[ch.name], ch.title)
		if err != nil {
			return nil, fmt.Errorf("reports: chart %s: %w", ch.name, err)
		}
		f := figure{Name: ch.name, Title: ch.title, Caption: ch.caption, SVG: svg}
		switch {
		case strings.HasPrefix(ch.name, "predictive-"):
			pg.Predictive = append(pg.Predictive, f)
		case strings.HasPrefix(ch.name, "marginal-"):
			pg.Marginals = append(pg.Marginals, f)
		case ch.name == "pairs":
			pg.Pairs = &f
		}
	}
	if pg.Pairs == nil {
		pg.PairsNote = m.pairsNote()
	}
	var b bytes.Buffer
	if err := calibrationTemplate.Execute(&b, pg); err != nil {
		return nil, fmt.Errorf("reports: calibration report.html: %w", err)
	}
	return b.Bytes(), nil
}

// pairsNote says why there is no pair plot.
func (m *calModel) pairsNote() string {
	if len(m.c.Params) < 2 {
		return "No pair plot: the calibration has fewer than two free parameters."
	}
	return "No pair plot: no particles were saved."
}

// markdown renders the calibration report.md: the plain statement, the
// posterior-predictive charts as images, the tables, links to every chart.
func (m *calModel) markdown(charts []chart) []byte {
	c := &m.c
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# legolab calibration report: %s\n\n", md(c.Name))
	p("%s\n\n", md(m.meta()))
	if c.Description != "" {
		p("%s\n\n", md(c.Description))
	}
	p("## What was fitted, and what tests it\n\n")
	for _, s := range m.lead(md) {
		p("- %s\n", s)
	}
	p("\n")
	for _, ch := range charts {
		if strings.HasPrefix(ch.name, "predictive-") {
			p("![%s](%s)\n\n", md(ch.title), ch.file())
		}
	}
	p("## Held-out points: the test\n\n")
	if len(m.heldOut) == 0 {
		p("No point lies after the cutoff: nothing was held out, so this calibration is a fit only.\n\n")
	} else {
		pointTable(&b, pointRows(m.heldOut))
		p("\n%s\n\n", md(scoreNote))
	}
	p("## Parameters\n\n| parameter | prior | prior 95%% | posterior mean | sd | median | 95%% credible interval | narrowing |\n|---|---|--:|--:|--:|--:|--:|---|\n")
	for _, r := range m.paramRows() {
		p("| `%s` | %s | %s | %s | %s | %s | %s | %s |\n", codeSpan(r.Key), md(r.Prior), md(r.PriorInterval), r.Mean, r.SD, r.Median, md(r.CrI), md(r.Narrowing))
	}
	if len(m.c.Params) == 0 {
		p("| (no free parameter) | | | | | | | |\n")
	}
	p("\nNarrowing is 1 − (posterior 95%% credible interval width) / (prior 95%% interval width).\n\n")
	p("## ABC-SMC run\n\n%s\n\n", md("The run stopped because "+stopText(c.Stop)+"."))
	p("| generation | ε | acceptance | ESS | simulations |\n|--:|--:|--:|--:|--:|\n")
	for _, g := range m.genRows() {
		p("| %s | %s | %s | %s | %s |\n", g.Generation, g.Epsilon, g.Acceptance, g.ESS, g.Simulations)
	}
	p("\n%s simulations in all; final ESS %s of %s particles.\n\n", thousands(c.Simulations), num(c.ESS), thousands(c.Particles))
	p("## Series\n\n| series | observable | transform | unit | discrepancy sd | points |\n|---|---|---|---|--:|---|\n")
	for _, s := range m.seriesRows() {
		p("| %s | `%s` | %s | %s | %s | %s |\n", md(s.Name), codeSpan(s.Observable), md(s.Transform), md(s.Unit), s.Discrepancy, s.Points)
	}
	if len(m.fitted) > 0 {
		p("\n### Fitted points (a fit, not a test)\n\n")
		pointTable(&b, pointRows(m.fitted))
	}
	p("\n## Charts\n\n")
	for _, ch := range charts {
		p("- [%s](%s)\n", md(ch.title), ch.file())
	}
	p("\n## Method\n\n")
	for _, s := range m.methodNotes() {
		p("- %s\n", md(s))
	}
	p("\nThe full report, with every chart inline, is report.html in the calibration folder.\n")
	return b.Bytes()
}

// pointTable writes a Markdown table of observed points.
func pointTable(b *bytes.Buffer, rows []calPointRow) {
	b.WriteString("| series | date | value | kind | PIT | CRPS | agrees (90%) | source |\n|---|---|--:|---|--:|--:|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", md(r.Series), md(r.Date), r.Value, md(r.Kind), r.PIT, r.CRPS, r.Agrees, md(r.Source))
	}
}
