package lab

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/legolab/legolab/internal/outdir"
)

// RegenerateSweepReport rewrites the report of a finished sweep folder
// (one written by `legolab sweep` without --shard, or by `legolab merge`)
// from its sweep.toml, scenario.toml and checkpoint.jsonl, as the sweep
// wrote it: the charts in plots/, report.html and report.md, each
// atomically. Charts in plots/ that the new report does not have are
// removed afterwards. It returns the names of the files written.
func RegenerateSweepReport(dir string) ([]string, error) {
	return RegenerateSweepReportContext(context.Background(), dir)
}

// RegenerateSweepReportContext is RegenerateSweepReport stopped by ctx:
// when ctx is done before the files are written (while the sensitivity
// is bootstrapped or the charts drawn), it returns an error wrapping
// ctx's and the folder keeps its report.
func RegenerateSweepReportContext(ctx context.Context, dir string) ([]string, error) {
	lk, err := outdir.LockShared(dir)
	if err != nil {
		return nil, err
	}
	defer lk.Release()
	if _, err := outdir.Owned(dir, sweepKinds...); err != nil {
		return nil, err
	}
	return regenerateSweepReport(ctx, dir)
}

// regenerateSweepReport is RegenerateSweepReportContext under the
// caller's lock, on a folder it checked.
func regenerateSweepReport(ctx context.Context, dir string) ([]string, error) {
	id, rows, err := readCheckpointFile(filepath.Join(dir, CheckpointFile))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if id.Shards > 1 {
		return nil, fmt.Errorf("%s is shard %d/%d of a sweep; run `legolab merge` on all its shards, which writes the report", dir, id.Shard, id.Shards)
	}
	byIndex := make([]*PointRow, id.Points)
	for _, r := range rows {
		if r.Index >= 0 && r.Index < id.Points {
			byIndex[r.Index] = r
		}
	}
	done := 0
	for _, r := range byIndex {
		if r != nil {
			done++
		}
	}
	if done < id.Points {
		return nil, fmt.Errorf("%s: the sweep has not finished (%d of %d points); finish it with `legolab sweep ... --resume`, which writes the report", dir, done, id.Points)
	}
	s, points, err := sweepFromFolder(dir, id, len(byIndex))
	if err != nil {
		return nil, err
	}
	o := &sweepOutput{
		file: s.File, source: s.Source, inputs: s.inputs, baseTOML: s.BaseTOML, base: s.Base, id: *id,
		points: points, rows: byIndex, outcomes: s.Outcomes, warnings: s.warnings, plots: true, ctx: ctx,
	}
	sum, err := o.summary()
	if err != nil {
		return nil, err
	}
	files, err := o.reportFiles(sum)
	if err != nil {
		return nil, err
	}
	// Written all or none: an interruption after this point would leave
	// a report of two versions.
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("lab: interrupted before writing the report: %w", err)
	}
	in, err := outdir.OpenIn(dir)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	if err := writeNamed(in, files); err != nil {
		return nil, err
	}
	names := make([]string, len(files))
	keep := make(map[string]bool, len(files))
	for i, f := range files {
		names[i] = f.name
		keep[f.name] = true
	}
	if err := removeStaleCharts(dir, in, keep); err != nil {
		return nil, err
	}
	return names, nil
}
