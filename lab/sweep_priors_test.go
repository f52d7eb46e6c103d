package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/metrics/observe"
	"github.com/legolab/legolab/scenarios"
	"github.com/legolab/legolab/sim"
)

// priorSweepScenario has priors on q (which the sweep varies, so its
// values must override the prior: the prior's range is disjoint from the
// sweep's) and on p (drawn per replication).
const priorSweepScenario = sweepScenario + `
[builders]
p_per_year = 0.03
[[priors]]
key = "builders.q_per_year"
dist = "uniform"
min = 0.7
max = 0.9
[[priors]]
key = "builders.p_per_year"
dist = "uniform"
min = 0.01
max = 0.05
`

// priorFake is a fake model whose Lego day depends on p and q, recording
// the values it saw.
type priorFake struct {
	mu          sync.Mutex
	ps, qs      map[float64]bool
	calls       atomic.Int64
	cancelAfter int64
	cancel      context.CancelFunc
}

func newPriorFake() *priorFake { return &priorFake{ps: map[float64]bool{}, qs: map[float64]bool{}} }

func (f *priorFake) replicate(ctx context.Context, spec *scenarios.Spec, variant string, index int, seed uint64, _ io.Writer, _ bool) (*metrics.Replication, error) {
	if n := f.calls.Add(1); f.cancelAfter > 0 && n == f.cancelAfter {
		f.cancel()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, q := spec.Builders.PPerYear, spec.Builders.QPerYear
	f.mu.Lock()
	f.ps[p], f.qs[q] = true, true
	f.mu.Unlock()
	rng := sim.NewStream(seed, uint64(index), sim.StreamID("fake"))
	day := math.Ceil(rng.ExpFloat64() / ((p + q) / 365))
	names := observe.Observables(spec)
	final := make([]float64, len(names))
	final[0] = p + q
	r := &metrics.Replication{Variant: variant, Index: index, Seed: seed, Reached: day <= spec.HorizonDays,
		Names: names, Final: final}
	if r.Reached {
		r.LegoDay = day
	}
	return r, nil
}

func writePriorSweep(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tiny.toml"), []byte(priorSweepScenario), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "sweep.toml")
	if err := os.WriteFile(path, []byte(lhsSweep), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func openPriorSweep(t *testing.T, path string, f *priorFake, out string, jobs int) *testSweep {
	t.Helper()
	s, err := OpenSweep(path)
	if err != nil {
		t.Fatal(err)
	}
	s.Jobs, s.Version, s.Replicate, s.NoReport = jobs, "test", f.replicate, true
	return &testSweep{Sweep: s, Out: out}
}

// TestSweepPriors checks that a sweep over a scenario with priors draws
// the unswept priors per replication, lets swept values override their
// priors, and writes the same bytes for --jobs 1 and 2, for 3 shards
// merged and for a run interrupted and resumed; --fixed draws nothing.
func TestSweepPriors(t *testing.T) {
	path := writePriorSweep(t)
	root := t.TempDir()
	whole := filepath.Join(root, "whole")
	f := newPriorFake()
	if _, err := openPriorSweep(t, path, f, whole, 2).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for q := range f.qs {
		if q >= 0.7 {
			t.Errorf("q = %g drawn from its prior although the sweep varies it", q)
		}
	}
	if len(f.ps) < 50 {
		t.Errorf("%d distinct values of p in 120 replications; want it drawn per replication", len(f.ps))
	}
	for p := range f.ps {
		if p < 0.01 || p > 0.05 {
			t.Errorf("p = %g outside its prior", p)
		}
	}
	want := readAll(t, whole, sweepCompared...)

	one := filepath.Join(root, "jobs1")
	if _, err := openPriorSweep(t, path, newPriorFake(), one, 1).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "jobs=1", readAll(t, one, sweepCompared...), want)

	var shards []string
	for k := 1; k <= 3; k++ {
		dir := filepath.Join(root, fmt.Sprintf("shard-%d", k))
		s := openPriorSweep(t, path, newPriorFake(), dir, 2)
		s.Shard = Shard{Index: k, Count: 3}
		if _, err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, dir)
	}
	merged := filepath.Join(root, "merged")
	if _, err := MergeSweep([]string{shards[1], shards[2], shards[0]}, merged, true, false); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "merged", readAll(t, merged, sweepCompared...), want)

	resumed := filepath.Join(root, "resumed")
	ctx, cancel := context.WithCancel(context.Background())
	fi := newPriorFake()
	fi.cancelAfter, fi.cancel = 50, cancel
	if _, err := openPriorSweep(t, path, fi, resumed, 2).Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: err = %v, want context.Canceled", err)
	}
	s := openPriorSweep(t, path, newPriorFake(), resumed, 2)
	s.Resume = true
	if _, err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "resumed", readAll(t, resumed, sweepCompared...), want)

	fixed := newPriorFake()
	sf := openPriorSweep(t, path, fixed, filepath.Join(root, "fixed"), 2)
	sf.Fixed = true
	if _, err := sf.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(fixed.ps) != 1 || !fixed.ps[0.03] {
		t.Errorf("--fixed saw p = %v; want only the file's 0.03", fixed.ps)
	}
}
