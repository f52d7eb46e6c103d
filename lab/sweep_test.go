package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	rtmetrics "runtime/metrics"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/legolab/legolab/internal/outdir"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/sim"
)

// sweepScenario is a tiny base scenario: the fake model below reads its hub
// and builders, never runs it.
const sweepScenario = `name = "tiny"
horizon_days = 1000
[[protocols]]
name = "A"
serves = { data = 0.5, model = 0.5, compute = 0.5, storage = 0.5 }
[[protocols]]
name = "B"
serves = { model = 0.5 }
[[hubs]]
name = "interlink"
enabled = false
[[variants]]
name = "siloed"
[[variants]]
name = "hub"
set.hub.enabled = true
`

// sweepFake is a cheap deterministic stand-in for the model: the Lego day
// is exponential with a rate that rises with q and falls with the hub's
// adapter cost (doubled when the hub is on), and final observable 0 is an
// exact linear function of the two parameters, for sensitivity checks.
type sweepFake struct {
	calls atomic.Int64
	// cancelAfter, when > 0, cancels cancel after that many calls.
	cancelAfter int64
	cancel      context.CancelFunc
	// burn spins this many iterations per call, to make the fake cost CPU;
	// sleep makes it wait, to measure the dispatch without competing for
	// the machine's cores.
	burn  int
	sleep time.Duration
}

func (f *sweepFake) replicate(ctx context.Context, spec *scenarios.Spec, variant string, index int, seed uint64, _ io.Writer, _ bool) (*metrics.Replication, error) {
	n := f.calls.Add(1)
	if f.cancelAfter > 0 && n == f.cancelAfter {
		f.cancel()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rng := sim.NewStream(seed, uint64(index), sim.StreamID("fake"))
	h := spec.Hubs[0]
	q, cost := spec.Builders.QPerYear, h.AdapterCost
	rate := q / 365 * (1 + 20/cost)
	if h.Enabled != nil && *h.Enabled {
		rate *= 2
	}
	time.Sleep(f.sleep)
	x := 0.0
	for i := range f.burn {
		x += math.Sqrt(float64(i))
	}
	day := rng.ExpFloat64() / rate
	names := metrics.Observables(spec)
	final := make([]float64, len(names))
	final[0] = 3*q + cost/100 // linear: exact sensitivity shares
	final[1] = rng.Float64() + x*0
	return &metrics.Replication{
		Variant: variant, Index: index, Seed: seed,
		LegoDay: min(day, spec.HorizonDays), Reached: day <= spec.HorizonDays,
		Names: names, Final: final,
	}, nil
}

// writeSweepFiles writes the tiny scenario and a sweep file over it into a
// temporary directory and returns the sweep file's path.
func writeSweepFiles(t testing.TB, sweep string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tiny.toml"), []byte(sweepScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "sweep.toml")
	if err := os.WriteFile(path, []byte(sweep), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const lhsSweep = `name = "test"
scenario = "tiny.toml"
design = "lhs"
samples = 10
replications = 6
seed = 3
outcomes = ["p_by_horizon(hub)", "rmst_days(siloed)", "median_day(hub)"]

[[params]]
key = "hubs.interlink.adapter_cost"
min = 5
max = 80
scale = "log"

[[params]]
key = "builders.q_per_year"
min = 0.1
max = 0.6

[[expect]]
assert = "p_by_horizon(hub) >= p_by_horizon(siloed)"
[[expect]]
assert = "p_by_horizon(hub) > 0.999"
`

// testSweep is a sweep with the folder it runs into.
type testSweep struct {
	*Sweep
	Out   string
	Force bool
}

func (s *testSweep) Run(ctx context.Context) (*SweepResult, error) {
	return s.Sweep.Run(ctx, &DirSink{Dir: s.Out, Force: s.Force})
}

func openTestSweep(t testing.TB, path string, f *sweepFake, out string, jobs int) *testSweep {
	t.Helper()
	s, err := OpenSweep(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Jobs, s.Version, s.Replicate = jobs, "test", f.replicate
	// Charts take most of a small sweep's time under the race detector;
	// TestSweepSplitsAgree draws them.
	s.NoReport = true
	return &testSweep{Sweep: s, Out: out}
}

func readAll(t testing.TB, dir string, names ...string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		out[n] = b
	}
	return out
}

var sweepCompared = []string{PointsFile, SweepSummaryFile, SensitivityFile, CheckpointFile, SweepFile, "scenario.toml"}

// sweepReport are the report files of lhsSweep: report.md and report.html
// and, for each of its 3 outcomes, the sensitivity bars and the response
// curve.
var sweepReport = func() []string {
	names := []string{"report.md", "report.html"}
	// Named by outcome: p_by_horizon(hub), rmst_days(siloed), median_day(hub).
	for _, o := range []string{"p_by_horizon-hub", "rmst_days-siloed", "median_day-hub"} {
		for _, c := range []string{"sensitivity", "response"} {
			names = append(names, fmt.Sprintf("plots/%s-%s.svg", c, o), fmt.Sprintf("plots/%s-%s.png", c, o))
		}
	}
	return names
}()

func sameFiles(t *testing.T, name string, got, want map[string][]byte) {
	t.Helper()
	for n, w := range want {
		if !bytes.Equal(got[n], w) {
			t.Errorf("%s: %s differs from the whole run's:\n%s\nwant\n%s", name, n, clip(got[n]), clip(w))
		}
	}
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// TestSweepSplitsAgree is the acceptance test: the sweep run whole (with 1
// and 2 jobs), as 3 shards merged, and interrupted then resumed gives
// byte-identical outputs, and resume recomputes nothing that finished.
func TestSweepSplitsAgree(t *testing.T) {
	path := writeSweepFiles(t, lhsSweep)
	root := t.TempDir()

	whole := filepath.Join(root, "whole")
	f := &sweepFake{}
	s := openTestSweep(t, path, f, whole, 2)
	s.NoReport = false
	res, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.calls.Load(), int64(10*6*2); got != want {
		t.Errorf("whole run: %d replications, want %d", got, want)
	}
	if res.Summary == nil || len(res.Rows) != 10 || res.Computed != 10 {
		t.Fatalf("whole run: summary %v, %d rows, %d computed; want a summary, 10, 10", res.Summary != nil, len(res.Rows), res.Computed)
	}
	want := readAll(t, whole, sweepCompared...)
	wantReport := readAll(t, whole, sweepReport...)
	if !bytes.Contains(wantReport["report.html"], []byte("<svg")) || !bytes.Contains(wantReport["report.md"], []byte("![")) {
		t.Error("the report lacks its charts")
	}

	one := filepath.Join(root, "jobs1")
	if _, err := openTestSweep(t, path, &sweepFake{}, one, 1).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "jobs=1", readAll(t, one, sweepCompared...), want)

	var shards []string
	for k := 1; k <= 3; k++ {
		dir := filepath.Join(root, fmt.Sprintf("shard-%d", k))
		s := openTestSweep(t, path, &sweepFake{}, dir, 2)
		s.Shard = Shard{Index: k, Count: 3}
		res, err := s.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if want := []int{4, 3, 3}[k-1]; len(res.Rows) != want || res.Summary != nil {
			t.Errorf("shard %d/3: %d rows, summary %v; want %d rows, no summary", k, len(res.Rows), res.Summary != nil, want)
		}
		shards = append(shards, dir)
	}
	merged := filepath.Join(root, "merged")
	if _, err := MergeSweep([]string{shards[2], shards[0], shards[1]}, merged, true, false); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "merged", readAll(t, merged, sweepCompared...), want)
	sameFiles(t, "merged", readAll(t, merged, sweepReport...), wantReport)

	// Interrupted after 25 replications (all variants of a replication
	// index count as two calls), then a torn line appended as by a power
	// cut, then resumed.
	resumed := filepath.Join(root, "resumed")
	ctx, cancel := context.WithCancel(context.Background())
	fi := &sweepFake{cancelAfter: 50, cancel: cancel}
	_, err = openTestSweep(t, path, fi, resumed, 2).Run(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: err = %v, want context.Canceled", err)
	}
	id, rows, _, err := parseCheckpoint(mustRead(t, filepath.Join(resumed, CheckpointFile)), "checkpoint")
	if err != nil || id == nil {
		t.Fatalf("checkpoint after interrupt: %v", err)
	}
	done := len(rows)
	if done == 0 || done >= 10 {
		t.Fatalf("interrupted run completed %d points, want some but not all", done)
	}
	fh, err := os.OpenFile(filepath.Join(resumed, CheckpointFile), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	fh.WriteString(`{"point":9,"variants":[{"n":6,"rea`)
	fh.Close()
	fr := &sweepFake{}
	s = openTestSweep(t, path, fr, resumed, 2)
	s.Resume = true
	res, err = s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed != done || res.Computed != 10-done {
		t.Errorf("resume: resumed %d, computed %d; want %d, %d", res.Resumed, res.Computed, done, 10-done)
	}
	if got, want := fr.calls.Load(), int64((10-done)*6*2); got != want {
		t.Errorf("resume ran %d replications, want %d (nothing finished recomputed)", got, want)
	}
	sameFiles(t, "resumed", readAll(t, resumed, sweepCompared...), want)
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSweepInFlightBounded checks the memory structure: at most Jobs+1
// points hold their replications at once, whatever the number of points.
func TestSweepInFlightBounded(t *testing.T) {
	path := writeSweepFiles(t, strings.Replace(lhsSweep, "samples = 10", "samples = 40", 1))
	s := openTestSweep(t, path, &sweepFake{}, t.TempDir(), 2)
	if _, err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := s.maxOpen.Load(); got > 3 {
		t.Errorf("up to %d points in flight with 2 jobs, want <= 3", got)
	}
}

// TestSweepSensitivityLinear runs a sobol sweep on the fake's exactly
// linear final observable y = 3q + c/100, with q uniform on [0.1, 0.6] and
// c on [5, 80]: Var(3q) = 9·0.5²/12, Var(c/100) = 0.75²/12, so S1 = ST =
// 0.8 for q and 0.2 for c, in closed form.
func TestSweepSensitivityLinear(t *testing.T) {
	sweep := `scenario = "tiny.toml"
design = "sobol"
samples = 256
replications = 1
bootstrap = 200
outcomes = ["final.composability_index(hub)"]
[[params]]
key = "hubs.interlink.adapter_cost"
min = 5
max = 80
[[params]]
key = "builders.q_per_year"
min = 0.1
max = 0.6
[[expect]]
assert = "st(builders.q_per_year) >= 0.7"
[[expect]]
assert = "st(hubs.interlink.adapter_cost) >= 0.5"
`
	path := writeSweepFiles(t, sweep)
	out := t.TempDir()
	res, err := openTestSweep(t, path, &sweepFake{}, out, 2).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	vq, vc := 9*0.25/12, 0.75*0.75/12
	want := map[string]float64{"builders.q_per_year": vq / (vq + vc), "hubs.interlink.adapter_cost": vc / (vq + vc)}
	for _, r := range res.Summary.Sensitivity {
		w := want[r.Param]
		if r.S1 == nil || r.ST == nil {
			t.Fatalf("%s: missing indices (%s)", r.Param, r.Note)
		}
		if math.Abs(*r.S1-w) > 0.03 || math.Abs(*r.ST-w) > 0.03 {
			t.Errorf("%s: S1 %.4f, ST %.4f; want %.4f", r.Param, *r.S1, *r.ST, w)
		}
		if !(*r.STCI95[0] <= w+0.01 && w-0.01 <= *r.STCI95[1]) {
			t.Errorf("%s: ST 95%% CI [%.4f, %.4f] misses %.4f", r.Param, *r.STCI95[0], *r.STCI95[1], w)
		}
	}
	top := res.Summary.Top("final.composability_index(hub)", 1)
	if len(top) != 1 || top[0].Param != "builders.q_per_year" {
		t.Errorf("top parameter = %v, want builders.q_per_year", top)
	}
	results, err := Check(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || !results[0].Pass || results[1].Pass {
		t.Fatalf("check: got %+v; want the first to pass and the second to fail", results)
	}
	if results[1].Left.Value > 0.3 || math.IsNaN(results[1].Left.Lo) {
		t.Errorf("st(adapter_cost) measured %v [%v, %v], want about 0.2 with a CI", results[1].Left.Value, results[1].Left.Lo, results[1].Left.Hi)
	}
}

// TestSweepMorrisAndGrid runs the other designs end to end: Morris μ* of
// the linear observable is its slope times the range (3·0.5 and 0.75), and
// a grid's main effects are the exact variance shares.
func TestSweepMorrisAndGrid(t *testing.T) {
	params := `outcomes = ["final.composability_index(hub)"]
[[params]]
key = "hubs.interlink.adapter_cost"
min = 5
max = 80
[[params]]
key = "builders.q_per_year"
min = 0.1
max = 0.6
`
	for _, c := range []struct {
		name, design string
		check        func(r metrics.SensitivityRow) (got, want float64)
	}{
		{"morris", "design = \"morris\"\ntrajectories = 4\nlevels = 4\n", func(r metrics.SensitivityRow) (float64, float64) {
			if r.Param == "builders.q_per_year" {
				return *r.MuStar, 1.5
			}
			return *r.MuStar, 0.75
		}},
		{"grid", "design = \"grid\"\nlevels = 5\n", func(r metrics.SensitivityRow) (float64, float64) {
			if r.Param == "builders.q_per_year" {
				return *r.S1, 0.8
			}
			return *r.S1, 0.2
		}},
	} {
		path := writeSweepFiles(t, "scenario = \"tiny.toml\"\nreplications = 2\n"+c.design+params)
		res, err := openTestSweep(t, path, &sweepFake{}, t.TempDir(), 2).Run(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, r := range res.Summary.Sensitivity {
			got, want := c.check(r)
			if math.Abs(got-want) > 1e-3*max(1, want) {
				t.Errorf("%s: %s: got %.5f, want %.5f", c.name, r.Param, got, want)
			}
		}
	}
}

// TestMergeRefuses checks that merge refuses mixed, missing, duplicated
// and unfinished shards, saying which.
func TestMergeRefuses(t *testing.T) {
	path := writeSweepFiles(t, lhsSweep)
	root := t.TempDir()
	run := func(name string, k, n int, seed uint64, ctx context.Context, f *sweepFake) string {
		dir := filepath.Join(root, name)
		s := openTestSweep(t, path, f, dir, 1)
		s.Shard = Shard{Index: k, Count: n}
		s.File.Seed = seed
		s.Run(ctx)
		return dir
	}
	a := run("a", 1, 2, 3, context.Background(), &sweepFake{})
	b := run("b", 2, 2, 3, context.Background(), &sweepFake{})
	other := run("other", 2, 2, 4, context.Background(), &sweepFake{})
	three := run("three", 2, 3, 3, context.Background(), &sweepFake{})
	ctx, cancel := context.WithCancel(context.Background())
	torn := run("torn", 2, 2, 3, ctx, &sweepFake{cancelAfter: 12, cancel: cancel})
	for _, c := range []struct {
		name string
		dirs []string
		want string
	}{
		{"different seed", []string{a, other}, "different seed (4 there, 3 in"},
		{"missing shard", []string{a}, "missing shard 2/2"},
		{"duplicate", []string{a, b, b}, "are both shard 2/2"},
		{"different count", []string{a, three}, "is shard 2/3 but"},
		{"unfinished", []string{a, torn}, "is unfinished"},
	} {
		_, err := MergeSweep(c.dirs, filepath.Join(root, "out-"+strings.ReplaceAll(c.name, " ", "-")), false, false)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.want)
		}
	}
	if _, err := MergeSweep([]string{a, b}, filepath.Join(root, "ok"), false, false); err != nil {
		t.Errorf("good shards: %v", err)
	}
}

// TestResumeRefusesOtherSweep checks that --resume does not mix
// computations.
func TestResumeRefusesOtherSweep(t *testing.T) {
	path := writeSweepFiles(t, lhsSweep)
	out := t.TempDir()
	if _, err := openTestSweep(t, path, &sweepFake{}, out, 2).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := openTestSweep(t, path, &sweepFake{}, out, 2)
	s.Resume, s.File.Seed = true, 99
	_, err := s.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "different seed (3; this run has 99)") {
		t.Errorf("err = %v, want a seed mismatch", err)
	}
	// A finished sweep resumed recomputes nothing.
	f := &sweepFake{}
	s = openTestSweep(t, path, f, out, 2)
	s.Resume = true
	if _, err := s.Run(context.Background()); err != nil || f.calls.Load() != 0 {
		t.Errorf("resuming a finished sweep: err %v, %d replications; want nil, 0", err, f.calls.Load())
	}
	// An unrelated non-empty folder is refused.
	junk := t.TempDir()
	os.WriteFile(filepath.Join(junk, "notes.txt"), []byte("mine"), 0o644)
	if _, err := openTestSweep(t, path, &sweepFake{}, junk, 1).Run(context.Background()); err == nil || !strings.Contains(err.Error(), "no "+outdir.ManifestFile) {
		t.Errorf("non-empty folder: err = %v, want a refusal", err)
	}
}

// TestSweepWarnsMaskedParam checks the warning for a parameter that a
// variant overrides (here through the alias hub.enabled).
func TestSweepWarnsMaskedParam(t *testing.T) {
	path := writeSweepFiles(t, `scenario = "tiny.toml"
design = "grid"
[[params]]
key = "hubs.interlink.enabled"
values = [false, true]
`)
	var warned []string
	s := openTestSweep(t, path, &sweepFake{}, t.TempDir(), 1)
	s.Warn = func(m string) { warned = append(warned, m) }
	res, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := "params[0].key: variant hub overrides hubs.interlink.enabled, so the sweep does not move it there"
	if len(warned) != 1 || warned[0] != want || len(res.Summary.Warnings) != 1 || res.Summary.Warnings[0] != want {
		t.Errorf("warnings %q, summary %q; want [%q]", warned, res.Summary.Warnings, want)
	}
}

// TestSweepBadPoint checks that a value the scenario refuses is reported
// when the sweep is opened, at the value, and that a point refused anyway
// (a File edited after opening) stops the sweep before it runs, naming
// the point.
func TestSweepBadPoint(t *testing.T) {
	const src = `scenario = "tiny.toml"
design = "grid"
[[params]]
key = "integration.bespoke_failure_prob"
values = [0.5, 1.5]
`
	path := writeSweepFiles(t, src)
	_, err := OpenSweep(path)
	if want := "sweep.toml:5:16: params[0].values[1]: integration.bespoke_failure_prob must be in [0, 1], got 1.5"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("OpenSweep: err = %v; want it to contain %q", err, want)
	}
	path = writeSweepFiles(t, strings.Replace(src, "1.5", "0.6", 1))
	f := &sweepFake{}
	s := openTestSweep(t, path, f, t.TempDir(), 1)
	s.File.Params[0].Values[1] = 1.5
	_, err = s.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "point 1 (integration.bespoke_failure_prob=1.5)") || f.calls.Load() != 0 {
		t.Errorf("err = %v after %d replications; want point 1 refused before any", err, f.calls.Load())
	}
}

func TestOpenSweepErrors(t *testing.T) {
	for _, c := range []struct {
		name, sweep string
		want        []string
	}{
		{"unknown variant and key", `scenario = "tiny.toml"
design = "lhs"
samples = 4
variants = ["hubb"]
[[params]]
key = "hubs.interlink.adapter_kost"
min = 1
max = 2
`, []string{`sweep.toml:4:13: variants[0]: "hubb" is not a variant of scenario tiny`, `params[0].key:`, `adapter_kost`}},
		{"bad outcome and assertion", `scenario = "tiny.toml"
design = "lhs"
samples = 4
outcomes = ["p_by_horizon(nope)", "final.nothing(hub)", "speed(hub)"]
[[params]]
key = "builders.q_per_year"
min = 0.1
max = 0.2
[[expect]]
assert = "st(builders.p_per_year) > 0.1"
`, []string{`outcomes[0]: p_by_horizon(nope): no variant "nope"`, `outcomes[1]: final.nothing(hub): no observable "nothing"`,
			`outcomes[2]: speed(hub): unknown measure "speed"`, `expect[0].assert: st(builders.p_per_year): "builders.p_per_year" is not a swept parameter`}},
		{"the file's own, the base's and the lab's at once", `scenario = "tiny.toml"
design = "lhs"
samples = 4
replications = 0
variants = ["hubb"]
outcomes = ["speed(hub)"]
[[params]]
key = "builders.q_per_year"
min = 0.2
max = 0.1
`, []string{`sweep.toml:4:1: replications: must be ≥ 1, got 0`, `sweep.toml:5:13: variants[0]: "hubb" is not a variant`,
			`sweep.toml:6:13: outcomes[0]: speed(hub): unknown measure "speed"`, `sweep.toml:10:1: params[0].max: must be > min`}},
		{"missing scenario", `scenario = "nothere.toml"
design = "lhs"
samples = 4
[[params]]
key = "a"
min = 1
max = 2
`, []string{`sweep.toml:1:1: scenario: cannot open the base scenario`}},
	} {
		path := writeSweepFiles(t, c.sweep)
		_, err := OpenSweep(path)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error\n%v\nwant it to contain %q", c.name, err, w)
			}
		}
	}
}

func TestShardParseAndEnv(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Shard
		err  bool
	}{{"1/1", Shard{1, 1}, false}, {"2/4", Shard{2, 4}, false}, {"0/3", Shard{}, true}, {"4/3", Shard{}, true}, {"x", Shard{}, true}, {"1/x", Shard{}, true}} {
		got, err := ParseShard(c.in)
		if (err != nil) != c.err || (!c.err && got != c.want) {
			t.Errorf("ParseShard(%q) = %v, %v; want %v, error %v", c.in, got, err, c.want, c.err)
		}
	}
	for _, c := range []struct {
		name  string
		env   map[string]string
		count int
		want  Shard
		err   string
	}{
		{"kubernetes", map[string]string{"JOB_COMPLETION_INDEX": "2"}, 4, Shard{3, 4}, ""},
		{"kubernetes without count", map[string]string{"JOB_COMPLETION_INDEX": "2"}, 0, Shard{}, "--shard-count"},
		{"kubernetes out of range", map[string]string{"JOB_COMPLETION_INDEX": "4"}, 4, Shard{}, "1 <= K <= N"},
		{"slurm from 1", map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "1"}, 0, Shard{3, 8}, ""},
		{"slurm from 0", map[string]string{"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "0"}, 0, Shard{1, 8}, ""},
		{"slurm stepped", map[string]string{"SLURM_ARRAY_TASK_ID": "14", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_STEP": "2"}, 0, Shard{3, 4}, ""},
		{"slurm count disagrees", map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "8", "SLURM_ARRAY_TASK_MIN": "1"}, 4, Shard{}, "disagrees"},
		{"slurm without count", map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, 0, Shard{}, "SLURM_ARRAY_TASK_COUNT is not set"},
		{"github", map[string]string{"LEGOLAB_SHARD_INDEX": "0", "LEGOLAB_SHARD_COUNT": "3"}, 0, Shard{1, 3}, ""},
		{"bad number", map[string]string{"LEGOLAB_SHARD_INDEX": "one"}, 0, Shard{}, "not a whole number"},
		{"nothing", map[string]string{}, 0, Shard{}, "no shard in the environment"},
	} {
		got, _, err := ShardFromEnv(func(k string) string { return c.env[k] }, c.count)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: err = %v, want it to contain %q", c.name, err, c.err)
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("%s: got %v, %v; want %v", c.name, got, err, c.want)
		}
	}
	// Round-robin: every point in exactly one shard.
	for i := range 20 {
		n := 0
		for k := 1; k <= 3; k++ {
			if (Shard{k, 3}).Has(i) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("point %d is in %d of 3 shards", i, n)
		}
	}
}

// TestCheckRunFolder evaluates assertions on a hand-made run folder, with a
// median not reached counting as +∞.
func TestCheckRunFolder(t *testing.T) {
	dir := t.TempDir()
	m := 400.0
	lo := 300.0
	sum := metrics.Summary{Scenario: "x", Variants: []metrics.VariantSummary{
		{Name: "hub", Lego: metrics.LegoSummary{Reached: 60, Censored: 40, PByHorizon: 0.6, PCI95: [2]float64{0.5, 0.7}, MedianDay: &m, MedianCI95: [2]*float64{&lo, nil}, RMSTDays: 900},
			Final: []metrics.FinalStat{{Metric: "composability_index", Mean: 0.4}}},
		{Name: "defacto", Lego: metrics.LegoSummary{Reached: 10, Censored: 90, PByHorizon: 0.1, PCI95: [2]float64{0.05, 0.18}, RMSTDays: 1500}},
	}}
	var b bytes.Buffer
	writeSweepJSON(&b, sum)
	os.WriteFile(filepath.Join(dir, "summary.json"), b.Bytes(), 0o644)
	outdir.WriteManifest(dir, &outdir.Manifest{Kind: outdir.KindRun, Files: []string{"summary.json", "scenario.toml"}})
	os.WriteFile(filepath.Join(dir, "scenario.toml"), []byte(`name = "x"
[[expect]]
assert = "p_by_horizon(hub) >= 0.5"
[[expect]]
assert = "median_day(hub) < median_day(defacto)"
[[expect]]
assert = "median_day(defacto) < 3650"
[[expect]]
assert = "final.composability_index(hub) >= 0.5"
[[expect]]
assert = "st(hub.adapter_cost) >= 0.1"
[[expect]]
assert = "p_by_horizon(nope) >= 0.1"
`), 0o644)
	got, err := Check(dir)
	if err != nil {
		t.Fatal(err)
	}
	wantPass := []bool{true, true, false, false, false, false}
	for i, r := range got {
		if r.Pass != wantPass[i] {
			t.Errorf("%s: pass = %v (err %v), want %v", r.Assert, r.Pass, r.Err, wantPass[i])
		}
	}
	if !math.IsInf(got[2].Left.Value, 1) || FormatMeasure(got[2].Left) != "∞ (not reached) [—, ∞]" {
		t.Errorf("not-reached median measured %v (%s), want +Inf", got[2].Left.Value, FormatMeasure(got[2].Left))
	}
	if s := FormatMeasure(got[0].Left); s != "0.6 [0.5, 0.7]" {
		t.Errorf("p_by_horizon formatted %q, want \"0.6 [0.5, 0.7]\"", s)
	}
	if got[4].Err == nil || !strings.Contains(got[4].Err.Error(), "need a sweep folder") {
		t.Errorf("st on a run: err = %v, want a sweep-folder error", got[4].Err)
	}
}

// BenchmarkSweep measures the speed-up of more jobs on 16 points × 20
// replications × 2 variants of a fake replication that costs CPU (cpu:
// ~0.4 ms of arithmetic; the speed-up needs idle cores) or waits (sleep: 2
// ms; the speed-up shows that dispatch keeps every job busy whatever else
// runs on the machine).
func BenchmarkSweep(b *testing.B) {
	path := writeSweepFiles(b, strings.NewReplacer("samples = 10", "samples = 16", "replications = 6", "replications = 20").Replace(lhsSweep))
	for _, c := range []struct {
		name string
		fake func() *sweepFake
		jobs []int
	}{
		{"cpu", func() *sweepFake { return &sweepFake{burn: 200000} }, []int{1, 2}},
		{"sleep", func() *sweepFake { return &sweepFake{sleep: 2 * time.Millisecond} }, []int{1, 2, 4}},
	} {
		for _, jobs := range c.jobs {
			b.Run(fmt.Sprintf("%s/jobs=%d", c.name, jobs), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					s := openTestSweep(b, path, c.fake(), b.TempDir(), jobs)
					s.Warn = func(string) {}
					if _, err := s.Run(context.Background()); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(16*20*2), "ns/replication")
			})
		}
	}
}

// BenchmarkSweepMemory runs 64 points with 10 and with 100 replications
// and reports the peak live heap (the bytes the collector marked live,
// /gc/heap/live:bytes, after a forced GC every 10 ms) and what the result
// retains per point: both stay flat as replications grow tenfold, because
// a point's replications are dropped once it is reduced.
func BenchmarkSweepMemory(b *testing.B) {
	live := func() uint64 {
		runtime.GC()
		s := []rtmetrics.Sample{{Name: "/gc/heap/live:bytes"}}
		rtmetrics.Read(s)
		return s[0].Value.Uint64()
	}
	for _, reps := range []int{10, 100} {
		b.Run(fmt.Sprintf("points=64/replications=%d", reps), func(b *testing.B) {
			path := writeSweepFiles(b, strings.NewReplacer("samples = 10", "samples = 64", "replications = 6", fmt.Sprintf("replications = %d", reps)).Replace(lhsSweep))
			b.ReportAllocs()
			var peak, retained uint64
			for b.Loop() {
				s := openTestSweep(b, path, &sweepFake{}, b.TempDir(), 2)
				s.Warn = func(string) {}
				base := live()
				stop := make(chan struct{})
				done := make(chan uint64)
				go func() {
					var top uint64
					t := time.NewTicker(10 * time.Millisecond)
					defer t.Stop()
					for {
						select {
						case <-stop:
							done <- top
							return
						case <-t.C:
							if l := live(); l > base {
								top = max(top, l-base)
							}
						}
					}
				}()
				res, err := s.Run(context.Background())
				close(stop)
				peak = max(peak, <-done)
				if err != nil {
					b.Fatal(err)
				}
				if l := live(); l > base {
					retained = (l - base) / 64
				}
				runtime.KeepAlive(res)
			}
			b.ReportMetric(float64(peak)/(1<<10), "peak-live-KB")
			b.ReportMetric(float64(retained), "retained-B/point")
		})
	}
}

// TestSweepSplitsAgreeModel repeats the acceptance test on the real model
// and the built-in deai-2025 scenario: whole, as 3 shards merged, and
// interrupted then resumed, points.csv and summary.json are identical.
func TestSweepSplitsAgreeModel(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the model")
	}
	path := writeSweepFiles(t, `scenario = "deai-2025"
variants = ["siloed", "hub"]
design = "lhs"
samples = 6
replications = 3
seed = 11
[[params]]
key = "choice.outside_utility"
min = 0
max = 4
[[params]]
key = "hubs.interlink.adapter_cost"
min = 5
max = 120
scale = "log"
`)
	var calls atomic.Int64
	var cancel context.CancelFunc
	var cancelAt int64
	model := func(ctx context.Context, spec *scenarios.Spec, variant string, index int, seed uint64, trace io.Writer, graph bool) (*metrics.Replication, error) {
		if n := calls.Add(1); cancelAt > 0 && n == cancelAt {
			cancel()
		}
		return Replicate(ctx, spec, variant, index, seed, ReplicateOptions{Trace: trace, Graph: graph})
	}
	open := func(out string) *testSweep {
		s := openTestSweep(t, path, &sweepFake{}, out, 2)
		s.Replicate = model
		return s
	}
	root := t.TempDir()
	whole := filepath.Join(root, "whole")
	if _, err := open(whole).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	files := []string{PointsFile, SweepSummaryFile, SensitivityFile}
	want := readAll(t, whole, files...)

	var shards []string
	for k := 1; k <= 3; k++ {
		dir := filepath.Join(root, fmt.Sprintf("shard-%d", k))
		s := open(dir)
		s.Shard = Shard{Index: k, Count: 3}
		if _, err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, dir)
	}
	merged := filepath.Join(root, "merged")
	if _, err := MergeSweep(shards, merged, false, false); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "merged", readAll(t, merged, files...), want)

	resumed := filepath.Join(root, "resumed")
	ctx, c := context.WithCancel(context.Background())
	cancel, cancelAt = c, calls.Load()+15
	if _, err := open(resumed).Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: err = %v, want context.Canceled", err)
	}
	cancelAt = 0
	s := open(resumed)
	s.Resume = true
	res, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Resumed == 0 || res.Computed == 0 {
		t.Logf("resume: %d resumed, %d computed (the interruption fell on a point boundary)", res.Resumed, res.Computed)
	}
	sameFiles(t, "resumed", readAll(t, resumed, files...), want)
}

// ExampleShardFromEnv finds the shard of a Slurm array task: tasks 1..8,
// this one task 3.
func ExampleShardFromEnv() {
	env := map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "8"}
	sh, src, err := ShardFromEnv(func(k string) string { return env[k] }, 0)
	fmt.Println(sh, src, err)
	fmt.Println(sh.Has(2), sh.Has(10), sh.Has(3))
	// Output:
	// 3/8 Slurm job array (SLURM_ARRAY_TASK_ID) <nil>
	// true true false
}

// TestSweepProbabilityIntervalClamped checks that the mean-over-points
// interval of a probability stays within [0, 1]: points at 0 and 1 give a
// Student t interval of 0.5 ± t₁·0.5 = [−5.85, 6.85], t₁ = 12.71 being the
// 97.5% quantile of t with 1 degree of freedom, the Cauchy distribution,
// tan(π(0.975 − 1/2)).
func TestSweepProbabilityIntervalClamped(t *testing.T) {
	t1 := math.Tan(math.Pi * (0.975 - 0.5))
	rows := []*PointRow{
		{Index: 0, Variants: []VariantOutcome{{N: 10, Reached: 0, P: 0, PLo: 0, PHi: 0.28, RMST: 700}}},
		{Index: 1, Variants: []VariantOutcome{{N: 10, Reached: 10, P: 1, PLo: 0.72, PHi: 1, RMST: 100}}},
	}
	for _, tc := range []struct {
		outcome string
		lo, hi  float64
	}{
		{"p_by_horizon(hub)", 0, 1},
		{"p_hi(hub)", 0, 1}, // 0.64 ± 0.71, clamped
		// Not a probability: left alone.
		{"rmst_days(hub)", 400 - t1*300, 400 + t1*300},
	} {
		ref, err := swParseOutcome(tc.outcome, []string{"hub"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		st := swStatsOf(ref, rows)
		if st.MeanCI95[0] == nil || st.MeanCI95[1] == nil {
			t.Fatalf("%s: no interval", tc.outcome)
		}
		if lo, hi := *st.MeanCI95[0], *st.MeanCI95[1]; math.Abs(lo-tc.lo) > 1e-12*(1+math.Abs(tc.lo)) || math.Abs(hi-tc.hi) > 1e-12*(1+math.Abs(tc.hi)) {
			t.Errorf("%s: interval [%v, %v]; want [%v, %v]", tc.outcome, lo, hi, tc.lo, tc.hi)
		}
	}
}

func TestOutcomeSlugs(t *testing.T) {
	got := outcomeSlugs([]string{"p_by_horizon(hub)", "final.hub_share(Both)", "p_by_horizon(hub!)", "(((", "median_day(a-b)"})
	want := []string{"p_by_horizon-hub", "final-hub_share-both", "p_by_horizon-hub-3", "4", "median_day-a-b"}
	if !slices.Equal(got, want) {
		t.Errorf("outcomeSlugs = %q; want %q", got, want)
	}
}

// TestSweepForceLeavesNoStaleFiles checks that --force replaces a sweep
// folder whole: files of the previous sweep that the new one does not
// write (its charts) are gone, and the new folder holds exactly what a
// fresh folder does; files legolab did not write make --force refuse, and
// stay.
func TestSweepForceLeavesNoStaleFiles(t *testing.T) {
	path := writeSweepFiles(t, lhsSweep)
	root := t.TempDir()
	fresh, out := filepath.Join(root, "fresh"), filepath.Join(root, "out")
	for _, dir := range []string{fresh, out} {
		s := openTestSweep(t, path, &sweepFake{}, dir, 2)
		s.NoReport = dir == fresh
		if _, err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); err != nil {
		t.Fatalf("the first sweep wrote no report: %v", err)
	}
	for _, name := range []string{"plots/old-chart.svg", "extra.csv"} {
		p := filepath.Join(out, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("stale"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := openTestSweep(t, path, &sweepFake{}, out, 2)
	if _, err := s.Run(context.Background()); err == nil {
		t.Fatal("a sweep folder without --force: no error")
	}
	s.Force = true
	if _, err := s.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "did not write (extra.csv, plots/old-chart.svg)") {
		t.Fatalf("--force over planted files: err %v; want them named", err)
	}
	for _, name := range []string{"plots/old-chart.svg", "extra.csv"} {
		if err := os.Remove(filepath.Join(out, filepath.FromSlash(name))); err != nil {
			t.Errorf("--force deleted %s, which legolab did not write: %v", name, err)
		}
	}
	if _, err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	list := func(dir string) []string {
		var names []string
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(dir, p)
				names = append(names, filepath.ToSlash(rel))
			}
			return err
		})
		return names
	}
	if got, want := list(out), list(fresh); !slices.Equal(got, want) {
		t.Errorf("after --force the folder holds %v; a fresh sweep writes %v", got, want)
	}
	// The folder's parent holds no staging or old copy either.
	entries, _ := os.ReadDir(root)
	if len(entries) != 2 {
		t.Errorf("%s holds %d entries; want the two sweep folders", root, len(entries))
	}
}

// TestSweepMemorySink checks that a sweep into memory writes the same
// files as one into a folder, and refuses to resume.
func TestSweepMemorySink(t *testing.T) {
	path := writeSweepFiles(t, lhsSweep)
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := openTestSweep(t, path, &sweepFake{}, dir, 2).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := openTestSweep(t, path, &sweepFake{}, dir, 2)
	mem := &MemorySink{}
	res, err := s.Sweep.Run(context.Background(), mem)
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary == nil || res.Dir != "" {
		t.Errorf("summary %v, dir %q; want a summary and no folder", res.Summary, res.Dir)
	}
	for _, n := range mem.Names() {
		if !bytes.Equal(mem.File(n), readFile(t, filepath.Join(dir, filepath.FromSlash(n)))) {
			t.Errorf("%s differs between the memory sink and the folder", n)
		}
	}
	if len(mem.Names()) < 5 {
		t.Errorf("memory sink holds %v; want the sweep's files", mem.Names())
	}
	s.Resume = true
	if _, err := s.Sweep.Run(context.Background(), &MemorySink{}); err == nil {
		t.Error("resuming into memory: no error")
	}
}

// TestSweepResumeAfterKilledCommit checks that a sweep killed between the
// two renames of its final commit (its folder under a hidden .old name)
// resumes from its checkpoint instead of starting over.
func TestSweepResumeAfterKilledCommit(t *testing.T) {
	path := writeSweepFiles(t, lhsSweep)
	root := t.TempDir()
	out := filepath.Join(root, "out")
	if _, err := openTestSweep(t, path, &sweepFake{}, out, 2).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(out, filepath.Join(root, ".out.old-42")); err != nil {
		t.Fatal(err)
	}
	f := &sweepFake{}
	s := openTestSweep(t, path, f, out, 2)
	s.Resume = true
	res, err := s.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Computed != 0 || f.calls.Load() != 0 {
		t.Errorf("computed %d points (%d replications); want 0: the checkpoint should have been recovered", res.Computed, f.calls.Load())
	}
	if _, err := os.Stat(filepath.Join(root, ".out.old-42")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the hidden copy is still there: %v", err)
	}
}
