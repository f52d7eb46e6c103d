package scenarios

import (
	"reflect"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Document is a parsed TOML file decoded with the rules and messages of
// scenario files: every unknown key (with a "did you mean"), every value of
// the wrong type, each located at FILE:LINE:COL and joined. Other file
// formats of the project (sweep files) decode through it, so that they
// report problems in the same words.
type Document struct {
	src  *source
	tree map[string]any
	// failed holds the positional paths of values that did not decode.
	failed map[string]bool
}

// ParseDocument parses data as TOML; file names it in messages. A syntax
// error is returned as an *Error with its position and context.
func ParseDocument(file string, data []byte) (*Document, error) {
	var root map[string]any
	if err := toml.Unmarshal(data, &root); err != nil {
		return nil, joinErrors([]*Error{syntaxError(file, err)})
	}
	return &Document{src: newSource(file, data), tree: root}, nil
}

// Decode stores the document into v, a pointer to a struct whose fields
// carry `toml` keys and optional `default` tags. The keys a struct accepts
// are its fields', so unknown keys are found without a list to keep up.
// Absent keys take their `default` tag, or zero. It returns every problem
// found, located and joined; a value that failed to decode is left at its
// default and counts as absent for Has.
func (d *Document) Decode(v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		panic("scenarios: Document.Decode needs a pointer to a struct")
	}
	var dec decoder
	dec.decode(d.tree, rv.Elem(), path{}, true)
	d.failed = dec.failed
	if len(dec.probs) == 0 {
		return nil
	}
	return joinErrors(d.src.errorsOf(dec.probs))
}

// Has reports whether the document sets the value at the positional key
// path keyPath ("design", "params[1].min") and that value decoded.
func (d *Document) Has(keyPath string) bool {
	if d.failed[keyPath] {
		return false
	}
	segs, err := parsePath(keyPath)
	if err != nil {
		return false
	}
	var x any = d.tree
	for _, sg := range segs {
		if sg.isIndex {
			arr, ok := x.([]any)
			if !ok || sg.index < 0 || sg.index >= len(arr) {
				return false
			}
			x = arr[sg.index]
			continue
		}
		m, ok := x.(map[string]any)
		if !ok {
			return false
		}
		if x, ok = m[sg.key]; !ok {
			return false
		}
	}
	return true
}

// File is the document's file name.
func (d *Document) File() string { return d.src.file }

// ErrorAt returns a problem with the value at the positional key path
// keyPath, located at the key or, when it is absent, at its nearest
// enclosing key.
func (d *Document) ErrorAt(keyPath, msg string) *Error {
	e := &Error{File: d.src.file, Path: keyPath, Msg: msg}
	e.Line, e.Col = d.src.locate(keyPath)
	return e
}

// JoinErrors sorts problems by position (positionless ones last, in the
// order given), drops exact duplicates and joins them with errors.Join, as
// Load does; nil for none.
func JoinErrors(errs []*Error) error { return joinErrors(errs) }

// DidYouMean formats the hint scenario files give for an unknown name s:
// "; did you mean X?" when a candidate is near, else the list of valid
// names when it is short enough to help.
func DidYouMean(s string, candidates []string) string { return didYouMean(s, candidates) }

// Suggest returns the candidate nearest s when it is near enough to be a
// likely typo, or "".
func Suggest(s string, candidates []string) string { return suggest(s, candidates) }

// QuoteString returns s as a TOML basic string, escaping quotes,
// backslashes and control characters.
func QuoteString(s string) string { return quoteString(s) }

// CheckPath resolves keyPath against s without setting anything, and
// reports a path that names no value, as Set would.
func (s *Spec) CheckPath(keyPath string) error {
	segs, err := parsePath(keyPath)
	if err != nil {
		return &Error{Path: keyPath, Msg: err.Error()}
	}
	st := setter{spec: s, dry: true}
	st.set(segs, nil, "", "")
	return joinErrors((*source)(nil).errorsOf(st.d.probs))
}

// CanonicalPath resolves keyPath against s, as CheckPath does, and
// returns the canonical key path of the value it names: the same for
// every spelling (protocols.Bittensor.openness for protocols[0].openness,
// hubs.NAME.x for the hub alias hub.x), so that callers can find one value
// named twice.
func (s *Spec) CanonicalPath(keyPath string) (string, error) {
	segs, err := parsePath(keyPath)
	if err != nil {
		return "", &Error{Path: keyPath, Msg: err.Error()}
	}
	st := setter{spec: s, dry: true}
	canon := st.set(segs, nil, "", "")
	if err := joinErrors((*source)(nil).errorsOf(st.d.probs)); err != nil {
		return "", err
	}
	return canon, nil
}

// Failed reports whether a value at the positional key path keyPath, one
// enclosing it or one inside it failed to decode. A validator skips such
// keys, as Load does, so that one wrong value gives one message.
func (d *Document) Failed(keyPath string) bool {
	for k := range d.failed {
		if k == keyPath || strings.HasPrefix(k, keyPath) && len(k) > len(keyPath) && (k[len(keyPath)] == '.' || k[len(keyPath)] == '[') ||
			strings.HasPrefix(keyPath, k) && (keyPath[len(k)] == '.' || keyPath[len(k)] == '[') {
			return true
		}
	}
	return false
}

// QuoteKey returns k as a TOML key: bare when it can be, quoted otherwise.
func QuoteKey(k string) string { return quoteKey(k) }
