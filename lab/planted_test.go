package lab

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/legolab/legolab/internal/outdir"
	"github.com/legolab/legolab/reports"
)

// plantingCtx is a context that, the first time a stage asks whether it
// is done (after report has checked the folder, while it draws), runs
// plant: a link planted mid-command.
type plantingCtx struct {
	context.Context
	once  sync.Once
	plant func()
}

func (c *plantingCtx) Err() error {
	c.once.Do(c.plant)
	return c.Context.Err()
}

// plantPlots replaces dir/plots by a link to a new folder outside dir
// holding one chart of the same name as one of dir's, and returns that
// folder.
func plantPlots(t *testing.T, dir string) (outside string) {
	t.Helper()
	outside = filepath.Join(t.TempDir(), "elsewhere")
	if err := os.Mkdir(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "keep.svg"), []byte("theirs"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "plots"), filepath.Join(t.TempDir(), "plots-moved")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "plots")); err != nil {
		t.Fatal(err)
	}
	return outside
}

func onlyKeep(t *testing.T, what, outside string) {
	t.Helper()
	entries, err := os.ReadDir(outside)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "keep.svg" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("%s wrote through the planted link: the folder outside holds %v; want only keep.svg", what, names)
	}
}

// TestReportRefusesLinkPlantedMidCommand: report checks the folder (no
// link), then draws; a plots/ link planted while it draws used to receive
// a sweep's charts (regenerateSweepReport did not look again before
// writing; with outdir.In's writes stubbed back to path-based ones the
// sweep case fails, the charts landing outside). A run's report checked
// the folder again before writing, which this catches too; the writes
// themselves now refuse the link whenever it appears.
func TestReportRefusesLinkPlantedMidCommand(t *testing.T) {
	t.Run("run", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "run")
		e := fakeEnsemble(newFake(), dir, 8, 2)
		e.Report = reports.Files
		if _, err := e.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		var outside string
		ctx := &plantingCtx{Context: context.Background(), plant: func() { outside = plantPlots(t, dir) }}
		_, err := RegenerateReportContext(ctx, dir, reports.Options{Jobs: 1})
		var no *outdir.NotOwnedError
		if !errors.As(err, &no) {
			t.Errorf("report with plots/ planted mid-command: err = %v; want a refusal of the link", err)
		}
		if outside == "" {
			t.Fatal("the link was never planted: the test did not reach the drawing")
		}
		onlyKeep(t, "report (run)", outside)
	})
	t.Run("sweep", func(t *testing.T) {
		dir := finishedSweep(t)
		var outside string
		ctx := &plantingCtx{Context: context.Background(), plant: func() { outside = plantPlots(t, dir) }}
		_, err := RegenerateSweepReportContext(ctx, dir)
		var no *outdir.NotOwnedError
		if !errors.As(err, &no) {
			t.Errorf("report with plots/ planted mid-command: err = %v; want a refusal of the link", err)
		}
		if outside == "" {
			t.Fatal("the link was never planted")
		}
		onlyKeep(t, "report (sweep)", outside)
	})
}
