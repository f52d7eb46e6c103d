package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/legolab/legolab/lab"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/scenarios"
)

// Hostile-user tests of issue 11: legolab never writes or deletes outside
// a folder it marked, a second writer is refused at once, and --out is
// checked before anything is computed.

// snapshot returns every file under dir (symlinks not followed) with its
// content, for "nothing changed" assertions.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type()&os.ModeSymlink != 0 {
			l, _ := os.Readlink(p)
			got[rel] = "-> " + l
			return nil
		}
		b, err := os.ReadFile(p)
		got[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func sameSnapshot(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	var keys []string
	for k := range before {
		keys = append(keys, k)
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		b, inB := before[k]
		a, inA := after[k]
		switch {
		case inB && !inA:
			t.Errorf("%s: %s was deleted", what, k)
		case !inB && inA:
			t.Errorf("%s: %s was created", what, k)
		case a != b:
			t.Errorf("%s: %s was changed", what, k)
		}
	}
}

// victimDir is a folder that is not legolab's: charts, a stale-temp-shaped
// file and a note, all of which must survive.
func victimDir(t *testing.T) string {
	t.Helper()
	v := filepath.Join(t.TempDir(), "victim")
	os.MkdirAll(v, 0o755)
	for name, data := range map[string]string{"holiday.svg": "<svg/>", "scan.png": "png", ".notes.tmp-123": "draft", "keep.txt": "mine"} {
		if err := os.WriteFile(filepath.Join(v, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

// plantPlots replaces dir/plots by a symbolic link to target.
func plantPlots(t *testing.T, dir, target string) {
	t.Helper()
	if err := os.RemoveAll(filepath.Join(dir, "plots")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "plots")); err != nil {
		t.Fatal(err)
	}
}

func TestReportRefusesPlantedPlotsLink(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := legolab(context.Background(), "run", smallScenario, "--runs", "4", "--out", out, "--quiet"); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	victim := victimDir(t)
	plantPlots(t, out, victim)
	before := snapshot(t, victim)
	code, _, stderr := legolab(context.Background(), "report", out)
	if code != 1 || !strings.Contains(stderr, "symbolic link") {
		t.Errorf("report through a planted plots/ link: exit %d, stderr %q; want 1 and the link named", code, stderr)
	}
	sameSnapshot(t, "report's link target", before, snapshot(t, victim))
}

func TestSweepRefusesPlantedPlotsLink(t *testing.T) {
	withFake(t, &cliFake{})
	path := writeCLIFiles(t)
	out := filepath.Join(t.TempDir(), "sw")
	if code, _, stderr := sweepCLI(context.Background(), "sweep", path, "--out", out, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	victim := victimDir(t)
	plantPlots(t, out, victim)
	before := snapshot(t, victim)
	for _, args := range [][]string{
		{"sweep", path, "--out", out, "--resume", "-q"},
		{"report", out},
		{"check", out},
	} {
		code, _, stderr := sweepCLI(context.Background(), args...)
		if code != 1 || !strings.Contains(stderr, "symbolic link") {
			t.Errorf("%s through a planted plots/ link: exit %d, stderr %q; want 1 and the link named", args[0], code, stderr)
		}
	}
	sameSnapshot(t, "link target", before, snapshot(t, victim))
}

func TestRunForceForeignSummary(t *testing.T) {
	p := filepath.Join(t.TempDir(), "P")
	os.MkdirAll(p, 0o755)
	os.WriteFile(filepath.Join(p, "summary.json"), []byte(`{"mine": true}`), 0o644)
	os.WriteFile(filepath.Join(p, "thesis.tex"), []byte("years of work"), 0o644)
	before := snapshot(t, p)
	code, _, stderr := legolab(context.Background(), "run", smallScenario, "--runs", "3", "--out", p, "--force", "--quiet", "--no-report")
	if code != 1 || !strings.Contains(stderr, ".legolab.json") {
		t.Errorf("run --force on a foreign folder: exit %d, stderr %q; want 1 and the missing marker named", code, stderr)
	}
	sameSnapshot(t, "foreign folder", before, snapshot(t, p))
}

func TestSweepForeignCheckpointFolder(t *testing.T) {
	path := writeCLIFiles(t)
	for _, c := range []struct {
		name string
		args func(dir string) []string
	}{
		{"sweep --force", func(dir string) []string { return []string{"sweep", path, "--out", dir, "--force", "-q"} }},
		{"sweep --resume", func(dir string) []string { return []string{"sweep", path, "--out", dir, "--resume", "-q"} }},
		{"merge --force", func(dir string) []string {
			return []string{"merge", filepath.Join(t.TempDir(), "no-shard"), "--out", dir, "--force", "-q"}
		}},
		{"report", func(dir string) []string { return []string{"report", dir} }},
		{"check", func(dir string) []string { return []string{"check", dir} }},
	} {
		f := &cliFake{}
		withFake(t, f)
		dir := filepath.Join(t.TempDir(), "mine")
		os.MkdirAll(filepath.Join(dir, "plots"), 0o755)
		os.WriteFile(filepath.Join(dir, lab.CheckpointFile), []byte(`{"my":"log"}`+"\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "plots", "figure.svg"), []byte("<svg/>"), 0o644)
		os.WriteFile(filepath.Join(dir, "report.md"), []byte("# my report"), 0o644)
		before := snapshot(t, dir)
		code, _, stderr := sweepCLI(context.Background(), c.args(dir)...)
		if code != 1 {
			t.Errorf("%s on a foreign folder: exit %d, want 1: %s", c.name, code, stderr)
		}
		if c.name != "merge --force" && !strings.Contains(stderr, ".legolab.json") {
			t.Errorf("%s on a foreign folder: stderr %q does not name the missing marker", c.name, stderr)
		}
		if n := f.calls.Load(); n != 0 {
			t.Errorf("%s on a foreign folder computed %d replications", c.name, n)
		}
		sameSnapshot(t, c.name, before, snapshot(t, dir))
	}
}

// blockingFake is cliFake whose first replication waits for release, so
// that a second command can be tried while the first holds its folder.
type blockingFake struct {
	cliFake
	once    sync.Once
	started chan struct{}
	release chan struct{}
}

func (f *blockingFake) replicate(ctx context.Context, spec *scenarios.Spec, variant string, index int, seed uint64, w io.Writer, full bool) (*metrics.Replication, error) {
	first := false
	f.once.Do(func() { first = true })
	if first {
		close(f.started)
		select {
		case <-f.release:
		case <-time.After(20 * time.Second):
		}
	}
	return f.cliFake.replicate(ctx, spec, variant, index, seed, w, full)
}

func TestTwoSweepsOneOutRefused(t *testing.T) {
	path := writeCLIFiles(t)
	out := filepath.Join(t.TempDir(), "shared")
	f := &blockingFake{started: make(chan struct{}), release: make(chan struct{})}
	sweepReplicate = f.replicate
	t.Cleanup(func() { sweepReplicate = nil })
	done := make(chan int)
	go func() {
		code, _, _ := sweepCLI(context.Background(), "sweep", path, "--out", out, "-q", "--no-report", "--jobs", "1")
		done <- code
	}()
	select {
	case <-f.started:
	case <-time.After(20 * time.Second):
		t.Fatal("the first sweep never started")
	}
	for _, args := range [][]string{
		{"sweep", path, "--out", out, "--force", "--seed", "9", "-q", "--no-report"},
		{"sweep", path, "--out", out, "--resume", "-q", "--no-report"},
		{"check", out},
		{"report", out},
	} {
		start := time.Now()
		code, _, stderr := sweepCLI(context.Background(), args...)
		if code != 1 || !strings.Contains(stderr, fmt.Sprintf("pid %d", os.Getpid())) || !strings.Contains(stderr, "in use") {
			t.Errorf("%v while a sweep runs: exit %d, stderr %q; want 1, the holder's pid and 'in use'", args[:2], code, stderr)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%v took %v to be refused; want at once", args[:2], d)
		}
	}
	close(f.release)
	if code := <-done; code != 0 {
		t.Errorf("the first sweep: exit %d, want 0", code)
	}
	// The first sweep's folder is whole and its own: check can read it.
	if code, _, stderr := sweepCLI(context.Background(), "check", out); code == 2 || strings.Contains(stderr, "in use") {
		t.Errorf("check after the sweep: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(out), ".shared.lock")); !os.IsNotExist(err) {
		t.Errorf("the lock file is left behind after the sweep (stat: %v)", err)
	}

}

func TestOutPreconditionsBeforeComputing(t *testing.T) {
	path := writeCLIFiles(t)
	root := t.TempDir()
	file := filepath.Join(root, "a-file")
	os.WriteFile(file, []byte("x"), 0o644)
	dangling := filepath.Join(root, "dangling")
	os.Symlink(filepath.Join(root, "nowhere"), dangling)
	ro := filepath.Join(root, "ro")
	os.MkdirAll(ro, 0o555)
	t.Cleanup(func() { os.Chmod(ro, 0o755) })
	t.Chdir(root)
	for _, c := range []struct{ out, want string }{
		{".", "current directory"},
		{dangling, "dangling symbolic link"},
		{file, "not a directory"},
		{filepath.Join(ro, "x"), "not writable"},
	} {
		if c.want == "not writable" && os.Geteuid() == 0 {
			continue // root writes anywhere
		}
		f := &cliFake{}
		withFake(t, f)
		code, _, stderr := sweepCLI(context.Background(), "sweep", path, "--out", c.out, "-q", "--no-report")
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("sweep --out %s: exit %d, stderr %q; want 1 and %q", c.out, code, stderr, c.want)
		}
		if n := f.calls.Load(); n != 0 {
			t.Errorf("sweep --out %s computed %d replications before refusing", c.out, n)
		}
		code, _, stderr = legolab(context.Background(), "run", filepath.Join(filepath.Dir(path), "tiny.toml"), "--runs", "2", "--out", c.out, "-q", "--no-report")
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("run --out %s: exit %d, stderr %q; want 1 and %q", c.out, code, stderr, c.want)
		}
	}
	if _, err := os.Lstat(filepath.Join(root, "nowhere")); !os.IsNotExist(err) {
		t.Errorf("the dangling link's target was created")
	}
	out := filepath.Join(root, "out")
	code, _, stderr := legolab(context.Background(), "run", filepath.Join(filepath.Dir(path), "tiny.toml"), "--runs", "2", "--out", out, "--trace", filepath.Join(out, "trace.jsonl"), "-q", "--no-report")
	if code != 1 || !strings.Contains(stderr, "inside --out") {
		t.Errorf("run --trace inside --out: exit %d, stderr %q; want 1 and 'inside --out'", code, stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("run --trace inside --out left %s behind (stat: %v)", out, err)
	}
}
