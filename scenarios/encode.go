package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
)

// Encode returns the scenario as TOML with every value explicit (defaults
// filled in, variants and expectations included): Parse reads it back to
// an equal Spec, so a run's folder can hold the exact scenario it ran.
func (s *Spec) Encode() ([]byte, error) {
	var e encoder
	e.b.WriteString("# Resolved scenario: every default filled in. legolab validate/run read it as is.\n")
	e.table(reflect.ValueOf(s).Elem(), path{})
	if e.err != nil {
		return nil, e.err
	}
	return []byte(e.b.String()), nil
}

type encoder struct {
	b   strings.Builder
	err error
}

// isTable reports whether a field is written as a sub-table or an array of
// tables after the table's plain keys.
func isTable(v reflect.Value) bool {
	t := v.Type()
	switch {
	case t.Kind() == reflect.Struct && t != timeType:
		return true
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct && t.Elem() != timeType:
		return v.Len() > 0
	}
	return false
}

func (e *encoder) table(v reflect.Value, p path) {
	fs := fieldsOf(v.Type())
	for _, f := range fs {
		fv := v.Field(f.index)
		if isTable(fv) {
			continue
		}
		if fv.Kind() == reflect.Map && fv.Type().Elem().Kind() == reflect.Interface && fv.Len() > 0 {
			// A variant's set, as dotted keys: set.hubs.interlink.enabled = true.
			for _, ent := range flattenSet(fv.Interface().(map[string]any)) {
				k := quoteKey(f.key)
				for _, kk := range ent.keys {
					k += "." + quoteKey(kk)
				}
				fmt.Fprintf(&e.b, "%s = %s\n", k, e.value(reflect.ValueOf(ent.value), p.key(f.key)))
			}
			continue
		}
		if isAbsent(fv) {
			continue
		}
		fmt.Fprintf(&e.b, "%s = %s\n", quoteKey(f.key), e.value(fv, p.key(f.key)))
	}
	for _, f := range fs {
		fv := v.Field(f.index)
		if !isTable(fv) {
			continue
		}
		sub := p.key(f.key)
		if fv.Kind() == reflect.Struct {
			fmt.Fprintf(&e.b, "\n[%s]\n", sub.idx)
			e.table(fv, sub)
			continue
		}
		for i := range fv.Len() {
			fmt.Fprintf(&e.b, "\n[[%s]]\n", sub.idx)
			e.table(fv.Index(i), path{disp: sub.disp, idx: sub.idx})
		}
	}
}

// isAbsent reports a nil pointer, slice or map: written as nothing, so that
// it reads back nil.
func isAbsent(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// value formats v as a TOML value.
func (e *encoder) value(v reflect.Value, p path) string {
	if v.Type() == timeType {
		t := v.Interface().(time.Time)
		if t.Equal(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)) {
			return t.UTC().Format(time.DateOnly)
		}
		return t.Format(time.RFC3339Nano)
	}
	switch v.Kind() {
	case reflect.Float64:
		return formatFloat(v.Float())
	case reflect.Int, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint64:
		if v.Uint() > math.MaxInt64 {
			// A TOML integer is an int64: a larger seed (half of all point
			// seeds of a sweep) is written as a decimal string, which the
			// decoder reads back.
			return quoteString(strconv.FormatUint(v.Uint(), 10))
		}
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.String:
		return quoteString(v.String())
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return `""`
		}
		return e.value(v.Elem(), p)
	case reflect.Slice:
		parts := make([]string, v.Len())
		for i := range v.Len() {
			parts[i] = e.value(v.Index(i), p.elem(i, ""))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.Map:
		keys := v.MapKeys()
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = k.String()
		}
		parts := make([]string, 0, len(keys))
		for _, k := range sortedKeys(toSet(names)) {
			parts = append(parts, quoteKey(k)+" = "+e.value(v.MapIndex(reflect.ValueOf(k)), p.key(k)))
		}
		if len(parts) == 0 {
			return "{}"
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	case reflect.Struct:
		// Generic tree dates and times, and the rare struct inside an array
		// of scalars: as an inline table.
		switch x := v.Interface().(type) {
		case toml.LocalDate:
			return x.String()
		case toml.LocalTime:
			return x.String()
		case toml.LocalDateTime:
			return x.String()
		}
		var parts []string
		for _, f := range fieldsOf(v.Type()) {
			fv := v.Field(f.index)
			if isAbsent(fv) {
				continue
			}
			parts = append(parts, quoteKey(f.key)+" = "+e.value(fv, p.key(f.key)))
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	if e.err == nil {
		e.err = fmt.Errorf("scenarios: %s: cannot encode a %s", p.disp, v.Type())
	}
	return `""`
}

func toSet(s []string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, x := range s {
		m[x] = true
	}
	return m
}

// Parameter is one scalar of a scenario, by key path, with its value in
// TOML syntax: Set(p.Key, p.Value) sets it back.
type Parameter struct {
	Key, Value string
}

// Parameters lists every value of the base scenario (variants, priors and
// expectations aside) by key path, in declaration order: map entries by
// key, arrays of scalars as one value, elements of named arrays by name.
// It is the parameter table of a report.
func (s *Spec) Parameters() []Parameter {
	var e encoder
	var out []Parameter
	var walk func(v reflect.Value, p path)
	walk = func(v reflect.Value, p path) {
		t := v.Type()
		switch {
		case t == timeType:
		case t.Kind() == reflect.Struct:
			for _, f := range fieldsOf(t) {
				if t == reflect.TypeFor[Spec]() && (f.key == "variants" || f.key == "expect" || f.key == "priors") {
					continue
				}
				walk(v.Field(f.index), p.key(f.key))
			}
			return
		case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct && t.Elem() != timeType:
			kf := keyField(t.Elem())
			for i := range v.Len() {
				name := ""
				if kf != "" {
					name = v.Index(i).Field(mustField(t.Elem(), kf)).String()
					if countNamed(v, kf, name) != 1 {
						name = ""
					}
				}
				walk(v.Index(i), p.elem(i, name))
			}
			return
		case t.Kind() == reflect.Map:
			keys := make([]string, 0, v.Len())
			for _, k := range v.MapKeys() {
				keys = append(keys, k.String())
			}
			for _, k := range sortedKeys(toSet(keys)) {
				walk(v.MapIndex(reflect.ValueOf(k)), p.key(k))
			}
			return
		case isAbsent(v):
			return
		}
		out = append(out, Parameter{Key: p.disp, Value: e.value(v, p)})
	}
	walk(reflect.ValueOf(s).Elem(), path{})
	return out
}
