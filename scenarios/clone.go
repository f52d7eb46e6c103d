package scenarios

import "reflect"

// Clone returns a deep copy of s: changing one never changes the other.
func (s *Spec) Clone() *Spec {
	if s == nil {
		return nil
	}
	c := new(Spec)
	deepCopy(reflect.ValueOf(c).Elem(), reflect.ValueOf(s).Elem())
	return c
}

// deepCopy copies src into dst (settable, same type), sharing nothing
// mutable. Structs of other packages (time.Time) are values and copied
// whole.
func deepCopy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Struct:
		if src.Type().PkgPath() != reflect.TypeFor[Spec]().PkgPath() {
			dst.Set(src)
			return
		}
		for i := range src.NumField() {
			if dst.Field(i).CanSet() {
				deepCopy(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Slice:
		if src.IsNil() {
			dst.Set(reflect.Zero(src.Type()))
			return
		}
		out := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			deepCopy(out.Index(i), src.Index(i))
		}
		dst.Set(out)
	case reflect.Map:
		if src.IsNil() {
			dst.Set(reflect.Zero(src.Type()))
			return
		}
		out := reflect.MakeMapWithSize(src.Type(), src.Len())
		iter := src.MapRange()
		for iter.Next() {
			ev := reflect.New(src.Type().Elem()).Elem()
			deepCopy(ev, iter.Value())
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
		p := reflect.New(src.Type().Elem())
		deepCopy(p.Elem(), src.Elem())
		dst.Set(p)
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
