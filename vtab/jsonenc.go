package vtab

import (
	"cmp"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The JSON columns' text is what marshalJSON makes of a value: encoding/json's
// Marshal, read back, pruned of nulls and empty arrays and objects, and
// written again with sorted keys and no HTML escaping. That is three
// passes and a tree of maps per value; writeJSON makes the same text in
// one pass over the value, with an encoder compiled once per Go type. It
// writes what it knows exactly as the three passes would
// (TestWriteJSONAsMarshalJSON holds it to that, value for value), and
// declines the rest (a json.Marshaler other than time.Time, a ",string"
// option, embedded structures, keys that are not strings, NaN), which
// marshalJSON then writes.

// jsonFn appends v's JSON to b, and reports whether it wrote anything: a
// value that prunes to nothing (nil, or an array or object left empty)
// writes nothing. errDecline: the value is marshalJSON's to write.
type jsonFn func(b []byte, v reflect.Value) ([]byte, bool, error)

var errDecline = errors.New("vtab: left to encoding/json")

// jsonFns memoizes compileJSON, a pure function of the type: encoders
// are built once, never changed, as encoding/json's own cache does.
var jsonFns sync.Map // reflect.Type -> jsonFn (nil: declined)

// writeJSON returns v's JSON as marshalJSON would, and ok false when it
// declines v.
func writeJSON(v reflect.Value) (s any, ok bool, err error) {
	fn := jsonFnOf(v.Type())
	if fn == nil {
		return nil, false, nil
	}
	b, wrote, err := fn(make([]byte, 0, 256), v)
	switch {
	case errors.Is(err, errDecline):
		return nil, false, nil
	case err != nil:
		return nil, true, err
	case !wrote:
		return nil, true, nil
	}
	return string(b), true, nil
}

func jsonFnOf(t reflect.Type) jsonFn {
	if fn, ok := jsonFns.Load(t); ok {
		return fn.(jsonFn)
	}
	fn := compileJSON(t, map[reflect.Type]*jsonFn{})
	jsonFns.Store(t, fn)
	return fn
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	timeType          = reflect.TypeFor[time.Time]()
)

// compileJSON builds t's encoder; nil when encoding/json has rules for t
// that it does not follow. busy holds the types being compiled, for
// types that hold themselves.
func compileJSON(t reflect.Type, busy map[reflect.Type]*jsonFn) jsonFn {
	if p, ok := busy[t]; ok {
		return func(b []byte, v reflect.Value) ([]byte, bool, error) {
			if *p == nil {
				return b, false, errDecline
			}
			return (*p)(b, v)
		}
	}
	if t == timeType {
		return func(b []byte, v reflect.Value) ([]byte, bool, error) {
			var t time.Time
			if v.CanAddr() {
				t = *(*time.Time)(v.Addr().UnsafePointer())
			} else {
				t = v.Interface().(time.Time)
			}
			// What time.Time.MarshalJSON refuses is marshalJSON's to refuse.
			if _, offset := t.Zone(); t.Year() < 0 || t.Year() > 9999 || offset%60 != 0 {
				return b, false, errDecline
			}
			b = append(b, '"')
			b = t.AppendFormat(b, time.RFC3339Nano)
			return append(b, '"'), true, nil
		}
	}
	// A pointer is its element's to judge: *time.Time has time.Time's methods.
	if t.Kind() == reflect.Pointer && t.Name() != "" ||
		t.Kind() != reflect.Pointer && (t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) ||
			t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)) {
		return nil
	}
	p := new(jsonFn)
	busy[t] = p
	defer delete(busy, t)
	*p = compileKind(t, busy)
	return *p
}

func compileKind(t reflect.Type, busy map[reflect.Type]*jsonFn) jsonFn {
	switch t.Kind() {
	case reflect.Bool:
		return func(b []byte, v reflect.Value) ([]byte, bool, error) {
			return strconv.AppendBool(b, v.Bool()), true, nil
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(b []byte, v reflect.Value) ([]byte, bool, error) {
			return strconv.AppendInt(b, v.Int(), 10), true, nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return func(b []byte, v reflect.Value) ([]byte, bool, error) {
			return strconv.AppendUint(b, v.Uint(), 10), true, nil
		}
	case reflect.Float32:
		return floatJSON(32)
	case reflect.Float64:
		return floatJSON(64)
	case reflect.String:
		return func(b []byte, v reflect.Value) ([]byte, bool, error) {
			return appendJSONString(b, v.String()), true, nil
		}
	case reflect.Interface:
		return func(b []byte, v reflect.Value) ([]byte, bool, error) {
			if v.IsNil() {
				return b, false, nil
			}
			e := v.Elem()
			fn := jsonFnOf(e.Type())
			if fn == nil {
				return b, false, errDecline
			}
			return fn(b, e)
		}
	case reflect.Pointer:
		elem := compileJSON(t.Elem(), busy)
		if elem == nil {
			return nil
		}
		return func(b []byte, v reflect.Value) ([]byte, bool, error) {
			if v.IsNil() {
				return b, false, nil
			}
			return elem(b, v.Elem())
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !reflect.PointerTo(t.Elem()).Implements(marshalerType) &&
			!reflect.PointerTo(t.Elem()).Implements(textMarshalerType) {
			return func(b []byte, v reflect.Value) ([]byte, bool, error) {
				if v.IsNil() {
					return b, false, nil
				}
				b = append(b, '"')
				b = base64.StdEncoding.AppendEncode(b, v.Bytes())
				return append(b, '"'), true, nil
			}
		}
		return arrayJSON(t, busy)
	case reflect.Array:
		return arrayJSON(t, busy)
	case reflect.Map:
		return mapJSON(t, busy)
	case reflect.Struct:
		return structJSON(t, busy)
	}
	return nil
}

// floatJSON is encoding/json's floatEncoder, declining what it refuses.
func floatJSON(bits int) jsonFn {
	return func(b []byte, v reflect.Value) ([]byte, bool, error) {
		b, ok := appendFloat(b, v.Float(), bits)
		if !ok {
			return b, false, errDecline
		}
		return b, true, nil
	}
}

// AppendJSONFloat appends f as encoding/json's Marshal writes a float64,
// without its allocations; false for NaN and the infinities, which Marshal
// refuses.
func AppendJSONFloat(b []byte, f float64) ([]byte, bool) { return appendFloat(b, f, 64) }

// appendFloat is encoding/json's floatEncoder for a float of bits.
func appendFloat(b []byte, f float64, bits int) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, false
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b = strconv.AppendFloat(b, f, format, -1, bits)
	if format == 'e' {
		// e-09 becomes e-9.
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

// arrayJSON writes the elements that are not pruned; none is no array.
func arrayJSON(t reflect.Type, busy map[reflect.Type]*jsonFn) jsonFn {
	elem := compileJSON(t.Elem(), busy)
	if elem == nil {
		return nil
	}
	return func(b []byte, v reflect.Value) ([]byte, bool, error) {
		b, c := openJSON(b, '[')
		for i := range v.Len() {
			var err error
			if b, err = c.member(b, nil, elem, v.Index(i)); err != nil {
				return b[:c.start], false, err
			}
		}
		b, wrote := c.close(b, ']')
		return b, wrote, nil
	}
}

// mapJSON writes a map with string keys, in the keys' order, without the
// entries that are pruned.
func mapJSON(t reflect.Type, busy map[reflect.Type]*jsonFn) jsonFn {
	if t.Key().Kind() != reflect.String || t.Key().Implements(textMarshalerType) || reflect.PointerTo(t.Key()).Implements(textMarshalerType) {
		return nil
	}
	elem := compileJSON(t.Elem(), busy)
	if elem == nil {
		return nil
	}
	return func(b []byte, v reflect.Value) ([]byte, bool, error) {
		if v.Len() == 0 {
			return b, false, nil
		}
		keys := make([]string, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			k := it.Key().String()
			if !utf8.ValidString(k) {
				// Read back, two keys could become one.
				return b, false, errDecline
			}
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b, c := openJSON(b, '{')
		kv := reflect.New(t.Key()).Elem()
		var key []byte
		for _, k := range keys {
			key = append(appendJSONString(key[:0], k), ':')
			kv.SetString(k)
			var err error
			if b, err = c.member(b, key, elem, v.MapIndex(kv)); err != nil {
				return b[:c.start], false, err
			}
		}
		b, wrote := c.close(b, '}')
		return b, wrote, nil
	}
}

type jsonField struct {
	index     int
	name      string
	key       []byte // its name, quoted, and ':'
	omitEmpty bool
	fn        jsonFn
}

// structJSON writes a structure's exported fields, in the order of their
// names, without those that are pruned; none is no object. It follows
// encoding/json's rules for a structure whose fields are named by their
// Go names or by json tags with omitempty at most, with no embedded
// fields but empty ones (the SDK's noSmithyDocumentSerde).
func structJSON(t reflect.Type, busy map[reflect.Type]*jsonFn) jsonFn {
	var fields []jsonField
	names := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && !hasExported(ft) && !sf.IsExported() {
				continue
			}
			return nil
		}
		if !sf.IsExported() {
			continue
		}
		name, omit := sf.Name, false
		if tag, ok := sf.Tag.Lookup("json"); ok {
			if tag == "-" {
				continue
			}
			n, opts, _ := strings.Cut(tag, ",")
			for o := range strings.SplitSeq(opts, ",") {
				switch o {
				case "omitempty":
					omit = true
				case "":
				default:
					return nil // ",string", "omitzero", and what may come
				}
			}
			if n != "" {
				if !validTag(n) {
					return nil
				}
				name = n
			}
		}
		if names[name] {
			return nil
		}
		names[name] = true
		fn := compileJSON(sf.Type, busy)
		if fn == nil {
			return nil
		}
		fields = append(fields, jsonField{index: i, name: name, key: append(appendJSONString(nil, name), ':'), omitEmpty: omit, fn: fn})
	}
	slices.SortFunc(fields, func(a, b jsonField) int { return cmp.Compare(a.name, b.name) })
	return func(b []byte, v reflect.Value) ([]byte, bool, error) {
		b, c := openJSON(b, '{')
		for _, f := range fields {
			fv := v.Field(f.index)
			if f.omitEmpty && emptyJSON(fv) {
				continue
			}
			var err error
			if b, err = c.member(b, f.key, f.fn, fv); err != nil {
				return b[:c.start], false, err
			}
		}
		b, wrote := c.close(b, '}')
		return b, wrote, nil
	}
}

// container is an array or object being written: its members that are
// not pruned, with commas between them.
type container struct {
	start int // where it began: none written, it is taken back
	some  bool
}

func openJSON(b []byte, open byte) ([]byte, container) {
	return append(b, open), container{start: len(b)}
}

// member writes one member, its key (nil in an array) and value, or
// nothing when the value prunes to nothing.
func (c *container) member(b, key []byte, fn jsonFn, v reflect.Value) ([]byte, error) {
	at := len(b)
	if c.some {
		b = append(b, ',')
	}
	b = append(b, key...)
	b, wrote, err := fn(b, v)
	if err != nil {
		return b, err
	}
	if !wrote {
		return b[:at], nil
	}
	c.some = true
	return b, nil
}

// close ends the container, or takes it back when it holds nothing.
func (c *container) close(b []byte, end byte) ([]byte, bool) {
	if !c.some {
		return b[:c.start], false
	}
	return append(b, end), true
}

func hasExported(t reflect.Type) bool {
	for i := range t.NumField() {
		if t.Field(i).IsExported() || t.Field(i).Anonymous {
			return true
		}
	}
	return false
}

// validTag is a tag name encoding/json takes as it is; others are
// declined.
func validTag(s string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// emptyJSON is encoding/json's isEmptyValue, for omitempty.
func emptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as the three passes do: escaped as
// encoding/json escapes without HTML escaping, and each byte that is not
// UTF-8 as U+FFFD itself (encoding/json writes \ufffd, which reads back
// as the character).
func appendJSONString(b []byte, s string) []byte { return appendString(b, s, false, true) }

// AppendJSONColumnString appends s as a JSON string as a JSON column's
// text holds it: what encoding/json writes without HTML escaping, once
// written, read back and written again (a byte that is not UTF-8 becomes
// U+FFFD itself). A table that writes a JSON column's text itself (as
// json.RawMessage) writes its strings so.
func AppendJSONColumnString(b []byte, s string) []byte { return appendJSONString(b, s) }

// AppendJSONString appends s as a JSON string exactly as encoding/json's
// Marshal writes it (HTML characters escaped, a byte that is not UTF-8 as
// \ufffd), without its allocations.
func AppendJSONString(b []byte, s string) []byte { return appendString(b, s, true, false) }

// appendString is encoding/json's appendString; with rawFFFD, a byte that
// is not UTF-8 becomes U+FFFD itself rather than its escape.
func appendString(b []byte, s string, escapeHTML, rawFFFD bool) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!escapeHTML || c != '<' && c != '>' && c != '&') {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1 && rawFFFD:
			b = append(b, s[start:i]...)
			b = append(b, "\uFFFD"...)
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
