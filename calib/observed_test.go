package calib

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestReadObservedAnalogs(t *testing.T) {
	f, err := os.Open("../data/analogs.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	obs, err := ReadObserved(f, "analogs.csv")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile("../data/analogs.csv")
	if got, want := len(obs), strings.Count(strings.TrimSpace(string(raw)), "\n"); got != want {
		t.Errorf("rows = %d; want %d (lines after the header)", got, want)
	}
	counts := map[Kind]int{}
	for _, o := range obs {
		counts[o.Kind]++
		if !strings.HasPrefix(o.Source, "http") {
			t.Errorf("line %d: source %q is not a URL", o.Line, o.Source)
		}
	}
	for _, k := range kinds {
		if counts[k] == 0 {
			t.Errorf("no %s rows", k)
		}
	}
	b := Series(obs, "bittensor_subnets")
	if len(b) == 0 || b[0].Kind != Capped || b[0].Value != 32 || !b[0].Date.Equal(time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first bittensor row = %+v; want capped 32 on 2024-01-15", b)
	}
}

func TestReadObservedErrors(t *testing.T) {
	const head = "series,date,value,unit,kind,source,note\n"
	cases := []struct {
		name, in string
		want     []string
	}{
		{"bad kind", head + "a,2020-01-01,1,u,bogus,http://x,\n", []string{"x.csv:2:18: column kind"}},
		{"bad date and value", head + "a,2020-13-01,abc,u,point,http://x,\n", []string{"x.csv:2:3: column date", "x.csv:2:14: column value"}},
		{"no source", head + "a,2020-01-01,1,u,point,,\n", []string{"x.csv:2:24: column source"}},
		{"duplicate", head + "a,2020-01-01,1,u,point,s,\na,2020-01-01,2,u,point,s,\n", []string{"x.csv:3:3: column date: series a already has 2020-01-01 (line 2)"}},
		{"unknown column", "series,date,value,kind,source,extra\n", []string{"x.csv:1:31: column \"extra\": unknown"}},
		{"missing column", "series,date,value,source\n", []string{"x.csv:1: missing column kind"}},
		{"short row", head + "a,2020-01-01\n", []string{"x.csv:2: row 1 has 2 fields"}},
		{"empty", "", []string{"x.csv: empty file"}},
		{"NaN", head + "a,2020-01-01,NaN,u,point,s,\n", []string{"column value: \"NaN\" is not a finite number"}},
	}
	for _, c := range cases {
		_, err := ReadObserved(strings.NewReader(c.in), "x.csv")
		if err == nil {
			t.Errorf("%s: no error; want %q", c.name, c.want)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q; want it to contain %q", c.name, err, w)
			}
		}
	}
}

func TestReadObservedTooLarge(t *testing.T) {
	var b strings.Builder
	b.WriteString("series,date,value,kind,source\n")
	for b.Len() <= MaxObservedBytes {
		b.WriteString("a,2020-01-01,1,point,http://example.org/" + strings.Repeat("x", 300) + "\n")
	}
	_, err := ReadObserved(strings.NewReader(b.String()), "big.csv")
	// (duplicate dates are reported too, but the size check ends the read)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("error %v; want larger than %d bytes", err, MaxObservedBytes)
	}
}

func TestDistanceKinds(t *testing.T) {
	ts := []Target{
		{Name: "lb", Value: 100, Kind: LowerBound, Transform: Log1p},
		{Name: "cap", Value: 32, Kind: Capped, Transform: Log1p},
		{Name: "pt", Value: 10, Kind: Point, Transform: Identity},
	}
	d := &Distance{Targets: ts, Scales: []float64{1, 1, 1}}
	cases := []struct {
		name string
		x    []float64
		want float64
	}{
		{"all at target", []float64{100, 32, 10}, 0},
		{"above bound and cap", []float64{500, 80, 10}, 0},
		{"below bound", []float64{50, 32, 10}, mathLog1p(100) - mathLog1p(50)},
		{"below cap", []float64{100, 16, 10}, mathLog1p(32) - mathLog1p(16)},
		{"point off by 3 either way", []float64{100, 32, 13}, 3},
		{"point below", []float64{100, 32, 7}, 3},
	}
	for _, c := range cases {
		if got := d.Of(c.x); !near(got, c.want, 1e-12) {
			t.Errorf("%s: distance %v; want %v", c.name, got, c.want)
		}
	}
	// The adaptive scale is the MAD of the transformed simulations in
	// quadrature with the discrepancy sd.
	d2 := &Distance{Targets: []Target{
		{Value: 2, Kind: Point, Transform: Identity, Discrepancy: 0.5},
		{Value: 5, Kind: Point, Transform: Log, Discrepancy: 0.3},
	}}
	sims := [][]float64{{1, 1}, {2, mathExp(2)}, {3, mathExp(4)}, {10, mathExp(4)}}
	d2.Rescale(sims)
	// column 0: median 2.5, deviations 1.5, .5, .5, 7.5 -> MAD 1; disc 0.5·2 = 1.
	// column 1 on the log scale: 0, 2, 4, 4: median 3, deviations 3, 1, 1, 1 -> MAD 1; disc 0.3.
	if want := []float64{mathHypot(1, 1), mathHypot(1, 0.3)}; !near(d2.Scales[0], want[0], 1e-12) || !near(d2.Scales[1], want[1], 1e-12) {
		t.Errorf("scales %v; want %v", d2.Scales, want)
	}
}

// TestSyntheticTargets: an SBC history's targets censor as the observed
// ones do, at the observed level, and are points otherwise.
func TestSyntheticTargets(t *testing.T) {
	nan := mathNaN()
	cases := []struct {
		name     string
		obs      Target
		x        float64
		value    float64
		kind     Kind
		censored bool
	}{
		{"point", Target{Value: 10, Kind: Point}, 13, 13, Point, false},
		{"approx", Target{Value: 10, Kind: Approx}, 7, 7, Point, false},
		{"lower bound reached", Target{Value: 100, Kind: LowerBound}, 250, 100, LowerBound, true},
		{"lower bound at the level", Target{Value: 100, Kind: LowerBound}, 100, 100, LowerBound, true},
		{"lower bound not reached", Target{Value: 100, Kind: LowerBound}, 60, 60, Point, false},
		{"cap reached", Target{Value: 32, Kind: Capped}, 40, 32, Capped, true},
		{"cap not reached", Target{Value: 32, Kind: Capped}, 20, 20, Point, false},
	}
	for _, c := range cases {
		c.obs.Name, c.obs.Transform, c.obs.Discrepancy = c.name, Log1p, 0.2
		got := c.obs.Synthetic(c.x)
		if got.Value != c.value || got.Kind != c.kind || got.Name != c.name || got.Transform != Log1p || got.Discrepancy != 0.2 {
			t.Errorf("%s: Synthetic(%v) = %+v; want value %v, kind %s, the rest kept", c.name, c.x, got, c.value, c.kind)
		}
		// A censored synthetic target is as close to every simulated value
		// at or above its level as the true summary is: zero.
		if c.censored {
			d := &Distance{Targets: []Target{got}, Scales: []float64{1}}
			if dist := d.Of([]float64{c.x}); dist != 0 {
				t.Errorf("%s: the true summary is at distance %v from its censored target; want 0", c.name, dist)
			}
		}
	}
	for _, k := range kinds {
		if got := (Target{Value: 5, Kind: k}).Synthetic(nan); got.Kind != Point || got.Value == got.Value {
			t.Errorf("%s: Synthetic(NaN) = %+v; want a NaN point", k, got)
		}
	}
}
