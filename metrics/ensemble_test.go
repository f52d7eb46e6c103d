package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/legolab/legolab/stats"
)

// rep builds a replication with two observables sampled on days 0, 7, 14.
func rep(variant string, index int, legoDay float64, reached bool, level float64) *Replication {
	return &Replication{
		Variant: variant, Index: index, Seed: 1, LegoDay: legoDay, Reached: reached,
		Names:  []string{"a", "b"},
		Days:   []float64{0, 7, 14},
		Values: [][]float64{{0, level, 2 * level}, {1, 1, 1}},
		Final:  []float64{2 * level, 1},
	}
}

func TestEnsembleSummary(t *testing.T) {
	start := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	e := NewEnsemble([]string{"x", "y"}, []string{"a", "b"}, 100)
	// x reaches the Lego moment on days 10, 20, 30 and is censored once; y
	// reaches it 5 days later each time, and once where x does not.
	days := []struct {
		x, y   float64
		rx, ry bool
	}{{10, 15, true, true}, {20, 25, true, true}, {0, 50, false, true}, {30, 35, true, true}}
	for i, d := range days {
		if err := e.Add([]*Replication{rep("x", i, d.x, d.rx, float64(i)), rep("y", i, d.y, d.ry, float64(i))}); err != nil {
			t.Fatal(err)
		}
	}
	vs, cs := e.Summarize(start)
	x := vs[0].Lego
	if x.Reached != 3 || x.Censored != 1 || x.PByHorizon != 0.75 {
		t.Errorf("x: reached %d censored %d p %v; want 3 1 0.75", x.Reached, x.Censored, x.PByHorizon)
	}
	if lo, hi := stats.Wilson(3, 4); x.PCI95 != [2]float64{lo, hi} {
		t.Errorf("x: p_ci95 %v; want stats.Wilson %v %v", x.PCI95, lo, hi)
	}
	// S(t): 3/4 after 10, 2/4 after 20: the median is day 20.
	if x.MedianDay == nil || *x.MedianDay != 20 || *x.MedianDate != "2025-07-21" {
		t.Errorf("x: median %v %v; want day 20, 2025-07-21", x.MedianDay, x.MedianDate)
	}
	// RMST to 100: 10·1 + 10·0.75 + 10·0.5 + 70·0.25 = 40.
	if math.Abs(x.RMSTDays-40) > 1e-12 {
		t.Errorf("x: rmst %v; want 40", x.RMSTDays)
	}
	if r, o := e.Representative(0); r != 1 || o != (stats.Obs{Time: 20, Event: true}) {
		t.Errorf("x: representative %d %v; want 1 {20 true}", r, o)
	}
	if len(cs) != 1 || cs[0].A != "x" || cs[0].B != "y" || cs[0].Paired != 3 || cs[0].MeanDiff == nil || *cs[0].MeanDiff != 5 {
		t.Errorf("comparisons %+v; want x vs y, 3 paired, mean difference 5", cs)
	}
	if wc, wp := stats.LogRank(
		[]stats.Obs{{Time: 10, Event: true}, {Time: 20, Event: true}, {Time: 100, Event: false}, {Time: 30, Event: true}},
		[]stats.Obs{{Time: 15, Event: true}, {Time: 25, Event: true}, {Time: 50, Event: true}, {Time: 35, Event: true}}); cs[0].LogRankChi2 != wc || cs[0].PValue != wp {
		t.Errorf("log-rank (%v, %v); want (%v, %v)", cs[0].LogRankChi2, cs[0].PValue, wc, wp)
	}
	// Final a = 2·level over levels 0..3: mean 3, type-7 median 3.
	if f := vs[0].Final[0]; f.Metric != "a" || f.Mean != 3 || f.P50 != 3 || !near(f.P05, 0.3) {
		t.Errorf("final a %+v; want mean 3, p50 3, p05 0.3", f)
	}
	series := e.Series()
	if len(series) != 2*2*3 {
		t.Fatalf("%d series points; want 12", len(series))
	}
	if p := series[1]; p.Variant != "x" || p.Metric != "a" || p.Day != 7 || p.Mean != 1.5 || p.P50 != 1.5 || !near(p.P95, 2.85) {
		t.Errorf("series[1] %+v; want x a day 7 mean 1.5 p50 1.5 p95 2.85", p)
	}
}

func near(got, want float64) bool { return math.Abs(got-want) <= 1e-12*max(1, math.Abs(want)) }

func TestEnsembleNotReached(t *testing.T) {
	e := NewEnsemble([]string{"only"}, []string{"a", "b"}, 100)
	for i := range 5 {
		if err := e.Add([]*Replication{rep("only", i, 40, i == 3, 1)}); err != nil {
			t.Fatal(err)
		}
	}
	vs, cs := e.Summarize(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	l := vs[0].Lego
	if l.MedianDay != nil || l.MedianDate != nil || l.MedianCI95[1] != nil {
		t.Errorf("median %v date %v ci %v; want not reached", l.MedianDay, l.MedianDate, l.MedianCI95)
	}
	if l.PByHorizon != 0.2 {
		t.Errorf("p_by_horizon %v; want 0.2", l.PByHorizon)
	}
	if r, o := e.Representative(0); r != 0 || o.Event {
		t.Errorf("representative %d %v; want 0, censored", r, o)
	}
	if len(cs) != 0 || cs == nil {
		t.Errorf("comparisons %v; want an empty list", cs)
	}
}

// TestEnsembleLeftTruncated counts the flagged runs per variant, reached
// or censored alike, without changing the survival analysis.
func TestEnsembleLeftTruncated(t *testing.T) {
	e := NewEnsemble([]string{"x", "y"}, []string{"a", "b"}, 100)
	// x: runs 0 and 2 flagged (one reached, one censored); y: none.
	flagged := []bool{true, false, true, false, false}
	for i, f := range flagged {
		x := rep("x", i, 30, i != 2, 1)
		x.LeftTruncated = f
		if err := e.Add([]*Replication{x, rep("y", i, 30, true, 1)}); err != nil {
			t.Fatal(err)
		}
	}
	want := 0
	for _, f := range flagged {
		if f {
			want++
		}
	}
	vs, _ := e.Summarize(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	if got := vs[0].Lego.LeftTruncated; got != want {
		t.Errorf("x: left_truncated %d; want %d", got, want)
	}
	if got := vs[1].Lego.LeftTruncated; got != 0 {
		t.Errorf("y: left_truncated %d; want 0", got)
	}
	if l := vs[0].Lego; l.Reached != 4 || l.Censored != 1 {
		t.Errorf("x: reached %d censored %d; want 4 1 (the flag does not change outcomes)", l.Reached, l.Censored)
	}
}

func TestEnsembleRejects(t *testing.T) {
	bad := []struct {
		name string
		edit func(r *Replication)
		want string // in the error; "" for any
	}{
		{"names", func(r *Replication) { r.Names = []string{"a", "c"} }, ""},
		{"nan", func(r *Replication) { r.Values[1][2] = math.NaN() }, "observable b is NaN at day 14"},
		{"inf", func(r *Replication) { r.Values[0][1] = math.Inf(-1) }, "observable a is -Inf at day 7"},
		{"inf-final", func(r *Replication) { r.Final[0] = math.Inf(1) }, ""},
		{"short-series", func(r *Replication) { r.Values[0] = r.Values[0][:2] }, ""},
		{"days", func(r *Replication) { r.Days = []float64{0, 7, 15} }, ""},
		{"lego-beyond-horizon", func(r *Replication) { r.LegoDay = 101 }, ""},
	}
	for _, c := range bad {
		e := NewEnsemble([]string{"x", "y"}, []string{"a", "b"}, 100)
		if err := e.Add([]*Replication{rep("x", 0, 10, true, 1), rep("y", 0, 10, true, 1)}); err != nil {
			t.Fatalf("%s: first replication: %v", c.name, err)
		}
		r := rep("y", 1, 10, true, 1)
		r.LeftTruncated = true
		c.edit(r)
		err := e.Add([]*Replication{rep("x", 1, 10, true, 1), r})
		if err == nil {
			t.Errorf("%s: Add accepted a bad replication", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want it to say %q", c.name, err, c.want)
		}
		if e.Count() != 1 || e.life[0].N() != 1 || e.truncated[1] != 0 {
			t.Errorf("%s: a rejected replication changed the ensemble (count %d)", c.name, e.Count())
		}
		if testing.Verbose() {
			fmt.Println(c.name+":", err)
		}
	}
}

func TestDayDate(t *testing.T) {
	start := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		day  float64
		want string
	}{{0, "2025-07-01"}, {0.9, "2025-07-01"}, {31, "2025-08-01"}, {3650, "2035-06-29"}} {
		if got := DayDate(start, c.day); got != c.want {
			t.Errorf("DayDate(%g) = %s; want %s", c.day, got, c.want)
		}
	}
}

// TestEnsembleMedianExact checks that the summary's median and the representative run use
// the exact Kaplan–Meier median: 24 replications reaching the Lego moment on days 7, 14,
// ..., 168 have S = 12/24 = 1/2 exactly on day 84, which the floating-point product rounds
// to 0.5000000000000001, so the rule "first S <= 0.5" on it gave day 91 and replication 12.
func TestEnsembleMedianExact(t *testing.T) {
	e := NewEnsemble([]string{"x"}, []string{"a", "b"}, 365)
	for r := range 24 {
		if err := e.Add([]*Replication{rep("x", r, float64(7*(r+1)), true, 1)}); err != nil {
			t.Fatal(err)
		}
	}
	vs, _ := e.Summarize(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	if m := vs[0].Lego.MedianDay; m == nil || *m != 84 {
		t.Errorf("median day %v; want 84", m)
	}
	if r, o := e.Representative(0); r != 11 || o != (stats.Obs{Time: 84, Event: true}) {
		t.Errorf("representative %d %v; want 11 {84 true}", r, o)
	}
}

// TestEnsembleParallelSameBits: an Ensemble whose fans are updated on
// several goroutines (SetParallelism) holds the same bits as one updated on
// one: every series point and every summary, compared as JSON, whose
// floats are the shortest decimals that read back to the same bits (and
// keep the sign of a zero). Deterministic; run under -race, it also checks
// that the stripes share no memory.
func TestEnsembleParallelSameBits(t *testing.T) {
	variants := []string{"a", "b", "c"}
	reps := benchReplications(variants, 30)
	start := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	run := func(parallel int) (e *Ensemble, series, summary string) {
		e = NewEnsemble(variants, reps[0][0].Names, 3650)
		e.SetParallelism(parallel)
		for _, batch := range reps {
			if err := e.Add(batch); err != nil {
				t.Fatal(err)
			}
		}
		vs, cs := e.Summarize(start)
		sb, err1 := json.Marshal(e.Series())
		vb, err2 := json.Marshal([]any{vs, cs})
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		return e, string(sb), string(vb)
	}
	_, wantSeries, wantSummary := run(1)
	for _, parallel := range []int{2, 3, 8, 64} {
		e, series, summary := run(parallel)
		if n := e.stripes(len(variants) * len(e.observables)); n < 2 {
			t.Fatalf("parallelism %d: %d stripe; the test needs several", parallel, n)
		}
		if series != wantSeries {
			t.Errorf("parallelism %d: series differ", parallel)
		}
		if summary != wantSummary {
			t.Errorf("parallelism %d: summaries differ", parallel)
		}
	}
}
