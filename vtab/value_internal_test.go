package vtab

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// TestUnboxedIsSQLValue: xColumn's unboxed path says of every value what
// SQLValue, the path it replaces, says: the same SQL value, or an error
// where SQLValue has one, for every column type.
func TestUnboxedIsSQLValue(t *testing.T) {
	type enum string
	s, empty, uni := "i-0abc", "", "é\x00<tag>\"q\""
	i32, i64, neg := int32(-7), int64(math.MaxInt64), int64(math.MinInt64)
	yes, no := true, false
	f64, f32 := 1.5, float32(0.012)
	at := time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.FixedZone("x", -5*3600))
	zero := time.Time{}
	values := []any{
		nil, s, empty, uni, &s, &empty, &uni, (*string)(nil),
		i32, &i32, (*int32)(nil), int32(math.MaxInt32), int32(math.MinInt32),
		i64, &i64, neg, &neg, (*int64)(nil), int64(0), int(42), uint16(7),
		yes, no, &yes, &no, (*bool)(nil),
		f64, &f64, (*float64)(nil), f32, &f32, math.Inf(1),
		at, &at, zero, &zero, (*time.Time)(nil), at.UTC(),
		[]byte("blob"), []byte{}, json.RawMessage(`{"a":1}`),
		enum("running"), []string{"a"}, []string{}, map[string]string{"k": "v"},
		struct{ A *int }{}, `{"already":"json"}`, "{not json", struct{}{},
	}
	// JSON-shaped values as the SDK's types hold them: structures, lists
	// and maps, by value and by pointer, empty, pruned to nothing, held in
	// an interface, declined by the encoder (a Marshaler, ",string").
	type tag struct{ Key, Value *string }
	type nested struct {
		Tags   []tag
		Inner  *struct{ N *int32 }
		Named  enum
		At     *time.Time
		Nested map[string][]string
	}
	n32 := int32(3)
	tags := []tag{{&s, &uni}, {&empty, nil}}
	full := nested{Tags: tags, Inner: &struct{ N *int32 }{&n32}, Named: "x", At: &at, Nested: map[string][]string{"b": {"1"}, "a": {}}}
	emptyMap, nilSlice := map[string]string{}, []tag(nil)
	var iface any = full
	var nilPtr *nested
	values = append(values,
		tags, &tags, []tag{}, nilSlice, &nilSlice, full, &full, &iface, nilPtr, nested{}, &nested{},
		emptyMap, &emptyMap, map[string]any{"z": nil, "y": []any{}}, [2]int{1, 2}, [0]int{},
		[]*nested{nil, {}}, []json.RawMessage{json.RawMessage(`1`)}, &[]byte{'x'},
		struct {
			N int `json:",string"`
		}{7}, []struct{ T time.Time }{{at}}, map[int]string{2: "b", 1: "a"},
		json.RawMessage(`not json`), json.RawMessage(nil), []enum{"a", ""},
	)
	var buf []byte
	for _, typ := range []Type{Text, Integer, Real, Bool, Time, JSON} {
		for _, v := range values {
			name := fmt.Sprintf("%v/%T(%v)", typ, v, v)
			want, werr := SQLValue(typ, v)
			got, b, gerr := unboxed(typ, v, buf)
			buf = b
			if (werr != nil) != (gerr != nil) || werr != nil && werr.Error() != gerr.Error() {
				t.Errorf("%s: error %v, SQLValue's %v", name, gerr, werr)
				continue
			}
			if werr != nil {
				continue
			}
			if g := boxedOf(got); !reflect.DeepEqual(g, want) {
				t.Errorf("%s: %#v, SQLValue's %#v", name, g, want)
			}
		}
	}
}

// TestFloat32Value: float32Value is the float64 of a float32's shortest
// decimal form, as formatting it to a string and parsing that says, for
// every exponent and sign, NaN and the infinities.
func TestFloat32Value(t *testing.T) {
	check := func(f float32) {
		want, _ := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
		got := float32Value(f)
		if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("float32Value(%v = %#x): %v, want %v", f, math.Float32bits(f), got, want)
		}
	}
	for _, f := range []float32{0, float32(math.Copysign(0, -1)), 0.012, 1.5, math.MaxFloat32, math.SmallestNonzeroFloat32,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())} {
		check(f)
	}
	for bits := uint32(0); bits < math.MaxUint32-997; bits += 997 { // every exponent, spread mantissas
		check(math.Float32frombits(bits))
	}
	if n := testing.AllocsPerRun(100, func() { float32Value(0.012) }); n != 0 {
		t.Errorf("float32Value allocates %v times", n)
	}
}
