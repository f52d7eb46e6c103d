package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/legolab/legolab/internal/outdir"
	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/scenarios"
)

// PosteriorFile is the particles file of a calibration folder.
const posteriorFile = "posterior.csv"

// carryPosterior reads the posterior of calibration folder dir (legolab
// calibrate --out DIR) and makes spec draw every key it holds from it, in
// place of those keys' priors (scenarios.Spec.CarryPosterior). dir must
// be a folder legolab marked as a calibration's and hold posterior.csv.
func carryPosterior(spec *scenarios.Spec, dir string) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("--posterior %s: no such folder (give a calibration folder, legolab calibrate --out DIR)", dir)
	}
	if _, err := outdir.Owned(dir, outdir.KindCalibration); err != nil {
		return fmt.Errorf("--posterior %s: %w", dir, err)
	}
	lock, err := outdir.LockShared(dir)
	if err != nil {
		return fmt.Errorf("--posterior %s: %w", dir, err)
	}
	defer lock.Release()
	p := filepath.Join(dir, posteriorFile)
	data, err := scenarios.ReadFileLimited(p)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("--posterior %s: the calibration folder has no %s yet (its calibration has not finished)", dir, posteriorFile)
	}
	if err != nil {
		return fmt.Errorf("--posterior %s: %w", dir, err)
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return err
	}
	parts, err := scenarios.ReadPosterior(abs, data)
	if err != nil {
		return fmt.Errorf("--posterior %s: %w", dir, err)
	}
	reason := "given with --posterior " + dir
	// The calibration's summary names what it fitted, when it is there.
	if b, err := scenarios.ReadFileLimited(filepath.Join(dir, "summary.json")); err == nil {
		var c metrics.Calibration
		if json.Unmarshal(b, &c) == nil && c.Name != "" {
			reason += fmt.Sprintf(": calibration %s of %s, data to %s", c.Name, c.Scenario, c.Cutoff)
		}
	}
	if err := spec.CarryPosterior(abs, parts, reason); err != nil {
		return fmt.Errorf("--posterior %s: %w", dir, err)
	}
	return nil
}
