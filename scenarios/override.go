package scenarios

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// seg is one step of a key path: a key or an index.
type seg struct {
	key     string
	index   int
	isIndex bool
}

func (g seg) String() string {
	if g.isIndex {
		return "[" + strconv.Itoa(g.index) + "]"
	}
	return quoteKey(g.key)
}

func segsString(segs []seg) string {
	var b strings.Builder
	for i, g := range segs {
		if i > 0 && !g.isIndex {
			b.WriteByte('.')
		}
		b.WriteString(g.String())
	}
	return b.String()
}

// parsePath splits a key path into segments.
func parsePath(s string) ([]seg, error) {
	var segs []seg
	i := 0
	skip := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
	}
	for {
		skip()
		if i >= len(s) {
			return nil, fmt.Errorf("key path %q ends where a key was expected", s)
		}
		switch c := s[i]; {
		case c == '"' || c == '\'':
			// Let go-toml unquote, so escapes mean what they mean in a file.
			end := i + 1
			for end < len(s) && s[end] != c {
				if c == '"' && s[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(s) {
				return nil, fmt.Errorf("key path %q has an unterminated quoted key", s)
			}
			var m map[string]any
			if err := toml.Unmarshal([]byte("k = "+s[i:end+1]), &m); err != nil {
				return nil, fmt.Errorf("key path %q has a bad quoted key %s", s, s[i:end+1])
			}
			k, _ := m["k"].(string)
			segs = append(segs, seg{key: k})
			i = end + 1
		default:
			start := i
			for i < len(s) && isBare(s[i]) {
				i++
			}
			if i == start {
				return nil, fmt.Errorf("key path %q has an unexpected %q at byte %d", s, s[i], i+1)
			}
			segs = append(segs, seg{key: s[start:i]})
		}
		for {
			skip()
			if i >= len(s) || s[i] != '[' {
				break
			}
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("key path %q has an unclosed [", s)
			}
			n, err := strconv.Atoi(strings.TrimSpace(s[i+1 : i+end]))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("key path %q: index %q is not a non-negative integer", s, s[i+1:i+end])
			}
			segs = append(segs, seg{index: n, isIndex: true})
			i += end + 1
		}
		skip()
		if i >= len(s) {
			return segs, nil
		}
		if s[i] != '.' {
			return nil, fmt.Errorf("key path %q has an unexpected %q at byte %d", s, s[i], i+1)
		}
		i++
	}
}

func isBare(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// parseValue parses an override's value as a TOML value, or takes it as a
// string when it is not one.
func parseValue(value string) any {
	var m map[string]any
	if err := toml.Unmarshal([]byte("v = "+value), &m); err == nil && len(m) == 1 {
		if x, ok := m["v"]; ok {
			return x
		}
	}
	return value
}

// setter applies overrides to one Spec, reporting problems at the paths of
// the user's spelling: disp is the display prefix (e.g. "variants.hub."),
// idx the positional path of the override in its file ("" off file).
type setter struct {
	spec *Spec
	d    decoder
	// dry only resolves the path: nothing is set.
	dry bool
}

// set applies value x at segs. prefix and idx locate the problems; it
// returns the canonical display path of the target (protocols.Bittensor
// .openness for protocols[0].openness or a hub alias), or "" on failure.
func (st *setter) set(segs []seg, x any, prefix, idx string) string {
	v := reflect.ValueOf(st.spec).Elem()
	canon := ""
	fail := func(at string, format string, args ...any) string {
		st.d.fail(path{disp: prefix + at, idx: idx}, format, args...)
		return ""
	}
	for i := 0; i < len(segs); i++ {
		g := segs[i]
		rest := segs[i+1:]
		t := v.Type()
		here := canon
		if g.isIndex {
			here += g.String()
		} else {
			here = joinKey(here, g.key)
		}
		switch {
		case t.Kind() == reflect.Struct && t != timeType:
			if g.isIndex {
				return fail(here, "%s is a table, not an array", describeTarget(canon))
			}
			if t == reflect.TypeFor[Spec]() && g.key == "hub" {
				// hub.X is hubs.NAME.X when there is exactly one hub.
				if n := len(st.spec.Hubs); n != 1 {
					return fail(here, "the hub alias needs exactly one hub, the scenario has %d (use hubs.NAME)", n)
				}
				segs = slices.Concat(segs[:i], []seg{{key: "hubs"}, {key: st.spec.Hubs[0].Name}}, rest)
				i--
				continue
			}
			if t == reflect.TypeFor[Spec]() && g.key == "variants" && len(rest) > 0 && !rest[0].isIndex {
				return st.setVariantEntry(rest, x, prefix, idx)
			}
			f, ok := lookupField(t, g.key)
			if !ok {
				keys := fieldKeys(t)
				if t == reflect.TypeFor[Spec]() && len(st.spec.Hubs) == 1 {
					keys = append(keys, "hub")
				}
				return fail(here, "unknown key%s", didYouMean(g.key, keys))
			}
			v = v.Field(f.index)
			canon = here
		case t.Kind() == reflect.Slice:
			n := v.Len()
			kf := keyField(t.Elem())
			if g.isIndex {
				if g.index >= n {
					return fail(here, "index out of range: %s has %d elements", describeTarget(canon), n)
				}
				name := ""
				if kf != "" {
					name = v.Index(g.index).FieldByIndex([]int{mustField(t.Elem(), kf)}).String()
					if countNamed(v, kf, name) != 1 {
						name = ""
					}
				}
				v = v.Index(g.index)
				canon = path{disp: canon}.elem(g.index, name).disp
				continue
			}
			if kf == "" {
				return fail(here, "%s is addressed by index, as %s[0]", describeTarget(canon), canon)
			}
			fi := mustField(t.Elem(), kf)
			var names []string
			found := -1
			for j := range n {
				name := v.Index(j).Field(fi).String()
				names = append(names, name)
				if name == g.key && found < 0 {
					found = j
				}
			}
			if found < 0 {
				return fail(here, "no %s with %s %s%s", noun(canon), kf, quoteString(g.key), didYouMean(g.key, names))
			}
			// The canonical spelling is the checker's: by name when the
			// name is unique, else by index.
			name := g.key
			if countNamed(v, kf, name) != 1 {
				name = ""
			}
			v = v.Index(found)
			canon = path{disp: canon}.elem(found, name).disp
		case t.Kind() == reflect.Map && t.Elem().Kind() == reflect.Interface:
			// A variant's set reached by index: store the entry as written.
			if st.dry {
				return canon + "." + segsString(segs[i:])
			}
			if v.IsNil() {
				v.Set(reflect.ValueOf(map[string]any{}))
			}
			putTree(v.Interface().(map[string]any), segKeys(segs[i:]), copyTreeValue(x))
			return canon + "." + segsString(segs[i:])
		case t.Kind() == reflect.Map:
			if g.isIndex {
				return fail(here, "%s is a table, not an array", describeTarget(canon))
			}
			if len(rest) > 0 {
				return fail(joinKey(here, rest[0].key), "%s is %s, not a table", here, want(t.Elem()))
			}
			if st.dry {
				return here
			}
			ev := reflect.New(t.Elem()).Elem()
			if !st.d.decode(x, ev, path{disp: prefix + here, idx: idx}, true) {
				return ""
			}
			if v.IsNil() {
				v.Set(reflect.MakeMap(t))
			}
			v.SetMapIndex(reflect.ValueOf(g.key), ev)
			return here
		default:
			return fail(here, "%s is %s, not a table", canon, want(t))
		}
	}
	if st.dry {
		return canon
	}
	if m, ok := x.(map[string]any); ok && len(m) == 0 && v.Kind() == reflect.Map {
		// A table merges into the map it addresses, so {} would change
		// nothing; it means what it means in a file, an empty map, which
		// the rules then judge as they judge the file (serves = {} is an
		// error there and here).
		v.Set(reflect.MakeMap(v.Type()))
		return canon
	}
	if !st.d.decode(x, v, path{disp: prefix + canon, idx: idx}, false) {
		return ""
	}
	return canon
}

func describeTarget(canon string) string {
	if canon == "" {
		return "the scenario"
	}
	return canon
}

func mustField(t reflect.Type, key string) int {
	f, ok := lookupField(t, key)
	if !ok {
		panic("scenarios: no field " + key + " in " + t.String())
	}
	return f.index
}

func countNamed(v reflect.Value, key, name string) int {
	fi := mustField(v.Type().Elem(), key)
	n := 0
	for j := range v.Len() {
		if v.Index(j).Field(fi).String() == name {
			n++
		}
	}
	return n
}

// setVariantEntry handles variants.NAME.PATH: it checks PATH and the value
// against the base, then stores them in the variant's set, replacing any
// entry with the same target.
func (st *setter) setVariantEntry(segs []seg, x any, prefix, idx string) string {
	name := segs[0].key
	vi := slices.IndexFunc(st.spec.Variants, func(v Variant) bool { return v.Name == name })
	if vi < 0 {
		names := make([]string, len(st.spec.Variants))
		for i, v := range st.spec.Variants {
			names[i] = v.Name
		}
		st.d.fail(path{disp: prefix + joinKey("variants", name), idx: idx}, "no variant named %s%s", quoteString(name), didYouMean(name, names))
		return ""
	}
	rest := segs[1:]
	if len(rest) > 0 && !rest[0].isIndex && rest[0].key == "set" {
		rest = rest[1:]
	}
	vprefix := prefix + joinKey("variants", name) + "."
	if len(rest) == 0 {
		st.d.fail(path{disp: vprefix[:len(vprefix)-1], idx: idx}, "an override of a variant needs a key path after the variant's name")
		return ""
	}
	// Check on a scratch copy with the variant already applied, so that
	// the new entry is judged in the variant's world.
	trial := st.spec.Clone()
	tv := &trial.Variants[vi]
	sub := setter{spec: trial}
	sub.applyEntries(tv, "", "")
	sub.d = decoder{}
	target := sub.set(rest, x, vprefix, idx)
	if target == "" {
		st.d.probs = append(st.d.probs, sub.d.probs...)
		return ""
	}
	v := &st.spec.Variants[vi]
	// Drop entries that override the same target under another spelling.
	for _, e := range flattenSet(v.Set) {
		probe := setter{spec: st.spec.Clone()}
		if probe.set(e.segs, e.value, "", "") == target {
			deleteTree(v.Set, e.keys)
		}
	}
	if v.Set == nil {
		v.Set = map[string]any{}
	}
	putTree(v.Set, segKeys(rest), copyTreeValue(x))
	return joinKey("variants", name) + "." + target
}

// setEntry is one leaf of a variant's set: the keys as written, the path
// they spell and the value.
type setEntry struct {
	keys  []string
	segs  []seg
	value any
}

// flattenSet lists the leaves of a variant's set in key order. Tables are
// descended into (a nested table merges), so every leaf is a scalar or an
// array. A key holding a dot or brackets (written quoted) is itself a path.
func flattenSet(m map[string]any) []setEntry {
	var out []setEntry
	var walk func(m map[string]any, keys []string, segs []seg)
	walk = func(m map[string]any, keys []string, segs []seg) {
		for _, k := range sortedKeys(m) {
			ks := append(slices.Clone(keys), k)
			ss := slices.Clone(segs)
			if p, err := parsePath(k); err == nil && strings.ContainsAny(k, ".[") {
				ss = append(ss, p...)
			} else {
				ss = append(ss, seg{key: k})
			}
			if sub, ok := m[k].(map[string]any); ok && len(sub) > 0 {
				walk(sub, ks, ss)
				continue
			}
			out = append(out, setEntry{keys: ks, segs: ss, value: m[k]})
		}
	}
	walk(m, nil, nil)
	return out
}

// segKeys spells segs as the keys of nested tables: an index joins the key
// before it ("shocks[0]"), which flattenSet reads back as a path.
func segKeys(segs []seg) []string {
	var keys []string
	for _, g := range segs {
		if g.isIndex && len(keys) > 0 {
			last := keys[len(keys)-1]
			if !strings.ContainsAny(last, "[") {
				last = quoteKey(last)
			}
			keys[len(keys)-1] = last + g.String()
			continue
		}
		keys = append(keys, g.key)
	}
	return keys
}

// putTree stores x in m at the nested keys, creating tables on the way.
func putTree(m map[string]any, keys []string, x any) {
	for _, k := range keys[:len(keys)-1] {
		sub, ok := m[k].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[k] = sub
		}
		m = sub
	}
	m[keys[len(keys)-1]] = x
}

// deleteTree removes the leaf at keys and the tables it leaves empty.
func deleteTree(m map[string]any, keys []string) {
	if len(keys) == 1 {
		delete(m, keys[0])
		return
	}
	sub, ok := m[keys[0]].(map[string]any)
	if !ok {
		return
	}
	deleteTree(sub, keys[1:])
	if len(sub) == 0 {
		delete(m, keys[0])
	}
}

// applyEntries applies a variant's set to st.spec. prefix and idxBase
// locate problems: idxBase is the positional path of the variant's set
// table in its file, or "" off file. It returns, for each entry applied,
// its canonical target and positional path.
//
// Two entries that reach one target through different spellings (a hub
// by name and by index, hub.X beside hubs.NAME.X, protocols[0].x beside
// protocols.NAME.x) are an error at the second, naming both: which one
// wins would depend on the spellings' sort order.
func (st *setter) applyEntries(v *Variant, prefix, idxBase string) map[string]string {
	targets := map[string]string{}
	spelled := map[string]string{}
	for _, e := range flattenSet(v.Set) {
		idx := ""
		if idxBase != "" {
			idx = idxBase
			for _, k := range e.keys {
				idx = joinKey(idx, k)
			}
		}
		t := st.set(e.segs, e.value, prefix, idx)
		if t == "" {
			continue
		}
		here := segsString(e.segs)
		if first, dup := spelled[t]; dup {
			// The value is set already; the problem fails the variant.
			st.d.fail(path{disp: prefix + here, idx: idx}, "sets %s a second time: as %s and as %s; give it once", t, first, here)
			continue
		}
		spelled[t] = here
		targets[t] = idx
	}
	for _, f := range st.d.pending {
		f(st.spec)
	}
	st.d.pending = nil
	return targets
}

// Set overrides the value at keyPath with value. It does not validate the
// result, so that several related values can be set in turn: Apply and
// Variant do. On error s may be partly changed.
//
// A key path is TOML's dotted-key syntax:
//
//	horizon_days                        a top-level value
//	builders.q_per_year                 a value in a table
//	protocols.Bittensor.openness        an element of a named array (protocols,
//	                                    hubs, app_types, variants by name;
//	                                    populations by prefix)
//	protocols."Sahara AI".openness      a name that is not a bare key, quoted
//	shocks[0].day                       an element by index (0-based), any array
//	protocols.Bittensor.serves.data     a map entry (serves, standards), added
//	                                    when absent
//	hub.adapter_cost                    alias of hubs.NAME.adapter_cost when the
//	                                    scenario has exactly one hub
//	variants.hub.hubs.interlink.enabled an entry of variant hub's set
//
// The value is a TOML value (30, 0.7, "zk", true, 2025-07-01, ["data"],
// {a = 1}); a value that is not valid TOML is taken as a string, so
// verification=zk works on a command line. A table merges into the table it
// addresses; an array replaces the array.
func (s *Spec) Set(keyPath, value string) error {
	segs, err := parsePath(keyPath)
	if err != nil {
		return &Error{Path: keyPath, Msg: err.Error()}
	}
	st := setter{spec: s}
	st.set(segs, parseValue(value), "", "")
	for _, f := range st.d.pending {
		f(s)
	}
	return joinErrors((*source)(nil).errorsOf(st.d.probs))
}

// Apply applies assignments of the form KEY=VALUE (see Set), then validates
// the result. It reports every problem: malformed assignments, bad paths
// and values, and what Validate finds.
func (s *Spec) Apply(assignments []string) error {
	var errs []*Error
	for _, a := range assignments {
		k, v, ok := strings.Cut(a, "=")
		if !ok || strings.TrimSpace(k) == "" {
			errs = append(errs, &Error{Path: a, Msg: "expected KEY=VALUE, as in protocols.Bittensor.openness=0.7"})
			continue
		}
		errs = append(errs, Errors(s.Set(strings.TrimSpace(k), strings.TrimSpace(v)))...)
	}
	if len(errs) > 0 {
		return joinErrors(errs)
	}
	return s.Validate()
}

// VariantNames returns the names of the variants in declaration order, or
// ["base"] when the scenario declares none.
func (s *Spec) VariantNames() []string {
	if len(s.Variants) == 0 {
		return []string{"base"}
	}
	names := make([]string, len(s.Variants))
	for i, v := range s.Variants {
		names[i] = v.Name
	}
	return names
}

// Variant returns a copy of the scenario with variant name's overrides
// applied, validated. When the scenario declares no variants, the only
// variant is "base", the scenario itself; when it declares some, only their
// names are valid. The copy keeps Variants and Expect unchanged.
func (s *Spec) Variant(name string) (*Spec, error) {
	c := s.Clone()
	if len(s.Variants) == 0 && name == "base" {
		return c, nil
	}
	vi := slices.IndexFunc(s.Variants, func(v Variant) bool { return v.Name == name })
	if vi < 0 {
		return nil, &Error{Path: "variants", Msg: fmt.Sprintf("no variant named %s%s", quoteString(name), didYouMean(name, s.VariantNames()))}
	}
	st := setter{spec: c}
	st.applyEntries(&s.Variants[vi], joinKey("variants", name)+".", "")
	if len(st.d.probs) > 0 {
		return nil, joinErrors((*source)(nil).errorsOf(st.d.probs))
	}
	// The variants themselves were checked when s was loaded; the copy's
	// own values are what remains to check.
	ck := &checker{s: c, named: map[string]bool{}}
	ck.checkBase()
	if err := joinErrors((*source)(nil).errorsOf(ck.ps)); err != nil {
		errs := Errors(err)
		for i, e := range errs {
			ce := *e
			ce.Path = joinKey("variants", name) + "." + e.Path
			errs[i] = &ce
		}
		return nil, joinErrors(errs)
	}
	return c, nil
}

// noun names an element of the array at canon: "protocol" for protocols.
func noun(canon string) string {
	if i := strings.LastIndexByte(canon, '.'); i >= 0 {
		canon = canon[i+1:]
	}
	switch canon {
	case "app_types":
		return "app type"
	case "protocols", "hubs", "variants", "populations":
		return strings.TrimSuffix(canon, "s")
	}
	return "element of " + canon
}
