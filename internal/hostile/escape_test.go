package hostile

// Escaping: each problem of issue 11's "Escaping" list, with hostile text
// where a name, description, key or warning goes, asserting a safe
// result. Every case fails on the code before the fix.

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/legolab/legolab/internal/termsafe"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/reports/reportstest"
)

const (
	script = "<script>alert(1)</script>"
	img    = "<img src=x onerror=alert(1)>"
)

// codeSpans matches one-backtick code spans, inside which Markdown shows
// HTML as text.
var codeSpans = regexp.MustCompile("`[^`\n]*`")

// rawHTML reports the HTML tags of md outside code spans.
func rawHTML(md string) []string {
	return regexp.MustCompile(`<(script|img)\b`).FindAllString(codeSpans.ReplaceAllString(md, ""), -1)
}

func hostileSweep() *metrics.SweepSummary {
	lo, hi := 0.1, 0.9
	x := 0.5
	return &metrics.SweepSummary{
		Kind: "sweep", Sweep: "s " + script, Description: "about " + img + " and *bold* [link](javascript:x)",
		Scenario: "base " + script, Version: "0.1.0-test", Design: "grid", Replications: 2, Points: 4,
		Variants: []string{"v " + img, "w"},
		Params: []metrics.SweepParamInfo{
			{Key: "protocols.`" + img + "`.openness", Min: &lo, Max: &hi},
			{Key: "mode", Values: []string{script, "plain"}},
		},
		Outcomes: []string{"p_by_horizon(" + img + ")"},
		Stats:    []metrics.OutcomeStats{{Outcome: "p_by_horizon(" + img + ")", Mean: &x, Median: &x, Min: &lo, Max: &hi}},
		Sensitivity: []metrics.SensitivityRow{{Outcome: "p_by_horizon(" + img + ")", Param: "mode`" + script,
			Method: "main_effect", S1: &x, Note: "note " + script}},
		Warnings: []string{"warning " + script},
	}
}

// TestSweepMarkdownEscapes: the sweep report.md put names, descriptions,
// keys and warnings in raw, so <script> and <img onerror> passed through.
func TestSweepMarkdownEscapes(t *testing.T) {
	var b bytes.Buffer
	if err := reports.WriteSweepMarkdown(&b, hostileSweep(), nil); err != nil {
		t.Fatal(err)
	}
	if tags := rawHTML(b.String()); len(tags) > 0 {
		t.Errorf("sweep report.md has raw HTML %q outside code spans:\n%s", tags, b.String())
	}
	if strings.Contains(b.String(), "[link](javascript:x)") {
		t.Errorf("sweep report.md keeps a Markdown link from a description:\n%s", b.String())
	}
}

// TestRunMarkdownEscapes: the run report.md, for the same texts.
func TestRunMarkdownEscapes(t *testing.T) {
	d := reportstest.New(reportstest.Options{Scenario: "s " + script, Horizon: 720, Runs: 8, Seed: 1,
		Observables: []string{"composability_index"},
		Variants: []reportstest.Variant{
			{Name: "v " + img, Description: "d " + script, Rate: 0.01,
				Set: []metrics.Parameter{{Key: "k`" + img, Value: "`" + script}}},
			{Name: "w", Rate: 0.002},
		}})
	md := fileOf(t, d, reports.MarkdownFile)
	if tags := rawHTML(string(md)); len(tags) > 0 {
		t.Errorf("run report.md has raw HTML %q outside code spans:\n%s", tags, md)
	}
}

// fileOf renders d's report and returns the file name.
func fileOf(t *testing.T, d *reports.Data, name string) []byte {
	t.Helper()
	files, err := reports.Files(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f.Name == name {
			return f.Data
		}
	}
	t.Fatalf("no %s among the report's files", name)
	return nil
}

// TestTerminalControls: ESC and BEL in names reached the terminal raw. The
// one sanitiser legolab wraps its stdout and stderr in must show them
// escaped, and leave ordinary text alone. (cmd/legolab's
// TestTerminalGetsNoControls runs the command itself.)
func TestTerminalControls(t *testing.T) {
	var b bytes.Buffer
	w := termsafe.NewWriter(&b)
	name := "evil\x1b]0;owned\a\x1b[2J\x00\u009b31m\r"
	if _, err := io.WriteString(w, "variant "+name+"\tok\n"); err != nil {
		t.Fatal(err)
	}
	if i := strings.IndexFunc(b.String(), func(r rune) bool {
		return r < 0x20 && r != '\t' && r != '\n' || r >= 0x7f && r <= 0x9f
	}); i >= 0 {
		t.Errorf("terminal output %q has a control character at byte %d", b.String(), i)
	}
	if want := `variant evil\x1b]0;owned\x07\x1b[2J\x00\u009b31m\x0d` + "\tok\n"; b.String() != want {
		t.Errorf("terminal output %q; want %q", b.String(), want)
	}
}

// TestSVGValidXML: a NUL (or ESC, or a byte that is not UTF-8) in a
// variant name made the SVGs invalid XML.
func TestSVGValidXML(t *testing.T) {
	d := reportstest.New(reportstest.Options{Scenario: "x", Horizon: 720, Runs: 8, Seed: 1, Protocols: 6,
		Observables: []string{"composability_index"},
		Variants: []reportstest.Variant{
			{Name: "nul\x00esc\x1bbad\xff", Rate: 0.01},
			{Name: "w", Rate: 0.002},
		}})
	files, err := reports.Files(d)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if path.Ext(f.Name) != ".svg" {
			continue
		}
		n++
		dec := xml.NewDecoder(bytes.NewReader(f.Data))
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Errorf("%s is not valid XML: %v", f.Name, err)
				break
			}
		}
	}
	if n == 0 {
		t.Fatal("the report has no SVG")
	}
}

// TestChartNamesInjective: dimensions a.b, a_b and a b all wrote one fan
// chart file.
func TestChartNamesInjective(t *testing.T) {
	obs := []string{"live_standards_a.b", "live_standards_a_b", "live_standards_a b", "composability_index"}
	d := reportstest.New(reportstest.Options{Scenario: "x", Horizon: 720, Runs: 8, Seed: 1, Observables: obs,
		Variants: []reportstest.Variant{{Name: "v", Rate: 0.01}}})
	files, err := reports.Files(d)
	if err != nil {
		t.Fatal(err)
	}
	var fans []string
	for _, f := range files {
		if strings.HasPrefix(f.Name, "plots/fan-") && strings.HasSuffix(f.Name, ".svg") {
			fans = append(fans, f.Name)
		}
	}
	slices.Sort(fans)
	if len(slices.Compact(slices.Clone(fans))) != len(obs) {
		t.Errorf("fan charts %q; want %d distinct files, one per observable", fans, len(obs))
	}
	// The one dimension already safe keeps its plain name, and so does an
	// observable without a collision.
	for _, want := range []string{"plots/fan-live_standards_a_b.svg", "plots/fan-composability_index.svg"} {
		if !slices.Contains(fans, want) {
			t.Errorf("fan charts %q; want %s among them", fans, want)
		}
	}
	// And the names are the same on every render.
	again, err := reports.Files(d)
	if err != nil {
		t.Fatal(err)
	}
	for i := range files {
		if files[i].Name != again[i].Name {
			t.Errorf("file %d named %s, then %s", i, files[i].Name, again[i].Name)
		}
	}
}

// TestCSVFormulaTriggers: CSV cells and headers that start with =, +, -
// or @ (or a tab or CR) were written raw. Text cells get a leading quote;
// numbers, negative ones too, stay numbers; reading the file back gives
// the original text.
func TestCSVFormulaTriggers(t *testing.T) {
	evil := []string{"=HYPERLINK(\"http://x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", "'=already", "''@twice"}
	obs := []string{"=obs", "ok"}
	var b bytes.Buffer
	w, err := reports.NewRunsWriter(&b, obs)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range evil {
		if err := w.Write(reports.Run{Variant: v, Replication: i, Seed: 1, LegoDay: -0.5, Final: []float64{-0.5, math.Inf(-1)}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := recs[0][len(recs[0])-2:]; got[0] != "'=obs" || got[1] != "ok" {
		t.Errorf("header ends %q; want the observable =obs written '=obs", got)
	}
	for i, v := range evil {
		rec := recs[i+1]
		if rec[0] != "'"+v {
			t.Errorf("variant %q written as %q; want a leading single quote", v, rec[0])
		}
		if got := strings.Join(rec[3:], ","); got != "-0.5,FALSE,FALSE,-0.5,-Inf" {
			t.Errorf("row %q: cells after the seed %q; want the numbers -0.5 and -Inf unquoted", v, got)
		}
	}
	gotObs, runs, err := reports.ReadRuns(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(gotObs, obs) {
		t.Errorf("observables read back %q; want %q", gotObs, obs)
	}
	for i, r := range runs {
		if r.Variant != evil[i] {
			t.Errorf("variant read back %q; want %q", r.Variant, evil[i])
		}
	}
	for _, c := range []struct{ in, want string }{
		{"-0.5", "-0.5"}, {"-Inf", "-Inf"}, {"+1e-07", "+1e-07"}, {"NA", "NA"}, {"plain", "plain"}, {"-", "'-"},
		{"-x", "'-x"}, {"'x", "'x"},
	} {
		if got := reports.QuoteCell(c.in); got != c.want {
			t.Errorf("QuoteCell(%q) = %q; want %q", c.in, got, c.want)
		}
		if got := reports.UnquoteCell(reports.QuoteCell(c.in)); got != c.in {
			t.Errorf("UnquoteCell(QuoteCell(%q)) = %q", c.in, got)
		}
	}
}

// TestPosteriorReasonEscapes: a posterior's name, keys and stated reason
// come from the scenario and reach the report's forecast section.
func TestPosteriorReasonEscapes(t *testing.T) {
	d := reportstest.New(reportstest.Options{Scenario: "s", Horizon: 720, Runs: 8, Seed: 1,
		Observables: []string{"composability_index"},
		Variants:    []reportstest.Variant{{Name: "v", Rate: 0.01}, {Name: "w", Rate: 0.002}}})
	d.Summary.Forecast = &metrics.Forecast{Thetas: 4, Inner: 2, Leading: metrics.Leading{Text: "none"},
		Posteriors: []metrics.ForecastPosterior{{From: "cal/" + img, Reason: "shared " + script, Keys: []string{"hubs.`" + img + "`.join_incentive"}}}}
	md := fileOf(t, d, reports.MarkdownFile)
	if tags := rawHTML(string(md)); len(tags) > 0 {
		t.Errorf("report.md has raw HTML %q outside code spans:\n%s", tags, md)
	}
	if !strings.Contains(string(md), "drawn from posterior") {
		t.Errorf("report.md does not say where θ came from:\n%s", md)
	}
	html := string(fileOf(t, d, "report.html"))
	if strings.Contains(html, script) || strings.Contains(html, img) {
		t.Errorf("report.html holds the posterior's text unescaped")
	}
	if !strings.Contains(html, "drawn from posterior") {
		t.Errorf("report.html does not say where θ came from")
	}
}
