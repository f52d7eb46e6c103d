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

// The settings of a calibration's SBC check (calib.SBCSettings): ranks
// among L = 19 posterior draws in 5 bins, Holm's χ² at family-wise 0.01,
// each of the 12 coverage checks (3 parameters × 50/80/90/95%) at 0.001.
// Were the posterior exact, a check of k parameters would fail with
// probability at most 0.01 + 4k·0.001 (2.2% for three).
const (
	SBCDraws         = 19
	SBCAlpha         = 0.01
	SBCCoverageAlpha = 0.001
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
// at a time). The synthetic targets keep the series' transform and
// discrepancy and the observed censoring (calib.Target.Synthetic): a point
// at the simulated value, or, for a lower bound or a cap the simulated
// value reaches, the same censored target as observed. It writes sbc.csv (the rank of each true parameter among
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
			ts[k] = t.Synthetic(x[k])
		}
		return ts
	}
	s := calib.SBCSettings{
		Histories: histories, Draws: SBCDraws, Bins: 5, Alpha: SBCAlpha, CoverageAlpha: SBCCoverageAlpha,
		Workers: max(c.Jobs, 1), Seed: c.File.Seed,
		Calibration: c.File.Settings(), Progress: progress,
	}
	// The folder is checked, locked and staged before the histories
	// run, so that a refusal costs nothing.
	ds := &DirSink{Dir: dir, Force: c.Force, Version: c.Version, kind: outdir.KindCalibration}
	if err := ds.Begin("sbc.json", false); err != nil {
		return nil, err
	}
	defer ds.Abort()
	t0 := time.Now()
	r, err := calib.SBC(ctx, c.prior, c.Simulate, targetsOf, s)
	if err != nil {
		return nil, err
	}
	res := &SBCResult{SBCResult: r, Dir: dir, Elapsed: time.Since(t0)}
	files := []namedWrite{
		{CalibrationFile, func(w io.Writer) error { _, err := w.Write(c.Source); return err }},
		{"sbc.csv", func(w io.Writer) error { return c.writeSBCRanks(w, r) }},
		{"sbc.json", func(w io.Writer) error { return writeSweepJSON(w, sbcJSONOf(c, r, s)) }},
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

// sbcJSON is sbc.json: the verdict and what it rests on.
type sbcJSON struct {
	Calibration string   `json:"calibration"`
	Seed        uint64   `json:"seed"`
	Histories   int      `json:"histories"`
	Draws       int      `json:"draws"` // L: ranks run 0 … L
	Keys        []string `json:"keys"`
	// Histogram[k] counts parameter k's ranks in equal bins over 0 … L.
	Histogram [][]int   `json:"histogram"`
	ChiSquare []float64 `json:"chi_square"`
	PValue    []float64 `json:"p_value"`
	// Uniform[k] is false when Holm's procedure at Alpha rejects k's
	// uniformity.
	Uniform []bool    `json:"uniform"`
	Alpha   float64   `json:"alpha"`
	Levels  []float64 `json:"levels"`
	// Covered[k][l] histories' central Levels[l] interval held the true
	// θ_k; CoverageOK says it lies in the exact binomial acceptance region
	// at CoverageAlpha.
	Covered       [][]int        `json:"covered"`
	CoverageOK    [][]bool       `json:"coverage_ok"`
	CoverageAlpha float64        `json:"coverage_alpha"`
	Stops         map[string]int `json:"stops"`
	Pass          bool           `json:"pass"`
}

func sbcJSONOf(c *Calibration, r *calib.SBCResult, s calib.SBCSettings) *sbcJSON {
	stops := map[string]int{}
	for k, n := range r.Stops {
		stops[string(k)] = n
	}
	draws, alpha, calpha := s.Draws, s.Alpha, s.CoverageAlpha
	return &sbcJSON{
		Calibration: c.File.Name, Seed: s.Seed, Histories: len(r.Ranks), Draws: draws, Keys: r.Names,
		Histogram: r.Histogram, ChiSquare: r.ChiSquare, PValue: r.PValue, Uniform: r.Uniform, Alpha: alpha,
		Levels: r.Levels, Covered: r.Covered, CoverageOK: r.CoverageOK, CoverageAlpha: calpha, Stops: stops, Pass: r.Pass,
	}
}
