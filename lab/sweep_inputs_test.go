package lab

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestSweepCSVFolderReadsBack checks that a csv sweep's output folder
// holds its points file beside sweep.toml, so that check, merge and report
// can re-read the sweep from the folder alone: before, they failed with
// "cannot read DIR/sweep-csv-points.csv".
func TestSweepCSVFolderReadsBack(t *testing.T) {
	const example = "../examples/sweep-csv.toml"
	root := t.TempDir()
	whole := filepath.Join(root, "whole")
	s := openTestSweep(t, example, &sweepFake{}, whole, 2)
	if _, err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../examples/sweep-csv-points.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(whole, "sweep-csv-points.csv")); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("copied points file: err = %v, equal = %v", err, bytes.Equal(got, want))
	}
	if _, err := Check(whole); err != nil {
		t.Errorf("check of the whole sweep: %v", err)
	}
	if _, err := RegenerateSweepReport(whole); err != nil {
		t.Errorf("report of the whole sweep: %v", err)
	}
	var shards []string
	for k := 1; k <= 2; k++ {
		dir := filepath.Join(root, "shard", string(rune('0'+k)))
		sh := openTestSweep(t, example, &sweepFake{}, dir, 1)
		sh.Shard = Shard{Index: k, Count: 2}
		if _, err := sh.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, "sweep-csv-points.csv")); err != nil {
			t.Errorf("shard %d: %v", k, err)
		}
		shards = append(shards, dir)
	}
	merged := filepath.Join(root, "merged")
	if _, err := MergeSweep(shards, merged, false, false); err != nil {
		t.Fatalf("merge: %v", err)
	}
	if _, err := Check(merged); err != nil {
		t.Errorf("check of the merged sweep: %v", err)
	}
	for _, name := range []string{PointsFile, SweepSummaryFile, "sweep-csv-points.csv"} {
		a, _ := os.ReadFile(filepath.Join(whole, name))
		b, _ := os.ReadFile(filepath.Join(merged, name))
		if !bytes.Equal(a, b) {
			t.Errorf("%s of the merged shards differs from the whole sweep's", name)
		}
	}
}
