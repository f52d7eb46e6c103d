package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
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
