package sweeps

import (
	"fmt"
	"github.com/legolab/legolab/scenarios"
	"math"
	"strings"
	"testing"
)

const goodSweep = `# a small sobol sweep
name = "small"
scenario = "deai-2025"
variants = ["hub", "defacto"]
design = "sobol"
samples = 8
replications = 4
seed = 7
outcomes = ["p_by_horizon(hub)", "rmst_days(defacto)"]

[[params]]
key = "hubs.interlink.adapter_cost"
min = 5
max = 80
scale = "log"

[[params]]
key = "builders.composability_amplification"
values = [0, 1, 2.5, 4]

[[params]]
key = "choice.consideration_set"
min = 2
max = 8
type = "int"

[[expect]]
assert = "st(hubs.interlink.adapter_cost) >= 0.1"
`

func TestParse(t *testing.T) {
	s, err := Parse([]byte(goodSweep), "sweeps/small.toml")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.NumPoints(), 8*(3+2); got != want {
		t.Errorf("NumPoints = %d, want %d", got, want)
	}
	if s.Seed != 7 || !s.Scramble || s.Bootstrap != 1000 || s.Replications != 4 {
		t.Errorf("seed, scramble, bootstrap, replications = %d, %v, %d, %d; want 7, true, 1000, 4",
			s.Seed, s.Scramble, s.Bootstrap, s.Replications)
	}
	if p := s.Params[0]; p.Scale != "log" || p.Type != "real" {
		t.Errorf("params[0] scale, type = %q, %q; want log, real", p.Scale, p.Type)
	}
	if p := s.Params[2]; p.Scale != "linear" || p.Type != "int" {
		t.Errorf("params[2] scale, type = %q, %q; want linear, int", p.Scale, p.Type)
	}
	if got := s.ScenarioPath(); got != "" {
		t.Errorf("ScenarioPath of a built-in = %q, want \"\"", got)
	}
	s.Scenario = "../base.toml"
	if got, want := s.ScenarioPath(), "base.toml"; got != want {
		t.Errorf("ScenarioPath = %q, want %q", got, want)
	}
	pts, err := s.Points()
	if err != nil {
		t.Fatal(err)
	}
	again, _ := s.Points()
	for i, p := range pts {
		if p.Index != i {
			t.Fatalf("point %d has index %d", i, p.Index)
		}
		for j := range p.Values {
			if p.Values[j] != again[i].Values[j] {
				t.Fatalf("point %d param %d: %q then %q", i, j, p.Values[j], again[i].Values[j])
			}
		}
	}
	if pts[0].Block != "A" || pts[8].Block != "B" || pts[16].Block != "AB1" || pts[39].Block != "AB3" {
		t.Errorf("blocks = %q %q %q %q, want A B AB1 AB3", pts[0].Block, pts[8].Block, pts[16].Block, pts[39].Block)
	}
}

func TestParseSweepDefaults(t *testing.T) {
	s, err := Parse([]byte(`scenario = "x.toml"
design = "morris"
trajectories = 3
[[params]]
key = "a.b"
min = 0
max = 1
`), "dir/m.toml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "m" || s.Seed != 1 || s.Replications != 20 || s.Levels != 4 || s.Bootstrap != 0 {
		t.Errorf("name, seed, replications, levels, bootstrap = %q, %d, %d, %d, %d; want m, 1, 20, 4, 0",
			s.Name, s.Seed, s.Replications, s.Levels, s.Bootstrap)
	}
	if got, want := s.ScenarioPath(), "dir/x.toml"; got != want {
		t.Errorf("ScenarioPath = %q, want %q", got, want)
	}
	if got := s.NumPoints(); got != 6 {
		t.Errorf("NumPoints = %d, want 6", got)
	}
}

// TestParseSweepErrors checks that bad sweep files give every problem at
// once, each FILE:LINE:COL: key.path: message in the words scenario files
// use, and never a Go type name. want is the whole list, in order.
func TestParseSweepErrors(t *testing.T) {
	head := "scenario = \"deai-2025\"\n"
	param := "[[params]]\nkey = \"a.b\"\nmin = 1\nmax = 2\n"
	for _, c := range []struct {
		name, src string
		want      []string
	}{
		{"unknown top key", head + "design = \"lhs\"\nsamples = 4\nreplicatoins = 3\n" + param,
			[]string{`bad.toml:4:1: replicatoins: unknown key; did you mean replications?`}},
		{"unknown param key", head + "design = \"lhs\"\nsamples = 4\n" + param + "[[params]]\nkye = \"c\"\nvalues = [1, 2]\n",
			[]string{`bad.toml:8:3: params[1].key: required: the parameter's key path, as --set takes it`,
				`bad.toml:9:1: params[1].kye: unknown key; did you mean key?`}},
		{"design typo", head + "design = \"sobel\"\n" + param,
			[]string{`bad.toml:2:1: design: "sobel" is not a design; did you mean sobol?`}},
		{"design unknown", head + "design = \"factorial\"\n" + param,
			[]string{`bad.toml:2:1: design: "factorial" is not a design (valid: grid, random, lhs, sobol, morris, csv)`}},
		{"sobol not a power of two", head + "design = \"sobol\"\nsamples = 100\n" + param,
			[]string{`bad.toml:3:1: samples: a sobol design needs N a power of two, got 100; the nearest valid N is 128`}},
		{"sobol nearest below", head + "design = \"sobol\"\nsamples = 36\n" + param,
			[]string{`bad.toml:3:1: samples: a sobol design needs N a power of two, got 36; the nearest valid N is 32`}},
		{"missing design and params", head,
			[]string{`bad.toml: params: at least one [[params]] is required`,
				`bad.toml: design: required: one of grid, random, lhs, sobol, morris, csv`}},
		{"values and range", head + "design = \"random\"\nsamples = 4\n[[params]]\nkey = \"a\"\nvalues = [1]\nmin = 0\nmax = 1\n",
			[]string{`bad.toml:4:3: params[0]: set either values or min and max, not both`}},
		{"log from zero", head + "design = \"lhs\"\nsamples = 4\n[[params]]\nkey = \"a\"\nmin = 0\nmax = 1\nscale = \"log\"\n",
			[]string{`bad.toml:6:1: params[0].min: must be > 0 for scale = "log", got 0`}},
		{"min above max and bad scale", head + "design = \"lhs\"\nsamples = 4\n[[params]]\nkey = \"a\"\nmin = 3\nmax = 1\nscale = \"lin\"\n",
			[]string{`bad.toml:7:1: params[0].max: must be > min (3), got 1`,
				`bad.toml:8:1: params[0].scale: "lin" is not a scale; did you mean linear?`}},
		{"int range not integral", head + "design = \"lhs\"\nsamples = 4\n[[params]]\nkey = \"a\"\nmin = 0.5\nmax = 3\ntype = \"int\"\n",
			[]string{`bad.toml:6:1: params[0].min: must be an integer for type = "int", got 0.5`}},
		{"mixed values", head + "design = \"random\"\nsamples = 4\n[[params]]\nkey = \"a\"\nvalues = [1, \"x\", 1]\n",
			[]string{`bad.toml:6:14: params[0].values[1]: is a string but values[0] is a number; all values must be of one kind`,
				`bad.toml:6:19: params[0].values[2]: 1 repeats values[0]`}},
		{"duplicate key", head + "design = \"lhs\"\nsamples = 4\n" + param + param,
			[]string{`bad.toml:9:1: params[1].key: "a.b" is already swept by params[0]`}},
		{"unused keys", head + "design = \"grid\"\nsamples = 4\ntrajectories = 2\n" + param,
			[]string{`bad.toml:3:1: samples: not used by a grid design; remove it`,
				`bad.toml:4:1: trajectories: not used by a grid design; remove it`,
				`bad.toml:5:3: params[0]: a grid needs the number of values of this range: set levels here or at the top of the file`}},
		{"morris levels odd", head + "design = \"morris\"\ntrajectories = 1\nlevels = 3\n" + param,
			[]string{`bad.toml:3:1: trajectories: a morris design needs trajectories r ≥ 2 (σ needs two), got 1`,
				`bad.toml:4:1: levels: a morris design needs an even number of levels p ≥ 2, got 3`}},
		{"bad outcome", head + "design = \"lhs\"\nsamples = 4\noutcomes = [\"p_by_horizon\"]\n" + param,
			[]string{`bad.toml:4:13: outcomes[0]: outcome "p_by_horizon" must be measure(variant), e.g. "p_by_horizon(hub)"`}},
		// Type errors do not stop decoding: every one is listed, with the
		// other problems, in the words of scenario files.
		{"type errors", head + "design = \"lhs\"\nsamples = \"four\"\nseed = -1\nreplications = 2.5\ncommon_seed = 1\n" +
			"[[params]]\nkey = 3\nmin = \"low\"\nmax = 2\n",
			[]string{`bad.toml:3:1: samples: expected an integer, got string "four"`,
				`bad.toml:4:1: seed: expected a non-negative integer, got integer -1`,
				`bad.toml:5:1: replications: expected an integer, got float 2.5`,
				`bad.toml:6:1: common_seed: expected true or false, got integer 1`,
				`bad.toml:8:1: params[0].key: expected a string, got integer 3`,
				`bad.toml:9:1: params[0].min: expected a number, got string "low"`}},
		{"params not an array", head + "design = \"lhs\"\nsamples = 4\nparams = 3\n",
			[]string{`bad.toml:4:1: params: expected an array of tables, got integer 3`}},
		{"nan value", head + "design = \"grid\"\n[[params]]\nkey = \"a\"\nvalues = [1.0, nan]\n",
			[]string{`bad.toml:5:16: params[0].values[1]: must be a finite number, got NaN`}},
		{"syntax error", head + "design = \n",
			[]string{"bad.toml:2:10: unexpected character U+000A at start of value"}},
		{"too many sobol params", head + "design = \"sobol\"\nsamples = 4\n" + strings.Repeat("[[params]]\nmin = 1\nmax = 2\n", 21),
			nil}, // checked by substring below
	} {
		_, err := Parse([]byte(c.src), "bad.toml")
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		var got []string
		for _, e := range scenarios.Errors(err) {
			got = append(got, e.Error())
		}
		if msg := err.Error(); strings.Contains(msg, "scenarios.") || strings.Contains(msg, "sweeps.") || strings.Contains(msg, "struct field") {
			t.Errorf("%s: error names a Go type:\n%v", c.name, err)
		}
		if c.want == nil {
			if !strings.Contains(err.Error(), "params: a sobol design supports up to 20 parameters, got 21") {
				t.Errorf("%s: error\n%v\nwant the parameter limit", c.name, err)
			}
			continue
		}
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s: errors\n%s\nwant\n%s", c.name, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
}

// TestParamAt checks the mapping from the unit interval to values.
func TestParamAt(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	for _, c := range []struct {
		name string
		p    Param
		u    []float64
		want []string
	}{
		{"values bins", Param{Values: []any{int64(1), 2.5, int64(4)}},
			[]float64{0, 0.33, 0.34, 0.5, 0.99, 1}, []string{"1", "1", "2.5", "2.5", "4", "4"}},
		{"values on a grid", Param{Values: []any{"a", "b", "c"}},
			[]float64{0, 0.5, 1}, []string{"a", "b", "c"}},
		{"linear real", Param{Min: f(10), Max: f(20), Scale: "linear", Type: "real"},
			[]float64{0, 0.25, 1, 1.0 / 3}, []string{"10", "12.5", "20", "13.3333"}},
		{"log real", Param{Min: f(1), Max: f(100), Scale: "log", Type: "real"},
			[]float64{0, 0.5, 1}, []string{"1", "10", "100"}},
		{"linear int", Param{Min: f(0), Max: f(3), Scale: "linear", Type: "int"},
			[]float64{0, 0.24, 0.25, 0.5, 0.75, 0.99, 1}, []string{"0", "0", "1", "2", "3", "3", "3"}},
		{"log int", Param{Min: f(1), Max: f(99), Scale: "log", Type: "int"},
			[]float64{0, 0.5, 1}, []string{"1", "10", "99"}},
	} {
		for i, u := range c.u {
			got, num := c.p.At(u)
			if got != c.want[i] {
				t.Errorf("%s: At(%v) = %q, want %q", c.name, u, got, c.want[i])
			}
			if c.p.Values == nil || c.name == "values bins" {
				if want, _ := parseFloatOK(c.want[i]); num != want {
					t.Errorf("%s: At(%v) number = %v, want %v", c.name, u, num, want)
				}
			} else if !math.IsNaN(num) {
				t.Errorf("%s: At(%v) number = %v, want NaN for a string", c.name, u, num)
			}
		}
	}
}

func parseFloatOK(s string) (float64, bool) {
	var x float64
	_, err := fmt.Sscan(s, &x)
	return x, err == nil
}

// TestPointsGrid checks that a grid visits every combination, the
// last parameter fastest.
func TestPointsGrid(t *testing.T) {
	s, err := Parse([]byte(`scenario = "x"
design = "grid"
levels = 3
[[params]]
key = "a"
values = ["u", "v"]
[[params]]
key = "b"
min = 0
max = 1
`), "g.toml")
	if err != nil {
		t.Fatal(err)
	}
	pts, err := s.Points()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range pts {
		got = append(got, strings.Join(p.Values, "/"))
	}
	want := "u/0 u/0.5 u/1 v/0 v/0.5 v/1"
	if strings.Join(got, " ") != want {
		t.Errorf("grid = %s, want %s", strings.Join(got, " "), want)
	}
}

// TestSweepCheckBaseRanges checks that a range beyond what the key allows
// is reported at the offending end, with the scenario's message, and that a
// valid range passes.
func TestSweepCheckBaseRanges(t *testing.T) {
	base, err := scenarios.Builtin(scenarios.Default)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, params, want string }{
		{"valid", "min = 0.1\nmax = 0.9", ""},
		{"max", "min = 0\nmax = 2", "sw.toml:6:1: params[0].max: protocols.Bittensor.openness must be in [0, 1], got 2"},
		{"min", "min = -1\nmax = 1", "sw.toml:5:1: params[0].min: protocols.Bittensor.openness must be in [0, 1], got -1"},
		{"values", "values = [0.5, 1.5]", "sw.toml:5:16: params[0].values[1]: protocols.Bittensor.openness must be in [0, 1], got 1.5"},
	} {
		src := "[[params]]\nkey = \"protocols.Bittensor.openness\"\n" + tc.params + "\n"
		src = "scenario = \"deai-2025\"\ndesign = \"grid\"\n" + src
		if !strings.Contains(tc.params, "values") {
			src += "levels = 3\n"
		}
		sw, err := Parse([]byte(src), "sw.toml")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		err = sw.CheckBase(base)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v; want none", tc.name, err)
		case tc.want != "" && (err == nil || err.Error() != tc.want):
			t.Errorf("%s: %v; want %s", tc.name, err, tc.want)
		}
	}
}
