package calib

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Kind says how an observed value meets the model.
type Kind string

// The kinds of the analogs.csv layout.
const (
	// Point is a value read from a dated source.
	Point Kind = "point"
	// Approx is a value whose date or amount the source gives only roughly
	// (a month, "about"); it enters like a point, and a calibration gives it
	// a larger model-discrepancy term.
	Approx Kind = "approx"
	// LowerBound is a "more than" value: the truth is at or above it.
	LowerBound Kind = "lower_bound"
	// Capped is a count held at a governance cap: the uncensored count is
	// at or above the value, which is the cap.
	Capped Kind = "capped"
)

var kinds = []Kind{Point, Approx, LowerBound, Capped}

// Observation is one row of an observed-series file.
type Observation struct {
	Series string    // series name, e.g. "ibc_chains"
	Date   time.Time // the day the value holds (UTC)
	Value  float64   // the value, in Unit; finite
	Unit   string    // e.g. "chains", "USD bn"; may be empty
	Kind   Kind
	Source string // where the value comes from (a URL); never empty
	Note   string // free text; may be empty
	Line   int    // the 1-based line of the row in its file
}

// Limits of ReadObserved: an observed-series file is a short, hand-curated
// table, so anything larger is a mistake (or not the file meant).
const (
	MaxObservedBytes = 1 << 20
	MaxObservedRows  = 10_000
)

// observedColumns are the columns of the analogs.csv layout; unit and note
// may be absent, the others are required.
var observedColumns = []string{"series", "date", "value", "unit", "kind", "source", "note"}

// ReadObserved reads an observed-series CSV in the analogs.csv layout: a
// header naming the columns series, date, value, unit, kind, source, note
// (any order; unit and note optional; no others), then one row per value.
// date is YYYY-MM-DD, value a finite number, kind one of point, approx,
// lower_bound, capped, source non-empty; a series repeats no date. name is
// the file name errors start with. Every problem is reported, each as
// NAME:LINE:COL: column C: message (errors.Join). Input beyond
// MaxObservedBytes or MaxObservedRows is an error.
func ReadObserved(r io.Reader, name string) ([]Observation, error) {
	lr := &io.LimitedReader{R: r, N: MaxObservedBytes + 1}
	cr := csv.NewReader(lr)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("calib: %s: empty file; want a header %s", name, strings.Join(observedColumns, ","))
		}
		return nil, fmt.Errorf("calib: %s: %w", name, err)
	}
	col := map[string]int{}
	var errs []error
	at := func(field int, column, format string, args ...any) {
		line, c := cr.FieldPos(field)
		errs = append(errs, fmt.Errorf("calib: %s:%d:%d: column %s: %s", name, line, c, column, fmt.Sprintf(format, args...)))
	}
	for i, h := range header {
		h = strings.TrimSpace(h)
		switch {
		case !slices.Contains(observedColumns, h):
			at(i, strconv.Quote(h), "unknown column; want one of %s", strings.Join(observedColumns, ", "))
		case col[h] > 0:
			at(i, h, "repeated")
		default:
			col[h] = i + 1 // 0 means absent
		}
	}
	for _, req := range []string{"series", "date", "value", "kind", "source"} {
		if col[req] == 0 {
			errs = append(errs, fmt.Errorf("calib: %s:1: missing column %s", name, req))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var out []Observation
	seen := map[string]int{} // series + date -> line
	for row := 1; ; row++ {
		rec, err := cr.Read()
		if lr.N <= 0 { // the limit was reached: whatever was read may be cut short
			return nil, fmt.Errorf("calib: %s: larger than %d bytes", name, MaxObservedBytes)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("calib: %s: %w", name, err))
			break
		}
		if row > MaxObservedRows {
			return nil, fmt.Errorf("calib: %s: more than %d rows", name, MaxObservedRows)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			errs = append(errs, fmt.Errorf("calib: %s:%d: row %d has %d fields; the header has %d", name, line, row, len(rec), len(header)))
			continue
		}
		get := func(c string) (string, int) {
			if col[c] == 0 {
				return "", -1
			}
			return strings.TrimSpace(rec[col[c]-1]), col[c] - 1
		}
		o := Observation{Line: line}
		n0 := len(errs)
		s, f := get("series")
		if o.Series = s; s == "" {
			at(f, "series", "empty")
		}
		s, f = get("date")
		if d, err := time.Parse(time.DateOnly, s); err != nil {
			at(f, "date", "%q is not a date YYYY-MM-DD", s)
		} else {
			o.Date = d
		}
		s, f = get("value")
		if v, err := strconv.ParseFloat(s, 64); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			at(f, "value", "%q is not a finite number", s)
		} else {
			o.Value = v
		}
		o.Unit, _ = get("unit")
		s, f = get("kind")
		if o.Kind = Kind(s); !slices.Contains(kinds, o.Kind) {
			at(f, "kind", "%q; want point, approx, lower_bound or capped", s)
		}
		s, f = get("source")
		if o.Source = s; s == "" {
			at(f, "source", "empty; every value needs its source")
		}
		o.Note, _ = get("note")
		if len(errs) > n0 {
			continue
		}
		key := o.Series + "\x00" + o.Date.Format(time.DateOnly)
		if prev, ok := seen[key]; ok {
			_, f := get("date")
			at(f, "date", "series %s already has %s (line %d)", o.Series, o.Date.Format(time.DateOnly), prev)
			continue
		}
		seen[key] = line
		out = append(out, o)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// Series returns the observations of one series, in file order.
func Series(obs []Observation, series string) []Observation {
	var out []Observation
	for _, o := range obs {
		if o.Series == series {
			out = append(out, o)
		}
	}
	return out
}
