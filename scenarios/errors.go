package scenarios

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Error is one problem in a scenario: a syntax error, an unknown key, a
// value of the wrong type, a value out of range or a dangling reference.
// Load, Parse, Validate, Set, Apply and Variant return every problem they
// find, joined with errors.Join; Errors recovers the list.
type Error struct {
	// File is the scenario file ("" for a Spec built in memory).
	File string
	// Line and Col locate the key in the file, 1-based; 0 when no position
	// applies (a missing key, an override from the command line).
	Line, Col int
	// Path is the key path of the offending value, in the syntax Set
	// accepts: "protocols.Bittensor.openness", "shocks[0].day".
	Path string
	// Msg says what is wrong and what would be right.
	Msg string
	// Context is go-toml's excerpt of the document with a caret under the
	// problem, for syntax and decoding errors; "" otherwise.
	Context string
}

// Error formats the problem as FILE:LINE:COL: PATH: MSG, leaving out the
// parts that do not apply.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", e.Line, e.Col)
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors returns the scenario problems in err, in the order they were
// reported: the *Error values joined in err, each once. It returns nil when
// err is nil; an error that is not a scenario problem is returned wrapped
// as an Error with only Msg set.
func Errors(err error) []*Error {
	var out []*Error
	var walk func(err error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var e *Error
		if errors.As(err, &e) {
			out = append(out, e)
			return
		}
		out = append(out, &Error{Msg: err.Error()})
	}
	walk(err)
	return out
}

// joinErrors sorts problems by position (positionless ones last, in the
// order found), drops exact duplicates and joins them.
func joinErrors(errs []*Error) error {
	if len(errs) == 0 {
		return nil
	}
	slices.SortStableFunc(errs, func(a, b *Error) int {
		la, lb := a.Line, b.Line
		if la == 0 {
			la = int(^uint(0) >> 1)
		}
		if lb == 0 {
			lb = int(^uint(0) >> 1)
		}
		if c := cmp.Compare(la, lb); c != 0 {
			return c
		}
		return cmp.Compare(a.Col, b.Col)
	})
	seen := make(map[string]bool, len(errs))
	list := make([]error, 0, len(errs))
	for _, e := range errs {
		k := e.Error()
		if seen[k] {
			continue
		}
		seen[k] = true
		list = append(list, e)
	}
	return errors.Join(list...)
}

// path is a key path in two spellings: disp, the user-facing one that names
// elements of named arrays (protocols.Bittensor.openness), and idx, the
// positional one (protocols[3].openness) used to find the key in the file.
type path struct {
	disp, idx string
	// off marks the paths of a quiet checker, which only asks whether a
	// spec is valid: key and elem return such a path as it is, without
	// building the strings (most of a valid spec's check was building the
	// paths of the problems it did not have).
	off bool
}

// key appends a table key.
func (p path) key(k string) path {
	if p.off {
		return p
	}
	return path{disp: joinKey(p.disp, k), idx: joinKey(p.idx, k)}
}

// elem appends an array element; name, when not empty, addresses it in the
// display spelling.
func (p path) elem(i int, name string) path {
	if p.off {
		return p
	}
	ix := p.idx + "[" + strconv.Itoa(i) + "]"
	if name == "" {
		return path{disp: p.disp + "[" + strconv.Itoa(i) + "]", idx: ix}
	}
	return path{disp: joinKey(p.disp, name), idx: ix}
}

func joinKey(base, k string) string {
	k = quoteKey(k)
	if base == "" {
		return k
	}
	return base + "." + k
}

// quoteKey returns k as a TOML key: bare when it can be, quoted otherwise.
func quoteKey(k string) string {
	if k == "" {
		return `""`
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return quoteString(k)
		}
	}
	return k
}

// quoteString returns s as a TOML basic string.
func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		default:
			if r < 0x20 || r == 0x7f || r == 0xfffd {
				// U+FFFD also stands for invalid UTF-8, which TOML rejects;
				// the escape keeps the output valid either way.
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// suggest returns the candidate nearest to s when it is near enough to be a
// likely typo, or "".
func suggest(s string, candidates []string) string {
	best, bestD := "", -1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		if strings.ToLower(c) == ls {
			return c
		}
		d := levenshtein(ls, strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	// Short names need an exact (case-blind) match: "B" is not a typo of
	// "A".
	limit := len(s) / 3
	if len(s) >= 3 {
		limit = max(1, limit)
	}
	if bestD >= 0 && bestD <= limit {
		return best
	}
	// A key abbreviated or cut short (horizon → horizon_days, q →
	// q_per_year, royalty → royalties) is a near miss too, as is a
	// qualified form of a short name (zk-snark → zk).
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if strings.HasPrefix(lc, ls+"_") || len(ls) >= 3 && strings.HasPrefix(lc, ls) {
			return c
		}
		if len(lc) >= 2 && (strings.HasPrefix(ls, lc+"-") || strings.HasPrefix(ls, lc+"_")) {
			return c
		}
		n := 0
		for n < len(ls) && n < len(lc) && ls[n] == lc[n] {
			n++
		}
		if n >= 4 && 10*n >= 6*len(ls) {
			return c
		}
	}
	return ""
}

// levenshtein is the edit distance between a and b, over bytes, counting
// a swap of adjacent bytes as one edit (optimal string alignment), so that
// modle is one edit from model.
func levenshtein(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		// Long strings are never typos of a key; bound the work.
		if a == b {
			return 0
		}
		return max(len(a), len(b))
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// didYouMean formats the hint for an unknown name: "; did you mean X?" when
// one is near, else the list of valid names (when short enough to help).
func didYouMean(s string, candidates []string) string {
	candidates = dedupe(candidates)
	if c := suggest(s, candidates); c != "" {
		return fmt.Sprintf("; did you mean %s?", quoteKey(c))
	}
	if len(candidates) == 0 {
		return ""
	}
	if len(candidates) > 12 {
		return fmt.Sprintf(" (%d valid, e.g. %s)", len(candidates), strings.Join(quoteAll(candidates[:6]), ", "))
	}
	return " (valid: " + strings.Join(quoteAll(candidates), ", ") + ")"
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = quoteKey(x)
	}
	return out
}

// dedupe returns list without repeats, in first-seen order.
func dedupe(list []string) []string {
	seen := make(map[string]bool, len(list))
	out := list[:0:0]
	for _, x := range list {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
