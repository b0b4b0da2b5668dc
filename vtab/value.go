package vtab

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"time"
	"unsafe"
)

// TimeFormat is how timestamps are stored: RFC 3339 in UTC, which sorts and
// compares correctly as text. (modernc stores a time.Time as integer seconds.)
const TimeFormat = time.RFC3339

// SQLValue converts what a column getter returned into one of the values
// SQLite accepts: nil, int64, float64, string or []byte. Pointers are
// followed (nil is NULL), times become RFC 3339 UTC text, booleans 0/1,
// string-like enums their text, and for JSON columns slices, maps and structs
// become JSON text (empty ones NULL).
func SQLValue(typ Type, v any) (any, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		if typ == JSON {
			return jsonText(v)
		}
		return v, nil
	case *string:
		if v == nil {
			return nil, nil
		}
		return SQLValue(typ, *v)
	case int64:
		return v, nil
	case *int64:
		if v == nil {
			return nil, nil
		}
		return *v, nil
	case int32:
		return int64(v), nil
	case *int32:
		if v == nil {
			return nil, nil
		}
		return int64(*v), nil
	case int:
		return int64(v), nil
	case bool:
		return boolInt(v), nil
	case *bool:
		if v == nil {
			return nil, nil
		}
		return boolInt(*v), nil
	case float64:
		return v, nil
	case *float64:
		if v == nil {
			return nil, nil
		}
		return *v, nil
	case float32:
		return float32Value(v), nil
	case *float32:
		if v == nil {
			return nil, nil
		}
		return float32Value(*v), nil
	case time.Time:
		if v.IsZero() {
			return nil, nil
		}
		return v.UTC().Format(TimeFormat), nil
	case *time.Time:
		if v == nil || v.IsZero() {
			return nil, nil
		}
		return v.UTC().Format(TimeFormat), nil
	case []byte:
		return v, nil
	case json.RawMessage:
		return string(v), nil
	}
	return reflectValue(typ, reflect.ValueOf(v))
}

// float32Value widens by the shortest decimal form, so an API's 0.012
// stays 0.012 rather than 0.012000000104308128.
// Formatted into an array on the stack and parsed from there, not through
// a string of its own: a reserved instance has two such columns.
func float32Value(f float32) float64 {
	var a [32]byte
	b := strconv.AppendFloat(a[:0], float64(f), 'g', -1, 32)
	v, _ := strconv.ParseFloat(unsafe.String(unsafe.SliceData(b), len(b)), 64)
	return v
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func reflectValue(typ Type, rv reflect.Value) (any, error) {
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return nil, nil
		}
		rv = rv.Elem()
	}
	if typ == JSON {
		switch rv.Kind() {
		case reflect.Slice, reflect.Map:
			if rv.Len() == 0 {
				return nil, nil
			}
		}
		if s, ok, err := writeJSON(rv); ok {
			return s, err
		}
		return marshalJSON(rv.Interface())
	}
	switch rv.Kind() {
	case reflect.String:
		return rv.String(), nil
	case reflect.Bool:
		return boolInt(rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int64(rv.Uint()), nil
	case reflect.Float32:
		return float32Value(float32(rv.Float())), nil
	case reflect.Float64:
		return rv.Float(), nil
	case reflect.Struct:
		if t, ok := rv.Interface().(time.Time); ok {
			return SQLValue(typ, t)
		}
	}
	return nil, fmt.Errorf("cannot store a %s in a %s column", rv.Type(), typ)
}

// marshalJSON writes JSON without HTML escaping (a tag value "<none>" stays
// readable) and without the fields an API left out: null, [] and {} say
// nothing, and AWS sends an empty list where another answer omits it.
func marshalJSON(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	tree = prune(tree)
	if tree == nil {
		return nil, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(tree); err != nil {
		return nil, err
	}
	return string(bytes.TrimRight(b.Bytes(), "\n")), nil
}

// prune drops nulls and empty arrays and objects, depth first; it returns
// nil when nothing is left.
func prune(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if p := prune(e); p == nil {
				delete(v, k)
			} else {
				v[k] = p
			}
		}
		if len(v) == 0 {
			return nil
		}
	case []any:
		out := v[:0]
		for _, e := range v {
			if p := prune(e); p != nil {
				out = append(out, p)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return v
}

func jsonText(s string) (any, error) {
	if !ValidJSONText(s) {
		return nil, fmt.Errorf("not valid JSON: %.40q", s)
	}
	return s, nil
}

// valueKind is the SQLite storage class of an unboxed value.
type valueKind uint8

const (
	kindNull valueKind = iota
	kindInt
	kindFloat
	kindText // s, or b when the text was written into a buffer
	kindBlob // b
)

// unboxedValue is an SQL value held without an interface: what SQLValue
// returns, without the allocation that boxing a string or an integer
// costs each column of each row.
type unboxedValue struct {
	kind valueKind
	i    int64
	f    float64
	s    string
	b    []byte
}

// unboxed is SQLValue for what most columns return (strings, integers,
// booleans, times and pointers to them), unboxed; buf is scratch a time's
// text is written into (returned, grown, for the next). Anything else goes
// through SQLValue, so both say the same of every value.
func unboxed(typ Type, v any, buf []byte) (unboxedValue, []byte, error) {
	switch v := v.(type) {
	case nil:
		return unboxedValue{}, buf, nil
	case *string:
		if v == nil {
			return unboxedValue{}, buf, nil
		}
		if typ != JSON {
			return unboxedValue{kind: kindText, s: *v}, buf, nil
		}
	case string:
		if typ != JSON {
			return unboxedValue{kind: kindText, s: v}, buf, nil
		}
	case *int32:
		if v == nil {
			return unboxedValue{}, buf, nil
		}
		return unboxedValue{kind: kindInt, i: int64(*v)}, buf, nil
	case int32:
		return unboxedValue{kind: kindInt, i: int64(v)}, buf, nil
	case *int64:
		if v == nil {
			return unboxedValue{}, buf, nil
		}
		return unboxedValue{kind: kindInt, i: *v}, buf, nil
	case int64:
		return unboxedValue{kind: kindInt, i: v}, buf, nil
	case *bool:
		if v == nil {
			return unboxedValue{}, buf, nil
		}
		return unboxedValue{kind: kindInt, i: boolInt(*v)}, buf, nil
	case bool:
		return unboxedValue{kind: kindInt, i: boolInt(v)}, buf, nil
	case *time.Time:
		if v == nil {
			return unboxedValue{}, buf, nil
		}
		return unboxedTime(*v, buf)
	case time.Time:
		return unboxedTime(v, buf)
	case json.RawMessage:
		if typ == JSON {
			return unboxedValue{kind: kindText, b: v}, buf, nil
		}
	}
	if typ == JSON {
		if u, b, ok, err := unboxedJSON(v, buf); ok {
			return u, b, err
		}
	}
	boxed, err := SQLValue(typ, v)
	if err != nil {
		return unboxedValue{}, buf, err
	}
	switch boxed := boxed.(type) {
	case nil:
		return unboxedValue{}, buf, nil
	case int64:
		return unboxedValue{kind: kindInt, i: boxed}, buf, nil
	case float64:
		return unboxedValue{kind: kindFloat, f: boxed}, buf, nil
	case string:
		return unboxedValue{kind: kindText, s: boxed}, buf, nil
	case []byte:
		return unboxedValue{kind: kindBlob, b: boxed}, buf, nil
	}
	return unboxedValue{}, buf, fmt.Errorf("SQLValue returned a %T", boxed)
}

// unboxedJSON is reflectValue's JSON for a structure, slice, array or map
// (or a pointer to one), written into buf rather than a string of its own:
// what SQLValue's switch has no case for, so that both say the same.
// ok is false for anything else, and when the encoder declines the value.
func unboxedJSON(v any, buf []byte) (unboxedValue, []byte, bool, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return unboxedValue{}, buf, true, nil
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Map:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			return unboxedValue{}, buf, false, nil // []byte, json.RawMessage: SQLValue's
		}
		if rv.Len() == 0 {
			return unboxedValue{}, buf, true, nil
		}
	case reflect.Array, reflect.Struct:
	default:
		return unboxedValue{}, buf, false, nil
	}
	fn := jsonFnOf(rv.Type())
	if fn == nil {
		return unboxedValue{}, buf, false, nil
	}
	b, wrote, err := fn(buf[:0], rv)
	switch {
	case errors.Is(err, errDecline):
		return unboxedValue{}, buf, false, nil
	case err != nil:
		return unboxedValue{}, buf, true, err
	case !wrote:
		return unboxedValue{}, b, true, nil
	}
	return unboxedValue{kind: kindText, b: b}, b, true, nil
}

// unboxedTime is a time's RFC 3339 UTC text, written into buf; NULL for
// the zero time.
func unboxedTime(t time.Time, buf []byte) (unboxedValue, []byte, error) {
	if t.IsZero() {
		return unboxedValue{}, buf, nil
	}
	buf = t.UTC().AppendFormat(buf[:0], TimeFormat)
	return unboxedValue{kind: kindText, b: buf}, buf, nil
}
