package main

import (
	"bytes"
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/legolab/legolab/lab"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/sim"
)

// sweepCLI runs the command line in-process.
func sweepCLI(ctx context.Context, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

const cliScenario = `name = "tiny"
horizon_days = 1000
[[protocols]]
name = "A"
serves = { data = 0.5, model = 0.5, compute = 0.5, storage = 0.5 }
[[hubs]]
name = "interlink"
enabled = false
[[variants]]
name = "siloed"
[[variants]]
name = "hub"
set.hub.enabled = true
`

const cliSweep = `name = "cli"
scenario = "tiny.toml"
design = "sobol"
samples = 16
replications = 4
seed = 5
outcomes = ["p_by_horizon(hub)"]
[[params]]
key = "hubs.interlink.adapter_cost"
min = 5
max = 80
[[params]]
key = "builders.q_per_year"
min = 0.1
max = 0.6
[[expect]]
assert = "p_by_horizon(hub) >= p_by_horizon(siloed)"
note = "the hub helps"
[[expect]]
assert = "median_day(siloed) < 10"
`

// cliFake is a cheap deterministic model: exponential Lego days, faster
// with q, cheaper hubs and the hub on. cancelAt > 0 cancels after that
// many calls, as Ctrl-C would.
type cliFake struct {
	calls    atomic.Int64
	cancelAt int64
	cancel   context.CancelFunc
}

func (f *cliFake) replicate(ctx context.Context, spec *scenarios.Spec, variant string, index int, seed uint64, _ io.Writer, _ bool) (*metrics.Replication, error) {
	if n := f.calls.Add(1); f.cancelAt > 0 && n == f.cancelAt {
		f.cancel()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rng := sim.NewStream(seed, uint64(index), 1)
	h := spec.Hubs[0]
	rate := spec.Builders.QPerYear / 365 * (1 + 20/h.AdapterCost)
	if *h.Enabled {
		rate *= 2
	}
	day := rng.ExpFloat64() / rate
	names := metrics.Observables(spec)
	return &metrics.Replication{Variant: variant, Index: index, Seed: seed, LegoDay: math.Min(day, spec.HorizonDays),
		Reached: day <= spec.HorizonDays, Names: names, Final: make([]float64, len(names))}, nil
}

func withFake(t *testing.T, f *cliFake) {
	t.Helper()
	sweepReplicate = f.replicate
	t.Cleanup(func() { sweepReplicate = nil })
}

func writeCLIFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "tiny.toml"), []byte(cliScenario), 0o644)
	path := filepath.Join(dir, "s.toml")
	os.WriteFile(path, []byte(cliSweep), 0o644)
	return path
}

func TestSweepCheckMergeCLI(t *testing.T) {
	withFake(t, &cliFake{})
	path := writeCLIFiles(t)
	root := t.TempDir()
	whole := filepath.Join(root, "whole")
	code, stdout, stderr := sweepCLI(context.Background(), "sweep", path, "--out", whole, "--jobs", "2", "--quiet", "--no-report")
	if code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("sweep --quiet wrote to stderr: %q", stderr)
	}
	for _, want := range []string{"Sweep cli: sobol design, 64 points × 4 replications of tiny", "p_by_horizon(hub)", "ST [95% CI]", "builders.q_per_year"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("sweep stdout lacks %q:\n%s", want, stdout)
		}
	}

	code, stdout, _ = sweepCLI(context.Background(), "check", whole)
	if code != 1 {
		t.Errorf("check: exit %d, want 1 (one assertion fails)", code)
	}
	for _, want := range []string{"PASS  p_by_horizon(hub) >= p_by_horizon(siloed)", "# the hub helps", "FAIL  median_day(siloed) < 10", "1 of 2 assertions pass"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check stdout lacks %q:\n%s", want, stdout)
		}
	}

	var shards []string
	for _, k := range []string{"1/2", "2/2"} {
		dir := filepath.Join(root, "shard-"+k[:1])
		if code, _, stderr := sweepCLI(context.Background(), "sweep", path, "--shard", k, "--out", dir, "--no-report"); code != 0 {
			t.Fatalf("shard %s: exit %d: %s", k, code, stderr)
		} else if !strings.Contains(stderr, "Shard "+k+": 32 points") {
			t.Errorf("shard %s: stderr %q lacks the shard note", k, stderr)
		}
		shards = append(shards, dir)
	}
	merged := filepath.Join(root, "merged")
	if code, _, stderr := sweepCLI(context.Background(), "merge", shards[0], shards[1], "--out", merged, "-q", "--no-report"); code != 0 {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	for _, name := range []string{lab.PointsFile, lab.SweepSummaryFile} {
		a, _ := os.ReadFile(filepath.Join(whole, name))
		b, _ := os.ReadFile(filepath.Join(merged, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("merged %s differs from the whole run's", name)
		}
	}
	if code, _, stderr := sweepCLI(context.Background(), "merge", shards[0], "--out", filepath.Join(root, "m2")); code != 1 || !strings.Contains(stderr, "missing shard 2/2") {
		t.Errorf("merge of one shard: exit %d, stderr %q; want 1 and the missing shard named", code, stderr)
	}

	code, stdout, _ = sweepCLI(context.Background(), "sweep", path, "--plan")
	if code != 0 || !strings.HasPrefix(stdout, "point,block,seed,hubs.interlink.adapter_cost,builders.q_per_year\n0,A,") || strings.Count(stdout, "\n") != 65 {
		t.Errorf("--plan: exit %d, stdout starts %q", code, stdout[:min(len(stdout), 120)])
	}
}

// TestSweepInterruptCLI checks Ctrl-C: exit 130, the checkpoint intact,
// a resume hint, and --resume finishing with the same bytes.
func TestSweepInterruptCLI(t *testing.T) {
	path := writeCLIFiles(t)
	root := t.TempDir()
	whole := filepath.Join(root, "whole")
	withFake(t, &cliFake{})
	if code, _, stderr := sweepCLI(context.Background(), "sweep", path, "--out", whole, "-q", "--no-report"); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	out := filepath.Join(root, "cut")
	ctx, cancel := context.WithCancel(context.Background())
	f := &cliFake{cancelAt: 100, cancel: cancel}
	withFake(t, f)
	code, _, stderr := sweepCLI(ctx, "sweep", path, "--out", out, "--jobs", "2", "--no-report")
	if code != 130 {
		t.Fatalf("interrupted sweep: exit %d, want 130: %s", code, stderr)
	}
	if !strings.Contains(stderr, "--resume") || !strings.Contains(stderr, "legolab: interrupted") {
		t.Errorf("interrupted sweep: stderr lacks the resume hint: %q", stderr)
	}
	ck, err := os.ReadFile(filepath.Join(out, lab.CheckpointFile))
	if err != nil || !bytes.HasSuffix(ck, []byte("\n")) || bytes.Count(ck, []byte("\n")) < 2 {
		t.Fatalf("checkpoint after Ctrl-C: %d bytes, err %v; want complete lines", len(ck), err)
	}
	withFake(t, &cliFake{})
	if code, _, stderr := sweepCLI(context.Background(), "sweep", path, "--out", out, "--resume", "-q", "--no-report"); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	for _, name := range []string{lab.PointsFile, lab.SweepSummaryFile, lab.CheckpointFile} {
		a, _ := os.ReadFile(filepath.Join(whole, name))
		b, _ := os.ReadFile(filepath.Join(out, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("resumed %s differs from the uninterrupted run's", name)
		}
	}
}

func TestSweepUsageErrors(t *testing.T) {
	withFake(t, &cliFake{})
	path := writeCLIFiles(t)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sweep", path, "--shard", "3/2"}, 2, "1 <= K <= N"},
		{[]string{"sweep", path, "--shard", "auto"}, 2, "no shard in the environment"},
		{[]string{"sweep", path, "--shard-count", "3"}, 2, "--shard-count goes with --shard auto"},
		{[]string{"sweep", path, "--jobs", "0"}, 1, "--jobs must be at least 1"},
		{[]string{"sweep", path, "--replications", "0"}, 1, "--replications must be at least 1"},
		{[]string{"sweep"}, 2, "accepts 1 arg"},
		{[]string{"merge", "x"}, 2, "merge needs --out"},
		{[]string{"check", t.TempDir()}, 1, "no .legolab.json"},
	} {
		code, _, stderr := sweepCLI(context.Background(), c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.want)
		}
	}
}

// TestSweepSmallExample runs the CI example with the real model (fewer
// replications), as .ci/run does.
func TestSweepSmallExample(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the model")
	}
	out := t.TempDir()
	code, stdout, stderr := sweepCLI(context.Background(), "sweep", "../../examples/sweep-small.toml", "--out", out, "--replications", "2", "-q", "--no-report")
	if code != 0 {
		t.Fatalf("sweep-small: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "morris design, 32 points × 2 replications of deai-2025") {
		t.Errorf("sweep-small stdout:\n%s", stdout)
	}
	code, stdout, stderr = sweepCLI(context.Background(), "check", out)
	if code > 1 || !strings.Contains(stdout, "assertions pass") {
		t.Errorf("check: exit %d: %s%s", code, stdout, stderr)
	}
}

// TestSweepMergeOverwrite checks that sweep and merge refuse an --out that
// holds a sweep already unless told what to do with it: sweep --resume or
// --force, merge --force.
func TestSweepMergeOverwrite(t *testing.T) {
	withFake(t, &cliFake{})
	path := writeCLIFiles(t)
	root := t.TempDir()
	dir := filepath.Join(root, "sweep")
	args := []string{"sweep", path, "--out", dir, "--quiet", "--no-report"}
	if code, _, stderr := sweepCLI(context.Background(), args...); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	first := mustRead(t, filepath.Join(dir, lab.PointsFile))
	code, _, stderr := sweepCLI(context.Background(), args...)
	if code != 1 || !strings.Contains(stderr, "use --resume to continue it or --force to start over") {
		t.Errorf("second sweep: exit %d, stderr %q; want 1 and the two ways on", code, stderr)
	}
	for _, extra := range []string{"--resume", "--force"} {
		if code, _, stderr := sweepCLI(context.Background(), append(args, extra)...); code != 0 {
			t.Errorf("sweep %s: exit %d: %s", extra, code, stderr)
		} else if got := mustRead(t, filepath.Join(dir, lab.PointsFile)); !bytes.Equal(got, first) {
			t.Errorf("sweep %s: points.csv differs from the first run's", extra)
		}
	}
	if code, _, stderr := sweepCLI(context.Background(), append(args, "--resume", "--force")...); code != 2 {
		t.Errorf("--resume --force: exit %d, stderr %q; want 2", code, stderr)
	}

	var shards []string
	for _, k := range []string{"1/2", "2/2"} {
		d := filepath.Join(root, "shard-"+k[:1])
		if code, _, stderr := sweepCLI(context.Background(), "sweep", path, "--shard", k, "--out", d, "--quiet", "--no-report"); code != 0 {
			t.Fatalf("shard %s: exit %d: %s", k, code, stderr)
		}
		shards = append(shards, d)
	}
	merged := filepath.Join(root, "merged")
	margs := []string{"merge", shards[0], shards[1], "--out", merged, "-q", "--no-report"}
	if code, _, stderr := sweepCLI(context.Background(), margs...); code != 0 {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	code, _, stderr = sweepCLI(context.Background(), margs...)
	if code != 1 || !strings.Contains(stderr, "use --force to replace it") {
		t.Errorf("second merge: exit %d, stderr %q; want 1 and a hint at --force", code, stderr)
	}
	if code, _, stderr := sweepCLI(context.Background(), append(margs, "--force")...); code != 0 {
		t.Errorf("merge --force: exit %d: %s", code, stderr)
	}
	if got := mustRead(t, filepath.Join(merged, lab.PointsFile)); !bytes.Equal(got, first) {
		t.Error("merged points.csv differs from the whole sweep's")
	}
	// A folder that is not a sweep's is refused even with --force.
	other := filepath.Join(root, "other")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	code, _, stderr = sweepCLI(context.Background(), "merge", shards[0], shards[1], "--out", other, "-q", "--no-report", "--force")
	if code != 1 || !strings.Contains(stderr, "no .legolab.json") {
		t.Errorf("merge --force onto a foreign folder: exit %d, stderr %q; want 1", code, stderr)
	}
}

// TestSensitivityTableAgreesWithReport checks that the terminal table has
// the columns and the row order of report.md's, for every design.
func TestSensitivityTableAgreesWithReport(t *testing.T) {
	x := func(v float64) *float64 { return &v }
	for _, design := range []string{"sobol", "morris", "grid"} {
		method := map[string]string{"sobol": metrics.MethodSobol, "morris": metrics.MethodMorris, "grid": metrics.MethodMainEffect}[design]
		s := &metrics.SweepSummary{Sweep: "s", Design: design, Outcomes: []string{"y"}, Sensitivity: []metrics.SensitivityRow{
			{Outcome: "y", Param: "low", Method: method, S1: x(0.1), ST: x(0.1), MuStar: x(1), Mu: x(1), Sigma: x(0)},
			{Outcome: "y", Param: "high", Method: method, S1: x(0.9), ST: x(0.9), MuStar: x(5), Mu: x(-5), Sigma: x(2)},
		}}
		var term bytes.Buffer
		printSensitivity(&term, s, 0)
		lines := strings.Split(term.String(), "\n")
		var head []string
		var params []string
		for i, l := range lines {
			if strings.HasPrefix(l, "  parameter") {
				head = strings.Fields(strings.ReplaceAll(strings.TrimSpace(l), " [95% CI]", "_[95%_CI]"))
				for _, r := range lines[i+1:] {
					if f := strings.Fields(r); len(f) > 0 {
						params = append(params, f[0])
					}
				}
				break
			}
		}
		tab := reports.SensitivityTableOf(design, s.Top("y", 0))
		want := []string{"parameter"}
		for _, h := range tab.Head {
			want = append(want, strings.ReplaceAll(h, " [95% CI]", "_[95%_CI]"))
		}
		if design == "grid" {
			want = []string{"parameter", "S1", "(main", "effect)"}
		}
		if strings.Join(head, "|") != strings.Join(want, "|") {
			t.Errorf("%s: terminal columns %q; want %q", design, head, want)
		}
		if strings.Join(params, ",") != "high,low" {
			t.Errorf("%s: terminal rows %v; want high, low", design, params)
		}
	}
}
