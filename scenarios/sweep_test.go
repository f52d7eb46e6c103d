package scenarios

import (
	"fmt"
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

func TestParseSweep(t *testing.T) {
	s, err := ParseSweep([]byte(goodSweep), "sweeps/small.toml")
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
	s, err := ParseSweep([]byte(`scenario = "x.toml"
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
// once, each with its place, key path and a useful message.
func TestParseSweepErrors(t *testing.T) {
	head := "scenario = \"deai-2025\"\n"
	param := "[[params]]\nkey = \"a.b\"\nmin = 1\nmax = 2\n"
	for _, c := range []struct {
		name, src string
		want      []string
	}{
		{"unknown top key", head + "design = \"lhs\"\nsamples = 4\nreplicatoins = 3\n" + param,
			[]string{`bad.toml:4:1: replicatoins: unknown key; did you mean "replications"?`}},
		{"unknown param key", head + "design = \"lhs\"\nsamples = 4\n" + param + "[[params]]\nkye = \"c\"\nvalues = [1, 2]\n",
			[]string{`bad.toml:9:1: params[1].kye: unknown key; did you mean "key"?`, `params[1].key: required`}},
		{"design typo", head + "design = \"sobel\"\n" + param,
			[]string{`bad.toml:2:10: design: unknown design "sobel"; did you mean "sobol"?`}},
		{"sobol not a power of two", head + "design = \"sobol\"\nsamples = 100\n" + param,
			[]string{`bad.toml:3:11: samples: a sobol design needs N a power of two, got 100; the nearest valid N is 128`}},
		{"sobol nearest below", head + "design = \"sobol\"\nsamples = 36\n" + param,
			[]string{`the nearest valid N is 32`}},
		{"missing design and params", head,
			[]string{`design: required`, `params: at least one [[params]] is required`}},
		{"values and range", head + "design = \"random\"\nsamples = 4\n[[params]]\nkey = \"a\"\nvalues = [1]\nmin = 0\nmax = 1\n",
			[]string{`bad.toml:4:3: params[0]: set either values or min and max, not both`}},
		{"log from zero", head + "design = \"lhs\"\nsamples = 4\n[[params]]\nkey = \"a\"\nmin = 0\nmax = 1\nscale = \"log\"\n",
			[]string{`bad.toml:6:7: params[0].min: must be > 0 for scale = "log", got 0`}},
		{"min above max and bad scale", head + "design = \"lhs\"\nsamples = 4\n[[params]]\nkey = \"a\"\nmin = 3\nmax = 1\nscale = \"lin\"\n",
			[]string{`params[0].max: must be greater than min (3), got 1`, `params[0].scale: must be "linear" or "log", got "lin"; did you mean "linear"?`}},
		{"int range not integral", head + "design = \"lhs\"\nsamples = 4\n[[params]]\nkey = \"a\"\nmin = 0.5\nmax = 3\ntype = \"int\"\n",
			[]string{`params[0].min: must be an integer for type = "int", got 0.5`}},
		{"mixed values", head + "design = \"random\"\nsamples = 4\n[[params]]\nkey = \"a\"\nvalues = [1, \"x\", 1]\n",
			[]string{`bad.toml:6:14: params[0].values[1]: is a string but values[0] is a number`}},
		{"duplicate key", head + "design = \"lhs\"\nsamples = 4\n" + param + param,
			[]string{`params[1].key: "a.b" is already swept by params[0]`}},
		{"unused keys", head + "design = \"grid\"\nsamples = 4\ntrajectories = 2\n" + param,
			[]string{`samples: not used by a grid design`, `trajectories: not used by a grid design`,
				`params[0]: a grid needs the number of values of this range`}},
		{"morris levels odd", head + "design = \"morris\"\ntrajectories = 1\nlevels = 3\n" + param,
			[]string{`trajectories: a morris design needs trajectories r >= 2`, `levels: a morris design needs an even number of levels p >= 2, got 3`}},
		{"bad outcome", head + "design = \"lhs\"\nsamples = 4\noutcomes = [\"p_by_horizon\"]\n" + param,
			[]string{`bad.toml:4:13: outcomes[0]: outcome "p_by_horizon" must be measure(variant)`}},
		{"type error", head + "design = \"lhs\"\nsamples = \"four\"\n" + param,
			[]string{`bad.toml:3:`, `samples`}},
		{"syntax error", head + "design = \n",
			[]string{`bad.toml:2:`}},
		{"too many sobol params", head + "design = \"sobol\"\nsamples = 4\n" + strings.Repeat("[[params]]\nmin = 1\nmax = 2\n", 21),
			[]string{`params: a sobol design supports up to 20 parameters, got 21`}},
	} {
		_, err := ParseSweep([]byte(c.src), "bad.toml")
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error\n%v\nwant it to contain\n%s", c.name, err, w)
			}
		}
	}
}

// TestSweepParamAt checks the mapping from the unit interval to values.
func TestSweepParamAt(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	for _, c := range []struct {
		name string
		p    SweepParam
		u    []float64
		want []string
	}{
		{"values bins", SweepParam{Values: []any{int64(1), 2.5, int64(4)}},
			[]float64{0, 0.33, 0.34, 0.5, 0.99, 1}, []string{"1", "1", "2.5", "2.5", "4", "4"}},
		{"values on a grid", SweepParam{Values: []any{"a", "b", "c"}},
			[]float64{0, 0.5, 1}, []string{"a", "b", "c"}},
		{"linear real", SweepParam{Min: f(10), Max: f(20), Scale: "linear", Type: "real"},
			[]float64{0, 0.25, 1, 1.0 / 3}, []string{"10", "12.5", "20", "13.3333"}},
		{"log real", SweepParam{Min: f(1), Max: f(100), Scale: "log", Type: "real"},
			[]float64{0, 0.5, 1}, []string{"1", "10", "100"}},
		{"linear int", SweepParam{Min: f(0), Max: f(3), Scale: "linear", Type: "int"},
			[]float64{0, 0.24, 0.25, 0.5, 0.75, 0.99, 1}, []string{"0", "0", "1", "2", "3", "3", "3"}},
		{"log int", SweepParam{Min: f(1), Max: f(99), Scale: "log", Type: "int"},
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

// TestSweepPointsGrid checks that a grid visits every combination, the
// last parameter fastest.
func TestSweepPointsGrid(t *testing.T) {
	s, err := ParseSweep([]byte(`scenario = "x"
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
