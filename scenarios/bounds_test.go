package scenarios

import (
	"reflect"
	"strings"
	"testing"
)

// TestBoundsFromTags checks that every range the schema tags declare is
// enforced by Validate, at the key: for each bounded field of a built-in
// scenario (the first element of each list), a value just outside the
// range must be reported there. Dist is left out: which of its fields
// apply depends on its family, and dist checks them. The test also fails
// when a type with bounds is not reached, so a new table cannot slip by.
func TestBoundsFromTags(t *testing.T) {
	skip := reflect.TypeFor[Dist]()
	// Every struct type with bounds, from the schema's type graph.
	want := map[reflect.Type]bool{}
	var types func(rt reflect.Type)
	seen := map[reflect.Type]bool{}
	types = func(rt reflect.Type) {
		for rt.Kind() == reflect.Slice || rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Map {
			rt = rt.Elem()
		}
		if rt.Kind() != reflect.Struct || rt == timeType || seen[rt] {
			return
		}
		seen[rt] = true
		if len(boundsOf(rt)) > 0 && rt != skip {
			want[rt] = true
		}
		for _, f := range fieldsOf(rt) {
			types(rt.Field(f.index).Type)
		}
	}
	types(reflect.TypeFor[Spec]())

	reached := map[reflect.Type]bool{}
	checked := 0
	var base *Spec
	var walk func(v reflect.Value, keyPath string)
	walk = func(v reflect.Value, keyPath string) {
		switch v.Kind() {
		case reflect.Pointer:
			if !v.IsNil() {
				walk(v.Elem(), keyPath)
			}
			return
		case reflect.Slice:
			if v.Len() > 0 {
				walk(v.Index(0), keyPath+"[0]")
			}
			return
		case reflect.Struct:
		default:
			return
		}
		rt := v.Type()
		if rt == skip || rt == timeType {
			return
		}
		reached[rt] = true
		for _, b := range boundsOf(rt) {
			fv := v.Field(b.index)
			if fv.Kind() == reflect.Pointer {
				continue // optional (shock day): set only with its shock kind
			}
			old := reflect.ValueOf(fv.Interface())
			bad := b.lo - 1
			if !b.hasLo {
				bad = b.hi + 1
			} else if b.loEx {
				bad = b.lo
			}
			if fv.Kind() == reflect.Int {
				fv.SetInt(int64(bad))
			} else {
				fv.SetFloat(bad)
			}
			key := strings.TrimPrefix(keyPath+"."+b.key, ".")
			found := false
			for _, e := range Errors(base.Validate()) {
				if strings.HasSuffix(e.Path, b.key) && strings.HasPrefix(e.Msg, "must be "+b.text()) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s = %v: no \"must be %s\" problem", key, bad, b.text())
			}
			checked++
			fv.Set(old)
		}
		for _, f := range fieldsOf(rt) {
			walk(v.Field(f.index), strings.TrimPrefix(keyPath+"."+f.key, "."))
		}
	}
	for _, name := range BuiltinNames() {
		var err error
		if base, err = Builtin(name); err != nil {
			t.Fatal(err)
		}
		if len(base.Verification.Mechanisms) >= 2 && len(base.Verification.Pairs) == 0 {
			m := base.Verification.Mechanisms
			base.Verification.Pairs = []Pair{{A: m[0], B: m[1], Cost: 1}}
		}
		// The bounds are what is tested here. Priors are checked by their
		// own tests, and each prior's probes would re-validate the whole
		// scenario at every one of the ~240 settings (minutes under -race).
		base.Priors = nil
		for i := range base.Variants {
			base.Variants[i].Priors = nil
		}
		if err := base.Validate(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		walk(reflect.ValueOf(base).Elem(), "")
	}
	for rt := range want {
		if !reached[rt] {
			t.Errorf("type %s has range tags but the built-in has none of it to check", rt.Name())
		}
	}
	if checked < 60 {
		t.Errorf("checked %d bounds; want the schema's 60-odd", checked)
	}
	t.Logf("checked %d bounds in %d types", checked, len(reached))
}
