package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/legolab/legolab/scenarios"
)

// validateRun runs legolab with args and returns its exit status and outputs.
func validateRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestValidateBadFiles feeds every file of scenarios/testdata/bad (more
// than 40: syntax, unknown keys, wrong types, each range, each reference
// kind, duplicates, empty sets, absurd sizes, several problems at once) to
// legolab validate. Each file lists the problems it must produce as
// "# want: TEXT" comments, TEXT a substring of the problem's line after
// "FILE:"; the command must report exactly those, one line each, in order.
func TestValidateBadFiles(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "scenarios", "testdata", "bad", "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 40 {
		t.Fatalf("%d bad files; want at least 40", len(paths))
	}
	multi := 0
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".toml")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var wants []string
		for _, l := range strings.Split(string(data), "\n") {
			if w, ok := strings.CutPrefix(l, "# want: "); ok {
				wants = append(wants, w)
			}
		}
		if len(wants) > 1 {
			multi++
		}
		code, stdout, stderr := validateRun(t, "validate", "--brief", p)
		if code != 1 {
			t.Errorf("%s: exit status %d; want 1", name, code)
		}
		if stdout != "" {
			t.Errorf("%s: stdout %q; want nothing", name, stdout)
		}
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		if len(lines) != len(wants) {
			t.Errorf("%s: %d problems; want %d:\n%s", name, len(lines), len(wants), stderr)
			continue
		}
		for i, l := range lines {
			rest, ok := strings.CutPrefix(l, p+":")
			if !ok {
				t.Errorf("%s: line %q does not start with %q", name, l, p+":")
				continue
			}
			if !strings.Contains(rest, wants[i]) {
				t.Errorf("%s: problem %d = %q; want it to contain %q", name, i, rest, wants[i])
			}
		}
	}
	if multi < 5 {
		t.Errorf("%d bad files with several problems; want at least 5", multi)
	}
}

func TestValidateGood(t *testing.T) {
	args := []string{"validate"}
	args = append(args, scenarios.BuiltinNames()...)
	examples, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*.toml"))
	for _, p := range examples {
		if !strings.HasPrefix(filepath.Base(p), "sweep-") {
			args = append(args, p)
		}
	}
	code, stdout, stderr := validateRun(t, args...)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	var want strings.Builder
	for _, a := range args[1:] {
		want.WriteString(a + ": ok\n")
	}
	if stdout != want.String() {
		t.Errorf("stdout = %q; want %q", stdout, want.String())
	}
}

func TestValidateExamplesIncludingSweeps(t *testing.T) {
	examples, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*.toml"))
	if len(examples) == 0 {
		t.Skip("no examples")
	}
	code, _, stderr := validateRun(t, append([]string{"validate"}, examples...)...)
	if code != 0 {
		t.Errorf("validate examples/*.toml: exit %d:\n%s", code, stderr)
	}
}

func TestValidateUsageAndMixed(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	bad := filepath.Join(dir, "bad.toml")
	syntax := filepath.Join(dir, "syntax.toml")
	for p, body := range map[string]string{
		good:   "name = \"g\"\n[[protocols]]\nname = \"A\"\nserves = { data = 0.5 }\n",
		bad:    "name = \"b\"\n[[protocols]]\nname = \"A\"\nserves = { data = 0.5 }\nopenness = 2\n",
		syntax: "name = \"s\"\nruns = [1,\n",
	} {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name       string
		args       []string
		code       int
		stdout     []string // lines stdout must contain
		stderr     []string // substrings stderr must contain
		stderrNone bool
	}{
		{"no args", []string{"validate"}, 2, nil, []string{"at least one"}, false},
		{"bad flag", []string{"validate", "--nope", good}, 2, nil, []string{"unknown flag"}, false},
		{"good", []string{"validate", good}, 0, []string{good + ": ok"}, nil, true},
		{"builtin", []string{"validate", scenarios.Default}, 0, []string{scenarios.Default + ": ok"}, nil, true},
		{"mixed", []string{"validate", good, bad, scenarios.Default}, 1,
			[]string{good + ": ok", scenarios.Default + ": ok"},
			[]string{bad + ":5:1: protocols.A.openness: must be in [0, 1], got 2"}, false},
		{"missing file", []string{"validate", filepath.Join(dir, "none.toml")}, 1, nil,
			[]string{filepath.Join(dir, "none.toml") + ": no such file or directory"}, false},
		{"unknown builtin", []string{"validate", "deai-2024"}, 1, nil,
			[]string{`deai-2024: no scenario file or built-in scenario named "deai-2024"; did you mean deai-2025?`}, false},
		{"syntax with context", []string{"validate", syntax}, 1, nil,
			[]string{syntax + ":2:", "    2| runs = [1,"}, false},
	}
	for _, c := range cases {
		code, stdout, stderr := validateRun(t, c.args...)
		if code != c.code {
			t.Errorf("%s: exit %d; want %d (stderr %q)", c.name, code, c.code, stderr)
		}
		lines := strings.Split(stdout, "\n")
		for _, w := range c.stdout {
			if !slices.Contains(lines, w) {
				t.Errorf("%s: stdout %q lacks line %q", c.name, stdout, w)
			}
		}
		for _, w := range c.stderr {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: stderr %q lacks %q", c.name, stderr, w)
			}
		}
		if c.stderrNone && stderr != "" {
			t.Errorf("%s: stderr %q; want nothing", c.name, stderr)
		}
	}
}

func TestScenariosCommand(t *testing.T) {
	code, stdout, stderr := validateRun(t, "scenarios")
	if code != 0 {
		t.Fatalf("scenarios: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	infos := scenarios.Builtins()
	if len(lines) != len(infos) {
		t.Fatalf("scenarios printed %d lines; want %d:\n%s", len(lines), len(infos), stdout)
	}
	for i, b := range infos {
		if !strings.HasPrefix(lines[i], b.Name+" ") || !strings.Contains(lines[i], b.Description) {
			t.Errorf("line %d = %q; want %s and its description", i, lines[i], b.Name)
		}
	}
	if !strings.Contains(lines[0], "(default)") {
		t.Errorf("first line %q does not mark the default", lines[0])
	}
	for _, b := range infos {
		code, stdout, _ := validateRun(t, "scenarios", "show", b.Name)
		src, _ := scenarios.BuiltinSource(b.Name)
		// The source, its schema directive re-pointed for a copy in
		// examples/ (the built-in's own path is relative to
		// scenarios/builtin/).
		_, rest, _ := strings.Cut(string(src), "\n")
		want := "#:schema ../scenarios/scenario.schema.json\n" + rest
		if code != 0 || stdout != want {
			t.Errorf("scenarios show %s: exit %d, output differs from the source", b.Name, code)
		}
		schema := filepath.Join("..", "..", "examples", "../scenarios/scenario.schema.json")
		if _, err := os.Stat(schema); err != nil {
			t.Errorf("scenarios show %s: the schema directive does not resolve from examples/: %v", b.Name, err)
		}
	}
}

// TestScenariosShowUnknown checks that an unknown built-in name is invalid
// input, as for legolab run: exit 1, the built-ins listed, and a
// did-you-mean for a near miss.
func TestScenariosShowUnknown(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"nope", "(built-ins: deai-2025, bittensor-2023, defi-2017, ibc-2021, layerzero-2022, scale-1000, subnets-128)"},
		{"deai-2052", "did you mean deai-2025?"},
	} {
		code, stdout, stderr := validateRun(t, "scenarios", "show", tc.name)
		if code != 1 || stdout != "" || !strings.Contains(stderr, "no built-in scenario named") || !strings.Contains(stderr, tc.want) {
			t.Errorf("scenarios show %s: exit %d, stdout %q, stderr %q; want 1 and a message containing %q", tc.name, code, stdout, stderr, tc.want)
		}
	}
}

// TestValidateWarnings checks that legolab validate prints a scenario's
// warnings on stderr as "FILE: warning: key.path: message" and still says
// ok, exit 0: a hub whose join incentive cannot attract a first member.
func TestValidateWarnings(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "hub.toml")
	src := "name = \"w\"\n[[protocols]]\nname = \"A\"\nserves = { data = 0.5 }\nopenness = 0.5\n[[hubs]]\nname = \"h\"\nadapter_cost = 40\njoin_incentive = 80\n"
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := validateRun(t, "validate", p)
	want := p + ": warning: hubs.h.join_incentive: hub h can never get a first member"
	if code != 0 || stdout != p+": ok\n" || !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("validate: exit %d, stdout %q, stderr %q; want 0, ok and one line starting %q", code, stdout, stderr, want)
	}
	// 0.5 × 81 > 40: the same hub is fine.
	if err := os.WriteFile(p, []byte(strings.Replace(src, "80", "81", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := validateRun(t, "validate", p); code != 0 || stderr != "" {
		t.Errorf("validate (join_incentive 81): exit %d, stderr %q; want 0 and no warning", code, stderr)
	}
}

// badSweepSource is a sweep file with eight problems: its own (samples,
// replications, min > max), those against the base scenario (an unknown
// variant, a key typo, a range the scenario rejects) and the lab's (an
// unknown measure, an assertion naming a variant the sweep does not run).
// badSweepProblems are the problems, in file order, each a substring of
// its line after the file name.
const badSweepSource = `scenario = "deai-2025"
variants = ["hubb", "hub"]
design = "lhs"
samples = 1
replications = 0
outcomes = ["foo(hub)"]

[[params]]
key = "protocols.Bittensor.openness"
min = 0
max = 2

[[params]]
key = "hubs.interlink.adaptr_cost"
min = 10
max = 100

[[params]]
key = "builders.q_per_year"
min = 0.5
max = 0.1

[[expect]]
assert = "p_by_horizon(siloed) >= 0"
`

var badSweepProblems = []string{
	":2:13: variants[0]: \"hubb\" is not a variant of scenario deai-2025; did you mean hub?",
	":4:1: samples: ",
	":5:1: replications: must be ≥ 1, got 0",
	":6:13: outcomes[0]: foo(hub): unknown measure \"foo\"",
	":11:1: params[0].max: protocols.Bittensor.openness must be in [0, 1], got 2",
	":14:1: params[1].key: hubs.interlink.adaptr_cost: unknown key; did you mean adapter_cost?",
	":21:1: params[2].max: must be > min",
	":24:1: expect[0].assert: ",
}

// checkBadSweepLines checks that lines are badSweepProblems, each starting
// with the file's path p.
func checkBadSweepLines(t *testing.T, cmd string, lines []string, p string) {
	t.Helper()
	if len(lines) != len(badSweepProblems) {
		t.Fatalf("%s: %d lines; want %d:\n%s", cmd, len(lines), len(badSweepProblems), strings.Join(lines, "\n"))
	}
	for i, w := range badSweepProblems {
		if !strings.HasPrefix(lines[i], p+":") || !strings.Contains(lines[i], w) {
			t.Errorf("%s: line %d = %q; want it to start with %q and contain %q", cmd, i, lines[i], p+":", w)
		}
	}
}

// TestValidateSweepAllProblems checks that legolab validate reports every
// problem of a sweep file at once, in file order.
func TestValidateSweepAllProblems(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sw.toml")
	if err := os.WriteFile(p, []byte(badSweepSource), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := validateRun(t, "validate", "--brief", p)
	if code != 1 {
		t.Errorf("validate: exit %d; want 1:\n%s", code, stderr)
	}
	checkBadSweepLines(t, "validate", strings.Split(strings.TrimSuffix(stderr, "\n"), "\n"), p)
}

// TestSweepAllProblems checks that legolab sweep refuses the same file
// with the same problems as legolab validate, all at once (the first line
// after "legolab: "), and runs nothing.
func TestSweepAllProblems(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sw.toml")
	if err := os.WriteFile(p, []byte(badSweepSource), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := validateRun(t, "sweep", "--quiet", "--out", out, p)
	if code != 1 || stdout != "" {
		t.Errorf("sweep: exit %d, stdout %q; want 1 and nothing", code, stdout)
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) > 0 {
		lines[0] = strings.TrimPrefix(lines[0], "legolab: ")
	}
	checkBadSweepLines(t, "sweep", lines, p)
	if _, err := os.Stat(out); err == nil {
		t.Errorf("sweep: %s was created for a sweep file with problems", out)
	}
}
