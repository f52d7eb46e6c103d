package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// The decoder turns the generic tree go-toml parses a document into
// (map[string]any, []any, int64, float64, string, bool, dates) into Spec
// values. It is ours rather than go-toml's struct decoder so that one pass
// reports every unknown key (with a "did you mean") and every type error,
// knows which keys were present (a default applies only to an absent key:
// `openness = 0` must stay 0), and serves the overrides of Set and of
// variants with the same rules and messages as the file.

var timeType = reflect.TypeFor[time.Time]()

// problem is a not-yet-located Error.
type problem struct {
	p   path
	msg string
	// ctx asks for the document excerpt (decoding problems, as go-toml
	// gives for syntax errors).
	ctx bool
}

// problems collects every problem found, in order.
type problems []problem

func (ps *problems) add(p path, format string, args ...any) {
	*ps = append(*ps, problem{p: p, msg: fmt.Sprintf(format, args...)})
}

// decoder decodes trees into typed values, collecting problems.
type decoder struct {
	probs problems
	// failed holds the idx paths of values that could not be decoded; they
	// count as absent, so the default applies and validation does not
	// pile a second error on the first.
	failed map[string]bool
	// pending are the context-dependent defaults of new elements, run once
	// the whole value is decoded (a protocol's standards need its serves;
	// a population's dimensions need the scenario's).
	pending []func(s *Spec)
}

// filler is implemented by types with defaults that depend on other values;
// has reports whether a key was present in the element's table.
type filler interface {
	fill(has func(key string) bool, s *Spec)
}

func (d *decoder) fail(p path, format string, args ...any) {
	d.probs = append(d.probs, problem{p, fmt.Sprintf(format, args...), true})
	if d.failed == nil {
		d.failed = make(map[string]bool)
	}
	d.failed[p.idx] = true
}

// field describes a struct field of the schema.
type field struct {
	key    string // TOML key
	index  int
	def    string // default from the `default` tag
	hasDef bool
}

var fieldCache sync.Map // reflect.Type -> []field

// fieldsOf returns the TOML fields of struct type t in declaration order.
func fieldsOf(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	var fs []field
	for i := range t.NumField() {
		sf := t.Field(i)
		key, _, _ := strings.Cut(sf.Tag.Get("toml"), ",")
		if key == "" || key == "-" || !sf.IsExported() {
			continue
		}
		def, ok := sf.Tag.Lookup("default")
		fs = append(fs, field{key: key, index: i, def: def, hasDef: ok})
	}
	fieldCache.Store(t, fs)
	return fs
}

func fieldKeys(t reflect.Type) []string {
	fs := fieldsOf(t)
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = f.key
	}
	return keys
}

func lookupField(t reflect.Type, key string) (field, bool) {
	for _, f := range fieldsOf(t) {
		if f.key == key {
			return f, true
		}
	}
	return field{}, false
}

// keyField is the key that names the elements of an array of t: "name" or
// "prefix" (populations), or "" for arrays addressed by index only.
func keyField(t reflect.Type) string {
	if t.Kind() != reflect.Struct || t == timeType {
		return ""
	}
	for _, k := range []string{"name", "prefix"} {
		if f, ok := lookupField(t, k); ok && t.Field(f.index).Type.Kind() == reflect.String {
			return k
		}
	}
	return ""
}

// treeNames returns, for the tables of arr, the value of key when it is a
// string unique in arr, else "": the display name of each element.
func treeNames(arr []any, key string) []string {
	names := make([]string, len(arr))
	if key == "" {
		return names
	}
	count := make(map[string]int)
	for i, x := range arr {
		if m, ok := x.(map[string]any); ok {
			if s, ok := m[key].(string); ok && s != "" {
				names[i] = s
				count[s]++
			}
		}
	}
	for i, n := range names {
		if count[n] > 1 {
			names[i] = ""
		}
	}
	return names
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// describe names a tree value for an error message: `string "high"`.
func describe(x any) string {
	switch x := x.(type) {
	case string:
		if len(x) > 40 {
			x = x[:37] + "..."
		}
		return "string " + quoteString(x)
	case int64:
		return "integer " + strconv.FormatInt(x, 10)
	case float64:
		return "float " + formatFloat(x)
	case bool:
		return "boolean " + strconv.FormatBool(x)
	case toml.LocalDate:
		return "date " + x.String()
	case toml.LocalTime:
		return "time " + x.String()
	case toml.LocalDateTime:
		return "date-time " + x.String()
	case time.Time:
		return "date-time " + x.Format(time.RFC3339Nano)
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case nil:
		return "nothing"
	}
	return fmt.Sprintf("%T", x)
}

// want names what a Go type expects, for an error message.
func want(t reflect.Type) string {
	if t == timeType {
		return "a date like 2025-07-01"
	}
	switch t.Kind() {
	case reflect.Float64:
		return "a number"
	case reflect.Int:
		return "an integer"
	case reflect.Uint64:
		return "a non-negative integer"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "an array of " + plural(t.Elem())
	case reflect.Map, reflect.Struct:
		return "a table"
	case reflect.Pointer:
		return want(t.Elem())
	}
	return t.String()
}

func plural(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "strings"
	case reflect.Float64:
		return "numbers"
	case reflect.Struct:
		return "tables"
	}
	return want(t) + "s"
}

// decode stores tree into v (settable). fresh says v is a new value whose
// absent keys take their defaults; when false (an override merging into an
// existing table) absent keys keep their values. It reports whether tree
// was decoded without problems.
func (d *decoder) decode(tree any, v reflect.Value, p path, fresh bool) bool {
	t := v.Type()
	if t == timeType {
		return d.decodeTime(tree, v, p)
	}
	switch t.Kind() {
	case reflect.Struct:
		return d.decodeStruct(tree, v, p, fresh)
	case reflect.Slice:
		arr, ok := tree.([]any)
		if !ok {
			d.fail(p, "expected %s, got %s", want(t), describe(tree))
			return false
		}
		names := treeNames(arr, keyField(t.Elem()))
		out := reflect.MakeSlice(t, len(arr), len(arr))
		good := true
		for i, x := range arr {
			good = d.decode(x, out.Index(i), p.elem(i, names[i]), true) && good
		}
		v.Set(out)
		return good
	case reflect.Map:
		m, ok := tree.(map[string]any)
		if !ok {
			d.fail(p, "expected %s, got %s", want(t), describe(tree))
			return false
		}
		if t.Elem().Kind() == reflect.Interface {
			v.Set(reflect.ValueOf(copyTree(m)))
			return true
		}
		if v.IsNil() || fresh {
			v.Set(reflect.MakeMapWithSize(t, len(m)))
		}
		good := true
		for _, k := range sortedKeys(m) {
			ev := reflect.New(t.Elem()).Elem()
			if d.decode(m[k], ev, p.key(k), true) {
				v.SetMapIndex(reflect.ValueOf(k), ev)
			} else {
				good = false
			}
		}
		return good
	case reflect.Pointer:
		ev := reflect.New(t.Elem())
		if !d.decode(tree, ev.Elem(), p, true) {
			return false
		}
		v.Set(ev)
		return true
	case reflect.Float64:
		var f float64
		switch x := tree.(type) {
		case int64:
			f = float64(x)
		case float64:
			f = x
		default:
			d.fail(p, "expected %s, got %s", want(t), describe(tree))
			return false
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			d.fail(p, "must be a finite number, got %s", formatFloat(f))
			return false
		}
		v.SetFloat(f)
		return true
	case reflect.Int, reflect.Uint64:
		var n float64 // exact for the integers that matter here
		var i int64
		switch x := tree.(type) {
		case int64:
			i, n = x, float64(x)
		case string:
			// A seed of 2^63 or more does not fit a TOML integer: it is
			// written as a decimal string.
			u, err := strconv.ParseUint(x, 10, 64)
			if t.Kind() != reflect.Uint64 || err != nil {
				d.fail(p, "expected %s, got %s", want(t), describe(tree))
				return false
			}
			v.SetUint(u)
			return true
		case float64:
			// 1e3 is a natural way to write a count; 2.5 is not a count.
			// A seed (uint64) takes any integral float below 2^63, as its
			// JSON Schema does: a schema validator cannot tell 1e18 from
			// 1000000000000000000 (TestSchemaSeedAgreesWithDecoder).
			limit := float64(1 << 53)
			if t.Kind() == reflect.Uint64 {
				limit = 1 << 63
			}
			if x != math.Trunc(x) || math.IsInf(x, 0) || math.Abs(x) > limit || x == 1<<63 {
				d.fail(p, "expected %s, got %s", want(t), describe(tree))
				return false
			}
			i, n = int64(x), x
		default:
			d.fail(p, "expected %s, got %s", want(t), describe(tree))
			return false
		}
		if t.Kind() == reflect.Uint64 {
			if n < 0 {
				d.fail(p, "expected %s, got %s", want(t), describe(tree))
				return false
			}
			v.SetUint(uint64(i))
			return true
		}
		v.SetInt(i)
		return true
	case reflect.String:
		s, ok := tree.(string)
		if !ok {
			d.fail(p, "expected %s, got %s", want(t), describe(tree))
			return false
		}
		v.SetString(s)
		return true
	case reflect.Interface:
		// A value of any TOML type (a sweep parameter's values, a prior's
		// choice values), kept as the tree has it.
		if tree == nil {
			d.fail(p, "expected a value, got nothing")
			return false
		}
		v.Set(reflect.ValueOf(copyTreeValue(tree)))
		return true
	case reflect.Bool:
		b, ok := tree.(bool)
		if !ok {
			d.fail(p, "expected %s, got %s", want(t), describe(tree))
			return false
		}
		v.SetBool(b)
		return true
	}
	panic("scenarios: cannot decode into " + t.String())
}

func (d *decoder) decodeStruct(tree any, v reflect.Value, p path, fresh bool) bool {
	t := v.Type()
	m, ok := tree.(map[string]any)
	if !ok {
		d.fail(p, "expected a table, got %s", describe(tree))
		if fresh {
			applyDefaults(v)
		}
		return false
	}
	good := true
	bad := map[string]bool{}
	for _, k := range sortedKeys(m) {
		f, ok := lookupField(t, k)
		if !ok {
			d.probs = append(d.probs, problem{p.key(k), "unknown key" + didYouMean(k, fieldKeys(t)), true})
			good = false
			continue
		}
		if !d.decode(m[k], v.Field(f.index), p.key(k), fresh) {
			good = false
		}
		// Only a value that failed itself counts as absent; a problem
		// deeper inside (one bad protocol) leaves the rest in place.
		if d.failed[p.key(k).idx] {
			bad[k] = true
		}
	}
	has := func(k string) bool {
		_, ok := m[k]
		return ok && !bad[k]
	}
	if fresh {
		for _, f := range fieldsOf(t) {
			if !has(f.key) {
				fv := v.Field(f.index)
				fv.Set(reflect.Zero(fv.Type()))
				applyDefault(fv, f)
			}
		}
		if fl, ok := v.Addr().Interface().(filler); ok {
			d.pending = append(d.pending, func(s *Spec) { fl.fill(has, s) })
		}
	}
	return good
}

func (d *decoder) decodeTime(tree any, v reflect.Value, p path) bool {
	var y, mo, dd int
	switch x := tree.(type) {
	case toml.LocalDate:
		y, mo, dd = x.Year, x.Month, x.Day
	case toml.LocalDateTime:
		if x.Hour|x.Minute|x.Second|x.Nanosecond != 0 {
			d.fail(p, "expected %s, got %s", want(v.Type()), describe(tree))
			return false
		}
		y, mo, dd = x.Year, x.Month, x.Day
	case time.Time:
		if x.Hour()|x.Minute()|x.Second()|x.Nanosecond() != 0 {
			d.fail(p, "expected %s, got %s", want(v.Type()), describe(tree))
			return false
		}
		y, mo, dd = x.Year(), int(x.Month()), x.Day()
	case string:
		t, err := time.Parse(time.DateOnly, x)
		if err != nil {
			d.fail(p, "expected %s, got %s", want(v.Type()), describe(tree))
			return false
		}
		y, mo, dd = t.Year(), int(t.Month()), t.Day()
	default:
		d.fail(p, "expected %s, got %s", want(v.Type()), describe(tree))
		return false
	}
	v.Set(reflect.ValueOf(time.Date(y, time.Month(mo), dd, 0, 0, 0, 0, time.UTC)))
	return true
}

// applyDefault sets an absent field to its `default` tag, or, for a nested
// table without one, fills the table's own defaults.
func applyDefault(fv reflect.Value, f field) {
	if f.hasDef {
		setFromTag(fv, f.def)
		return
	}
	if fv.Kind() == reflect.Struct && fv.Type() != timeType {
		applyDefaults(fv)
	}
}

// applyDefaults fills every field of struct v from its `default` tag.
func applyDefaults(v reflect.Value) {
	for _, f := range fieldsOf(v.Type()) {
		applyDefault(v.Field(f.index), f)
	}
}

func setFromTag(v reflect.Value, tag string) {
	var err error
	switch v.Kind() {
	case reflect.Float64:
		var f float64
		f, err = strconv.ParseFloat(tag, 64)
		v.SetFloat(f)
	case reflect.Int:
		var n int64
		n, err = strconv.ParseInt(tag, 10, 64)
		v.SetInt(n)
	case reflect.Uint64:
		var n uint64
		n, err = strconv.ParseUint(tag, 10, 64)
		v.SetUint(n)
	case reflect.String:
		v.SetString(tag)
	case reflect.Bool:
		var b bool
		b, err = strconv.ParseBool(tag)
		v.SetBool(b)
	case reflect.Pointer:
		e := reflect.New(v.Type().Elem())
		setFromTag(e.Elem(), tag)
		v.Set(e)
	default:
		err = fmt.Errorf("unsupported kind %s", v.Kind())
	}
	if err != nil {
		panic(fmt.Sprintf("scenarios: bad default tag %q: %v", tag, err))
	}
}

// copyTree deep-copies a generic TOML tree.
func copyTree(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, x := range m {
		out[k] = copyTreeValue(x)
	}
	return out
}

func copyTreeValue(x any) any {
	switch x := x.(type) {
	case map[string]any:
		return copyTree(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = copyTreeValue(e)
		}
		return out
	}
	return x
}

// formatFloat formats f as a TOML float that reads back to exactly f.
func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".en") {
		s += ".0"
	}
	return s
}
