package calibrations

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/legolab/legolab/calib"
	"github.com/legolab/legolab/scenarios"
)

// observables stands for observe.Observables, which sits above this
// package: the Bass scenario's observables that the tests name.
func observables(*scenarios.Spec) []string {
	return []string{"composability_index", "builders_cum", "apps_live", "hub_share"}
}

var opt = Options{Observables: observables}

// dirWithScenario returns a temporary folder holding the Bass example as
// bass.toml and a small CSV in the analogs.csv layout as obs.csv.
func dirWithScenario(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadFile("../examples/bass.toml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bass.toml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	csv := "series,date,value,unit,kind,source,note\n" +
		"b,2016-01-01,30,builders,point,synthetic,\n" +
		"b,2018-01-01,150,builders,approx,synthetic,\n" +
		"b,2030-01-01,1500,builders,point,synthetic,too late\n" +
		"c,2017-01-01,80,builders,point,synthetic,\n"
	if err := os.WriteFile(filepath.Join(dir, "obs.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const goodHead = `name = "bass-test"
scenario = "bass.toml"
start = "2015-01-01"
cutoff = "2020-12-31"
`

const goodSeries = `[[series]]
name = "b"
observable = "builders_cum"
transform = "log1p"
discrepancy = 0.05
[[series.points]]
date = "2016-01-01"
value = 32
source = "synthetic"
[[series.points]]
date = 2022-01-01
value = 700
kind = "approx"
source = "synthetic"
`

func TestParseGood(t *testing.T) {
	dir := dirWithScenario(t)
	f, err := Parse([]byte(goodHead+"free = [\"builders.q_per_year\", \"builders.p_per_year\"]\n"+goodSeries), filepath.Join(dir, "good.toml"), opt)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(f.Keys, ","), "builders.q_per_year,builders.p_per_year"; got != want {
		t.Errorf("keys = %s; want %s", got, want)
	}
	if f.Seed != 1 || f.Series[0].Scale != 1 {
		t.Errorf("defaults: seed %d scale %g; want 1, 1", f.Seed, f.Series[0].Scale)
	}
	obs := f.Series[0].Observed
	if len(obs) != 2 || obs[1].Kind != calib.Approx || !f.HeldOut(obs[1].Date) || f.HeldOut(obs[0].Date) {
		t.Errorf("observed = %+v", obs)
	}
	if d := Day(f.Start, obs[0].Date); d != 365 {
		t.Errorf("day of 2016-01-01 = %g; want 365", d)
	}
	// Without free: every continuous prior, in declaration order.
	f, err = Parse([]byte(goodHead+goodSeries), filepath.Join(dir, "good.toml"), opt)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(f.Keys, ","), "builders.p_per_year,builders.q_per_year,builders.market_potential"; got != want {
		t.Errorf("default keys = %s; want %s", got, want)
	}
	// A CSV in the analogs layout, by series name.
	f, err = Parse([]byte(goodHead+"[[series]]\nname = \"c\"\ndata = \"obs.csv\"\nobservable = \"builders_cum\"\ntransform = \"log1p\"\ndiscrepancy = 0.1\n"), filepath.Join(dir, "good.toml"), opt)
	if err != nil {
		t.Fatal(err)
	}
	if o := f.Series[0].Observed; len(o) != 1 || o[0].Value != 80 || f.Series[0].Unit != "builders" {
		t.Errorf("csv series = %+v", f.Series[0])
	}
}

func TestParseErrors(t *testing.T) {
	dir := dirWithScenario(t)
	series := func(extra string) string {
		return "[[series]]\nname = \"b\"\nobservable = \"builders_cum\"\ntransform = \"log1p\"\ndiscrepancy = 0.05\n" + extra +
			"[[series.points]]\ndate = \"2016-01-01\"\nvalue = 32\nsource = \"s\"\n"
	}
	for _, c := range []struct {
		name, src string
		want      []string
	}{
		{"unknown key", goodHead + "sede = 3\n" + series(""),
			[]string{`bad.toml:5:1: sede: unknown key; did you mean seed?`}},
		{"missing required", "scenario = \"bass.toml\"\n" + series(""),
			[]string{`bad.toml: name: required`, `bad.toml: start: required`, `bad.toml: cutoff: required`}},
		{"bad name", strings.Replace(goodHead, "bass-test", "Bass Test", 1) + series(""),
			[]string{`bad.toml:1:1: name: "Bass Test" must be 1 to 64 lower-case letters, digits and '-'`}},
		{"cutoff before start", strings.Replace(goodHead, "2020-12-31", "2014-12-31", 1) + series(""),
			[]string{`bad.toml:4:1: cutoff: 2014-12-31 is before start 2015-01-01`}},
		{"no scenario file", strings.Replace(goodHead, "bass.toml", "nope.toml", 1) + series(""),
			[]string{`bad.toml:2:1: scenario: cannot read`}},
		{"unknown builtin scenario", strings.Replace(goodHead, `"bass.toml"`, `"deai-2052"`, 1) + series(""),
			[]string{`bad.toml:2:1: scenario: `}},
		{"variant of a scenario without", goodHead + "variant = \"hub\"\n" + series(""),
			[]string{`bad.toml:5:1: variant: the scenario "bass.toml" has no variants; leave variant out`}},
		{"free not a prior", goodHead + "free = [\"builders.app_lifetime_days\", \"builders.q_per_year\", \"builders.q_per_year\"]\n" + series(""),
			[]string{`bad.toml:5:9: free[0]: "builders.app_lifetime_days" has no prior in the scenario; free keys are its priors`,
				`bad.toml:5:62: free[2]: "builders.q_per_year" is free[1] again`}},
		{"free not a key", goodHead + "free = [\"builders.nope\"]\n" + series(""),
			[]string{`bad.toml:5:9: free[0]: "builders.nope" is not a key of the scenario`}},
		{"free empty", goodHead + "free = []\n" + series(""),
			[]string{`bad.toml:5:1: free: must not be empty`}},
		{"abc ranges", goodHead + "[abc]\nparticles = 1000000\nalpha = 1\nmax_simulations = 10\nkernel = \"olmc\"\nmin_acceptance = 0\n" + series(""),
			[]string{`abc.particles: must be in [2, 100000], got 1000000`, `abc.alpha: must be in (0, 1), got 1`,
				`abc.max_simulations: must be in [particles = 1000000, 100000000], got 10`, `abc.kernel: "olmc" is not a kernel; did you mean olcm?`,
				`abc.min_acceptance: must be in (0, 1], got 0`}},
		{"no series", goodHead, []string{`bad.toml: series: at least one [[series]] is required`}},
		{"series problems", goodHead + "[[series]]\nname = \"b\"\nobservable = \"builder_cum\"\ntransform = \"log2\"\nscale = -1\n" +
			"[[series.points]]\ndate = \"2016-01-01\"\nvalue = 32\nsource = \"s\"\n",
			[]string{`bad.toml:7:1: series[0].observable: "builder_cum" is not an observable of the scenario; did you mean builders_cum?`,
				`bad.toml:8:1: series[0].transform: "log2" is not a transform; did you mean log?`,
				`bad.toml:9:1: series[0].scale: must be a finite number > 0, got -1`,
				`series[0].discrepancy: required`}},
		{"zero discrepancy", goodHead + strings.Replace(series(""), "0.05", "0", 1),
			[]string{`bad.toml:9:1: series[0].discrepancy: must be a finite number > 0, got 0`}},
		{"data and points", goodHead + series("data = \"analogs\"\n"),
			[]string{`bad.toml:5:3: series[0]: set data or [[series.points]], not both`}},
		{"neither data nor points", goodHead + "[[series]]\nname = \"b\"\nobservable = \"builders_cum\"\ntransform = \"log1p\"\ndiscrepancy = 0.1\n",
			[]string{`bad.toml:5:3: series[0]: set data = "analogs" (or a CSV file) or give [[series.points]]`}},
		{"duplicate series", goodHead + series("") + series(""),
			[]string{`series[1].name: "b" is series[0]'s name too`}},
		{"point problems", goodHead + "[[series]]\nname = \"b\"\nobservable = \"builders_cum\"\ntransform = \"log1p\"\ndiscrepancy = 0.1\n" +
			"[[series.points]]\ndate = \"2014-06-01\"\nvalue = 3\nsource = \"s\"\n" +
			"[[series.points]]\nvalue = inf\nkind = \"exact\"\n" +
			"[[series.points]]\ndate = \"2026-01-01\"\nvalue = 3\nsource = \"s\"\n",
			[]string{`bad.toml:11:1: series[0].points[0].date: 2014-06-01 is before start 2015-01-01`,
				`series[0].points[1].date: required`, `bad.toml:15:1: series.b.points[1].value: must be a finite number, got inf`,
				`bad.toml:16:1: series[0].points[1].kind: "exact" is not a kind`, `series[0].points[1].source: required`,
				`bad.toml:18:1: series[0].points[2].date: 2026-01-01 is after start + horizon_days`}},
		{"csv point out of range", goodHead + "[[series]]\nname = \"b\"\ndata = \"obs.csv\"\nobservable = \"builders_cum\"\ntransform = \"log1p\"\ndiscrepancy = 0.1\n",
			[]string{`bad.toml:7:1: series[0].data: ` + filepath.Join(dir, "obs.csv") + `:4: b 2030-01-01: 2030-01-01 is after start + horizon_days`}},
		{"csv without the series", goodHead + "[[series]]\nname = \"z\"\ndata = \"obs.csv\"\nobservable = \"builders_cum\"\ntransform = \"log1p\"\ndiscrepancy = 0.1\n",
			[]string{`series[0].name: "z" has no rows in`}},
		{"analogs unknown series", goodHead + "[[series]]\nname = \"ibc\"\ndata = \"analogs\"\nobservable = \"builders_cum\"\ntransform = \"log1p\"\ndiscrepancy = 0.1\n",
			[]string{`series[0].name: "ibc" has no rows in analogs.csv`}},
		{"nothing fitted", strings.Replace(goodHead, "2020-12-31", "2015-06-01", 1) + series(""),
			[]string{`bad.toml:4:1: cutoff: 2015-06-01 is before every observed point: nothing is left to fit`}},
		{"log of zero", goodHead + strings.Replace(strings.Replace(series(""), "log1p", "log", 1), "value = 32", "value = 0", 1),
			[]string{`series[0].points[0].value: 0 on the log scale must be > 0`}},
		{"type errors", goodHead + "seed = -3\n[abc]\nparticles = \"many\"\n" + series(""),
			[]string{`bad.toml:5:1: seed: expected a non-negative integer, got integer -3`,
				`bad.toml:7:1: abc.particles: expected an integer, got string "many"`}},
		{"syntax", goodHead + "seed = \n", []string{`bad.toml:5:8: unexpected character`}},
	} {
		_, err := Parse([]byte(c.src), filepath.Join(dir, "bad.toml"), opt)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		msg := strings.ReplaceAll(err.Error(), filepath.Join(dir, "bad.toml"), "bad.toml")
		if strings.Contains(msg, "calibrations.") || strings.Contains(msg, "struct field") {
			t.Errorf("%s: error names a Go type:\n%s", c.name, msg)
		}
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: errors\n%s\nwant one containing\n%s", c.name, msg, w)
			}
		}
	}
}

func TestParseLimits(t *testing.T) {
	dir := dirWithScenario(t)
	big := goodHead + strings.Repeat("# padding line to pass the limit\n", MaxFileBytes/32+1) + goodSeries
	if _, err := Parse([]byte(big), filepath.Join(dir, "big.toml"), opt); err == nil || !strings.Contains(err.Error(), "larger than the limit") {
		t.Errorf("big file: %v; want the size limit", err)
	}
	var b strings.Builder
	b.WriteString(goodHead)
	for range MaxSeries + 1 {
		b.WriteString("[[series]]\nname = \"x\"\n")
	}
	if _, err := Parse([]byte(b.String()), filepath.Join(dir, "many.toml"), opt); err == nil || !strings.Contains(err.Error(), "65 series is more than the limit of 64") {
		t.Errorf("many series: %v; want the series limit", err)
	}
}

func TestIsCalibration(t *testing.T) {
	for _, c := range []struct {
		src  string
		want bool
	}{
		{goodHead + goodSeries, true},
		{"scenario = \"x\"\ncutoff = 2020-01-01\n", true},
		{"scenario = \"x\"\ndesign = \"lhs\"\n", false},
		{"name = \"minimal\"\n[[protocols]]\nname = \"a\"\n", false},
		{"= broken", false},
	} {
		if got := IsCalibration([]byte(c.src)); got != c.want {
			t.Errorf("IsCalibration(%q) = %v; want %v", c.src, got, c.want)
		}
	}
}

func TestBuiltinsParse(t *testing.T) {
	for _, name := range BuiltinNames() {
		if _, err := Builtin(name, opt); err != nil && !strings.Contains(err.Error(), "observable") {
			t.Errorf("built-in %s: %v", name, err)
		}
	}
	if _, err := BuiltinSource("no-such"); err == nil {
		t.Error("BuiltinSource(no-such): no error")
	}
}
