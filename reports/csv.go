package reports

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// CSV cells are written for spreadsheets as well as for pandas and R, so
// a text cell that a spreadsheet would run as a formula is neutralised the
// way OWASP's "CSV Injection" page advises: a cell that starts with '=',
// '+', '-', '@', a tab or a carriage return gets a leading single quote.
// Numbers are left alone (-0.5 and -Inf stay numbers for pandas and R),
// and so is every cell that does not start with a trigger, so ordinary
// files are unchanged. A cell that already starts with quotes before a
// trigger gets one more, so the mapping is injective and UnquoteCell
// inverts it.

// QuoteCell returns s as a CSV cell safe to open in a spreadsheet: s
// itself unless it is non-numeric text that starts, after any leading
// single quotes, with a formula trigger; then "'" + s.
func QuoteCell(s string) string {
	if !formulaLike(s) {
		return s
	}
	return "'" + s
}

// UnquoteCell inverts QuoteCell.
func UnquoteCell(s string) string {
	if strings.HasPrefix(s, "'") && formulaLike(s[1:]) {
		return s[1:]
	}
	return s
}

// formulaLike reports whether QuoteCell must prefix s.
func formulaLike(s string) bool {
	t := strings.TrimLeft(s, "'")
	if t == "" || !strings.ContainsRune("=+-@\t\r", rune(t[0])) {
		return false
	}
	if t == s {
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return false
		}
	}
	return true
}

// CSVBool is the one format of a boolean cell: TRUE or FALSE, which R's
// read.csv reads as logical and pandas as bool without being told.
func CSVBool(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}

// CSVWriter is a csv.Writer whose every cell goes through QuoteCell.
type CSVWriter struct {
	w   *csv.Writer
	rec []string
}

// NewCSVWriter returns a CSVWriter writing to w.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: csv.NewWriter(w)} }

// Write writes one record, each cell neutralised by QuoteCell; rec is not
// changed.
func (cw *CSVWriter) Write(rec []string) error {
	cw.rec = cw.rec[:0]
	for _, c := range rec {
		cw.rec = append(cw.rec, QuoteCell(c))
	}
	return cw.w.Write(cw.rec)
}

// Flush writes any buffered data and returns the first write error.
func (cw *CSVWriter) Flush() error {
	cw.w.Flush()
	return cw.w.Error()
}
