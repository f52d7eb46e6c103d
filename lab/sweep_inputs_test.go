package lab

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
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

// TestResumeRefusesForeignRows splices the rows of a sweep run with
// another seed under this sweep's checkpoint header: the rows have the
// same shape, and --resume used to take them. Now each row's ID names the
// computation, and resume, check and report refuse the line.
func TestResumeRefusesForeignRows(t *testing.T) {
	path := writeSweepFiles(t, lhsSweep)
	root := t.TempDir()
	mine, other := filepath.Join(root, "mine"), filepath.Join(root, "other")
	if _, err := openTestSweep(t, path, &sweepFake{}, mine, 2).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	o := openTestSweep(t, path, &sweepFake{}, other, 2)
	o.File.Seed = 4
	if _, err := o.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(mine, CheckpointFile))
	b, _ := os.ReadFile(filepath.Join(other, CheckpointFile))
	la, lb := bytes.SplitAfter(a, []byte("\n")), bytes.SplitAfter(b, []byte("\n"))
	// This sweep's header and first row, then another sweep's second row.
	spliced := bytes.Join([][]byte{la[0], la[1], lb[2]}, nil)
	if err := os.WriteFile(filepath.Join(mine, CheckpointFile), spliced, 0o644); err != nil {
		t.Fatal(err)
	}
	s := openTestSweep(t, path, &sweepFake{}, mine, 2)
	s.Resume = true
	_, err := s.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "point 1 was not computed by this sweep") {
		t.Errorf("resume with a foreign row: err = %v", err)
	}
	if _, err := Check(mine); err == nil || !strings.Contains(err.Error(), "was not computed by this sweep") {
		t.Errorf("check with a foreign row: err = %v", err)
	}
}

// TestResumeRefusesChangedCSV changes one value of a csv design's points
// file between a sweep and its --resume: sweep.toml is the same, so the
// identity used to match and the resume mixed two designs. Now the
// identity hashes the points file and the resume is refused, naming it.
func TestResumeRefusesChangedCSV(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../examples/sweep-csv.toml")
	if err != nil {
		t.Fatal(err)
	}
	pts, err := os.ReadFile("../examples/sweep-csv-points.csv")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "sweep-csv.toml")
	csvPath := filepath.Join(dir, "sweep-csv-points.csv")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(csvPath, pts, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if _, err := openTestSweep(t, path, &sweepFake{}, out, 1).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The same shape and header; the first point's adapter cost moves.
	changed := bytes.Replace(pts, []byte("\n5,0\n"), []byte("\n6,0\n"), 1)
	if bytes.Equal(changed, pts) {
		t.Fatal("the test's edit did not apply to the points file")
	}
	if err := os.WriteFile(csvPath, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	s := openTestSweep(t, path, &sweepFake{}, out, 1)
	s.Resume = true
	_, err = s.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "design input sweep-csv-points.csv (sha256)") {
		t.Errorf("resume after the points file changed: err = %v; want a refusal naming sweep-csv-points.csv", err)
	}
	// The unchanged file resumes (nothing left to compute).
	if err := os.WriteFile(csvPath, pts, 0o644); err != nil {
		t.Fatal(err)
	}
	s = openTestSweep(t, path, &sweepFake{}, out, 1)
	s.Resume = true
	if _, err := s.Run(context.Background()); err != nil {
		t.Errorf("resume with the same points file: %v", err)
	}
}
