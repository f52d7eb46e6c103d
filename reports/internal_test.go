package reports

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/stats"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

func TestCalendarTicks(t *testing.T) {
	cal, err := parseStart("2025-01-01")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		min, max float64
		labels   []string
	}{
		// Ten years: a label every two years (at most seven labels).
		{"decade", 0, 3650, []string{"2026", "2028", "2030", "2032", "2034"}},
		// Three years (to 2028-01-01): every six months.
		{"three years", 0, 1095, []string{"2025-01", "2025-07", "2026-01", "2026-07", "2027-01", "2027-07", "2028-01"}},
		// One year (to 2026-01-01): every quarter.
		{"one year", 0, 365, []string{"2025-01", "2025-04", "2025-07", "2025-10", "2026-01"}},
		// Four months (to 2025-05-01): every month.
		{"months", 0, 120, []string{"2025-01", "2025-02", "2025-03", "2025-04", "2025-05"}},
	} {
		var got []string
		for _, tk := range (calendarTicks{cal}).Ticks(tc.min, tc.max) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
			if tk.Value < tc.min || tk.Value > tc.max {
				t.Errorf("%s: tick at day %g outside [%g, %g]", tc.name, tk.Value, tc.min, tc.max)
			}
		}
		if !slices.Equal(got, tc.labels) {
			t.Errorf("%s: labels %v, want %v", tc.name, got, tc.labels)
		}
	}
	// The tick for 2026 sits on 2026-01-01, day 365.
	for _, tk := range (calendarTicks{cal}).Ticks(0, 3650) {
		if tk.Label == "2026" && tk.Value != 365 {
			t.Errorf("2026 tick at day %g, want 365", tk.Value)
		}
	}
}

func TestCalendarBins(t *testing.T) {
	cal, _ := parseStart("2025-03-15")
	for _, tc := range []struct {
		name    string
		horizon float64
		months  int
		n       int
	}{
		{"ten years", 3650, 12, 11},   // 2025 (from Mar 15) .. 2035 (to Mar 13)
		{"five years", 1825, 6, 11},   // half-years 2025-H1 .. 2030-H1
		{"one year", 365, 1, 13},      // Mar 2025 .. Mar 2026
		{"two years", 730, 3, 9},      // Q1 2025 .. Q1 2027
		{"forty years", 14610, 60, 9}, /* 2025–2029 ... 2065–2069 */
	} {
		bins, months := calendarBins(cal, tc.horizon)
		if months != tc.months || len(bins) != tc.n {
			t.Errorf("%s: %d bins of %d months, want %d of %d", tc.name, len(bins), months, tc.n, tc.months)
			continue
		}
		if bins[0].from != 0 || bins[len(bins)-1].to != tc.horizon {
			t.Errorf("%s: bins span [%g, %g], want [0, %g]", tc.name, bins[0].from, bins[len(bins)-1].to, tc.horizon)
		}
		for i := 1; i < len(bins); i++ {
			if bins[i].from != bins[i-1].to {
				t.Errorf("%s: gap between bins %d and %d", tc.name, i-1, i)
			}
		}
	}
}

func TestKMCurve(t *testing.T) {
	km := []stats.KMPoint{{Day: 0, Survival: 1, Lo: 1, Hi: 1}, {Day: 10, Survival: 0.8, Lo: 0.7, Hi: 0.9}, {Day: 30, Survival: 0.5, Lo: 0.4, Hi: 0.6}, {Day: 200, Survival: 0.1}}
	xs, ys, lo, hi := kmCurve(km, 100, false)
	// Steps: flat at 1 to day 10, drop to 0.8, flat to 30, drop to 0.5,
	// flat to the horizon; the point beyond the horizon is not drawn.
	wantX := []float64{0, 0, 0, 10, 10, 30, 30, 100}
	wantY := []float64{1, 1, 1, 1, 0.8, 0.8, 0.5, 0.5}
	if !slices.Equal(xs, wantX) || !slices.Equal(ys, wantY) {
		t.Errorf("survival steps\n got %v %v\nwant %v %v", xs, ys, wantX, wantY)
	}
	if lo[len(lo)-1] != 0.4 || hi[len(hi)-1] != 0.6 {
		t.Errorf("band at the horizon [%g, %g], want [0.4, 0.6]", lo[len(lo)-1], hi[len(hi)-1])
	}
	_, ys, lo, hi = kmCurve(km, 100, true)
	if got := ys[len(ys)-1]; got != 0.5 {
		t.Errorf("cumulative at the horizon %g, want 0.5", got)
	}
	if math.Abs(lo[4]-0.1) > 1e-12 || math.Abs(hi[4]-0.3) > 1e-12 {
		t.Errorf("cumulative band after day 10 [%g, %g], want [0.1, 0.3]", lo[4], hi[4])
	}
	// A thousand steps within a pixel-sized bucket collapse.
	var dense []stats.KMPoint
	for i := range 5000 {
		dense = append(dense, stats.KMPoint{Day: float64(i) / 10, Survival: 1 - float64(i)/5000})
	}
	xs, _, _, _ = kmCurve(dense, 500, false)
	if len(xs) > 2*kmResolution+4 {
		t.Errorf("%d points for 5000 steps, want at most %d", len(xs), 2*kmResolution+4)
	}
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{pct(0), "0%"}, {pct(1), "100%"}, {pct(0.713), "71%"}, {pct(0.004), "0.4%"},
		{pct(0.0004), "<0.1%"}, {pct(0.9962), "99.6%"}, {pct(0.99996), ">99.9%"}, {pct(math.NaN()), "n/a"},
		{pctRange(0.54, 0.6), "54–60%"}, {pctRange(0, 0.0038), "0–0.4%"},
		{PValue(0.0004), "p < 0.001"}, {PValue(0.0042), "p = 0.004"}, {PValue(0.2), "p = 0.20"},
		{thousands(0), "0"}, {thousands(999), "999"}, {thousands(1000), "1,000"}, {thousands(-1234567), "-1,234,567"},
		{num(0.12345), "0.123"}, {num(12345), "12,345"}, {num(2e7), "2.00e+07"}, {num(math.Inf(1)), "n/a"},
		{fnum("hub_share", 0.25), "25.0%"}, {fnum("composability_index", 0.25), "0.25"},
		{slug("Cross-protocol Hub!"), "cross-protocol-hub"}, {slug("<script>"), "script"}, {slug("日本"), ""},
		{fileSafe("live_standards_data"), "live_standards_data"}, {fileSafe("a/b c"), "a_b_c"},
		{md("a|b*c_<x>"), `a\|b\*c\_&lt;x&gt;`}, {md("two\nlines"), "two lines"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q; want %q", tc.got, tc.want)
		}
	}
}

func TestPercentTicks(t *testing.T) {
	var labels []string
	for _, tk := range (percentTicks{}).Ticks(0, 1) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if want := []string{"0%", "20%", "40%", "60%", "80%", "100%"}; !slices.Equal(labels, want) {
		t.Errorf("labels %v, want %v", labels, want)
	}
}

func TestInlineSVG(t *testing.T) {
	svg := []byte("<?xml version=\"1.0\"?>\n<!-- x -->\n<svg width=\"504pt\" height=\"288pt\" viewBox=\"0 0 504 288\"\n\txmlns=\"http://www.w3.org/2000/svg\">\n</svg>\n")
	got, err := inlineSVG(svg, `a "quoted" <label>`)
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	if !strings.HasPrefix(s, `<svg role="img" aria-label="a &#34;quoted&#34; &lt;label&gt;"`) {
		t.Errorf("inline SVG starts %q", s[:min(len(s), 80)])
	}
	if strings.Contains(s, "<?xml") || strings.Contains(s, `width="504pt"`) || !strings.Contains(s, `viewBox="0 0 504 288"`) {
		t.Errorf("inline SVG keeps its prolog or fixed size, or lost its viewBox: %q", s)
	}
	if _, err := inlineSVG([]byte("<html/>"), ""); err == nil {
		t.Errorf("inlineSVG accepted a non-SVG document")
	}
}

func TestFanPanels(t *testing.T) {
	series := []metrics.SeriesPoint{
		{Metric: "outside_share"}, {Metric: "live_standards_model"}, {Metric: "unknown"},
		{Metric: "live_standards_data"}, {Metric: "composability_index"}, {Metric: "live_standards_model"},
	}
	var got []string
	for _, o := range fanPanels(series) {
		got = append(got, o.metric)
	}
	// Report order, dimensions in order of appearance, unknown metrics
	// left out, absent ones skipped.
	want := []string{"composability_index", "live_standards_model", "live_standards_data", "outside_share"}
	if !slices.Equal(got, want) {
		t.Errorf("panels %v, want %v", got, want)
	}
}

func TestLayoutGraphCaps(t *testing.T) {
	g := &metrics.Graph{}
	for i := range graphMaxNodes + 50 {
		g.Nodes = append(g.Nodes, metrics.Node{Name: "p", Dimension: []string{"data", "model"}[i%2], Usage: float64(i)})
	}
	// Every pair shares a standard, and a few have bridges.
	for a := range len(g.Nodes) {
		for b := a + 1; b < len(g.Nodes); b++ {
			g.Edges = append(g.Edges, metrics.Edge{A: a, B: b, Kind: "standard"})
		}
	}
	g.Edges = append(g.Edges, metrics.Edge{A: 199, B: 198, Kind: "bridge"}, metrics.Edge{A: 0, B: 199, Kind: "bridge"})
	gl := layoutGraph(g)
	if len(gl.nodes) != graphMaxNodes || gl.dropped.nodes != 50 {
		t.Errorf("%d nodes drawn, %d dropped; want %d and 50", len(gl.nodes), gl.dropped.nodes, graphMaxNodes)
	}
	if gl.nodes[0] != 199 {
		t.Errorf("first node %d, want the most used (199)", gl.nodes[0])
	}
	total := 0
	for _, es := range gl.edges {
		total += len(es)
	}
	if total != graphMaxEdges {
		t.Errorf("%d edges drawn, want the cap %d", total, graphMaxEdges)
	}
	// The bridge between two drawn nodes is kept first; the one to a
	// dropped node is not drawn.
	if len(gl.edges[2]) != 1 {
		t.Errorf("%d bridges drawn, want 1", len(gl.edges[2]))
	}
	if !slices.Equal(gl.dims, []string{"data", "model"}) {
		t.Errorf("dimensions %v, want [data model]", gl.dims)
	}
}

func TestSweepChartErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"heatmap rows", second(Heatmap("h", HeatmapChart{X: []float64{1}, Y: []float64{1, 2}, Z: [][]float64{{1}}}))},
		{"heatmap cols", second(Heatmap("h", HeatmapChart{X: []float64{1, 2}, Y: []float64{1}, Z: [][]float64{{1}}}))},
		{"heatmap start", second(Heatmap("h", HeatmapChart{X: []float64{1}, Y: []float64{1}, Z: [][]float64{{1}}, ZStart: "2025"}))},
		{"bars empty", second(SensitivityBars("s", SensitivityChart{}))},
		{"bars length", second(SensitivityBars("s", SensitivityChart{Params: []string{"a", "b"}, Series: []BarSeries{{Value: []float64{1}}}}))},
		{"curve empty", second(ResponseCurve("r", ResponseChart{}))},
		{"curve length", second(ResponseCurve("r", ResponseChart{Curves: []Curve{{X: []float64{1, 2}, Y: []float64{1}}}}))},
		{"curve nan", second(ResponseCurve("r", ResponseChart{Curves: []Curve{{X: []float64{1}, Y: []float64{math.NaN()}}}}))},
	} {
		if tc.err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func second(_ []File, err error) error { return err }

func TestSweepCharts(t *testing.T) {
	nan := math.NaN()
	check := func(name string, files []File, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(files) != 2 || files[0].Name != name+".svg" || files[1].Name != name+".png" {
			t.Fatalf("%s: files %v", name, files)
		}
		if !strings.Contains(string(files[0].Data), "<svg") {
			t.Errorf("%s: not an SVG", name)
		}
	}
	files, err := Heatmap("sweep/heat", HeatmapChart{Title: "P(by horizon)", X: []float64{1, 2, 3}, Y: []float64{0.1, 0.2},
		Z: [][]float64{{0.1, 0.5, nan}, {0.2, 0.9, 1}}, ZPercent: true, NaNLabel: "none"})
	check("sweep/heat", files, err)
	if s := string(files[0].Data); !strings.Contains(s, ">none<") || !strings.Contains(s, ">90%<") {
		t.Errorf("heatmap cells not labelled with values and the NaN label")
	}
	files, err = Heatmap("sweep/dates", HeatmapChart{X: []float64{1}, Y: []float64{1}, Z: [][]float64{{400}}, ZStart: "2025-01-01"})
	check("sweep/dates", files, err)
	if !strings.Contains(string(files[0].Data), ">2026-02<") {
		t.Errorf("a day-400 cell does not read 2026-02")
	}
	files, err = SensitivityBars("sweep/sobol", SensitivityChart{Params: []string{"a", "b"}, Series: []BarSeries{
		{Name: "S1", Value: []float64{0.3, nan}, Lo: []float64{0.2, nan}, Hi: []float64{0.4, nan}},
		{Name: "ST", Value: []float64{0.5, 0.1}}}})
	check("sweep/sobol", files, err)
	files, err = ResponseCurve("sweep/curve", ResponseChart{YPercent: true, Curves: []Curve{
		{Name: "hub", X: []float64{1, 2, 3, 4}, Y: []float64{0.1, nan, 0.5, 0.6}, Lo: []float64{0, 0, 0.4, 0.5}, Hi: []float64{0.2, 0.2, 0.6, 0.7}},
		{Name: "defacto", X: []float64{1, 2}, Y: []float64{0.3, 0.4}}}})
	check("sweep/curve", files, err)
}

// TestPlotFiles checks the exported single-chart renderer on a plain plot.
func TestPlotFiles(t *testing.T) {
	p := plot.New()
	p.Title.Text = `<b>&`
	files, err := PlotFiles(p, "plots/x", panelW, panelH)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || !strings.Contains(string(files[0].Data), "&lt;b&gt;&amp;") {
		t.Errorf("PlotFiles did not render an escaped SVG and a PNG")
	}
}

func TestNiceRangeAndTicks(t *testing.T) {
	tests := []struct {
		name          string
		lo, hi        float64
		integer       bool
		suffix        string
		wantLo, wantH float64
		wantLabels    []string
	}{
		// Live standards of one dimension: about 2, one band down to 1.9.
		{"counts near 2", 1.9, 2, true, "", 1, 2, []string{"1", "2"}},
		{"counts 0 to 7", 0, 7, true, "", 0, 8, []string{"0", "2", "4", "6", "8"}},
		{"constant count", 3, 3, true, "", 2, 4, []string{"2", "3", "4"}},
		// Sensitivity bars from −0.3 to 1.5: ticks at 0 and 1.
		{"indices", -0.3, 1.5, false, "", -0.5, 1.5, []string{"-0.5", "0.0", "0.5", "1.0", "1.5"}},
		{"percentages", 0, 73, false, "%", 0, 80, []string{"0%", "20%", "40%", "60%", "80%"}},
		{"small shares", 0.012, 0.047, false, "", 0.01, 0.05, []string{"0.01", "0.02", "0.03", "0.04", "0.05"}},
	}
	for _, tc := range tests {
		lo, hi := niceRange(tc.lo, tc.hi, tc.integer)
		if math.Abs(lo-tc.wantLo) > 1e-12 || math.Abs(hi-tc.wantH) > 1e-12 {
			t.Errorf("%s: niceRange(%v, %v) = [%v, %v]; want [%v, %v]", tc.name, tc.lo, tc.hi, lo, hi, tc.wantLo, tc.wantH)
		}
		var labels []string
		for _, tk := range (niceTicks{suffix: tc.suffix, integer: tc.integer}).Ticks(lo, hi) {
			labels = append(labels, tk.Label)
		}
		if !slices.Equal(labels, tc.wantLabels) {
			t.Errorf("%s: tick labels %q; want %q", tc.name, labels, tc.wantLabels)
		}
	}
}

// TestLayoutGraphHubs checks that hub routes are grouped by hub: one
// square per hub, by name, the unnamed hub of an old graphs.json last,
// each with its members in node order (most used first), and that the
// chart draws them.
func TestLayoutGraphHubs(t *testing.T) {
	g := &metrics.Graph{}
	for i := range 6 {
		g.Nodes = append(g.Nodes, metrics.Node{Name: fmt.Sprintf("p%d", i), Dimension: "data", Usage: float64(10 - i)})
	}
	// Stars from the first member, as the model draws them.
	g.Edges = []metrics.Edge{
		{A: 1, B: 3, Kind: "hub", Hub: "zeta"},
		{A: 0, B: 2, Kind: "hub", Hub: "alpha"},
		{A: 0, B: 4, Kind: "hub", Hub: "alpha"},
		{A: 1, B: 5, Kind: "hub"},
		{A: 1, B: 2, Kind: "bridge"},
	}
	gl := layoutGraph(g)
	want := []graphHub{{"alpha", []int{0, 2, 4}}, {"zeta", []int{1, 3}}, {"", []int{1, 5}}}
	if !reflect.DeepEqual(gl.hubs, want) {
		t.Errorf("hubs %+v; want %+v", gl.hubs, want)
	}
	if got := gl.hubMemberships(); got != 7 {
		t.Errorf("hub memberships %d; want 7", got)
	}
	f, _ := graphChart("v", g)
	c := vgsvg.New(6*vg.Inch, 6*vg.Inch)
	f(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	for _, label := range []string{">alpha<", ">zeta<", ">hub<"} {
		if !strings.Contains(buf.String(), label) {
			t.Errorf("chart lacks the hub label %s", label)
		}
	}
}
