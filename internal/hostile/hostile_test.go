package hostile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// legolab is the command under test, built once by TestMain.
var legolab string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hostile")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	legolab = filepath.Join(dir, "legolab")
	build := exec.Command("go", "build", "-o", legolab, "github.com/legolab/legolab/cmd/legolab")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building legolab:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// hostileCase is one hostile input: the files it writes into a fresh
// folder (the working directory of the command), the command's arguments
// and environment, and what must come of it.
type hostileCase struct {
	name  string
	files map[string]string
	args  []string
	env   []string
	// code is the exit status wanted; stderr and stdout must contain
	// every string of want (the clear error, or a sign of the safe result).
	code int
	want []string
	// limit caps the command's time; 0 means 20 s.
	limit time.Duration
	// prep, when not nil, runs legolab commands in the folder before the
	// case's command (each must exit 0) and then edits what they wrote.
	prep [][]string
	edit func(t *testing.T, dir string)
}

// sweepOver is a sweep file over the built-in deai-2025 with extra
// top-level lines and one parameter.
func sweepOver(top string) string {
	return "scenario = \"deai-2025\"\n" + top + "\n[[params]]\nkey = \"hubs.interlink.adapter_cost\"\nmin = 5\nmax = 80\n"
}

// calScenario is a fast Bass scenario with priors on p and q, and
// calFile a small calibration of it with extra top-level lines.
const calScenario = `name = "bass"
horizon_days = 1000
dimensions = ["x"]
[builders]
market_potential = 300
[[protocols]]
name = "solo"
serves = { x = 1.0 }
[[app_types]]
name = "single"
needs = ["x"]
[[priors]]
key = "builders.p_per_year"
dist = "loguniform"
min = 0.01
max = 0.1
[[priors]]
key = "builders.q_per_year"
dist = "uniform"
min = 0.2
max = 0.8
`

// priorScenario is a one-protocol scenario with one hub and the given
// [[priors]] table body.
func priorScenario(prior string) string {
	return "name = \"bass\"\nhorizon_days = 1000\ndimensions = [\"x\"]\n[builders]\nmarket_potential = 300\n" +
		"[[protocols]]\nname = \"solo\"\nserves = { x = 1.0 }\n[[app_types]]\nname = \"single\"\nneeds = [\"x\"]\n" +
		"[[hubs]]\nname = \"h\"\n[[priors]]\n" + prior + "\n"
}

func calFile(top, abc string) string {
	return `name = "h"
scenario = "sc.toml"
start = "2020-01-01"
cutoff = "2021-12-31"
` + top + `
[abc]
particles = 20
max_generations = 2
` + abc + `
[[series]]
name = "b"
observable = "builders_cum"
transform = "log1p"
discrepancy = 0.1
[[series.points]]
date = "2021-01-01"
value = 40
source = "synthetic"
[[series.points]]
date = "2022-01-01"
value = 120
source = "synthetic"
`
}

// tinyScenario is a fast scenario with a variant named variant.
func tinyScenario(variant string) string {
	return `name = "tiny"
horizon_days = 200
[[protocols]]
name = "A"
serves = { data = 0.5, model = 0.5, compute = 0.5, storage = 0.5 }
[[hubs]]
name = "interlink"
enabled = false
join_incentive = 100
[[variants]]
name = "siloed"
[[variants]]
name = "` + variant + `"
set.hub.enabled = true
`
}

// tinySweep is a sobol sweep of 8 points over tinyScenario.
const tinySweep = `scenario = "sc.toml"
design = "sobol"
samples = 2
bootstrap = 10
replications = 1
seed = 3
[[params]]
key = "hubs.interlink.adapter_cost"
min = 5
max = 80
[[params]]
key = "builders.q_per_year"
min = 0.1
max = 0.6
[[expect]]
assert = "p_by_horizon(hub) >= 0"
`

// editJSON rewrites the JSON object in path through edit.
func editJSON(t *testing.T, path string, edit func(map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// runCase runs c's command in a fresh folder and returns the exit status
// and the combined output.
func runCase(t *testing.T, c hostileCase) (int, string) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range c.files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	limit := c.limit
	if limit == 0 {
		limit = 20 * time.Second
	}
	for _, args := range c.prep {
		cmd := exec.Command(legolab, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: preparing with %v: %v: %s", c.name, args, err, clip(out))
		}
	}
	if c.edit != nil {
		c.edit(t, dir)
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, legolab, c.args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), c.env...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s: still running after %v: %s", c.name, limit, clip(out))
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	return code, string(out)
}

func clip(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}

// TestHostileInputs runs every case: each input once made legolab panic,
// run out of memory, run without end, or misreport; now each gets a clear
// error (or a safe result) quickly.
func TestHostileInputs(t *testing.T) {
	const near62 = "4611686018427387904" // 2^62
	for _, c := range []hostileCase{
		{
			name:  "calibration particles near 2^62",
			files: map[string]string{"sc.toml": calScenario, "c.toml": strings.Replace(calFile("", "max_simulations = "+near62), "particles = 20", "particles = "+near62, 1)},
			args:  []string{"validate", "c.toml"}, code: 1,
			want: []string{"abc.particles: must be in [2, 100000], got " + near62, "abc.max_simulations: must be in"},
		},
		{
			name:  "calibration data from /dev/zero",
			files: map[string]string{"sc.toml": calScenario, "c.toml": calFile("", "")[:strings.Index(calFile("", ""), "[[series.points]]")] + "data = \"/dev/zero\"\n"},
			args:  []string{"calibrate", "c.toml", "--out", "o"}, code: 1,
			want: []string{"c.toml:15:1: series[0].data: cannot read /dev/zero", "larger than the limit"},
		},
		{
			// A checkpoint whose population does not fit the file is
			// refused with a message, never read past its end.
			name:  "calibration checkpoint tampered",
			files: map[string]string{"sc.toml": calScenario, "c.toml": calFile("", "")},
			prep:  [][]string{{"calibrate", "c.toml", "--out", "o", "-q"}},
			edit: func(t *testing.T, dir string) {
				editJSON(t, filepath.Join(dir, "o", "checkpoint.json"), func(m map[string]any) {
					m["particles"] = m["particles"].([]any)[:3]
				})
			},
			args: []string{"calibrate", "c.toml", "--out", "o", "--resume"}, code: 1,
			want: []string{"resume state of generation 1 does not fit 20 particles"},
		},
		{
			name:  "calibration checkpoint of another seed",
			files: map[string]string{"sc.toml": calScenario, "c.toml": calFile("", "")},
			prep:  [][]string{{"calibrate", "c.toml", "--out", "o", "-q"}},
			args:  []string{"calibrate", "c.toml", "--out", "o", "--resume", "--seed", "9"}, code: 1,
			want: []string{"refusing to resume", "seed 1, this run has seed 9"},
		},
		// Priors, an input surface of issue 12: a prior's whole range is
		// checked as the value it replaces is, before any draw.
		{
			name:  "a prior on market_potential up to 1e15",
			files: map[string]string{"sc.toml": priorScenario("key = \"builders.market_potential\"\ndist = \"uniform\"\nmin = 1\nmax = 1e15")},
			args:  []string{"validate", "sc.toml"}, code: 1,
			want: []string{"sc.toml:18:1: priors[0].max: builders.market_potential the scenario is too large to run"},
		},
		{
			name:  "a prior whose mean overflows (lognormal sd 1e300)",
			files: map[string]string{"sc.toml": priorScenario("key = \"builders.p_per_year\"\ndist = \"lognormal\"\nmean = 700\nsd = 1e300")},
			args:  []string{"validate", "sc.toml"}, code: 1,
			want: []string{"sc.toml:14:3: priors[0]: builders.p_per_year must be a finite number"},
		},
		{
			name:  "a prior on review_every_days down to 1e-300",
			files: map[string]string{"sc.toml": priorScenario("key = \"hubs[0].review_every_days\"\ndist = \"loguniform\"\nmin = 1e-300\nmax = 1")},
			args:  []string{"validate", "sc.toml"}, code: 1,
			want: []string{"sc.toml:17:1: priors[0].min: hubs.h.review_every_days one replication would schedule about 1e+303 events"},
		},
		{
			name:  "sobol samples near 2^62",
			files: map[string]string{"s.toml": sweepOver("design = \"sobol\"\nsamples = " + near62)},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"s.toml:2:1: design:", "is more than the limit of 4194304"},
		},
		{
			// NearestPowerOfTwo looped for ever past 2^62.
			name:  "sobol samples just past 2^62",
			files: map[string]string{"s.toml": sweepOver("design = \"sobol\"\nsamples = 4611686018427387905")},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"the nearest valid N is 4611686018427387904"},
		},
		{
			name:  "morris trajectories near 2^62",
			files: map[string]string{"s.toml": sweepOver("design = \"morris\"\ntrajectories = " + near62)},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"design: about 9.22e+18 points is more than the limit"},
		},
		{
			name:  "grid levels near 2^62",
			files: map[string]string{"s.toml": sweepOver("design = \"grid\"\nlevels = " + near62)},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"is more than the limit of 4194304"},
		},
		{
			name:  "bootstrap = 1e9",
			files: map[string]string{"s.toml": sweepOver("design = \"sobol\"\nsamples = 16\nbootstrap = 1000000000")},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"s.toml:4:1: bootstrap: must be in [0, 100000], got 1000000000"},
		},
		{
			name:  "bootstrap near 2^63",
			files: map[string]string{"s.toml": sweepOver("design = \"sobol\"\nsamples = 16\nbootstrap = 9223372036854775807")},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"bootstrap: must be in [0, 100000]"},
		},
		{
			name:  "bootstrap that would take many minutes",
			files: map[string]string{"s.toml": sweepOver("design = \"sobol\"\nsamples = 1048576\nbootstrap = 100000")},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"bootstrap: 100000 resamples of 1048576 rows × 1 parameters is about 2.1e+11 operations (~17 min)"},
		},
		{
			name:  "replications near 2^62",
			files: map[string]string{"s.toml": sweepOver("design = \"lhs\"\nsamples = 4\nreplications = " + near62)},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"replications: must be ≤ 1048576"},
		},
		{
			name: "run /dev/zero", args: []string{"run", "/dev/zero"}, code: 1,
			want: []string{"larger than the limit of 16 MiB"}, limit: 10 * time.Second,
		},
		{
			name: "validate /dev/zero", args: []string{"validate", "/dev/zero"}, code: 1,
			want: []string{"larger than the limit of 16 MiB"}, limit: 10 * time.Second,
		},
		{
			name:  "sweep whose base scenario is /dev/zero",
			files: map[string]string{"s.toml": "scenario = \"/dev/zero\"\ndesign = \"lhs\"\nsamples = 4\n[[params]]\nkey = \"seed\"\nvalues = [1, 2]\n"},
			args:  []string{"validate", "s.toml"}, code: 1,
			want: []string{"larger than the limit of 16 MiB"}, limit: 10 * time.Second,
		},
		{
			name:  "--shard 0/0",
			files: map[string]string{"s.toml": sweepOver("design = \"lhs\"\nsamples = 4\nreplications = 1")},
			args:  []string{"sweep", "s.toml", "--shard", "0/0", "-q"}, code: 2,
			want: []string{"want K/N with 1 <= K <= N"},
		},
		{
			name:  "--shard auto with index -1 and count 0",
			files: map[string]string{"s.toml": sweepOver("design = \"lhs\"\nsamples = 4\nreplications = 1")},
			args:  []string{"sweep", "s.toml", "--shard", "auto", "-q"},
			env:   []string{"LEGOLAB_SHARD_INDEX=-1", "LEGOLAB_SHARD_COUNT=0"}, code: 2,
			want: []string{"LEGOLAB_SHARD_COUNT=0: want at least 1"},
		},
		{
			name:  "--shard auto with Kubernetes index -1",
			files: map[string]string{"s.toml": sweepOver("design = \"lhs\"\nsamples = 4\nreplications = 1")},
			args:  []string{"sweep", "s.toml", "--shard", "auto", "--shard-count", "3", "-q"},
			env:   []string{"JOB_COMPLETION_INDEX=-1"}, code: 2,
			want: []string{"shard 0/3: want K/N with 1 <= K <= N"},
		},
		{
			// Half of all point seeds are ≥ 2^63; run --seed refused them
			// after computing, at encoding scenario.toml.
			name: "run --seed 2^64-1",
			args: []string{"run", "defi-2017", "--runs", "1", "--seed", "18446744073709551615", "--out", "o", "--quiet"},
			code: 0,
		},
		{
			// Each exhausted the memory or never finished a replication.
			name:  "shock and exploit rates of 1e300",
			files: map[string]string{"sc.toml": tinyScenario("hub") + "[[shocks]]\nkind = \"outage\"\nrate_per_year = 1e300\n"},
			args:  []string{"validate", "sc.toml"}, code: 1,
			want: []string{"sc.toml:17:1: shocks[0].rate_per_year: one replication would schedule about 5.48e+299 events"},
		},
		{
			name:  "a hub exploit rate of 1e300",
			files: map[string]string{"sc.toml": strings.Replace(tinyScenario("hub"), "join_incentive = 100", "join_incentive = 100\nexploits_per_year = 1e300", 1)},
			args:  []string{"validate", "sc.toml"}, code: 1,
			want: []string{"hubs.interlink.exploits_per_year: one replication would schedule about"},
		},
		{
			name:  "a review every 1e-300 days",
			files: map[string]string{"sc.toml": strings.Replace(tinyScenario("hub"), "join_incentive = 100", "join_incentive = 100\nreview_every_days = 1e-300", 1)},
			args:  []string{"validate", "sc.toml"}, code: 1,
			want: []string{"hubs.interlink.review_every_days: one replication would schedule about 2e+302 events"},
		},
		{
			name:  "an amplification of 1e308",
			files: map[string]string{"sc.toml": tinyScenario("hub") + "[builders]\ncomposability_amplification = 1e308\n"},
			args:  []string{"validate", "sc.toml"}, code: 1,
			want: []string{"builders.composability_amplification: must be in [0, 1000]"},
		},
		{
			// The position index grew with the square of the depth: 1.7 GB.
			name:  "an 80 KB dotted key",
			files: map[string]string{"sc.toml": "name = \"x\"\n" + strings.Repeat("a.", 40000) + "a = 1\n"},
			args:  []string{"validate", "sc.toml"}, code: 1,
			want: []string{"sc.toml:2:1: a: unknown key"}, limit: 10 * time.Second,
		},
		{
			// Accepted: the later silently won.
			name: "one hub swept by name and by index",
			files: map[string]string{"s.toml": sweepOver("design = \"lhs\"\nsamples = 4") +
				"[[params]]\nkey = \"hubs[0].adapter_cost\"\nmin = 5\nmax = 80\n"},
			args: []string{"validate", "s.toml"}, code: 1,
			want: []string{`s.toml:9:1: params[1].key: "hubs[0].adapter_cost" is hubs.interlink.adapter_cost, already swept by params[0]`},
		},
		{
			name: "protocols[0].openness beside protocols.Bittensor.openness",
			files: map[string]string{"s.toml": sweepOver("design = \"lhs\"\nsamples = 4") +
				"[[params]]\nkey = \"protocols[0].openness\"\nmin = 0.1\nmax = 0.8\n[[params]]\nkey = \"protocols.Bittensor.openness\"\nmin = 0.1\nmax = 0.8\n"},
			args: []string{"validate", "s.toml"}, code: 1,
			want: []string{`params[2].key: "protocols.Bittensor.openness" is protocols.Bittensor.openness, already swept by params[1]`},
		},
		{
			// It passed validate, and the sweep failed after computing.
			name:  "a variant named cheap (hub)",
			files: map[string]string{"sc.toml": tinyScenario("cheap (hub)")},
			args:  []string{"validate", "sc.toml"}, code: 1,
			want: []string{`variants."cheap (hub)".name: "cheap (hub)" must not contain parentheses`},
		},
		{
			name: "report on a run whose summary.json says horizon_days = 1e308",
			prep: [][]string{{"run", "defi-2017", "--runs", "2", "--out", "r", "--quiet"}},
			edit: func(t *testing.T, dir string) {
				editJSON(t, filepath.Join(dir, "r", "summary.json"), func(m map[string]any) { m["horizon_days"] = 1e308 })
			},
			args: []string{"report", "r"}, code: 1,
			want: []string{"horizon_days must be in (0, 36525], got 1e+308"},
		},
		{
			// check indexed the Sobol' blocks past the checkpoint's rows.
			name:  "check on a sweep whose checkpoint has fewer rows than its design",
			files: map[string]string{"sc.toml": tinyScenario("hub"), "s.toml": tinySweep},
			prep:  [][]string{{"sweep", "s.toml", "--out", "o", "-q", "--no-report"}},
			edit: func(t *testing.T, dir string) {
				path := filepath.Join(dir, "o", "checkpoint.jsonl")
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				lines := strings.SplitAfter(string(data), "\n")
				head := strings.Replace(lines[0], `"points":8`, `"points":2`, 1)
				os.WriteFile(path, []byte(head+lines[1]+lines[2]), 0o644)
			},
			args: []string{"check", "o"}, code: 1,
			want: []string{"o/checkpoint.jsonl: point 0 was not computed by this sweep"},
		},
		{
			name:  "check on a sweep whose summary.json claims more samples than the checkpoint holds",
			files: map[string]string{"sc.toml": tinyScenario("hub"), "s.toml": tinySweep},
			prep:  [][]string{{"sweep", "s.toml", "--out", "o", "-q", "--no-report"}},
			edit: func(t *testing.T, dir string) {
				editJSON(t, filepath.Join(dir, "o", "summary.json"), func(m map[string]any) { m["samples"] = 100 })
			},
			args: []string{"check", "o"}, code: 1,
			want: []string{"summary.json: a sobol design of 100 samples needs 200 points, the checkpoint holds 8"},
		},
		{
			name:  "check on a sweep folder whose sweep.toml is another sweep's",
			files: map[string]string{"sc.toml": tinyScenario("hub"), "s.toml": tinySweep},
			prep:  [][]string{{"sweep", "s.toml", "--out", "o", "-q", "--no-report"}},
			edit: func(t *testing.T, dir string) {
				os.WriteFile(filepath.Join(dir, "o", "sweep.toml"), []byte(strings.Replace(tinySweep, "seed = 3", "seed = 4", 1)), 0o644)
			},
			args: []string{"check", "o"}, code: 1,
			want: []string{"sweep.toml does not match the checkpoint's sweep"},
		},
		{
			// isUsage matched message substrings: a file named like a
			// cobra message exited 2 with "Run 'legolab --help'".
			name: "a file named like a usage message", args: []string{"run", "unknown command accepts .toml"}, code: 1,
			want: []string{"unknown command accepts .toml"},
		},
		{
			// A scenario's posterior is read whole: /dev/zero must be
			// refused, not read for ever (and a pipe not waited on).
			name:  "a posterior from /dev/zero",
			files: map[string]string{"sc.toml": tinyScenario("hub") + "\n[[posteriors]]\nfrom = \"/dev/zero\"\nkeys = { a = \"hub.join_incentive\" }\nreason = \"r\"\n"},
			args:  []string{"validate", "sc.toml"}, code: 1,
			want: []string{"sc.toml:17:1: posteriors[0].from:", "/dev/zero: is not a regular file"}, limit: 10 * time.Second,
		},
		{
			// Weights that overflow, NaN values, a link for posterior.csv:
			// clear errors before anything runs.
			name: "a calibration folder with overflowing weights",
			files: map[string]string{
				".legolab.json": `{"legolab_folder": 1, "kind": "calibration", "version": "", "files": ["posterior.csv"]}`,
				"posterior.csv": "generation,particle,weight,distance,hubs.interlink.adapter_cost\n0,0,1e309,0,20\n0,1,-1e309,nan,NaN\n",
			},
			args: []string{"run", "--posterior", ".", "--runs", "2", "--out", "/nonexistent-dir/o", "-q"}, code: 1,
			want: []string{"posterior.csv:2:5: weight: must be a finite number, got 1e309", "posterior.csv:3:12: distance: must be a finite number, got nan", "posterior.csv:3:16: hubs.interlink.adapter_cost: must be a finite number, got NaN"},
		},
		{
			name: "a calibration folder whose posterior.csv is a link",
			files: map[string]string{
				".legolab.json": `{"legolab_folder": 1, "kind": "calibration", "version": "", "files": ["posterior.csv"]}`,
			},
			edit: func(t *testing.T, dir string) {
				if err := os.Symlink("/etc/passwd", filepath.Join(dir, "posterior.csv")); err != nil {
					t.Fatal(err)
				}
			},
			args: []string{"run", "--posterior", ".", "--runs", "2", "--out", "o", "-q"}, code: 1,
			want: []string{"refusing to use ."},
		},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			code, out := runCase(t, c)
			if code != c.code {
				t.Errorf("%s: exit %d, want %d: %s", c.name, code, c.code, clip([]byte(out)))
			}
			if strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") {
				t.Errorf("%s: panicked: %s", c.name, clip([]byte(out)))
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("%s: output lacks %q: %s", c.name, w, clip([]byte(out)))
				}
			}
		})
	}
}
