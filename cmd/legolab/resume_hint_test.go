package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/legolab/legolab/lab"
)

// shellWords splits a command line printed with shellQuote.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var out []string
	var cur strings.Builder
	in, any := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			in, any = !in, true
		case r == ' ' && !in:
			if any {
				out = append(out, cur.String())
			}
			cur.Reset()
			any = false
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if in {
		t.Fatalf("unbalanced quote in %q", line)
	}
	if any {
		out = append(out, cur.String())
	}
	return out
}

// TestSweepResumeHintWorksAsPrinted interrupts a sweep run with --seed and
// --replications (which the hint used to leave out, so that following it
// failed with a seed mismatch and advice to start over), runs the printed
// command, and checks that it finishes with the bytes of an uninterrupted
// run; the --out has a space, which the hint must quote.
func TestSweepResumeHintWorksAsPrinted(t *testing.T) {
	path := writeCLIFiles(t)
	root := t.TempDir()
	flags := []string{"--seed", "9", "--replications", "3", "--no-report", "--shard", "1/1"}
	whole := filepath.Join(root, "whole")
	withFake(t, &cliFake{})
	if code, _, stderr := sweepCLI(context.Background(), append([]string{"sweep", path, "--out", whole, "-q"}, flags...)...); code != 0 {
		t.Fatalf("sweep: exit %d: %s", code, stderr)
	}
	out := filepath.Join(root, "cut here")
	ctx, cancel := context.WithCancel(context.Background())
	withFake(t, &cliFake{cancelAt: 60, cancel: cancel})
	code, _, stderr := sweepCLI(ctx, append([]string{"sweep", path, "--out", out, "--jobs", "2"}, flags...)...)
	if code != 130 {
		t.Fatalf("interrupted sweep: exit %d, want 130: %s", code, stderr)
	}
	_, hint, ok := strings.Cut(stderr, "continue with\n  ")
	if !ok {
		t.Fatalf("no resume hint in %q", stderr)
	}
	hint, _, _ = strings.Cut(hint, "\n")
	args := shellWords(t, hint)
	if len(args) < 3 || args[0] != "legolab" {
		t.Fatalf("hint %q is not a legolab command", hint)
	}
	withFake(t, &cliFake{})
	if code, _, stderr := sweepCLI(context.Background(), append(args[1:], "-q")...); code != 0 {
		t.Fatalf("the printed hint %q: exit %d: %s", hint, code, stderr)
	}
	for _, name := range []string{lab.PointsFile, lab.SweepSummaryFile, lab.CheckpointFile} {
		a, _ := os.ReadFile(filepath.Join(whole, name))
		b, _ := os.ReadFile(filepath.Join(out, name))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s after following the hint differs from the uninterrupted run's", name)
		}
	}
}
