package reports

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/legolab/legolab/metrics"
)

// The files of a run folder, documented column by column in
// docs/outputs.md.
const (
	SummaryFile  = "summary.json"
	RunsFile     = "runs.csv"
	SeriesFile   = "series.csv"
	ScenarioFile = "scenario.toml"
	GraphsFile   = "graphs.json"
)

// FormatFloat is the one number format of every CSV: the shortest decimal
// that reads back as the same float64 (strconv 'g', −1), so equal results
// give equal bytes on every machine.
func FormatFloat(x float64) string {
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// WriteSummary writes s as indented JSON followed by a newline. Field order
// is the struct's and floats use Go's shortest round-trip form, so the bytes
// depend only on the values.
func WriteSummary(w io.Writer, s *metrics.Summary) error {
	return writeJSON(w, s)
}

// ReadSummary decodes a summary.json, refusing unknown fields.
func ReadSummary(r io.Reader) (*metrics.Summary, error) {
	var s metrics.Summary
	if err := readJSON(r, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// Scenario and variant names are shown as written; readers that embed
	// them in HTML escape them there.
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func readJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("offset %d: %w", se.Offset, err)
		}
		return err
	}
	return nil
}

// runsFixed are the leading columns of runs.csv; the final observables
// follow.
var runsFixed = []string{"variant", "replication", "seed", "lego_day", "censored", "left_truncated"}

// runsTruncCol is the index of left_truncated in runsFixed: files written
// before it have only the columns before it, and ReadRuns still reads them.
const runsTruncCol = 5

// RunsWriter streams runs.csv rows, one per replication, so an ensemble
// never holds them all.
type RunsWriter struct {
	w     *CSVWriter
	names []string
	theta int
	rec   []string
}

// ThetaColumn is the prefix of runs.csv's θ columns, one per canonical
// prior key after the observables: theta.hubs.interlink.adapter_cost.
const ThetaColumn = "theta."

// NewRunsWriterTheta is NewRunsWriter with one θ column per key after the
// observables (a prior-predictive run); Run.Theta fills them.
func NewRunsWriterTheta(w io.Writer, observables, theta []string) (*RunsWriter, error) {
	cw := NewCSVWriter(w)
	header := append(append([]string(nil), runsFixed...), observables...)
	for _, k := range theta {
		header = append(header, ThetaColumn+k)
	}
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	return &RunsWriter{w: cw, names: observables, theta: len(theta), rec: make([]string, len(header))}, nil
}

// NewRunsWriter writes the header of runs.csv, with observables as the
// final-value columns, and returns a writer for its rows.
func NewRunsWriter(w io.Writer, observables []string) (*RunsWriter, error) {
	cw := NewCSVWriter(w)
	header := append(append([]string(nil), runsFixed...), observables...)
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	return &RunsWriter{w: cw, names: observables, rec: make([]string, len(header))}, nil
}

// Write writes one row: lego_day is empty when the run is censored.
func (rw *RunsWriter) Write(r Run) error {
	if len(r.Final) != len(rw.names) {
		panic(fmt.Sprintf("reports: run has %d final values for %d observables", len(r.Final), len(rw.names)))
	}
	rw.rec[0] = r.Variant
	rw.rec[1] = strconv.Itoa(r.Replication)
	rw.rec[2] = strconv.FormatUint(r.Seed, 10)
	rw.rec[3] = ""
	if !r.Censored {
		rw.rec[3] = FormatFloat(r.LegoDay)
	}
	rw.rec[4] = CSVBool(r.Censored)
	rw.rec[runsTruncCol] = CSVBool(r.LeftTruncated)
	for k, x := range r.Final {
		rw.rec[len(runsFixed)+k] = FormatFloat(x)
	}
	if rw.theta > 0 {
		if len(r.Theta) != rw.theta {
			panic(fmt.Sprintf("reports: run has %d θ values for %d θ columns", len(r.Theta), rw.theta))
		}
		copy(rw.rec[len(runsFixed)+len(rw.names):], r.Theta)
	}
	return rw.w.Write(rw.rec)
}

// Flush writes any buffered rows and reports a write error.
func (rw *RunsWriter) Flush() error {
	return rw.w.Flush()
}

// ReadRuns decodes a runs.csv: the observables named in its header after
// the fixed columns, and the rows, each Final in that order and LegoDay NaN
// when censored. A file without the left_truncated column (written before
// it existed) reads with LeftTruncated false.
func ReadRuns(r io.Reader) (observables []string, runs []Run, err error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("header: %w", err)
	}
	if len(header) < runsTruncCol {
		return nil, nil, fmt.Errorf("line 1: header has %d columns, want at least %d", len(header), runsTruncCol)
	}
	for i, want := range runsFixed[:runsTruncCol] {
		if header[i] != want {
			return nil, nil, fmt.Errorf("line 1: column %d is %q, want %q", i+1, header[i], want)
		}
	}
	fixed := runsTruncCol
	if len(header) > runsTruncCol && header[runsTruncCol] == runsFixed[runsTruncCol] {
		fixed = len(runsFixed)
	}
	end := len(header)
	for i := fixed; i < len(header); i++ {
		if strings.HasPrefix(header[i], ThetaColumn) {
			end = i
			break
		}
	}
	observables = make([]string, 0, end-fixed)
	for _, h := range header[fixed:end] {
		observables = append(observables, UnquoteCell(h))
	}
	theta := len(header) - end
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		line, _ := cr.FieldPos(0)
		run, err := parseRun(rec[:len(rec)-theta], fixed)
		if err == nil && theta > 0 {
			run.Theta = make([]string, theta)
			for j, c := range rec[len(rec)-theta:] {
				run.Theta[j] = UnquoteCell(c)
			}
		}
		if err != nil {
			return nil, nil, fmt.Errorf("line %d: %w", line, err)
		}
		runs = append(runs, run)
	}
	return observables, runs, nil
}

// parseRun decodes one row whose observables start at column fixed (the
// left_truncated column is present when fixed is past it).
func parseRun(rec []string, fixed int) (Run, error) {
	run := Run{Variant: UnquoteCell(rec[0]), LegoDay: math.NaN()}
	var err error
	if run.Replication, err = strconv.Atoi(rec[1]); err != nil {
		return run, fmt.Errorf("replication: %w", err)
	}
	if run.Seed, err = strconv.ParseUint(rec[2], 10, 64); err != nil {
		return run, fmt.Errorf("seed: %w", err)
	}
	if run.Censored, err = strconv.ParseBool(rec[4]); err != nil {
		return run, fmt.Errorf("censored: %w", err)
	}
	if !run.Censored {
		if run.LegoDay, err = strconv.ParseFloat(rec[3], 64); err != nil {
			return run, fmt.Errorf("lego_day: %w", err)
		}
	} else if rec[3] != "" {
		return run, fmt.Errorf("lego_day: %q given for a censored run", rec[3])
	}
	if fixed > runsTruncCol {
		if run.LeftTruncated, err = strconv.ParseBool(rec[runsTruncCol]); err != nil {
			return run, fmt.Errorf("left_truncated: %w", err)
		}
	}
	run.Final = make([]float64, len(rec)-fixed)
	for k := range run.Final {
		if run.Final[k], err = strconv.ParseFloat(rec[fixed+k], 64); err != nil {
			return run, fmt.Errorf("column %d: %w", fixed+k+1, err)
		}
	}
	return run, nil
}

// seriesHeader is the header of series.csv.
var seriesHeader = []string{"variant", "day", "date", "metric", "mean", "p05", "p25", "p50", "p75", "p95"}

// WriteSeries writes series.csv, one row per point in the given order, the
// date column counted from start.
//
// It writes what a CSVWriter writes, byte for byte (TestWriteSeriesCSV
// holds it to that), but formats the numbers straight into one buffer: a
// default run's file has 65,000 rows, and the cell strings, the quoting
// checks and a date per row were most of the time left after the run. A
// number cell is always written as it is: strconv's shortest form, NaN
// and ±Inf included, is neither formula-like text for QuoteCell (it parses
// as a number) nor a cell csv.Writer quotes (no comma, quote, line break
// or leading space). The text cells, the variant, the date and the metric,
// go through a CSVWriter once per distinct value.
func WriteSeries(w io.Writer, start time.Time, pts []metrics.SeriesPoint) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := NewCSVWriter(bw)
	if err := cw.Write(seriesHeader); err != nil {
		return err
	}
	if err := cw.Flush(); err != nil {
		return err
	}
	// The text cells, each encoded once by a CSVWriter of its own: as the
	// first cell of a record whose second, empty cell is cut off (a record
	// of one empty cell would not be a cell alone).
	var cb bytes.Buffer
	ccw := NewCSVWriter(&cb)
	encode := func(s string) []byte {
		cb.Reset()
		if err := ccw.Write([]string{s, ""}); err != nil {
			panic(err) // a bytes.Buffer does not fail
		}
		if err := ccw.Flush(); err != nil {
			panic(err)
		}
		return bytes.Clone(bytes.TrimSuffix(cb.Bytes(), []byte(",\n")))
	}
	cells := map[string][]byte{} // text cell → its CSV encoding
	text := func(s string) []byte {
		if c, ok := cells[s]; ok {
			return c
		}
		c := encode(s)
		cells[s] = c
		return c
	}
	dates := map[float64][]byte{}
	date := func(day float64) []byte {
		if c, ok := dates[day]; ok {
			return c
		}
		c := encode(metrics.DayDate(start, day))
		if day == day { // a NaN key would never be found again
			dates[day] = c
		}
		return c
	}
	var row []byte
	for _, p := range pts {
		row = append(row[:0], text(p.Variant)...)
		row = append(row, ',')
		row = strconv.AppendFloat(row, p.Day, 'g', -1, 64)
		row = append(row, ',')
		row = append(row, date(p.Day)...)
		row = append(row, ',')
		row = append(row, text(p.Metric)...)
		for _, x := range [...]float64{p.Mean, p.P05, p.P25, p.P50, p.P75, p.P95} {
			row = append(row, ',')
			row = strconv.AppendFloat(row, x, 'g', -1, 64)
		}
		row = append(row, '\n')
		if _, err := bw.Write(row); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ReadSeries decodes a series.csv.
func ReadSeries(r io.Reader) ([]metrics.SeriesPoint, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(seriesHeader)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	for i, want := range seriesHeader {
		if header[i] != want {
			return nil, fmt.Errorf("line 1: column %d is %q, want %q", i+1, header[i], want)
		}
	}
	var pts []metrics.SeriesPoint
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return pts, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		var xs [7]float64
		for i, col := range [...]int{1, 4, 5, 6, 7, 8, 9} {
			if xs[i], err = strconv.ParseFloat(rec[col], 64); err != nil {
				return nil, fmt.Errorf("line %d: %s: %w", line, seriesHeader[col], err)
			}
		}
		pts = append(pts, metrics.SeriesPoint{
			Variant: UnquoteCell(rec[0]), Day: xs[0], Metric: UnquoteCell(rec[3]), Mean: xs[1],
			P05: xs[2], P25: xs[3], P50: xs[4], P75: xs[5], P95: xs[6],
		})
	}
}

// RepresentativeGraph is one entry of graphs.json: the interop graph at the
// horizon of the replication that stands for its variant (see
// metrics.Ensemble.Representative).
type RepresentativeGraph struct {
	Variant     string `json:"variant"`
	Replication int    `json:"replication"`
	// LegoDay is the replication's Lego day, null when censored.
	LegoDay *float64       `json:"lego_day"`
	Graph   *metrics.Graph `json:"graph"`
}

// graphsFile is the shape of graphs.json.
type graphsFile struct {
	Graphs []RepresentativeGraph `json:"graphs"`
}

// WriteGraphs writes graphs.json.
func WriteGraphs(w io.Writer, gs []RepresentativeGraph) error {
	if gs == nil {
		gs = []RepresentativeGraph{}
	}
	return writeJSON(w, graphsFile{Graphs: gs})
}

// ReadGraphs decodes a graphs.json.
func ReadGraphs(r io.Reader) ([]RepresentativeGraph, error) {
	var f graphsFile
	if err := readJSON(r, &f); err != nil {
		return nil, err
	}
	return f.Graphs, nil
}

// ReadDir reads a run folder written by `legolab run` into Data:
// summary.json, series.csv and runs.csv are required, graphs.json is
// optional (Graphs entries stay nil without it). Errors name the file and,
// where known, the line.
func ReadDir(dir string) (*Data, error) {
	return ReadFS(os.DirFS(dir), dir)
}

// ReadFS is ReadDir on the files of a run held by fsys (a folder, or the
// files a run kept in memory); dir names fsys in messages.
func ReadFS(fsys fs.FS, dir string) (*Data, error) {
	d := &Data{}
	read := func(name string, optional bool, decode func(io.Reader) error) error {
		f, err := fsys.Open(name)
		if optional && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Path = filepath.Join(dir, name)
		}
		if err != nil {
			return err
		}
		defer f.Close()
		if err := decode(bufio.NewReaderSize(f, 64<<10)); err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(dir, name), err)
		}
		return nil
	}
	err := read(SummaryFile, false, func(r io.Reader) error {
		s, err := ReadSummary(r)
		if err == nil {
			d.Summary = *s
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	err = read(SeriesFile, false, func(r io.Reader) (err error) {
		d.Series, err = ReadSeries(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = read(RunsFile, false, func(r io.Reader) (err error) {
		_, d.Runs, err = ReadRuns(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	d.Graphs = make([]*metrics.Graph, len(d.Summary.Variants))
	return d, read(GraphsFile, true, func(r io.Reader) error {
		gs, err := ReadGraphs(r)
		if err != nil {
			return err
		}
		for _, g := range gs {
			for v, vs := range d.Summary.Variants {
				if vs.Name == g.Variant {
					d.Graphs[v] = g.Graph
				}
			}
		}
		return nil
	})
}
