package lab

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/legolab/legolab/reports"
)

// The post-processing after the simulations honours the context at every
// stage (issue 11: Ctrl-C during a sweep's bootstrap was ignored, and the
// process exited 0 38 s later). Each test cancels at one stage and checks
// that the stage stops with an error wrapping context.Canceled and leaves
// the partial outputs promised: a run's data files, a sweep's checkpoint,
// a folder's previous report.

func cancelledCtx() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// finishedSweep runs lhsSweep with its report into a new folder.
func finishedSweep(t *testing.T) string {
	t.Helper()
	path := writeSweepFiles(t, lhsSweep)
	dir := filepath.Join(t.TempDir(), "sweep")
	s := openTestSweep(t, path, &sweepFake{}, dir, 2)
	s.NoReport = false
	if _, err := s.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sweepOutputOf rebuilds the output of a finished sweep folder, as report
// does.
func sweepOutputOf(t *testing.T, dir string) *sweepOutput {
	t.Helper()
	id, rows, err := readCheckpointFile(filepath.Join(dir, CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	s, points, err := sweepFromFolder(dir, id, len(rows))
	if err != nil {
		t.Fatal(err)
	}
	return &sweepOutput{file: s.File, source: s.Source, inputs: s.inputs, baseTOML: s.BaseTOML, base: s.Base, id: *id,
		points: points, rows: rows, outcomes: s.Outcomes, warnings: s.warnings, plots: true}
}

func wantCanceled(t *testing.T, stage string, err error) {
	t.Helper()
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%s with a cancelled context: err = %v; want one wrapping context.Canceled", stage, err)
	}
}

// snapshot reads every file under dir, to check that a stopped stage left
// the folder as it was.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSnapshot(t *testing.T, stage string, before, after map[string][]byte) {
	t.Helper()
	if len(before) != len(after) {
		t.Errorf("%s: %d files before, %d after", stage, len(before), len(after))
	}
	for p, b := range before {
		if !bytes.Equal(b, after[p]) {
			t.Errorf("%s changed %s", stage, p)
		}
	}
}

func TestSweepStagesStopOnCancel(t *testing.T) {
	dir := finishedSweep(t)
	before := snapshot(t, dir)

	// Bootstrap and sensitivity.
	o := sweepOutputOf(t, dir)
	o.ctx = cancelledCtx()
	_, err := o.summary()
	wantCanceled(t, "the sensitivity", err)

	// Charts, once the summary is computed.
	o.ctx = nil
	sum, err := o.summary()
	if err != nil {
		t.Fatal(err)
	}
	o.ctx = cancelledCtx()
	_, err = o.reportFiles(sum)
	wantCanceled(t, "the charts", err)

	// Writing the outputs: nothing is committed.
	o.ctx = nil
	files, _, err := o.files()
	if err != nil {
		t.Fatal(err)
	}
	err = commitFiles(cancelledCtx(), &DirSink{Dir: dir, Force: true}, true, files)
	wantCanceled(t, "the commit", err)
	sameSnapshot(t, "a cancelled commit", before, snapshot(t, dir))

	// report, check and merge on the finished folder.
	_, err = RegenerateSweepReportContext(cancelledCtx(), dir)
	wantCanceled(t, "report (sweep)", err)
	_, err = RegenerateReportContext(cancelledCtx(), dir, reports.Options{})
	wantCanceled(t, "report (sweep, through RegenerateReport)", err)
	_, err = CheckDirContext(cancelledCtx(), dir)
	wantCanceled(t, "check (sweep)", err)
	sameSnapshot(t, "cancelled report and check", before, snapshot(t, dir))
	// The same calls not cancelled succeed, so the errors above are the
	// context's.
	if _, err := RegenerateSweepReportContext(context.Background(), dir); err != nil {
		t.Errorf("report (sweep): %v", err)
	}
	if _, err := CheckDirContext(context.Background(), dir); err != nil {
		t.Errorf("check (sweep): %v", err)
	}
}

func TestMergeStopsOnCancel(t *testing.T) {
	path := writeSweepFiles(t, lhsSweep)
	root := t.TempDir()
	var shards []string
	for k := 1; k <= 2; k++ {
		d := filepath.Join(root, "shard", string(rune('0'+k)))
		s := openTestSweep(t, path, &sweepFake{}, d, 1)
		s.Shard = Shard{Index: k, Count: 2}
		if _, err := s.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		shards = append(shards, d)
	}
	out := filepath.Join(root, "merged")
	_, err := MergeSweepContext(cancelledCtx(), shards, out, true, false)
	wantCanceled(t, "merge", err)
	if _, serr := os.Stat(out); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("a cancelled merge left %s: %v", out, serr)
	}
	if _, err := MergeSweepContext(context.Background(), shards, out, true, false); err != nil {
		t.Errorf("merge: %v", err)
	}
}

// TestRunReportStopsOnCancel: Ctrl-C while a finished run's report is
// drawn stops the drawing; the data files are written all the same (the
// partial output), without a report, and report and check on the folder
// stop too.
func TestRunReportStopsOnCancel(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	e := fakeEnsemble(newFake(), dir, 8, 2)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.Report = func(d *reports.Data) ([]reports.File, error) {
		cancel() // Ctrl-C as the drawing starts
		return reports.Render(d, reports.Options{Context: ctx, Jobs: 1})
	}
	res, err := e.Run(ctx)
	if res == nil || !errors.Is(err, ErrReport) {
		t.Fatalf("res = %v, err = %v; want the data files and ErrReport", res, err)
	}
	for _, name := range []string{reports.SummaryFile, reports.RunsFile, reports.SeriesFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, reports.HTMLFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("report.html after a stopped drawing: %v; want none", err)
	}
	before := snapshot(t, dir)
	_, err = RegenerateReportContext(cancelledCtx(), dir, reports.Options{})
	wantCanceled(t, "report (run)", err)
	_, err = CheckDirContext(cancelledCtx(), dir)
	wantCanceled(t, "check (run)", err)
	sameSnapshot(t, "cancelled report and check of a run", before, snapshot(t, dir))
	if _, err := RegenerateReportContext(context.Background(), dir, reports.Options{}); err != nil {
		t.Errorf("report (run): %v", err)
	}
}
