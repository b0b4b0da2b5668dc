package awsfake

import (
	"fmt"
	"reflect"
	"slices"
	"time"
)

// Fill sets every field of v, an SDK value, recursively: every pointer set,
// every slice two items long, every nested structure filled, enums a valid
// value of their type. Variant 0 gives each string, number and time a
// distinct nonzero value (strings with characters that XML and JSON must
// escape) and booleans true; variant 1 sets them all to their zero value,
// present: "" strings, 0, false. The round-trip tests send what it fills
// through awsfake's encoders and the SDK's decoders; the fast decoder's
// tests compare it with the SDK's on the same answers.
func Fill(v reflect.Value, variant int) error {
	return (&filler{variant: variant}).fillAll(v, v.Type().String())
}

// filler sets every field of a value, recursively. Variant 0 gives each
// string, number and time a distinct nonzero value (strings with characters
// that XML and JSON must escape) and booleans true; variant 1 sets them all
// to their zero value, present: "" strings, 0, false. Enums take the first
// (variant 0) or last (variant 1) of their type's Values().
type filler struct {
	variant int
	err     error
	n       int
	open    []reflect.Type // the structures being filled, for types that hold themselves
}

func (f *filler) fill(v reflect.Value, path string) {
	f.n++
	t := v.Type()
	switch {
	case t == timeType:
		at := time.Date(2026, 1, 2, 3, 4, 5, 678e6, time.UTC).Add(time.Duration(f.n) * time.Hour)
		if f.variant == 1 {
			at = time.Date(2025, 6, 7, 8, 9, 10, 0, time.UTC)
		}
		v.Set(reflect.ValueOf(at))
	case t.Kind() == reflect.String:
		if values := reflect.Zero(t).MethodByName("Values"); values.IsValid() {
			enums := values.Call(nil)[0]
			if enums.Len() == 0 {
				f.fail("%s: enum %s has no values", path, t)
				return
			}
			i := 0
			if f.variant == 1 {
				i = enums.Len() - 1
			}
			v.Set(enums.Index(i))
			return
		}
		if f.variant == 0 {
			v.SetString(fmt.Sprintf("%s %d <&>'\"\tü ", path, f.n))
		}
	case t.Kind() == reflect.Bool:
		v.SetBool(f.variant == 0)
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		if f.variant == 0 {
			v.SetInt(int64(f.n))
		}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		if f.variant == 0 {
			v.SetFloat(float64(f.n) + 0.1) // 0.1: not exact in binary, so the shortest form matters
		}
	case t.Kind() == reflect.Pointer:
		if slices.Contains(f.open, t.Elem()) {
			return // a structure within itself: one level is enough
		}
		v.Set(reflect.New(t.Elem()))
		f.fill(v.Elem(), path)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		v.SetBytes([]byte(fmt.Sprintf("blob %d", f.n)))
	case t.Kind() == reflect.Slice:
		if slices.Contains(f.open, t.Elem()) {
			return
		}
		v.Set(reflect.MakeSlice(t, 2, 2))
		for i := range 2 {
			f.fill(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case t.Kind() == reflect.Map:
		v.Set(reflect.MakeMap(t))
		k, e := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		f.fill(k, path+".key")
		f.fill(e, path+".value")
		v.SetMapIndex(k, e)
	case t.Kind() == reflect.Struct:
		f.open = append(f.open, t)
		for i := range t.NumField() {
			if sf := t.Field(i); sf.IsExported() && sf.Type != metadataType {
				f.fill(v.Field(i), path+"."+sf.Name)
			}
		}
		f.open = f.open[:len(f.open)-1]
	default:
		f.fail("%s: cannot fill a %s", path, t)
	}
}

func (f *filler) fillAll(v reflect.Value, path string) error {
	f.fill(v, path)
	return f.err
}

func (f *filler) fail(format string, args ...any) {
	if f.err == nil {
		f.err = fmt.Errorf(format, args...)
	}
}
