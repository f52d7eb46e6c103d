package scenarios

import (
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"
)

// sweepKeyIndex maps every key path of a TOML document to its place: the
// value's for scalars (where a message about the value should point), the
// key's for tables and arrays. Array tables and array elements are indexed
// ("params[1].min", "outcomes[0]"). keys maps the same paths to where their
// keys are written, which is where go-toml's strict errors point. It returns
// the parser's error for a document that is not TOML.
func sweepKeyIndex(data []byte) (idx, keys map[string]sweepPos, err error) {
	idx = map[string]sweepPos{}
	keys = map[string]sweepPos{}
	var p unstable.Parser
	p.Reset(data)
	at := func(r unstable.Range) sweepPos {
		sh := p.Shape(r)
		return sweepPos{sh.Start.Line, sh.Start.Column}
	}
	prefix := ""
	counts := map[string]int{}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			path, r := sweepJoinKey(e.Key())
			prefix = path
			idx[path] = at(r)
		case unstable.ArrayTable:
			path, r := sweepJoinKey(e.Key())
			prefix = fmt.Sprintf("%s[%d]", path, counts[path])
			counts[path]++
			idx[path] = at(r)
			idx[prefix] = at(r)
		case unstable.KeyValue:
			k, r := sweepJoinKey(e.Key())
			full := k
			if prefix != "" {
				full = prefix + "." + k
			}
			idx[full] = at(r)
			keys[full] = at(r)
			sweepIndexValue(idx, full, e.Value(), at)
		}
	}
	return idx, keys, p.Error()
}

// sweepIndexValue records the place of a value at path and, for arrays and
// inline tables, of everything inside it.
func sweepIndexValue(idx map[string]sweepPos, path string, v *unstable.Node, at func(unstable.Range) sweepPos) {
	switch v.Kind {
	case unstable.Array:
		it := v.Children()
		for i := 0; it.Next(); {
			n := it.Node()
			if n.Kind == unstable.Comment {
				continue
			}
			el := fmt.Sprintf("%s[%d]", path, i)
			if n.Raw.Length > 0 {
				idx[el] = at(n.Raw)
			} else {
				idx[el] = idx[path]
			}
			sweepIndexValue(idx, el, n, at)
			i++
		}
	case unstable.InlineTable:
		it := v.Children()
		for it.Next() {
			kv := it.Node()
			if kv.Kind != unstable.KeyValue {
				continue
			}
			k, r := sweepJoinKey(kv.Key())
			idx[path+"."+k] = at(r)
			sweepIndexValue(idx, path+"."+k, kv.Value(), at)
		}
	default:
		if v.Raw.Length > 0 {
			idx[path] = at(v.Raw)
		}
	}
}

// sweepJoinKey returns a (possibly dotted) key as "a.b.c" and the range of
// its first part.
func sweepJoinKey(it unstable.Iterator) (string, unstable.Range) {
	var parts []string
	var first unstable.Range
	for it.Next() {
		n := it.Node()
		if len(parts) == 0 {
			first = n.Raw
		}
		parts = append(parts, string(n.Data))
	}
	return strings.Join(parts, "."), first
}
