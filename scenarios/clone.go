package scenarios

import (
	"maps"
	"reflect"
)

// Clone returns a deep copy of s: changing one never changes the other.
func (s *Spec) Clone() *Spec {
	if s == nil {
		return nil
	}
	c := new(Spec)
	deepCopy(reflect.ValueOf(c).Elem(), reflect.ValueOf(s).Elem(), specPlan)
	return c
}

// copyPlan is how deepCopy copies values of one type, worked out once
// per type from the Spec type down: a θ draw clones its scenario, so
// cloning costs on every replication of a prior-predictive run and every
// simulation of a calibration.
type copyPlan struct {
	// flat says that assigning a value copies it deeply: it holds no
	// slice, map, pointer or interface, nor a struct with an unexported
	// field (which deepCopy leaves out), or it is a named struct of
	// another package (time.Time), which is copied whole.
	flat bool
	// fields are a struct's fields' plans, nil for an unexported one; elem
	// is the plan of an array's, slice's, map's or pointer's elements.
	fields []*copyPlan
	elem   *copyPlan
}

var specPlan = planFor(reflect.TypeFor[Spec](), map[reflect.Type]*copyPlan{})

// planFor returns the plan of type t, with seen the plans made so far
// (also those still being made, for types that refer to themselves).
func planFor(t reflect.Type, seen map[reflect.Type]*copyPlan) *copyPlan {
	if p, ok := seen[t]; ok {
		return p
	}
	p := &copyPlan{}
	seen[t] = p
	switch t.Kind() {
	case reflect.Struct:
		// A struct of another package (time.Time) is a value: copied whole.
		p.flat = true
		if t.Name() != "" && t.PkgPath() != reflect.TypeFor[Spec]().PkgPath() {
			break
		}
		p.fields = make([]*copyPlan, t.NumField())
		for i := range p.fields {
			f := t.Field(i)
			if !f.IsExported() {
				p.flat = false
				continue
			}
			p.fields[i] = planFor(f.Type, seen)
			p.flat = p.flat && p.fields[i].flat
		}
	case reflect.Array:
		p.elem = planFor(t.Elem(), seen)
		p.flat = p.elem.flat
	case reflect.Slice, reflect.Map, reflect.Pointer:
		p.elem = planFor(t.Elem(), seen)
	case reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
	default:
		p.flat = true
	}
	return p
}

// deepCopy copies src into dst (settable, same type), by plan p of their
// type, sharing nothing mutable.
func deepCopy(dst, src reflect.Value, p *copyPlan) {
	if p.flat {
		dst.Set(src)
		return
	}
	switch src.Kind() {
	case reflect.Struct:
		for i, fp := range p.fields {
			if fp != nil {
				deepCopy(dst.Field(i), src.Field(i), fp)
			}
		}
	case reflect.Array:
		for i := range src.Len() {
			deepCopy(dst.Index(i), src.Index(i), p.elem)
		}
	case reflect.Slice:
		if src.IsNil() {
			dst.Set(reflect.Zero(src.Type()))
			return
		}
		out := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		if p.elem.flat {
			reflect.Copy(out, src)
		} else {
			for i := range src.Len() {
				deepCopy(out.Index(i), src.Index(i), p.elem)
			}
		}
		dst.Set(out)
	case reflect.Map:
		if src.IsNil() {
			dst.Set(reflect.Zero(src.Type()))
			return
		}
		// The scenario's own maps (serves, standards), cloned directly.
		switch m := src.Interface().(type) {
		case map[string]float64:
			dst.Set(reflect.ValueOf(maps.Clone(m)))
			return
		case map[string]string:
			dst.Set(reflect.ValueOf(maps.Clone(m)))
			return
		}
		out := reflect.MakeMapWithSize(src.Type(), src.Len())
		iter := src.MapRange()
		for iter.Next() {
			if p.elem.flat {
				out.SetMapIndex(iter.Key(), iter.Value())
				continue
			}
			ev := reflect.New(src.Type().Elem()).Elem()
			deepCopy(ev, iter.Value(), p.elem)
			out.SetMapIndex(iter.Key(), ev)
		}
		dst.Set(out)
	case reflect.Pointer:
		if src.Type() == particlesType {
			dst.Set(src) // never changed after loading: shared
			return
		}
		if src.IsNil() {
			dst.Set(reflect.Zero(src.Type()))
			return
		}
		np := reflect.New(src.Type().Elem())
		deepCopy(np.Elem(), src.Elem(), p.elem)
		dst.Set(np)
	case reflect.Interface:
		if src.IsNil() {
			dst.Set(reflect.Zero(src.Type()))
			return
		}
		// Generic TOML trees (a variant's set) hold maps and slices of any.
		dst.Set(reflect.ValueOf(copyTreeValue(src.Interface())))
	default:
		dst.Set(src)
	}
}
