package scenarios

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// position is a 1-based line and column (in bytes) in a document.
type position struct{ line, col int }

// source is a scenario document: its file name and where each key is, by
// positional key path (protocols[3].openness), so that a problem found after
// decoding still points at FILE:LINE:COL.
type source struct {
	file string
	data []byte
	pos  map[string]position
}

// maxIndexDepth bounds the depth of the key paths newSource records (a
// scenario's deepest is about six): each recorded path holds its whole
// prefix, so without a bound a dotted key of n segments would cost n²
// bytes (80 KB of "a.a.a…" took 1.7 GB). Deeper keys are unknown keys,
// located at their deepest recorded prefix.
const maxIndexDepth = 32

// newSource indexes the keys of data, which must be valid TOML (go-toml has
// already parsed it), with go-toml's unstable parser.
func newSource(file string, data []byte) *source {
	s := &source{file: file, data: data, pos: make(map[string]position)}
	var lineStarts []int
	lineStarts = append(lineStarts, 0)
	for i, c := range data {
		if c == '\n' {
			lineStarts = append(lineStarts, i+1)
		}
	}
	var p unstable.Parser
	p.Reset(data)
	at := func(n *unstable.Node) (position, bool) {
		if n == nil || n.Raw.Length == 0 && n.Kind != unstable.Key {
			return position{}, false
		}
		off := int(n.Raw.Offset)
		line := sort.Search(len(lineStarts), func(i int) bool { return lineStarts[i] > off }) - 1
		return position{line + 1, off - lineStarts[line] + 1}, true
	}
	record := func(idx string, n *unstable.Node) {
		if _, ok := s.pos[idx]; ok {
			return
		}
		if pos, ok := at(n); ok {
			s.pos[idx] = pos
		}
	}
	// arrays counts the elements of each array of tables seen so far: a
	// later [a.b] header refers to the last element of [[a]].
	arrays := make(map[string]int)
	var keyval func(base string, kv *unstable.Node)
	var value func(p string, n *unstable.Node)
	value = func(p string, n *unstable.Node) {
		switch n.Kind {
		case unstable.InlineTable:
			it := n.Children()
			for it.Next() {
				if c := it.Node(); c.Kind == unstable.KeyValue {
					keyval(p, c)
				}
			}
		case unstable.Array:
			it := n.Children()
			i := 0
			for it.Next() {
				c := it.Node()
				if c.Kind == unstable.Comment {
					continue
				}
				ep := p + "[" + strconv.Itoa(i) + "]"
				record(ep, c)
				value(ep, c)
				i++
			}
		}
	}
	keyval = func(base string, kv *unstable.Node) {
		p := base
		it := kv.Key()
		for depth := strings.Count(base, "."); it.Next(); depth++ {
			if depth >= maxIndexDepth {
				return // deeper keys are located at this prefix
			}
			k := it.Node()
			p = joinKey(p, string(k.Data))
			record(p, k)
		}
		value(p, kv.Value())
	}
	cur := ""
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			var keys []*unstable.Node
			it := e.Key()
			for it.Next() {
				keys = append(keys, it.Node())
			}
			path := ""
			if len(keys) > maxIndexDepth {
				keys = keys[:maxIndexDepth] // deeper keys are located at this prefix
			}
			for i, k := range keys {
				path = joinKey(path, string(k.Data))
				if i == len(keys)-1 && e.Kind == unstable.ArrayTable {
					record(path, k)
					n := arrays[path]
					arrays[path] = n + 1
					path += "[" + strconv.Itoa(n) + "]"
				} else if n, ok := arrays[path]; ok {
					path += "[" + strconv.Itoa(n-1) + "]"
				}
				record(path, k)
			}
			cur = path
		case unstable.KeyValue:
			keyval(cur, e)
		}
	}
	return s
}

// locate returns the position of idx, or of its nearest enclosing key in
// the document (a missing key points at its table).
func (s *source) locate(idx string) (line, col int) {
	if s == nil || s.pos == nil {
		return 0, 0
	}
	for {
		if p, ok := s.pos[idx]; ok {
			return p.line, p.col
		}
		cut := max(strings.LastIndexByte(idx, '.'), strings.LastIndexByte(idx, '['))
		if cut <= 0 {
			return 0, 0
		}
		idx = idx[:cut]
	}
}

// errorsOf locates problems in the source.
func (s *source) errorsOf(ps problems) []*Error {
	out := make([]*Error, 0, len(ps))
	file := ""
	if s != nil {
		file = s.file
	}
	for _, p := range ps {
		e := &Error{File: file, Path: p.p.disp, Msg: p.msg}
		e.Line, e.Col = s.locate(p.p.idx)
		if p.ctx && e.Line > 0 {
			e.Context = excerpt(s.data, e.Line, e.Col, p.msg)
		}
		out = append(out, e)
	}
	return out
}

// syntaxError turns go-toml's parse error into an Error with its position
// and context.
func syntaxError(file string, err error) *Error {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		p := ""
		for _, k := range de.Key() {
			p = joinKey(p, k)
		}
		return &Error{
			File:    file,
			Line:    line,
			Col:     col,
			Path:    p,
			Msg:     strings.TrimPrefix(de.Error(), "toml: "),
			Context: de.String(),
		}
	}
	return &Error{File: file, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
}

// excerpt shows the lines up to line with a marker under col, as go-toml's
// error context does.
func excerpt(data []byte, line, col int, msg string) string {
	lines := strings.Split(string(data), "\n")
	if line > len(lines) {
		return ""
	}
	first := max(1, line-2)
	width := len(strconv.Itoa(line))
	var b strings.Builder
	for n := first; n <= line; n++ {
		fmt.Fprintf(&b, "%*d| %s\n", width, n, strings.TrimSuffix(lines[n-1], "\r"))
	}
	// The marker spans the key under col.
	l := lines[line-1]
	end := col - 1
	for end < len(l) && isBare(l[end]) {
		end++
	}
	fmt.Fprintf(&b, "%*s| %s%s %s", width, "", strings.Repeat(" ", col-1), strings.Repeat("~", max(1, end-col+1)), msg)
	return b.String()
}
