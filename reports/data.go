// Package reports renders an ensemble's or a sweep's results as files:
// CSV, JSON, plots (SVG and PNG), a self-contained HTML report and a
// Markdown summary. It never sees sim or agents, and it writes to
// io.Writers; callers own files.
package reports

import "github.com/legolab/legolab/metrics"

// Data is everything a run report is made from, as saved in a run folder.
type Data struct {
	Summary metrics.Summary
	Series  []metrics.SeriesPoint
	Runs    []Run
	// Graph is the interop graph of the representative replication (the one
	// nearest the median Lego day) of each variant, by variant order; nil
	// entries where none was saved.
	Graphs []*metrics.Graph
}

// Run is one row of runs.csv.
type Run struct {
	Variant     string
	Replication int
	Seed        uint64
	LegoDay     float64 // NaN when censored
	Censored    bool
	// LeftTruncated is metrics.Replication.LeftTruncated: the run was
	// composed before the detector could see (false in runs.csv files
	// written before the column).
	LeftTruncated bool
	Final         []float64 // in the order of FinalNames
	// Theta holds the θ drawn for the run, one cell per runs.csv θ column
	// (ThetaColumn), each in TOML syntax; "" where the run's variant has
	// no prior on that key. Nil for a run without priors.
	Theta []string
}
