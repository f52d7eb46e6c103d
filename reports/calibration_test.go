package reports_test

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/legolab/legolab/internal/schematest"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
)

// synthParam is one synthetic free parameter: its prior in words, the
// prior's 95% interval, and where the synthetic posterior sits.
type synthParam struct {
	key, prior     string
	plo, phi       float64 // prior 95% interval
	center, spread float64 // the particles: center · exp(spread·z) when log, else center + spread·z
	log            bool
}

var synthParams = []synthParam{
	{"hubs.ibc.join_incentive", "loguniform(0.001, 0.1)", 0.00109, 0.0917, 0.01, 0.3, true},
	{"builders.p", "uniform(0, 0.05)", 0.00125, 0.04875, 0.02, 0.002, false},
	{"builders.q", "normal(0.4, 0.2) [0, 1]", 0.05, 0.78, 0.35, 0.1, false},
	{"standards.bittensor.openness", "beta(2, 5)", 0.043, 0.641, 0.3, 0.12, false},
	{"builders.m", "triangular(1000, 3000, 10000)", 1300, 8600, 4000, 700, false},
	{"hubs.ibc.fee", "choice(1, 2, 3)", 1, 3, 2, 0.5, false},
}

// weightedQuantile is the p-quantile of xs weighted by ws (the first value
// whose cumulative weight reaches p).
func weightedQuantile(xs, ws []float64, p float64) float64 {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(xs[a], xs[b]) })
	total := 0.0
	for _, w := range ws {
		total += w
	}
	acc := 0.0
	for _, i := range idx {
		acc += ws[i]
		if acc >= p*total {
			return xs[i]
		}
	}
	return xs[idx[len(idx)-1]]
}

// synthCalibration builds a synthetic calibration (not a real one): the
// first np parameters of synthParams with n particles drawn around their
// centres, two series of ~monthly band points on log1p and log scales, and
// observed points before and after the cutoff of every kind.
func synthCalibration(np, n int, seed uint64) (*metrics.Calibration, reports.Posterior) {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	c := &metrics.Calibration{
		Name: "ibc-synthetic", Description: "Synthetic calibration for the report's tests; not a real fit.",
		Scenario: "ibc-2021", Variant: "hub", Seed: seed, Start: "2021-02-18", Cutoff: "2023-12-31",
		Particles: n, Stop: "min_eps_decrease",
	}
	post := reports.Posterior{}
	for _, sp := range synthParams[:np] {
		post.Keys = append(post.Keys, sp.key)
	}
	for range n {
		post.Weights = append(post.Weights, 0.2+r.Float64())
		row := make([]float64, np)
		for j, sp := range synthParams[:np] {
			z := r.NormFloat64()
			if sp.log {
				row[j] = sp.center * math.Exp(sp.spread*z)
			} else {
				row[j] = sp.center + sp.spread*z
			}
		}
		post.Rows = append(post.Rows, row)
	}
	sum := 0.0
	for _, w := range post.Weights {
		sum += w
	}
	for i := range post.Weights {
		post.Weights[i] /= sum
	}
	ess := 0.0
	for _, w := range post.Weights {
		ess += w * w
	}
	c.ESS = 1 / ess
	for j, sp := range synthParams[:np] {
		col := make([]float64, n)
		mean := 0.0
		for i, row := range post.Rows {
			col[i] = row[j]
			mean += post.Weights[i] * row[j]
		}
		v := 0.0
		for i := range col {
			v += post.Weights[i] * (col[i] - mean) * (col[i] - mean)
		}
		c.Params = append(c.Params, metrics.CalibParam{Key: sp.key, Prior: sp.prior, Source: "synthetic prior for tests",
			Mean: mean, SD: math.Sqrt(v), Median: weightedQuantile(col, post.Weights, 0.5),
			Lo95: weightedQuantile(col, post.Weights, 0.025), Hi95: weightedQuantile(col, post.Weights, 0.975),
			PriorLo95: sp.plo, PriorHi95: sp.phi})
	}
	sims := 0
	for g := range 6 {
		s := n * (g + 1) * 2
		sims += s
		c.Generations = append(c.Generations, metrics.CalibGeneration{Generation: g, Epsilon: 10 / float64(g+1),
			Acceptance: 1 / float64(2*g+1), ESS: float64(n) * 0.8, Simulations: s})
	}
	c.Simulations = sims
	start, _ := time.Parse(time.DateOnly, c.Start)
	date := func(day float64) string { return start.AddDate(0, 0, int(day)).Format(time.DateOnly) }
	cut := 1046.0 // 2023-12-31 is day 1046 from 2021-02-18
	for _, s := range []struct {
		name, obs, tr, unit string
		scale, rate         float64
	}{
		{"ibc_chains", "hub_members_ibc", "log1p", "chains", 2, 0.003},
		{"defi_tvl", "value_locked", "log", "USD bn", 0.5, 0.004},
	} {
		cs := metrics.CalibSeries{Name: s.name, Observable: s.obs, Transform: s.tr, Unit: s.unit, Discrepancy: 0.2}
		for day := 0.0; day <= 1400; day += 30 {
			med := s.scale * math.Exp(s.rate*day)
			cs.Band = append(cs.Band, metrics.CalibBand{Day: day, Date: date(day),
				Quantiles: [5]float64{med * 0.5, med * 0.75, med, med * 1.3, med * 1.9}})
		}
		kinds := []string{"point", "approx", "point", "lower_bound", "point", "capped", "point", "point"}
		for k, day := range []float64{120, 300, 480, 660, 840, 1000, 1150, 1300} {
			v := s.scale * math.Exp(s.rate*day) * (0.8 + 0.4*r.Float64())
			cs.Points = append(cs.Points, metrics.CalibPoint{Date: date(day), Day: day, Value: v, Kind: kinds[k],
				Source: "https://example.org/" + s.name, HeldOut: day > cut, PIT: r.Float64(), CRPS: 0.1 + 0.2*r.Float64()})
		}
		c.Series = append(c.Series, cs)
	}
	return c, post
}

func calFiles(t testing.TB, c *metrics.Calibration, post reports.Posterior) map[string][]byte {
	t.Helper()
	defer reports.SetSkipPNG(true)()
	files, err := reports.CalibrationFiles(c, post)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		if _, dup := out[f.Name]; dup {
			t.Errorf("file %s written twice", f.Name)
		}
		out[f.Name] = f.Data
	}
	return out
}

// section returns the text of html from the element with id="id" to the
// next heading after its own.
func section(html []byte, id string) string {
	s := string(html)
	i := strings.Index(s, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	s = s[i:]
	h := strings.Index(s, "</h2>")
	if h < 0 {
		return s
	}
	if j := strings.Index(s[h:], "<h2"); j >= 0 {
		s = s[:h+j]
	}
	return s
}

func TestCalibrationFiles(t *testing.T) {
	c, post := synthCalibration(6, 400, 1)
	before, _ := json.Marshal(struct {
		C *metrics.Calibration
		P reports.Posterior
	}{c, post})
	files := calFiles(t, c, post)
	if after, _ := json.Marshal(struct {
		C *metrics.Calibration
		P reports.Posterior
	}{c, post}); !bytes.Equal(before, after) {
		t.Error("CalibrationFiles changed its inputs")
	}
	want := []string{"report.html", "report.md", "plots/predictive-ibc_chains.svg", "plots/predictive-ibc_chains.png",
		"plots/predictive-defi_tvl.svg", "plots/predictive-defi_tvl.png", "plots/pairs.svg"}
	for _, p := range c.Params {
		want = append(want, "plots/marginal-"+strings.ReplaceAll(p.Key, ".", "_")+".svg")
	}
	for _, n := range want {
		if _, ok := files[n]; !ok {
			t.Errorf("no %s among %v", n, slices.Sorted(maps.Keys(files)))
		}
	}
	if len(files) != len(want) {
		t.Errorf("%d files, want %d: %v", len(files), len(want), slices.Sorted(maps.Keys(files)))
	}
	html, mdText := files["report.html"], string(files["report.md"])
	if err := checkXML(html); err != nil {
		t.Fatalf("report.html: %v", err)
	}
	if m := externalRef.Find(html); m != nil {
		t.Errorf("report.html contains %q", m)
	}
	if got, want := bytes.Count(html, []byte("<svg ")), len(want)-4; got != want {
		t.Errorf("%d inline <svg>, want one per chart (%d)", got, want)
	}
	for n, data := range files {
		if strings.HasSuffix(n, ".svg") {
			if err := checkXML(data); err != nil {
				t.Errorf("%s: %v", n, err)
			}
		}
	}
	params := section(html, "parameters")
	for _, p := range c.Params {
		if !strings.Contains(params, "<code>"+p.Key+"</code>") {
			t.Errorf("report.html's parameters table lacks %s", p.Key)
		}
		if !strings.Contains(mdText, "`"+p.Key+"`") {
			t.Errorf("report.md lacks %s", p.Key)
		}
	}
	held := section(html, "held-out")
	heldMD := mdText[strings.Index(mdText, "## Held-out points"):strings.Index(mdText, "## Parameters")]
	nHeld := 0
	for _, s := range c.Series {
		for _, p := range s.Points {
			in := strings.Contains(held, ">"+p.Date+"<")
			inMD := strings.Contains(heldMD, "| "+p.Date+" |")
			if p.HeldOut {
				nHeld++
				if !in || !inMD {
					t.Errorf("held-out point %s %s missing from the held-out table (HTML %v, Markdown %v)", s.Name, p.Date, in, inMD)
				}
			} else if in || inMD {
				t.Errorf("fitted point %s %s is in the held-out table", s.Name, p.Date)
			}
		}
	}
	if nHeld == 0 {
		t.Fatal("the synthetic calibration holds nothing out")
	}
	// The statement leads: fitted, stop rule, narrowing, held-out score;
	// and it calls only the held-out points a test.
	lead := section(html, "statement")
	for _, w := range []string{"Fitted: 6 free parameters", "Stopped after 6 generations", "min_eps_decrease",
		"narrowed", fmt.Sprintf("The test: %d points after the cutoff were held out", nHeld), "In series ibc_chains: 2 of 2 agree",
		"; in series defi_tvl: ", "mean CRPS", "on its log1p scale", "it is not a test"} {
		if !strings.Contains(lead, w) {
			t.Errorf("the statement lacks %q:\n%s", w, lead)
		}
	}
	for _, bad := range []string{"fit is a test", "tested by the fit", "the fit tests"} {
		if strings.Contains(strings.ToLower(string(html)+mdText), bad) {
			t.Errorf("the report says %q", bad)
		}
	}
	if !strings.Contains(mdText, `![Posterior predictive: ibc\_chains](plots/predictive-ibc_chains.png)`) {
		t.Errorf("report.md does not show the predictive chart:\n%s", mdText)
	}
	for n := range files {
		// report.md links each chart's PNG where it has one, else its SVG.
		linked := strings.HasSuffix(n, ".png") || strings.HasSuffix(n, ".svg") && !strings.HasPrefix(n, "plots/predictive-")
		if strings.HasPrefix(n, "plots/") && linked && !strings.Contains(mdText, "("+n+")") {
			t.Errorf("report.md does not link %s", n)
		}
	}
	// Same bytes twice.
	again := calFiles(t, c, post)
	for n, data := range files {
		if !bytes.Equal(again[n], data) {
			t.Errorf("%s differs between two renders", n)
		}
	}
}

// TestCalibrationPairsTop checks that the pair plot shows the four
// parameters the data narrowed most, and only those.
func TestCalibrationPairsTop(t *testing.T) {
	c, post := synthCalibration(5, 200, 2)
	narrow := func(p metrics.CalibParam) float64 { return 1 - (p.Hi95-p.Lo95)/(p.PriorHi95-p.PriorLo95) }
	idx := []int{0, 1, 2, 3, 4}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(narrow(c.Params[b]), narrow(c.Params[a])) })
	pairs := string(calFiles(t, c, post)["plots/pairs.svg"])
	for rank, i := range idx {
		key := c.Params[i].Key
		if got := strings.Contains(pairs, key); got != (rank < 4) {
			t.Errorf("pair plot shows %s (narrowing %.3f, rank %d): %v, want %v", key, narrow(c.Params[i]), rank+1, got, rank < 4)
		}
	}
	// One parameter: no pair plot, and the page says why.
	c1, p1 := synthCalibration(1, 100, 3)
	files := calFiles(t, c1, p1)
	if _, ok := files["plots/pairs.svg"]; ok {
		t.Error("a pair plot of one parameter")
	}
	if !bytes.Contains(files["report.html"], []byte("fewer than two free parameters")) {
		t.Error("report.html does not say why there is no pair plot")
	}
}

func TestCalibrationNoHeldOut(t *testing.T) {
	c, post := synthCalibration(2, 100, 4)
	c.Cutoff = "2030-01-01"
	for i := range c.Series {
		for j := range c.Series[i].Points {
			c.Series[i].Points[j].HeldOut = false
		}
	}
	files := calFiles(t, c, post)
	c.Cutoff = ""
	noCut := calFiles(t, c, post)
	if !bytes.Contains(noCut["report.md"], []byte("to 16 observed points (no cutoff) in 2 series")) {
		t.Errorf("report.md without a cutoff:\n%s", noCut["report.md"])
	}
	for _, n := range []string{"report.html", "report.md"} {
		text := string(files[n])
		if !strings.Contains(text, "fit only") {
			t.Errorf("%s does not say the calibration is a fit only", n)
		}
		if strings.Contains(text, "The test:") {
			t.Errorf("%s reports a test without held-out points", n)
		}
	}
	if err := checkXML(files["report.html"]); err != nil {
		t.Fatal(err)
	}
}

// TestCalibrationEscaping feeds hostile names (markup, Markdown, NUL and
// other control characters) through every text field.
func TestCalibrationEscaping(t *testing.T) {
	c, post := synthCalibration(3, 100, 5)
	const evil = "<script>alert(1)</script>"
	c.Name = evil
	c.Description = "desc \x00 with NUL, ESC \x1b, \"quotes\" & <b>bold</b>\nand a line break"
	c.Scenario = `x"><img src=x onerror=alert(2)>`
	c.Params[0].Key = "a|b*c_[d](e)\x00"
	c.Params[1].Prior = "<script>uniform(0, 1)"
	c.Params[2].Source = "\x01\x02 src </td></tr></table>"
	post.Keys[0] = c.Params[0].Key
	c.Series[0].Name = "chains\x00<script>"
	c.Series[0].Points[0].Source = "https://x.org/\x1b[31m"
	c.Series[1].Unit = "USD\x07bn"
	c.Stop = "<i>odd</i>"
	files := calFiles(t, c, post)
	html := files["report.html"]
	if err := checkXML(html); err != nil {
		t.Fatalf("report.html no longer well-formed: %v", err)
	}
	lower := bytes.ToLower(html)
	for _, bad := range []string{"<script", "<img", "<b>bold", "<i>odd"} {
		if bytes.Contains(lower, []byte(bad)) {
			t.Errorf("report.html contains raw %q", bad)
		}
	}
	if !bytes.Contains(html, []byte("&lt;script&gt;alert(1)&lt;/script&gt;")) {
		t.Error("report.html does not show the name escaped")
	}
	for n, data := range files {
		if strings.HasSuffix(n, ".png") {
			continue
		}
		for _, ctl := range []byte{0, 1, 2, 7, 0x1b} {
			if bytes.IndexByte(data, ctl) >= 0 {
				t.Errorf("%s contains control byte %#x", n, ctl)
			}
		}
		if strings.HasSuffix(n, ".svg") {
			if err := checkXML(data); err != nil {
				t.Errorf("%s: %v", n, err)
			}
			if bytes.Contains(data, []byte("<script")) || bytes.Contains(data, []byte("<img")) {
				t.Errorf("%s contains raw markup from a name", n)
			}
		}
	}
	md := files["report.md"]
	for _, bad := range []string{"<script", "<img", "<b>", "<i>"} {
		if bytes.Contains(md, []byte(bad)) {
			t.Errorf("report.md contains raw %q", bad)
		}
	}
	if !bytes.Contains(md, []byte("desc \uFFFD with NUL")) || !bytes.Contains(md, []byte(`\<`)) && !bytes.Contains(md, []byte("&lt;b&gt;")) {
		t.Errorf("report.md does not show the description cleaned and escaped:\n%s", md)
	}
	// The series named with a NUL still gets its own chart file (each
	// byte of U+FFFD becomes '_').
	if _, ok := files["plots/predictive-chains____script_.svg"]; !ok {
		t.Errorf("no chart file for the hostile series name: %v", slices.Sorted(maps.Keys(files)))
	}
}

func TestCalibrationErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*metrics.Calibration, *reports.Posterior)
		want string
	}{
		{"bad start", func(c *metrics.Calibration, _ *reports.Posterior) { c.Start = "18/02/2021" }, "start"},
		{"bad cutoff", func(c *metrics.Calibration, _ *reports.Posterior) { c.Cutoff = "2023-13-01" }, "cutoff"},
		{"column count", func(_ *metrics.Calibration, p *reports.Posterior) { p.Keys = p.Keys[:1] }, "1 columns for 2 params"},
		{"column name", func(_ *metrics.Calibration, p *reports.Posterior) { p.Keys[1] = "other" }, `column 2 is "other"`},
		{"weights", func(_ *metrics.Calibration, p *reports.Posterior) { p.Weights = p.Weights[1:] }, "49 weights for 50 rows"},
		{"negative weight", func(_ *metrics.Calibration, p *reports.Posterior) { p.Weights[3] = -0.1 }, "row 4: weight"},
		{"NaN weight", func(_ *metrics.Calibration, p *reports.Posterior) { p.Weights[0] = math.NaN() }, "row 1: weight"},
		{"zero weights", func(_ *metrics.Calibration, p *reports.Posterior) { clear(p.Weights) }, "sum to 0"},
		{"short row", func(_ *metrics.Calibration, p *reports.Posterior) { p.Rows[7] = p.Rows[7][:1] }, "row 8 has 1 values"},
	} {
		c, post := synthCalibration(2, 50, 6)
		tc.edit(c, &post)
		_, err := reports.CalibrationFiles(c, post)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// TestCalibrationOddValues renders data a calibration may produce at its
// edges without error: no particles, non-finite statistics, an empty
// series, a single particle, a series without a band.
func TestCalibrationOddValues(t *testing.T) {
	c, post := synthCalibration(3, 60, 7)
	c.Params[0].Lo95, c.Params[0].Median = math.NaN(), math.Inf(1)
	c.Params[1].PriorLo95, c.Params[1].PriorHi95 = 0, 0
	c.Series[0].Band = nil
	c.Series[1].Points[2].PIT, c.Series[1].Points[7].CRPS = math.NaN(), math.NaN()
	c.Series = append(c.Series, metrics.CalibSeries{Name: "empty", Transform: "identity"})
	c.Generations = nil
	for _, p := range []reports.Posterior{post, {}, {Keys: post.Keys, Weights: []float64{1}, Rows: post.Rows[:1]}} {
		files := calFiles(t, c, p)
		if err := checkXML(files["report.html"]); err != nil {
			t.Errorf("%d particles: %v", len(p.Rows), err)
		}
		for n, data := range files {
			if strings.HasSuffix(n, ".svg") {
				if err := checkXML(data); err != nil {
					t.Errorf("%d particles: %s: %v", len(p.Rows), n, err)
				}
			}
		}
	}
}

func TestWriteCalibration(t *testing.T) {
	defer reports.SetSkipPNG(true)()
	c, post := synthCalibration(3, 100, 8)
	dir := t.TempDir()
	if err := reports.WriteCalibration(dir, c, post); err != nil {
		t.Fatal(err)
	}
	files, err := reports.CalibrationFiles(c, post)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Name)))
		if err != nil {
			t.Error(err)
			continue
		}
		if !bytes.Equal(got, f.Data) {
			t.Errorf("%s on disk differs from CalibrationFiles", f.Name)
		}
	}
	var left []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if err := reports.WriteCalibration(filepath.Join(dir, "missing", "\x00"), c, post); err == nil {
		t.Error("writing under an impossible path succeeded")
	}
}

// TestCalibrationSchema keeps calibration-summary.schema.json in step with
// metrics.Calibration (regenerate with go test ./reports -run
// TestCalibrationSchema -update) and checks a summary.json as encoded
// against it: every key written is a property and every required one
// written, at the top level and in each nested object.
func TestCalibrationSchema(t *testing.T) {
	const file = "calibration-summary.schema.json"
	got := summarySchema(t, "https://github.com/legolab/legolab/reports/"+file, "legolab calibration summary.json", &metrics.Calibration{})
	schematest.Golden(t, got, file, "go test ./reports -run TestCalibrationSchema -update", *update)
	var schema struct {
		Defs map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
			Required   []string                   `json:"required"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(got, &schema); err != nil {
		t.Fatal(err)
	}
	c, _ := synthCalibration(2, 20, 9)
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	check := func(typ reflect.Type, obj map[string]any) {
		def, ok := schema.Defs[typ.Name()]
		if !ok {
			t.Fatalf("the schema has no definition of %s", typ.Name())
		}
		for k := range obj {
			if _, ok := def.Properties[k]; !ok {
				t.Errorf("%s: summary.json writes %s, which the schema lacks", typ.Name(), k)
			}
		}
		for _, k := range def.Required {
			if _, ok := obj[k]; !ok {
				t.Errorf("%s: the schema requires %s, which summary.json lacks", typ.Name(), k)
			}
		}
	}
	check(reflect.TypeFor[metrics.Calibration](), doc)
	first := func(key string) map[string]any { return doc[key].([]any)[0].(map[string]any) }
	check(reflect.TypeFor[metrics.CalibParam](), first("params"))
	check(reflect.TypeFor[metrics.CalibGeneration](), first("generations"))
	s := first("series")
	check(reflect.TypeFor[metrics.CalibSeries](), s)
	check(reflect.TypeFor[metrics.CalibPoint](), s["points"].([]any)[0].(map[string]any))
	check(reflect.TypeFor[metrics.CalibBand](), s["band"].([]any)[0].(map[string]any))
}

// BenchmarkWriteCalibration renders a calibration report of 1,000
// particles of 4 parameters and two series, PNGs included (render), and
// also writes it atomically into a folder (write).
func BenchmarkWriteCalibration(b *testing.B) {
	c, post := synthCalibration(4, 1000, 10)
	b.Run("render", func(b *testing.B) {
		b.ReportAllocs()
		size := 0
		for b.Loop() {
			files, err := reports.CalibrationFiles(c, post)
			if err != nil {
				b.Fatal(err)
			}
			size = 0
			for _, f := range files {
				size += len(f.Data)
			}
		}
		b.ReportMetric(float64(size)/1e6, "MB/report")
	})
	b.Run("write", func(b *testing.B) {
		b.ReportAllocs()
		dir := b.TempDir()
		for b.Loop() {
			if err := reports.WriteCalibration(dir, c, post); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestCalibrationHostileNumbers renders calibrations whose numbers are at
// the edges of float64 (NaN, ±Inf, ±MaxFloat64, zero and negative values on
// log scales, unsorted and inverted bands): the report is still written
// and well-formed, or refused with an error, never a panic.
func TestCalibrationHostileNumbers(t *testing.T) {
	odd := []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64, 0, -1, 1e-300, 5e-324}
	r := rand.New(rand.NewPCG(11, 12))
	pick := func(x float64) float64 {
		if r.IntN(3) == 0 {
			return odd[r.IntN(len(odd))]
		}
		return x
	}
	for trial := range 40 {
		c, post := synthCalibration(3, 40, uint64(trial))
		for i := range c.Params {
			p := &c.Params[i]
			p.Mean, p.SD, p.Median, p.Lo95, p.Hi95 = pick(p.Mean), pick(p.SD), pick(p.Median), pick(p.Lo95), pick(p.Hi95)
			p.PriorLo95, p.PriorHi95 = pick(p.PriorLo95), pick(p.PriorHi95)
		}
		for _, row := range post.Rows {
			for j := range row {
				row[j] = pick(row[j])
			}
		}
		c.ESS, c.Generations[0].Epsilon, c.Generations[1].Acceptance = pick(c.ESS), pick(1), pick(0.5)
		for i := range c.Series {
			s := &c.Series[i]
			for j := range s.Points {
				s.Points[j].Value, s.Points[j].Day = pick(s.Points[j].Value), pick(s.Points[j].Day)
				s.Points[j].PIT, s.Points[j].CRPS = pick(s.Points[j].PIT), pick(s.Points[j].CRPS)
			}
			for j := range s.Band {
				s.Band[j].Day = pick(s.Band[j].Day)
				for q := range s.Band[j].Quantiles {
					s.Band[j].Quantiles[q] = pick(s.Band[j].Quantiles[q])
				}
			}
			r.Shuffle(len(s.Band), func(a, b int) { s.Band[a], s.Band[b] = s.Band[b], s.Band[a] })
		}
		func() {
			defer func() {
				if v := recover(); v != nil {
					t.Fatalf("trial %d: panic %v", trial, v)
				}
			}()
			defer reports.SetSkipPNG(true)()
			files, err := reports.CalibrationFiles(c, post)
			if err != nil {
				t.Errorf("trial %d: %v", trial, err)
				return
			}
			for _, f := range files {
				if strings.HasSuffix(f.Name, ".svg") || f.Name == "report.html" {
					if err := checkXML(f.Data); err != nil {
						t.Errorf("trial %d: %s: %v", trial, f.Name, err)
					}
				}
			}
		}()
	}
}
