package lab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/legolab/legolab/calib"
	"github.com/legolab/legolab/internal/outdir"
	"github.com/legolab/legolab/reports"
)

// SBCResult is a simulation-based calibration check of a calibration.
type SBCResult struct {
	*calib.SBCResult
	Dir     string
	Elapsed time.Duration
}

// SBC checks the calibration's own problem by simulation-based calibration
// (calib.SBC, Talts et al. 2018): each of histories synthetic histories
// draws θ from the calibration's prior, simulates the lean replication at
// the file's fitted points (its seed from calib's history stream), and is
// calibrated with the file's ABC settings, one history per worker (Jobs
// at a time). A synthetic value is exact, so every synthetic target is a
// point whatever the observed kind, with the series' transform and
// discrepancy. It writes sbc.csv (the rank of each true parameter among
// the posterior draws, one row per history) and sbc.json (the whole
// result: rank histograms, χ² and Holm verdicts, coverage) into dir,
// replaced at once like a calibration folder (kind calibration). progress,
// if set, is called after each history.
func (c *Calibration) SBC(ctx context.Context, dir string, histories int, progress func(done int)) (*SBCResult, error) {
	if dir == "" {
		return nil, errors.New("lab: sbc without an output folder")
	}
	targetsOf := func(x []float64) []calib.Target {
		ts := make([]calib.Target, len(c.targets))
		for k, t := range c.targets {
			t.Value, t.Kind = x[k], calib.Point
			ts[k] = t
		}
		return ts
	}
	s := calib.SBCSettings{
		Histories: histories, Workers: max(c.Jobs, 1), Seed: c.File.Seed,
		Calibration: c.File.Settings(), Progress: progress,
	}
	t0 := time.Now()
	r, err := calib.SBC(ctx, c.prior, c.Simulate, targetsOf, s)
	if err != nil {
		return nil, err
	}
	res := &SBCResult{SBCResult: r, Dir: dir, Elapsed: time.Since(t0)}
	ds := &DirSink{Dir: dir, Force: c.Force, Version: c.Version, kind: outdir.KindCalibration}
	if err := ds.Begin("sbc.json", false); err != nil {
		return nil, err
	}
	defer ds.Abort()
	files := []namedWrite{
		{CalibrationFile, func(w io.Writer) error { _, err := w.Write(c.Source); return err }},
		{"sbc.csv", func(w io.Writer) error { return c.writeSBCRanks(w, r) }},
		{"sbc.json", func(w io.Writer) error { return writeSweepJSON(w, r) }},
	}
	for _, f := range files {
		if err := writeTo(ds, f.name, f.write); err != nil {
			return nil, err
		}
	}
	if err := ds.Commit(); err != nil {
		return nil, fmt.Errorf("lab: sbc: %w", err)
	}
	return res, nil
}

func (c *Calibration) writeSBCRanks(w io.Writer, r *calib.SBCResult) error {
	cw := reports.NewCSVWriter(w)
	cw.Write(append([]string{"history"}, c.File.Keys...))
	for h, ranks := range r.Ranks {
		rec := []string{strconv.Itoa(h)}
		for _, k := range ranks {
			rec = append(rec, strconv.Itoa(k))
		}
		cw.Write(rec)
	}
	return cw.Flush()
}
