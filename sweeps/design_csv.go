package sweeps

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/legolab/legolab/scenarios"
)

// MaxCSVBytes bounds the points file of a csv design.
const MaxCSVBytes = 16 << 20

// validateCSV reads the points file of a csv design: a header row naming
// the swept keys, then one row per point, a value in every cell. Each
// column becomes a parameter whose values are the column's distinct values
// in the order they first appear, and each row the point whose unit
// coordinate j is the middle of its value's bin, (l+½)/n for value l of n,
// so that Param.At maps it back to the cell. A problem in the file is
// reported at its cell: FILE:LINE:COL: KEY: message.
func validateCSV(s *File, bad badFunc) {
	if s.PointsCSV == "" {
		bad("points_csv", "required: a CSV file of points (relative to the sweep file), its header naming the swept keys")
		return
	}
	file := s.resolve(s.PointsCSV)
	if s.ext == nil {
		s.ext = map[string]*scenarios.Error{}
	}
	// at reports a problem at a place in the CSV file.
	at := func(line, col int, key, format string, args ...any) {
		id := fmt.Sprintf("%s:%d:%d:%s", file, line, col, key)
		s.ext[id] = &scenarios.Error{File: file, Line: line, Col: col, Path: key}
		bad(id, format, args...)
	}
	f, err := os.Open(file)
	if err != nil {
		bad("points_csv", "cannot read %s: %v", file, errors.Unwrap(err))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxCSVBytes+1))
	if err != nil {
		bad("points_csv", "cannot read the points file: %v", err)
		return
	}
	if len(data) > MaxCSVBytes {
		bad("points_csv", "the points file is more than the limit of %d bytes", MaxCSVBytes)
		return
	}
	r := csv.NewReader(strings.NewReader(string(data)))
	r.Comment = '#'
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		csvProblem(err, file, at, bad)
		return
	}
	params := make([]Param, len(header))
	seen := map[string]int{}
	hdrLine := make([]int, len(header))
	hdrCol := make([]int, len(header))
	good := true
	for j, h := range header {
		line, col := r.FieldPos(j)
		hdrLine[j], hdrCol[j] = line, col
		key := strings.TrimSpace(h)
		params[j].Key = key
		switch {
		case key == "":
			at(line, col, "", "column %d: the header must name the swept key", j+1)
			good = false
		case strings.ContainsAny(key, " \t=\n"):
			at(line, col, "", "column %d: %s is not a key path", j+1, scenarios.QuoteString(key))
			good = false
		default:
			if j0, dup := seen[key]; dup {
				at(line, col, key, "duplicate column (also column %d)", j0+1)
				good = false
			}
			seen[key] = j
		}
	}
	var rows [][]int // value index of each cell
	index := make([]map[string]int, len(header))
	kinds := make([]string, len(header))
	for j := range index {
		index[j] = map[string]int{}
	}
	ext := map[string]*scenarios.Error{}
	for j := range header {
		ext[fmt.Sprintf("params[%d].key", j)] = &scenarios.Error{File: file, Line: hdrLine[j], Col: hdrCol[j]}
		ext[fmt.Sprintf("params[%d]", j)] = ext[fmt.Sprintf("params[%d].key", j)]
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			csvProblem(err, file, at, bad)
			return
		}
		if len(rows) == MaxPoints {
			line, col := r.FieldPos(0)
			at(line, col, "", "more than the limit of %d points", MaxPoints)
			return
		}
		row := make([]int, len(rec))
		for j, cell := range rec {
			line, col := r.FieldPos(j)
			key := params[j].Key
			v, ok := csvValue(strings.TrimSpace(cell))
			switch {
			case !ok:
				at(line, col, key, "empty cell: every point needs a value of every key")
				good = false
				continue
			case kinds[j] == "":
				kinds[j] = valueKind(v)
			case valueKind(v) != kinds[j]:
				at(line, col, key, "is a %s but the column's first value is a %s; a column's values must be of one kind", valueKind(v), kinds[j])
				good = false
				continue
			}
			if f, isF := v.(float64); isF && (math.IsNaN(f) || math.IsInf(f, 0)) {
				at(line, col, key, "must be a finite number, got %s", strings.TrimSpace(cell))
				good = false
				continue
			}
			t := FormatValue(v)
			l, ok := index[j][t]
			if !ok {
				l = len(params[j].Values)
				index[j][t] = l
				params[j].Values = append(params[j].Values, v)
				ext[fmt.Sprintf("params[%d].values[%d]", j, l)] = &scenarios.Error{File: file, Line: line, Col: col}
			}
			row[j] = l
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		at(hdrLine[0], hdrCol[0], "", "no points: the header needs at least one row below it")
		return
	}
	if !good {
		return
	}
	unit := designMatrix(len(rows), len(header))
	for i, row := range rows {
		for j, l := range row {
			unit[i][j] = (float64(l) + 0.5) / float64(len(params[j].Values))
		}
	}
	// Samples is the csv design's N, as for random and lhs: summaries and
	// reports name it.
	s.Params, s.read, s.Samples = params, unit, len(rows)
	for k, e := range ext {
		s.ext[k] = e
	}
}

// csvProblem reports a CSV syntax error (a wrong number of fields, a stray
// quote) at its place.
func csvProblem(err error, file string, at func(line, col int, key, format string, args ...any), bad badFunc) {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		at(pe.Line, pe.Column, "", "%v", pe.Err)
		return
	}
	if err == io.EOF {
		at(1, 1, "", "empty file: want a header row naming the swept keys")
		return
	}
	bad("points_csv", "cannot read the points file: %v", err)
}

// csvValue reads a cell as a TOML-like value: an integer, a float, true or
// false, else the text as a string. It returns false for an empty cell.
func csvValue(cell string) (any, bool) {
	if cell == "" {
		return nil, false
	}
	if i, err := strconv.ParseInt(cell, 10, 64); err == nil {
		return i, true
	}
	if f, err := strconv.ParseFloat(cell, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		return f, true
	}
	switch cell {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return cell, true
}

// Inputs returns the files besides the sweep file that the sweep reads (a
// csv design's points), as written in the sweep file, relative to its
// directory; a copy of the sweep file needs them beside it.
func (s *File) Inputs() []string {
	if s.Design == DesignCSV && s.PointsCSV != "" {
		return []string{s.PointsCSV}
	}
	return nil
}
