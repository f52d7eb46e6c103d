package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/scenarios"
)

// TestPostProcessingInterrupted: report, check and merge stop on Ctrl-C
// (a cancelled context) with exit 130, like run and sweep; before, their
// loops ran to the end and exited 0.
func TestPostProcessingInterrupted(t *testing.T) {
	withFake(t, &cliFake{})
	path := writeCLIFiles(t)
	root := t.TempDir()
	whole := filepath.Join(root, "whole")
	if code, _, stderr := sweepCLI(context.Background(), "sweep", path, "--out", whole, "--jobs", "2", "--quiet"); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	var shards []string
	for k := 1; k <= 2; k++ {
		d := filepath.Join(root, "shard", string(rune('0'+k)))
		if code, _, stderr := sweepCLI(context.Background(), "sweep", path, "--out", d, "--shard", string(rune('0'+k))+"/2", "--quiet"); code != 0 {
			t.Fatalf("shard %d: exit %d: %s", k, code, stderr)
		}
		shards = append(shards, d)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"report", whole},
		{"check", whole},
		append([]string{"merge", "--out", filepath.Join(root, "merged")}, shards...),
	} {
		code, _, stderr := sweepCLI(ctx, args...)
		if code != 130 || !strings.Contains(stderr, "legolab: interrupted") {
			t.Errorf("%s with Ctrl-C: exit %d, stderr %q; want 130 and \"legolab: interrupted\"", args[0], code, stderr)
		}
	}
}

// lastCancelFake is cliFake that cancels the context after its total-th
// replication has returned: Ctrl-C just after the last point, as the
// bootstrap starts.
type lastCancelFake struct {
	cliFake
	total  int64
	cancel context.CancelFunc
}

func (f *lastCancelFake) replicate(ctx context.Context, spec *scenarios.Spec, variant string, index int, seed uint64, w io.Writer, full bool) (*metrics.Replication, error) {
	r, err := f.cliFake.replicate(ctx, spec, variant, index, seed, w, full)
	if f.calls.Load() == f.total {
		f.cancel()
	}
	return r, err
}

// TestSweepInterruptedDuringBootstrap: SIGINT during a sweep's bootstrap
// was ignored and the process exited 0, 38 s later. Now it exits 130 at
// once, the checkpoint holds every point, and --resume writes the outputs
// without computing any.
func TestSweepInterruptedDuringBootstrap(t *testing.T) {
	path := writeCLIFiles(t)
	out := filepath.Join(t.TempDir(), "cut")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// 16 sobol samples of 2 parameters: 64 points × 4 replications × 2
	// variants, one call per variant.
	f := &lastCancelFake{total: 64 * 4 * 2, cancel: cancel}
	sweepReplicate = f.replicate
	t.Cleanup(func() { sweepReplicate = nil })
	start := time.Now()
	code, _, stderr := sweepCLI(ctx, "sweep", path, "--out", out, "--jobs", "1", "--no-report")
	if code != 130 || !strings.Contains(stderr, "--resume") {
		t.Fatalf("Ctrl-C in the bootstrap: exit %d, stderr %q; want 130 and the resume hint", code, stderr)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %v", d)
	}
	if n := f.calls.Load(); n != f.total {
		t.Fatalf("%d replications ran; want all %d before the bootstrap", n, f.total)
	}
	withFake(t, &cliFake{})
	code, _, stderr = sweepCLI(context.Background(), "sweep", path, "--out", out, "--jobs", "1", "--no-report", "--resume")
	if code != 0 || !strings.Contains(stderr, "resuming: 64 points") {
		t.Errorf("resume: exit %d, stderr %q; want 0, all 64 points resumed", code, stderr)
	}
}

// TestTwoResumesOneOutRefused: two concurrent --resume of one folder
// sometimes failed with "rename …tmp…: no such file". The second is now
// refused at once, naming the holder, and the first finishes.
func TestTwoResumesOneOutRefused(t *testing.T) {
	path := writeCLIFiles(t)
	out := filepath.Join(t.TempDir(), "shared")
	ctx, cancel := context.WithCancel(context.Background())
	withFake(t, &cliFake{cancelAt: 100, cancel: cancel})
	if code, _, stderr := sweepCLI(ctx, "sweep", path, "--out", out, "--jobs", "1", "-q", "--no-report"); code != 130 {
		t.Fatalf("first, interrupted sweep: exit %d: %s", code, stderr)
	}
	f := &blockingFake{started: make(chan struct{}), release: make(chan struct{})}
	sweepReplicate = f.replicate
	t.Cleanup(func() { sweepReplicate = nil })
	done := make(chan int)
	go func() {
		code, _, _ := sweepCLI(context.Background(), "sweep", path, "--out", out, "--resume", "-q", "--no-report", "--jobs", "1")
		done <- code
	}()
	select {
	case <-f.started:
	case <-time.After(20 * time.Second):
		t.Fatal("the first resume never started")
	}
	code, _, stderr := sweepCLI(context.Background(), "sweep", path, "--out", out, "--resume", "-q", "--no-report", "--jobs", "1")
	if code != 1 || !strings.Contains(stderr, "in use") {
		t.Errorf("second resume: exit %d, stderr %q; want 1 and 'in use'", code, stderr)
	}
	close(f.release)
	if code := <-done; code != 0 {
		t.Errorf("the first resume: exit %d, want 0", code)
	}
	if code, _, stderr := sweepCLI(context.Background(), "check", out); code == 2 || strings.Contains(stderr, "in use") {
		t.Errorf("check after the resume: exit %d: %s", code, stderr)
	}
}
