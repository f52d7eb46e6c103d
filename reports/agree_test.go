package reports

import (
	"bytes"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/legolab/legolab/metrics"
)

// TestPValueAgrees checks that the terminal's headline and the report's
// comparisons write a p-value the same way, on both sides of every
// cut-off, and call it significant at the same level.
func TestPValueAgrees(t *testing.T) {
	day := func(d float64) *float64 { return &d }
	date := "2027-01-01"
	for _, p := range []float64{0.00005, 0.0005, 0.0042, 0.0099, 0.02, 0.049, 0.051, 0.5, math.NaN()} {
		s := &metrics.Summary{
			Variants: []metrics.VariantSummary{
				{Name: "hub", Lego: metrics.LegoSummary{MedianDay: day(100), MedianDate: &date}},
				{Name: "defacto", Lego: metrics.LegoSummary{MedianDay: day(200), MedianDate: &date}},
			},
			Comparisons: []metrics.Comparison{{A: "defacto", B: "hub", PValue: p}},
		}
		want := PValue(p)
		head := Headline(s)
		if !strings.Contains(head, "(log-rank "+want+")") {
			t.Errorf("p = %g: headline %q; want it to say %q", p, head, want)
		}
		m := &model{s: s}
		comp := m.comparisons(func(x string) string { return x })
		if len(comp) != 1 || !strings.Contains(comp[0], ", "+want+" (") {
			t.Errorf("p = %g: comparison %q; want it to say %q", p, comp, want)
		}
		sig := p < Alpha
		if got := strings.Contains(head, "significantly ahead") && !strings.Contains(head, "not significantly"); got != sig {
			t.Errorf("p = %g: headline %q significant %v; want %v", p, head, got, sig)
		}
		if got := strings.Contains(comp[0], "(significant"); got != sig {
			t.Errorf("p = %g: comparison %q significant %v; want %v", p, comp[0], got, sig)
		}
	}
}

// TestSweepTablesAgree checks that report.md and report.html show the same
// sensitivity columns and cells as SensitivityTableOf, for every design.
func TestSweepTablesAgree(t *testing.T) {
	x := func(v float64) *float64 { return &v }
	for _, design := range []string{"sobol", "morris", "grid", "lhs"} {
		method := map[string]string{"sobol": metrics.MethodSobol, "morris": metrics.MethodMorris}[design]
		if method == "" {
			method = metrics.MethodMainEffect
		}
		rows := []metrics.SensitivityRow{
			{Outcome: "y", Param: "a", Method: method, S1: x(0.5), S1CI95: [2]*float64{x(0.4), x(0.6)}, ST: x(0.7),
				STCI95: [2]*float64{x(0.6), nil}, MuStar: x(3), Mu: x(-2), Sigma: x(1)},
			{Outcome: "y", Param: "b", Method: method, Note: "constant | flat"},
		}
		s := &metrics.SweepSummary{Sweep: "s", Design: design, Outcomes: []string{"y"}, Sensitivity: rows}
		tab := SensitivityTableOf(design, s.Top("y", 0))
		var md, html bytes.Buffer
		if err := WriteSweepMarkdown(&md, s, nil); err != nil {
			t.Fatal(err)
		}
		if err := WriteSweepHTML(&html, s, nil); err != nil {
			t.Fatal(err)
		}
		wantMD := "| parameter | " + strings.Join(tab.Head, " | ") + " |\n"
		if !strings.Contains(md.String(), wantMD) {
			t.Errorf("%s: report.md lacks the header %q", design, wantMD)
		}
		var th []string
		for _, m := range regexp.MustCompile(`<th>([^<]*)</th>`).FindAllStringSubmatch(html.String(), -1) {
			th = append(th, m[1])
		}
		if got, want := strings.Join(th, ","), "parameter,range,outcome,mean [95% CI],median [95% CI],min,max,parameter,"+strings.Join(tab.Head, ","); got != want {
			t.Errorf("%s: report.html headers %s; want %s", design, got, want)
		}
		for _, r := range tab.Rows {
			cells := r.Strings()
			if len(cells) != len(tab.Head) {
				t.Errorf("%s: row %s has %d cells for %d columns", design, r.Param, len(cells), len(tab.Head))
			}
			wantRow := "| `" + r.Param + "` | " + strings.Join(cells, " | ") + " |\n"
			if !strings.Contains(md.String(), wantRow) {
				t.Errorf("%s: report.md lacks the row %q", design, wantRow)
			}
			htmlRow := "<tr><td><code>" + r.Param + "</code></td><td>" + strings.Join(cells, "</td><td>") + "</td></tr>"
			if !strings.Contains(html.String(), htmlRow) {
				t.Errorf("%s: report.html lacks the row %q", design, htmlRow)
			}
		}
	}
	if h := SensitivityTableOf("morris", nil).Head; strings.Join(h, ",") != "μ*,μ,σ" {
		t.Errorf("morris columns %v; want μ*, μ, σ", h)
	}
}
