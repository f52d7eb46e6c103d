package scenarios

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// The range checks of numeric keys come from the struct tags that also
// generate the JSON Schema (jsonschema:"minimum=0,maximum=1",
// exclusiveMinimum, exclusiveMaximum), so the schema's bounds and the
// validator's cannot drift apart. A `why` tag adds a reason to the message:
// "must be in (0, 36525] (100 years), got 40000". Checks that depend on
// other values (sample_every_days ≤ horizon_days) stay hand-written.

// bound is the range of one numeric field.
type bound struct {
	key        string
	index      int
	lo, hi     float64
	hasLo      bool
	hasHi      bool
	loEx, hiEx bool
	why        string
}

var boundCache sync.Map // reflect.Type -> []bound

// boundsOf returns the bounded numeric fields of struct type t.
func boundsOf(t reflect.Type) []bound {
	if b, ok := boundCache.Load(t); ok {
		return b.([]bound)
	}
	var out []bound
	for _, f := range fieldsOf(t) {
		sf := t.Field(f.index)
		b := bound{key: f.key, index: f.index, why: sf.Tag.Get("why")}
		for _, kv := range strings.Split(sf.Tag.Get("jsonschema"), ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			var x float64
			var err error
			switch k {
			case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
				x, err = strconv.ParseFloat(v, 64)
				if err != nil {
					panic(fmt.Sprintf("scenarios: %s.%s: bad %s tag %q", t.Name(), sf.Name, k, v))
				}
			default:
				continue
			}
			switch k {
			case "minimum":
				b.lo, b.hasLo = x, true
			case "exclusiveMinimum":
				b.lo, b.hasLo, b.loEx = x, true, true
			case "maximum":
				b.hi, b.hasHi = x, true
			case "exclusiveMaximum":
				b.hi, b.hasHi, b.hiEx = x, true, true
			}
		}
		if !b.hasLo && !b.hasHi {
			continue
		}
		switch k := sf.Type.Kind(); {
		case k == reflect.Float64, k == reflect.Int, k == reflect.Pointer && sf.Type.Elem().Kind() == reflect.Float64:
		default:
			panic(fmt.Sprintf("scenarios: %s.%s: range tags on a %s", t.Name(), sf.Name, sf.Type))
		}
		out = append(out, b)
	}
	boundCache.Store(t, out)
	return out
}

// in reports whether x is within b.
func (b *bound) in(x float64) bool {
	if math.IsNaN(x) {
		return false
	}
	if b.hasLo && (x < b.lo || b.loEx && x == b.lo) {
		return false
	}
	if b.hasHi && (x > b.hi || b.hiEx && x == b.hi) {
		return false
	}
	return true
}

// text says what b allows: "in [0, 1]", "≥ 0", "> 0".
func (b *bound) text() string {
	switch {
	case b.hasLo && b.hasHi:
		l, r := "[", "]"
		if b.loEx {
			l = "("
		}
		if b.hiEx {
			r = ")"
		}
		return "in " + l + num(b.lo) + ", " + num(b.hi) + r
	case b.hasLo && b.loEx:
		return "> " + num(b.lo)
	case b.hasLo:
		return "≥ " + num(b.lo)
	case b.hiEx:
		return "< " + num(b.hi)
	}
	return "≤ " + num(b.hi)
}

// bounds checks every range-tagged field of the struct v points to, at
// key path p. Nested tables are checked by their own call.
func (c *checker) bounds(p path, v any) {
	rv := reflect.ValueOf(v).Elem()
	for _, b := range boundsOf(rv.Type()) {
		fv := rv.Field(b.index)
		var x float64
		switch fv.Kind() {
		case reflect.Float64:
			x = fv.Float()
		case reflect.Int:
			x = float64(fv.Int())
		case reflect.Pointer:
			if fv.IsNil() {
				continue
			}
			x = fv.Elem().Float()
		}
		if b.in(x) {
			continue
		}
		why := ""
		if b.why != "" {
			why = " (" + b.why + ")"
		}
		c.bad(p.key(b.key), "must be %s%s, got %s", b.text(), why, num(x))
	}
}
