package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/legolab/legolab/metrics"
	"github.com/legolab/legolab/reports"
	"github.com/legolab/legolab/scenarios"
)

// regenerateCalibrationReport rewrites a calibration folder's report
// (report.html, report.md, plots/) from its summary.json and posterior.csv,
// as `legolab calibrate` wrote it, and returns the names written. Both files
// are read bounded and checked: summary.json must decode strictly into a
// metrics.Calibration, posterior.csv must be a valid posterior whose columns
// are the summary's parameters, in order.
func regenerateCalibrationReport(ctx context.Context, dir string) ([]string, error) {
	sumPath := filepath.Join(dir, "summary.json")
	data, err := scenarios.ReadFileLimited(sumPath)
	if err != nil {
		return nil, err
	}
	var c metrics.Calibration
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: not a calibration summary legolab wrote: %w", sumPath, err)
	}
	postPath := filepath.Join(dir, "posterior.csv")
	data, err = scenarios.ReadFileLimited(postPath)
	if err != nil {
		return nil, err
	}
	p, err := scenarios.ReadPosterior(postPath, data)
	if err != nil {
		return nil, err
	}
	if len(p.Keys) != len(c.Params) {
		return nil, fmt.Errorf("%s has %d parameter columns, %s lists %d parameters: the two files are not of one calibration", postPath, len(p.Keys), sumPath, len(c.Params))
	}
	for i, k := range p.Keys {
		if c.Params[i].Key != k {
			return nil, fmt.Errorf("%s column %d is %s, %s's parameter %d is %s: the two files are not of one calibration", postPath, i+5, k, sumPath, i+1, c.Params[i].Key)
		}
	}
	files, err := reports.CalibrationFiles(&c, reports.Posterior{Keys: p.Keys, Weights: p.Weights, Rows: p.Rows})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("lab: interrupted before writing the report: %w", err)
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	return names, writeReportFiles(dir, files)
}
