package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strings"

	"github.com/legolab/legolab/metrics"
)

//go:embed report.html.tmpl
var htmlSource string

// htmlTemplate is the report page. html/template escapes every value by
// context, so no scenario, variant or parameter text can inject markup;
// only the SVG this package rendered enters as template.HTML.
var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{"num": fnum, "nowrap": nowrapDates}).Parse(htmlSource))

// dateLike matches the dates and percentage ranges the report writes:
// YYYY-MM, YYYY-MM-DD and "24–42%".
var dateLike = regexp.MustCompile(`\b[0-9]{4}-[0-9]{2}(?:-[0-9]{2})?\b|[0-9.]+–[0-9.]+%`)

// nowrapDates escapes s and keeps each date and range in it on one line: a
// phone would otherwise break "2027-05" at its hyphen.
func nowrapDates(s string) template.HTML {
	esc := html.EscapeString(s)
	return template.HTML(dateLike.ReplaceAllString(esc, `<span class="nw">$0</span>`))
}

// figure is a chart as the page shows it.
type figure struct {
	Name, Title, Caption string
	SVG                  template.HTML
}

// page is the data of the HTML template.
type page struct {
	Title, Scenario, Meta, Partial, Version string
	OneVariant                              bool // fan charts are single panels, shown two abreast
	Answers                                 []answer
	Comparisons                             []string
	CompareNote                             string
	Headline                                *figure
	Lego, Fans, Graphs                      []figure
	MissingGraphs                           string
	Parameters                              []metrics.Parameter
	Changes                                 []change
	Detector, Statistics                    string
	Method                                  [][2]string

	// Forecast is the prior-predictive section (forecast.go), "" without.
	Forecast template.HTML
}

// html renders report.html with the charts' SVG inlined.
func (m *model) html(charts []chart, svgs map[string][]byte) ([]byte, error) {
	s := m.s
	pg := page{
		Title:       "legolab report: " + s.Scenario,
		Scenario:    s.Scenario,
		Meta:        m.meta(),
		Partial:     m.partial(),
		Version:     s.Version,
		Answers:     m.answers,
		Comparisons: m.compare,
		CompareNote: m.compareNote(),
		Parameters:  s.Parameters,
		Changes:     m.changes(),
		Detector:    m.detector(),
		Statistics:  statisticsNote,
		Method:      m.method(),
		OneVariant:  len(s.Variants) <= 1,
	}
	pg.Forecast = m.forecastHTML(m.data)
	for _, c := range charts {
		svg, err := inlineSVG(svgs[c.name], c.title)
		if err != nil {
			return nil, fmt.Errorf("reports: chart %s: %w", c.name, err)
		}
		f := figure{Name: c.name, Title: c.title, Caption: c.caption, SVG: svg}
		switch {
		case c.name == "lego-cumulative":
			pg.Headline = &f
		case strings.HasPrefix(c.name, "lego-"):
			pg.Lego = append(pg.Lego, f)
		case strings.HasPrefix(c.name, "fan-"):
			pg.Fans = append(pg.Fans, f)
		case strings.HasPrefix(c.name, "graph-"):
			pg.Graphs = append(pg.Graphs, f)
		}
	}
	if len(pg.Graphs) > 0 {
		pg.MissingGraphs = m.missingGraphs()
	}
	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, pg); err != nil {
		return nil, fmt.Errorf("reports: report.html: %w", err)
	}
	return b.Bytes(), nil
}

// statisticsNote explains the statistics behind every figure.
const statisticsNote = "Times to the Lego moment are analysed with the Kaplan–Meier estimator, which keeps the runs that do not " +
	"reach it by the horizon as right-censored (“not yet”) instead of dropping them or dating them at the horizon. " +
	"Bands are pointwise 95% intervals from Greenwood’s variance on the log–log scale; the median’s 95% interval is " +
	"Brookmeyer–Crowley’s; the probability by the horizon has a Wilson score interval. Variants are compared with the " +
	"log-rank test. Variants share common random numbers (replication r of every variant uses the same seeds), so " +
	"paired differences reflect the variant, not the dice. Fan charts show quantiles across runs at each sample date."

// meta is the line under the title.
func (m *model) meta() string {
	s := m.s
	parts := []string{
		"start " + s.Start,
		fmt.Sprintf("horizon %s (%s days)", m.horizon, thousands(int(s.HorizonDays+0.5))),
		thousands(s.Runs) + " runs per variant",
	}
	if n := len(s.Variants); n == 1 {
		parts = append(parts, "1 variant")
	} else {
		parts = append(parts, fmt.Sprintf("%d variants", n))
	}
	parts = append(parts, fmt.Sprintf("seed %d", s.Seed))
	return strings.Join(parts, " · ")
}

// partial warns about an interrupted run.
func (m *model) partial() string {
	if !m.s.Partial {
		return ""
	}
	return fmt.Sprintf("This run was interrupted: %s of %s replications per variant finished, and every result covers those only.",
		thousands(m.s.Completed), thousands(m.s.Runs))
}

// compareNote warns about multiple comparisons.
func (m *model) compareNote() string {
	k := len(m.s.Comparisons)
	if k < 2 {
		return ""
	}
	return fmt.Sprintf("The %d p-values are not adjusted for multiple comparisons; a Bonferroni threshold for a 5%% family-wise error is %.3g.",
		k, 0.05/float64(k))
}

// detector describes the Lego-moment rule in words.
func (m *model) detector() string {
	r := m.s.Lego
	switch r.Rule {
	case "window", "":
		return fmt.Sprintf("A run’s Lego moment is the first sample day at which, over a trailing window of %g days, "+
			"(a) the composability index is at least %g, (b) composed apps (using two or more protocols) make up at least %s of new apps, "+
			"and (c) new composed apps arrive at least %g times as fast as in the window before, with at least %g in the window: "+
			"an explosion, not a drift. A run that never meets it by the horizon is right-censored.",
			r.WindowDays, r.ComposabilityMin, pct(r.ComposedShareMin), r.GrowthMin, r.MinComposedPerWindow)
	case "logistic":
		return "A run’s Lego moment is the inflection point of a logistic curve fitted to its cumulative composed apps " +
			"(apps using two or more protocols). A run whose fit has no inflection within the horizon is right-censored."
	}
	return "A run’s Lego moment is found by the detector rule “" + r.Rule + "” (parameters below). " +
		"A run that never meets it by the horizon is right-censored."
}

// method lists what a reader needs to reproduce the run.
func (m *model) method() [][2]string {
	s := m.s
	runs := thousands(s.Runs) + " per variant"
	if s.Partial {
		runs += fmt.Sprintf(" (%s completed)", thousands(s.Completed))
	}
	r := s.Lego
	return [][2]string{
		{"scenario", s.Scenario},
		{"scenario SHA-256", s.SHA256},
		{"legolab version", s.Version},
		{"seed", fmt.Sprint(s.Seed)},
		{"runs", runs},
		{"variants", m.variantNames()},
		{"start", s.Start},
		{"horizon", fmt.Sprintf("%g days, to %s", s.HorizonDays, m.horizon)},
		{"detector rule", r.Rule},
		{"detector parameters", fmt.Sprintf("window %g days · composability ≥ %g · composed share of new apps ≥ %g · growth ≥ %g× · at least %g composed apps per window",
			r.WindowDays, r.ComposabilityMin, r.ComposedShareMin, r.GrowthMin, r.MinComposedPerWindow)},
	}
}

// variantNames lists the variants in summary order.
func (m *model) variantNames() string {
	names := make([]string, len(m.s.Variants))
	for i, v := range m.s.Variants {
		names[i] = v.Name
	}
	return strings.Join(names, ", ")
}

// missingGraphs names the variants without a saved graph, or "".
func (m *model) missingGraphs() string {
	if len(m.missing) == 0 {
		return ""
	}
	return "No interop graph was saved for: " + strings.Join(m.missing, ", ") + "."
}
