package reports_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/reports/reportstest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestMain skips PNG rasterising under the race detector (see
// raceEnabled); TestPNGs renders them regardless.
func TestMain(m *testing.M) {
	flag.Parse()
	if raceEnabled || testing.Short() {
		reports.SetSkipPNG(true)
	}
	os.Exit(m.Run())
}

// testRuns keeps the suite fast; the benchmark uses 1,000.
const testRuns = 200

// rendered caches the files of the shared fixtures: rendering is the slow
// part of these tests.
var rendered = map[string]map[string][]byte{}

// fixtureFiles renders the shared fixture name once.
func fixtureFiles(t *testing.T, name string) map[string][]byte {
	t.Helper()
	if fs, ok := rendered[name]; ok {
		return fs
	}
	fs := filesOf(t, name, fixtures(testRuns)[name])
	rendered[name] = fs
	return fs
}

// fixtureNames are the shared fixtures, in a fixed order.
var fixtureNames = []string{"one", "four", "none"}

// filesOf renders d and indexes the files by name.
func filesOf(t *testing.T, name string, d *reports.Data) map[string][]byte {
	t.Helper()
	files, err := reports.Files(d)
	if err != nil {
		t.Fatalf("%s: Files: %v", name, err)
	}
	m := map[string][]byte{}
	for _, f := range files {
		if _, dup := m[f.Name]; dup {
			t.Errorf("%s: file %s twice", name, f.Name)
		}
		m[f.Name] = f.Data
	}
	return m
}

func TestFilesNames(t *testing.T) {
	fans := []string{"composability_index", "composed_share_new", "live_standards_data", "live_standards_model",
		"live_standards_compute", "live_standards_storage", "hub_share", "outside_share"}
	for name, d := range fixtures(testRuns) {
		files := fixtureFiles(t, name)
		// By default only the headline chart is also a PNG.
		want := []string{"report.html", "report.md", "plots/lego-cumulative.png"}
		for _, c := range []string{"lego-cumulative", "lego-survival", "lego-dates"} {
			want = append(want, "plots/"+c+".svg")
		}
		for _, f := range fans {
			want = append(want, "plots/fan-"+f+".svg")
		}
		for k, v := range d.Summary.Variants {
			want = append(want, fmt.Sprintf("plots/graph-%d-%s.svg", k+1, v.Name))
		}
		var got []string
		for n, data := range files {
			got = append(got, n)
			if len(data) == 0 {
				t.Errorf("%s: %s is empty", name, n)
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: files\n got %v\nwant %v", name, got, want)
		}
	}
}

// TestPNGs renders real PNGs of every chart (Options.PNG), in parallel
// across charts, also under the race detector.
func TestPNGs(t *testing.T) {
	defer reports.SetSkipPNG(false)()
	d := reportstest.New(reportstest.Options{Scenario: "png", Horizon: 1000, Runs: 20, Protocols: 6,
		Observables: []string{"composability_index"},
		Variants:    []reportstest.Variant{{Name: "a", Rate: 1.0 / 300}}})
	all, err := reports.Render(d, reports.Options{PNG: true})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	svgs, pngs := 0, 0
	for _, f := range all {
		files[f.Name] = f.Data
		switch {
		case strings.HasSuffix(f.Name, ".svg"):
			svgs++
		case strings.HasSuffix(f.Name, ".png"):
			pngs++
		}
	}
	if svgs == 0 || pngs != svgs {
		t.Errorf("%d SVG and %d PNG files; want a PNG for every chart", svgs, pngs)
	}
	for n, data := range files {
		if !strings.HasSuffix(n, ".png") {
			continue
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		// Every chart is 5 or 7 inches wide at 150 dpi.
		if cfg.Width != 750 && cfg.Width != 1050 {
			t.Errorf("%s: width %d px, want 750 or 1050", n, cfg.Width)
		}
	}
}

// checkXML decodes data strictly to the end and returns the first error.
func checkXML(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			line, col := d.InputPos()
			return fmt.Errorf("%d:%d: %w", line, col, err)
		}
	}
}

func TestSVGWellFormed(t *testing.T) {
	for _, name := range fixtureNames {
		for n, data := range fixtureFiles(t, name) {
			if !strings.HasSuffix(n, ".svg") {
				continue
			}
			if err := checkXML(data); err != nil {
				t.Errorf("%s: %s: %v", name, n, err)
			}
			if !bytes.Contains(data, []byte(`viewBox="0 0 `)) {
				t.Errorf("%s: %s has no viewBox", name, n)
			}
		}
	}
}

// TestHTMLWellFormed parses report.html as XML: the template is written as
// polyglot markup so that encoding/xml can check it without an HTML parser,
// and every inline <svg> is checked with it.
func TestHTMLWellFormed(t *testing.T) {
	for _, name := range fixtureNames {
		files := fixtureFiles(t, name)
		html := files["report.html"]
		if err := checkXML(html); err != nil {
			t.Fatalf("%s: report.html: %v", name, err)
		}
		svgs := 0
		for n := range files {
			if strings.HasSuffix(n, ".svg") {
				svgs++
			}
		}
		if got := bytes.Count(html, []byte("<svg ")); got != svgs {
			t.Errorf("%s: %d inline <svg>, want one per chart (%d)", name, got, svgs)
		}
		for _, want := range []string{"<h1>", "The answer", "Scenario parameters", "Method", "@media print", "@media (max-width"} {
			if !bytes.Contains(html, []byte(want)) {
				t.Errorf("%s: report.html lacks %q", name, want)
			}
		}
	}
}

// externalRef matches attribute values and CSS that would fetch something.
var externalRef = regexp.MustCompile(`(?i)(@import|url\(|<script|<link|<iframe|<img|<object|<embed)`)

func TestHTMLSelfContained(t *testing.T) {
	for _, name := range fixtureNames {
		html := fixtureFiles(t, name)["report.html"]
		if m := externalRef.Find(html); m != nil {
			t.Errorf("%s: report.html contains %q", name, m)
		}
		dec := xml.NewDecoder(bytes.NewReader(html))
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			se, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			for _, a := range se.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue // namespace names, never fetched
				}
				switch strings.ToLower(a.Name.Local) {
				case "src", "href", "srcset", "poster", "action", "data", "background":
					if !strings.HasPrefix(a.Value, "#") {
						t.Errorf("%s: <%s %s=%q> refers outside the page", name, se.Name.Local, a.Name.Local, a.Value)
					}
				}
				if v := strings.ToLower(a.Value); strings.Contains(v, "http:") || strings.Contains(v, "https:") || strings.Contains(v, "//") && a.Name.Local != "content" {
					t.Errorf("%s: <%s %s=%q> looks like a URL", name, se.Name.Local, a.Name.Local, a.Value)
				}
			}
		}
	}
}

func TestEscaping(t *testing.T) {
	const evil = `<script>alert(1)</script>`
	d := reportstest.New(reportstest.Options{
		Scenario: evil, Horizon: 1000, Runs: 50, Seed: 1, Protocols: 8,
		Variants: []reportstest.Variant{
			{Name: `<img src=x onerror=alert(2)>`, Description: `"quoted" & <b>bold</b>`, Rate: 1.0 / 300},
			{Name: "a|b*c_[d](e)", Description: "line\nbreak", Rate: 1.0 / 600},
		},
	})
	d.Summary.Parameters = append(d.Summary.Parameters, metrics.Parameter{Key: `x"><script>alert(3)</script>`, Value: `</td></tr></table><script>`})
	files := filesOf(t, "escaping", d)
	html := files["report.html"]
	if err := checkXML(html); err != nil {
		t.Fatalf("report.html no longer well-formed: %v", err)
	}
	lower := bytes.ToLower(html)
	for _, bad := range []string{"<script", "<img", "<b>bold"} {
		if bytes.Contains(lower, []byte(bad)) {
			t.Errorf("report.html contains raw %q", bad)
		}
	}
	if !bytes.Contains(html, []byte("&lt;script&gt;alert(1)&lt;/script&gt;")) {
		t.Errorf("report.html does not show the scenario name escaped")
	}
	for n, data := range files {
		if strings.HasSuffix(n, ".svg") && (bytes.Contains(data, []byte("<img")) || bytes.Contains(data, []byte("<script"))) {
			t.Errorf("%s contains raw markup from a name", n)
		}
	}
	md := files["report.md"]
	for _, bad := range []string{"<script", "<img", "<b>"} {
		if bytes.Contains(md, []byte(bad)) {
			t.Errorf("report.md contains raw %q", bad)
		}
	}
	if !bytes.Contains(md, []byte(`a\|b\*c\_\[d\](e)`)) {
		t.Errorf("report.md does not escape Markdown in a variant name:\n%s", md)
	}
}

func TestNothingReached(t *testing.T) {
	files := fixtureFiles(t, "none")
	for _, f := range []string{"report.html", "report.md"} {
		text := string(files[f])
		if !strings.Contains(text, "is not reached within the horizon") {
			t.Errorf("%s does not say the Lego moment is not reached within the horizon", f)
		}
		if strings.Contains(text, "in half the runs") {
			t.Errorf("%s states a median that does not exist", f)
		}
	}
}

func TestMissingData(t *testing.T) {
	d := fixtures(testRuns)["four"]
	d.Series, d.Runs, d.Graphs = nil, nil, nil
	d.Summary.Partial, d.Summary.Completed = true, 120
	files := filesOf(t, "missing", d)
	html := string(files["report.html"])
	for _, want := range []string{"No time series were saved", "No interop graph was saved", "This run was interrupted: 120 of 200"} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if _, ok := files["plots/lego-dates.svg"]; ok {
		t.Errorf("a histogram was drawn without runs")
	}
	if _, ok := files["plots/lego-cumulative.svg"]; !ok {
		t.Errorf("the headline chart is missing")
	}
}

// TestNoVariants reports an empty summary without a crash and without charts.
func TestNoVariants(t *testing.T) {
	d := fixtures(20)["one"]
	d.Summary.Variants, d.Summary.Comparisons, d.Series, d.Runs, d.Graphs = nil, nil, nil, nil, nil
	files := filesOf(t, "empty", d)
	if len(files) != 2 {
		t.Errorf("%d files, want report.html and report.md only", len(files))
	}
	if err := checkXML(files["report.html"]); err != nil {
		t.Errorf("report.html: %v", err)
	}
	if !strings.Contains(string(files["report.md"]), "No charts") {
		t.Errorf("report.md does not say there are no charts")
	}
}

// TestLeftTruncatedRow shows the count of left-truncated runs in the
// flagged variant's results table only, and nowhere when none is flagged.
func TestLeftTruncatedRow(t *testing.T) {
	const label = "runs composed before the detector could see (left-truncated)"
	d := fixtures(20)["four"]
	d.Series, d.Runs, d.Graphs = nil, nil, nil
	l := &d.Summary.Variants[1].Lego
	l.LeftTruncated = 3
	want := fmt.Sprintf("3 of %d", l.Reached+l.Censored)
	files := filesOf(t, "left-truncated", d)
	for _, f := range []string{"report.html", "report.md"} {
		text := string(files[f])
		if n := strings.Count(text, label); n != 1 {
			t.Errorf("%s: the left-truncated row appears %d times; want once (one flagged variant)", f, n)
			continue
		}
		if row := text[strings.Index(text, label):]; !strings.Contains(row[:min(len(row), 200)], want) {
			t.Errorf("%s: the left-truncated row does not say %q: %.200s", f, want, row)
		}
	}
	for _, name := range fixtureNames {
		for _, f := range []string{"report.html", "report.md"} {
			if strings.Contains(string(fixtureFiles(t, name)[f]), label) {
				t.Errorf("%s %s: a left-truncated row with no run flagged", name, f)
			}
		}
	}
}

func TestBadData(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*reports.Data)
		want string
	}{
		{"start", func(d *reports.Data) { d.Summary.Start = "01/02/2025" }, "start date"},
		{"horizon", func(d *reports.Data) { d.Summary.HorizonDays = 0 }, "horizon_days"},
	} {
		d := fixtures(20)["one"]
		tc.edit(d)
		_, err := reports.Files(d)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.want)
		}
	}
}

func TestDeterministic(t *testing.T) {
	d := fixtures(50)["four"]
	a, err := reports.Files(d)
	if err != nil {
		t.Fatal(err)
	}
	b, err := reports.Files(d)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("%s differs between two renderings", a[i].Name)
		}
	}
}

// TestRenderJobs checks that the files do not depend on how many charts are
// drawn at once: one at a time, three, and more workers than charts give
// the same files, byte for byte, in the same order, with and without
// Options.PNG. The PNGs are real, not placeholders, so that their encoding
// is covered too.
func TestRenderJobs(t *testing.T) {
	defer reports.SetSkipPNG(false)()
	d := fixtures(30)["four"]
	for _, withPNG := range []bool{false, true} {
		want, err := reports.Render(d, reports.Options{Jobs: 1, PNG: withPNG})
		if err != nil {
			t.Fatal(err)
		}
		for _, jobs := range []int{3, 64, 0} {
			got, err := reports.Render(d, reports.Options{Jobs: jobs, PNG: withPNG})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("png=%v jobs=%d: %d files; want %d as with jobs=1", withPNG, jobs, len(got), len(want))
			}
			for i := range want {
				if got[i].Name != want[i].Name || !bytes.Equal(got[i].Data, want[i].Data) {
					t.Errorf("png=%v jobs=%d: file %d is %s; differs from jobs=1's %s", withPNG, jobs, i, got[i].Name, want[i].Name)
				}
			}
		}
	}
}

// TestRenderPNG checks what Options.PNG changes: every chart gets a PNG
// beside its SVG and report.md links the PNGs, while report.html and the
// SVGs stay byte for byte the same; without it report.md links the SVG
// of every chart but the headline, whose PNG it shows.
func TestRenderPNG(t *testing.T) {
	d := fixtures(30)["four"]
	index := func(opt reports.Options) map[string][]byte {
		files, err := reports.Render(d, opt)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string][]byte{}
		for _, f := range files {
			m[f.Name] = f.Data
		}
		return m
	}
	lean, full := index(reports.Options{}), index(reports.Options{PNG: true})
	charts := 0
	for name, data := range lean {
		switch {
		case strings.HasSuffix(name, ".svg"):
			charts++
			if !bytes.Equal(full[name], data) {
				t.Errorf("%s differs with PNG", name)
			}
			png := strings.TrimSuffix(name, ".svg") + ".png"
			if _, ok := full[png]; !ok {
				t.Errorf("with PNG: %s missing", png)
			}
			_, ok := lean[png]
			if headline := name == "plots/"+reports.HeadlineChart+".svg"; ok != headline {
				t.Errorf("without PNG: %s present %v; want %v", png, ok, headline)
			}
		case name == reports.HTMLFile:
			if !bytes.Equal(full[name], data) {
				t.Errorf("%s differs with PNG", name)
			}
		}
	}
	if charts < 10 || len(full) != len(lean)+charts-1 {
		t.Fatalf("%d charts, %d files without PNG, %d with", charts, len(lean), len(full))
	}
	md, fullMD := string(lean[reports.MarkdownFile]), string(full[reports.MarkdownFile])
	headline := "(plots/" + reports.HeadlineChart + ".png)"
	if strings.Count(md, headline) != 2 || strings.Count(fullMD, headline) != 2 {
		t.Errorf("report.md shows and links the headline PNG %d and %d times; want 2 and 2", strings.Count(md, headline), strings.Count(fullMD, headline))
	}
	if n := strings.Count(md, ".png)"); n != 2 {
		t.Errorf("report.md links %d PNGs without the option; want the headline's 2", n)
	}
	if n := strings.Count(md, ".svg)"); n != charts-1 {
		t.Errorf("report.md links %d SVGs without the option; want %d", n, charts-1)
	}
	if n := strings.Count(fullMD, ".png)"); n != charts+1 || strings.Contains(fullMD, ".svg)") {
		t.Errorf("report.md with PNG links %d PNGs (want %d) or an SVG", n, charts+1)
	}
	for name := range full {
		if png, ok := strings.CutSuffix(name, ".png"); ok && !strings.Contains(fullMD, "("+png+".png)") {
			t.Errorf("report.md with PNG does not link %s", name)
		}
	}
}

// outline is the text structure of report.html: one line per heading,
// paragraph, list item, caption and table cell, with chart SVGs reduced to
// their labels; what a reader reads, without the markup.
func outline(t *testing.T, html []byte) string {
	t.Helper()
	blocks := map[string]bool{"title": true, "h1": true, "h2": true, "h3": true, "p": true, "li": true,
		"figcaption": true, "caption": true, "th": true, "td": true, "dt": true, "dd": true}
	dec := xml.NewDecoder(bytes.NewReader(html))
	var out strings.Builder
	var text strings.Builder
	open := ""
	depth, openDepth := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			depth++
			switch name := tk.Name.Local; {
			case name == "br" && open != "":
				text.WriteByte(' ')
			case name == "svg":
				for _, a := range tk.Attr {
					if a.Name.Local == "aria-label" {
						fmt.Fprintf(&out, "[svg: %s]\n", a.Value)
					}
				}
				if err := dec.Skip(); err != nil {
					t.Fatal(err)
				}
				depth--
			case name == "style":
				if err := dec.Skip(); err != nil {
					t.Fatal(err)
				}
				depth--
			case name == "figure":
				for _, a := range tk.Attr {
					if a.Name.Local == "id" {
						fmt.Fprintf(&out, "figure #%s\n", a.Value)
					}
				}
			case blocks[name] && open == "":
				open, openDepth = name, depth
				text.Reset()
			}
		case xml.EndElement:
			if open != "" && depth == openDepth && tk.Name.Local == open {
				fmt.Fprintf(&out, "%s: %s\n", open, strings.Join(strings.Fields(text.String()), " "))
				open = ""
			}
			depth--
		case xml.CharData:
			if open != "" {
				text.Write(tk)
			}
		}
	}
	return out.String()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			g, w := "", ""
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs at line %d:\n got %q\nwant %q\n(run go test -update if the change is intended)", path, i+1, g, w)
			}
		}
	}
}

func TestGolden(t *testing.T) {
	for _, name := range fixtureNames {
		files := fixtureFiles(t, name)
		golden(t, name+".md", files["report.md"])
		golden(t, name+".html.txt", []byte(outline(t, files["report.html"])))
	}
}

// ExampleFiles renders the report of a small two-variant ensemble and
// lists its files.
func ExampleFiles() {
	d := reportstest.New(reportstest.Options{
		Scenario: "example", Horizon: 1825, Runs: 100, Seed: 1, Protocols: 10,
		Variants: []reportstest.Variant{
			{Name: "hub", Rate: 1.0 / 500},
			{Name: "defacto", Rate: 1.0 / 900},
		},
	})
	files, err := reports.Files(d)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range files {
		if !strings.HasSuffix(f.Name, ".png") {
			fmt.Println(f.Name)
		}
	}
	// Output:
	// report.html
	// report.md
	// plots/lego-cumulative.svg
	// plots/lego-survival.svg
	// plots/lego-dates.svg
	// plots/fan-composability_index.svg
	// plots/fan-composed_share_new.svg
	// plots/fan-live_standards_data.svg
	// plots/fan-live_standards_model.svg
	// plots/fan-live_standards_compute.svg
	// plots/fan-live_standards_storage.svg
	// plots/fan-hub_share.svg
	// plots/fan-outside_share.svg
	// plots/graph-1-hub.svg
	// plots/graph-2-defacto.svg
}
