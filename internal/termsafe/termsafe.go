// Package termsafe keeps text that comes from input files (scenario,
// variant and sweep names, descriptions, keys, the values quoted in error
// messages) from steering the terminal it is printed on. Control
// characters — the C0 set (NUL, BEL, ESC, ...) but for tab and newline,
// DEL, the C1 set (U+0080–U+009F, which some terminals take as CSI and
// OSC) and the bidirectional overrides that reorder what a line shows —
// and bytes that are not UTF-8 are written as visible Go-style escapes
// (\x1b, \u009b), so the reader sees that they are there.
//
// legolab's command wraps its stdout and stderr in a Writer, so every
// terminal print goes through this one sanitiser; String is the same
// mapping for one value.
package termsafe

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// unsafe reports whether r must be escaped.
func unsafe(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return false
	case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// appendSafe appends p to dst with every unsafe rune and invalid byte
// escaped.
func appendSafe(dst, p []byte) []byte {
	for len(p) > 0 {
		r, n := utf8.DecodeRune(p)
		switch {
		case r == utf8.RuneError && n <= 1:
			dst = fmt.Appendf(dst, `\x%02x`, p[0])
		case r < 0x80 && unsafe(r):
			dst = fmt.Appendf(dst, `\x%02x`, r)
		case unsafe(r):
			dst = fmt.Appendf(dst, `\u%04x`, r)
		default:
			dst = append(dst, p[:n]...)
		}
		p = p[n:]
	}
	return dst
}

// String returns s with its control characters and invalid bytes escaped.
func String(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unsafe(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return string(appendSafe(nil, []byte(s)))
}

// Writer escapes what it writes to the underlying writer as String does.
// A multi-byte character split across two Writes is held until the second.
type Writer struct {
	w    io.Writer
	pend []byte
	buf  []byte
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write escapes p and writes it; it returns len(p) when the underlying
// write succeeds.
func (w *Writer) Write(p []byte) (int, error) {
	in := p
	if len(w.pend) > 0 {
		in = append(w.pend, p...)
		w.pend = nil
	}
	// Hold back an incomplete character at the end (at most 3 bytes).
	for k := 1; k <= 3 && k <= len(in); k++ {
		if b := in[len(in)-k]; utf8.RuneStart(b) {
			if b >= 0x80 && !utf8.FullRune(in[len(in)-k:]) {
				w.pend = append([]byte(nil), in[len(in)-k:]...)
				in = in[:len(in)-k]
			}
			break
		}
	}
	w.buf = appendSafe(w.buf[:0], in)
	if _, err := w.w.Write(w.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Unwrap returns the underlying writer, for callers that must know what it
// is (a progress bar asks whether it is a terminal).
func (w *Writer) Unwrap() io.Writer { return w.w }
