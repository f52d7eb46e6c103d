package main

import (
	"bytes"
	"context"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// fmaProbe is an argument at which math.Exp's two amd64 paths differ
// (internal/portable), and fmaProbeBits its value on the FMA path.
const (
	fmaProbe     = -0.09375
	fmaProbeBits = 0x3fed22e6a0197c03
)

// sameBytesCommands are the commands TestSameBytesWithoutFMA runs, into
// the folder given: the default scenario with its report and charts, the
// priors example (PRCC p-values: Student's t) and bittensor-2023 (beta
// priors: the beta quantile), a sweep, and a calibration.
func sameBytesCommands(dir string) [][]string {
	return [][]string{
		{"run", "--runs", "24", "--quiet", "--png", "--out", filepath.Join(dir, "run")},
		{"run", "../../examples/priors.toml", "--runs", "20", "--quiet", "--no-report", "--out", filepath.Join(dir, "priors")},
		{"run", "bittensor-2023", "--runs", "8", "--quiet", "--no-report", "--out", filepath.Join(dir, "bittensor")},
		{"sweep", "../../examples/sweep-small.toml", "-n", "2", "--quiet", "--out", filepath.Join(dir, "sweep")},
		{"calibrate", "../../examples/calibrate-bass.toml", "--quiet", "--out", filepath.Join(dir, "calibrate")},
	}
}

// TestSameBytesWithoutFMA runs sameBytesCommands here and again in a copy of this test binary run with
// GODEBUG=cpu.fma=off, where math.Exp takes its other path, and wants every
// output file byte for byte the same: the outputs must not depend on the
// processor a shard lands on (docs/outputs.md, "Across machines"). Where
// the processor has no FMA both runs take the same path, and the test
// says so.
func TestSameBytesWithoutFMA(t *testing.T) {
	if dir := os.Getenv("LEGOLAB_FMA_HELPER"); dir != "" {
		for _, args := range sameBytesCommands(dir) {
			if code, _, stderr := sweepCLI(context.Background(), args...); code != 0 {
				t.Fatalf("%v: exit %d: %s", args, code, stderr)
			}
		}
		return
	}
	if testing.Short() || raceEnabled {
		t.Skip("runs three commands twice, once in another process")
	}
	if math.Float64bits(math.Exp(fmaProbe)) != fmaProbeBits {
		t.Log("math.Exp does not take its FMA path here: both runs take the same path")
	}
	root := t.TempDir()
	with, without := filepath.Join(root, "with"), filepath.Join(root, "without")
	for _, args := range sameBytesCommands(with) {
		if code, _, stderr := sweepCLI(context.Background(), args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSameBytesWithoutFMA$", "-test.count=1")
	cmd.Env = append(os.Environ(), "LEGOLAB_FMA_HELPER="+without, "GODEBUG=cpu.fma=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the run without FMA: %v\n%s", err, out)
	}
	n := 0
	err := filepath.WalkDir(with, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(with, path)
		a, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(filepath.Join(without, rel))
		if err != nil {
			t.Errorf("%s: written with FMA, not without: %v", rel, err)
			return nil
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs without FMA (%d bytes against %d)", rel, len(b), len(a))
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 20 {
		t.Errorf("compared only %d files", n)
	}
	t.Logf("%d files compared", n)
}
