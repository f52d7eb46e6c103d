package reports

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/stats"
)

func TestRunsRoundTrip(t *testing.T) {
	names := []string{"composability_index", "exploits_cum"}
	rows := []Run{
		{Variant: "hub", Replication: 0, Seed: 7, LegoDay: 812, Final: []float64{0.42, 3}},
		{Variant: "de facto, subsidised", Replication: 0, Seed: 7, LegoDay: math.NaN(), Censored: true, LeftTruncated: true, Final: []float64{1e-7, 0}},
		{Variant: "hub", Replication: 1, Seed: 18446744073709551615, LegoDay: 0.5, LeftTruncated: true, Final: []float64{1.0 / 3, 2.5e6}},
	}
	var buf bytes.Buffer
	w, err := NewRunsWriter(&buf, names)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "variant,replication,seed,lego_day,censored,left_truncated,composability_index,exploits_cum\n" +
		"hub,0,7,812,FALSE,FALSE,0.42,3\n" +
		"\"de facto, subsidised\",0,7,,TRUE,TRUE,1e-07,0\n" +
		"hub,1,18446744073709551615,0.5,FALSE,TRUE,0.3333333333333333,2.5e+06\n"
	if got := buf.String(); got != want {
		t.Errorf("runs.csv:\n%s\nwant:\n%s", got, want)
	}
	gotNames, got, err := ReadRuns(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotNames, names) {
		t.Errorf("observables %v; want %v", gotNames, names)
	}
	for i := range rows {
		g, w := got[i], rows[i]
		if g.Variant != w.Variant || g.Replication != w.Replication || g.Seed != w.Seed || g.Censored != w.Censored || g.LeftTruncated != w.LeftTruncated ||
			!reflect.DeepEqual(g.Final, w.Final) || (w.Censored != math.IsNaN(g.LegoDay)) || (!w.Censored && g.LegoDay != w.LegoDay) {
			t.Errorf("row %d: got %+v; want %+v", i, g, w)
		}
	}
}

// TestReadRunsWithoutLeftTruncated reads a runs.csv written before the
// left_truncated column: every run unflagged, the observables unchanged.
func TestReadRunsWithoutLeftTruncated(t *testing.T) {
	in := "variant,replication,seed,lego_day,censored,composability_index,exploits_cum\n" +
		"hub,0,7,812,false,0.42,3\n" +
		"hub,1,7,,true,0.1,0\n"
	names, runs, err := ReadRuns(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"composability_index", "exploits_cum"}; !reflect.DeepEqual(names, want) {
		t.Errorf("observables %v; want %v", names, want)
	}
	if len(runs) != 2 || runs[0].LegoDay != 812 || !runs[1].Censored || !reflect.DeepEqual(runs[1].Final, []float64{0.1, 0}) {
		t.Fatalf("runs %+v; want day 812 then a censored run with finals [0.1 0]", runs)
	}
	for i, r := range runs {
		if r.LeftTruncated {
			t.Errorf("run %d: LeftTruncated true in a file without the column", i)
		}
	}
}

func TestReadRunsErrors(t *testing.T) {
	header := "variant,replication,seed,lego_day,censored,x\n"
	newHeader := "variant,replication,seed,lego_day,censored,left_truncated,x\n"
	cases := []struct {
		name, in, want string
	}{
		{"left-truncated", newHeader + "a,0,1,,true,maybe,1\n", "line 2: left_truncated"},
		{"final-after-left-truncated", newHeader + "a,0,1,,true,false,x\n", "line 2: column 7"},
		{"header", "variant,rep,seed,lego_day,censored\n", `line 1: column 2 is "rep", want "replication"`},
		{"short-header", "variant,replication\n", "header has 2 columns"},
		{"lego-day", header + "a,0,1,soon,false,1\n", "line 2: lego_day"},
		{"censored-with-day", header + "a,0,1,5,true,1\n", `line 2: lego_day: "5" given for a censored run`},
		{"final", header + "a,0,1,,true,1\na,1,1,,true,x\n", "line 3: column 6"},
		{"fields", header + "a,0,1,,true\n", "wrong number of fields"},
	}
	for _, c := range cases {
		_, _, err := ReadRuns(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v; want %q", c.name, err, c.want)
		}
	}
}

func TestSeriesRoundTrip(t *testing.T) {
	start := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	pts := []metrics.SeriesPoint{
		{Variant: "hub", Day: 0, Metric: "composability_index", Mean: 0, P05: 0, P25: 0, P50: 0, P75: 0, P95: 0},
		{Variant: "hub", Day: 7, Metric: "composability_index", Mean: 0.125, P05: 0.01, P25: 0.1, P50: 0.12, P75: 0.15, P95: 0.3},
	}
	var buf bytes.Buffer
	if err := WriteSeries(&buf, start, pts); err != nil {
		t.Fatal(err)
	}
	want := "variant,day,date,metric,mean,p05,p25,p50,p75,p95\n" +
		"hub,0,2025-07-01,composability_index,0,0,0,0,0,0\n" +
		"hub,7,2025-07-08,composability_index,0.125,0.01,0.1,0.12,0.15,0.3\n"
	if got := buf.String(); got != want {
		t.Errorf("series.csv:\n%s\nwant:\n%s", got, want)
	}
	got, err := ReadSeries(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, pts) {
		t.Errorf("read back %+v; want %+v", got, pts)
	}
	if _, err := ReadSeries(strings.NewReader(want + "hub,x,2025-07-15,c,0,0,0,0,0,0\n")); err == nil || !strings.Contains(err.Error(), "line 4: day") {
		t.Errorf("bad day: err %v; want line 4", err)
	}
}

// TestWriteSeriesCSV holds WriteSeries, which formats its rows by hand, to
// the bytes a CSVWriter writes for the same cells, on names a spreadsheet
// or csv.Writer treats specially and on numbers of every kind.
func TestWriteSeriesCSV(t *testing.T) {
	start := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	names := []string{"hub", "", "a,b", `say "hi"`, "=1+2", "-x", "+1", "'=x", " lead", "tab\tin", "line\nbreak", `\.`, "é—ü", "@sum", "-1.5"}
	nums := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e21, 1e-7, -2.5e-300, math.MaxFloat64, math.SmallestNonzeroFloat64,
		math.NaN(), math.Inf(1), math.Inf(-1), 123456789, 0.007330049261083744}
	var pts []metrics.SeriesPoint
	for i, v := range names {
		for j, m := range names {
			x := nums[(i+j)%len(nums)]
			day := []float64{0, 7, 3.5, -1, 3650, math.NaN(), 1e6}[(i*3+j)%7]
			pts = append(pts, metrics.SeriesPoint{Variant: v, Day: day, Metric: m,
				Mean: x, P05: nums[(i+1)%len(nums)], P25: nums[(j+2)%len(nums)], P50: -x, P75: nums[(i*j)%len(nums)], P95: x * 3})
		}
	}
	var want bytes.Buffer
	cw := NewCSVWriter(&want)
	if err := cw.Write(seriesHeader); err != nil {
		t.Fatal(err)
	}
	for _, p := range pts {
		rec := []string{p.Variant, FormatFloat(p.Day), metrics.DayDate(start, p.Day), p.Metric}
		for _, x := range []float64{p.Mean, p.P05, p.P25, p.P50, p.P75, p.P95} {
			rec = append(rec, FormatFloat(x))
		}
		if err := cw.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := cw.Flush(); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := WriteSeries(&got, start, pts); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		g, w := strings.Split(got.String(), "\n"), strings.Split(want.String(), "\n")
		for i := range min(len(g), len(w)) {
			if g[i] != w[i] {
				t.Fatalf("line %d:\n got %q\nwant %q", i+1, g[i], w[i])
			}
		}
		t.Fatalf("got %d lines, want %d", len(g), len(w))
	}
	if err := WriteSeries(failWriter{}, start, pts); err == nil {
		t.Error("a failing writer: no error")
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func testSummary() *metrics.Summary {
	m, lo := 812.0, 700.0
	date := "2027-09-20"
	diff := -12.5
	return &metrics.Summary{
		Scenario: "<b>x</b>", SHA256: strings.Repeat("ab", 32), Seed: 7, Runs: 3, HorizonDays: 3650,
		Start: "2025-07-01", Version: "test", Completed: 3,
		Variants: []metrics.VariantSummary{
			{Name: "a", Lego: metrics.LegoSummary{Reached: 2, Censored: 1, PByHorizon: 2.0 / 3, PCI95: [2]float64{0.2, 0.9},
				MedianDay: &m, MedianDate: &date, MedianCI95: [2]*float64{&lo, nil}, RMSTDays: 1500,
				KM: []stats.KMPoint{{Day: 0, Survival: 1, Lo: 1, Hi: 1}, {Day: 812, Survival: 0.5, Lo: 0.1, Hi: 0.9}}},
				Final: []metrics.FinalStat{{Metric: "x", Mean: 1}}},
			{Name: "b", Lego: metrics.LegoSummary{Censored: 3, PCI95: [2]float64{0, 0.56}, KM: []stats.KMPoint{{Day: 0, Survival: 1, Lo: 1, Hi: 1}}}},
		},
		Comparisons: []metrics.Comparison{{A: "a", B: "b", LogRankChi2: 3.2, PValue: 0.07, Paired: 2, MeanDiff: &diff}},
		Parameters:  []metrics.Parameter{{Key: "horizon_days", Value: "3650"}},
	}
}

func TestSummaryRoundTrip(t *testing.T) {
	s := testSummary()
	var buf bytes.Buffer
	if err := WriteSummary(&buf, s); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, want := range []string{`"scenario": "<b>x</b>"`, `"median_day": null`, `"median_ci95": [`, `"p_by_horizon": 0.6666666666666666`} {
		if !strings.Contains(text, want) {
			t.Errorf("summary.json lacks %s", want)
		}
	}
	got, err := ReadSummary(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, s)
	}
	if _, err := ReadSummary(strings.NewReader(`{"scenario": "x", "surprise": 1}`)); err == nil || !strings.Contains(err.Error(), "surprise") {
		t.Errorf("unknown field: err %v", err)
	}
}

func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, fill func(*bytes.Buffer) error) {
		var buf bytes.Buffer
		if err := fill(&buf); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := testSummary()
	write(SummaryFile, func(b *bytes.Buffer) error { return WriteSummary(b, s) })
	write(SeriesFile, func(b *bytes.Buffer) error {
		return WriteSeries(b, time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), []metrics.SeriesPoint{{Variant: "a", Metric: "x"}})
	})
	write(RunsFile, func(b *bytes.Buffer) error {
		w, err := NewRunsWriter(b, []string{"x"})
		if err != nil {
			return err
		}
		if err := w.Write(Run{Variant: "a", Final: []float64{1}, LegoDay: 812}); err != nil {
			return err
		}
		return w.Flush()
	})
	d, err := ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Summary.Scenario != s.Scenario || len(d.Series) != 1 || len(d.Runs) != 1 || len(d.Graphs) != 2 || d.Graphs[0] != nil {
		t.Errorf("without graphs.json: %+v", d)
	}
	g := &metrics.Graph{Nodes: []metrics.Node{{Name: "p", Dimension: "data", Usage: 3}}, Edges: []metrics.Edge{}}
	write(GraphsFile, func(b *bytes.Buffer) error {
		return WriteGraphs(b, []RepresentativeGraph{{Variant: "b", Replication: 4, Graph: g}})
	})
	if d, err = ReadDir(dir); err != nil {
		t.Fatal(err)
	}
	if d.Graphs[0] != nil || !reflect.DeepEqual(d.Graphs[1], g) {
		t.Errorf("graphs %+v; want b's only", d.Graphs)
	}
	// A graph with named hubs round-trips; one saved before edges named
	// their hub (no "hub" key) still reads, its hub edges unnamed.
	g = &metrics.Graph{Nodes: []metrics.Node{{Name: "p", Dimension: "data"}, {Name: "q", Dimension: "model"}},
		Edges: []metrics.Edge{{A: 0, B: 1, Kind: "hub", Hub: "interlink"}, {A: 0, B: 1, Kind: "bridge"}}}
	write(GraphsFile, func(b *bytes.Buffer) error {
		return WriteGraphs(b, []RepresentativeGraph{{Variant: "a", Graph: g}})
	})
	if d, err = ReadDir(dir); err != nil || !reflect.DeepEqual(d.Graphs[0], g) {
		t.Errorf("graphs with hub names: %+v, %v; want %+v", d.Graphs[0], err, g)
	}
	write(GraphsFile, func(b *bytes.Buffer) error {
		_, err := b.WriteString(`{"graphs": [{"variant": "a", "replication": 0, "lego_day": null, "graph": {"nodes": [{"name": "p", "dimension": "data", "usage": 0}, {"name": "q", "dimension": "model", "usage": 0}], "edges": [{"a": 0, "b": 1, "kind": "hub"}]}}]}`)
		return err
	})
	if d, err = ReadDir(dir); err != nil || len(d.Graphs[0].Edges) != 1 || d.Graphs[0].Edges[0] != (metrics.Edge{A: 0, B: 1, Kind: "hub"}) {
		t.Errorf("old graphs.json: %+v, %v; want one unnamed hub edge", d.Graphs[0], err)
	}
	write(RunsFile, func(b *bytes.Buffer) error { _, err := b.WriteString("nonsense\n"); return err })
	if _, err := ReadDir(dir); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, RunsFile)) {
		t.Errorf("bad runs.csv: err %v; want the file named", err)
	}
}
