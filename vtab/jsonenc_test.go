package vtab

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

type noSerde struct{}

type enum string

type tagged struct {
	Name    string            `json:"name"`
	Skipped string            `json:"-"`
	Omit    int               `json:"omit,omitempty"`
	OmitB   bool              `json:",omitempty"`
	Plain   *string           // no tag
	Tags    map[string]string `json:"tags,omitempty"`
	private int
}

type sdkLike struct {
	noSerde
	InstanceId *string
	State      enum
	Count      int32
	Ratio      *float64
	Small      float32
	When       *time.Time
	Zero       time.Time
	Mappings   []mapping
	Raw        []byte
	Fixed      [2]byte
	Any        any
	Nested     *sdkLike
}

type mapping struct {
	noSerde
	DeviceName *string
	Ebs        *ebs
}

type ebs struct {
	noSerde
	VolumeId            *string
	DeleteOnTermination *bool
}

type withString struct {
	N int `json:"n,string"`
}

type embedded struct {
	mapping
	Other string
}

type intKeys map[int]string

type raw struct {
	R json.RawMessage
}

type collide struct {
	A string `json:"B"`
	B string
}

type recursive struct {
	Name *string
	Kids []recursive
}

func ptr[T any](v T) *T { return &v }

// TestWriteJSONAsMarshalJSON holds the one-pass encoder to the three
// passes it replaces, value for value, error for error: where it declines
// a value, SQLValue's answer is marshalJSON's by construction, and the
// test says which of these it declines.
func TestWriteJSONAsMarshalJSON(t *testing.T) {
	when := time.Date(2026, 11, 28, 10, 0, 0, 123000000, time.UTC)
	cases := []struct {
		name    string
		v       any
		decline bool
	}{
		{"empty struct", sdkLike{}, false},
		{"sdk like", sdkLike{InstanceId: ptr("i-1"), State: "running", Count: 0, Ratio: ptr(0.1), Small: 0.012,
			When: &when, Mappings: []mapping{{}, {DeviceName: ptr("/dev/sda1"), Ebs: &ebs{VolumeId: ptr("vol-1"), DeleteOnTermination: ptr(false)}}},
			Raw: []byte("hi<>"), Fixed: [2]byte{1, 2}, Any: map[string]any{"k": []any{nil, map[string]any{}}, "j": 1.5},
			Nested: &sdkLike{InstanceId: ptr("")}}, false},
		{"only empties", []mapping{{}, {Ebs: &ebs{}}}, false},
		{"strings", []string{"", "<none>&", "a\u2028b\u2029", "\xff\xfeok", "tab\t\n\r\b\f\x01\x1f", `q"\`, "é😀"}, false},
		{"floats", []float64{0, math.Copysign(0, -1), 1e-7, 1e-6, 1e20, 1e21, 123456789.125, 5e-324, math.MaxFloat64}, false},
		{"float32s", []float32{0.1, 1e-7, 3.4e38, 1e21, 16777216}, false},
		{"ints", []any{int8(-1), uint64(math.MaxUint64), int64(math.MinInt64)}, false},
		{"tags", tagged{Name: "n", Skipped: "s", Omit: 0, OmitB: false, Tags: map[string]string{}}, false},
		{"tags set", tagged{Omit: 3, OmitB: true, Plain: ptr("p"), Tags: map[string]string{"b": "2", "a": "", "A": "x"}}, false},
		{"map of empties", map[string]any{"a": nil, "b": []int{}, "c": map[string]int{}}, false},
		{"enum map", map[enum][]enum{"z": {"1"}, "a": nil}, false},
		{"recursive", recursive{Name: ptr("r"), Kids: []recursive{{Kids: []recursive{{Name: ptr("leaf")}}}, {}}}, false},
		{"bytes nil and empty", struct{ A, B []byte }{nil, []byte{}}, false},
		{"time zero", struct{ T time.Time }{}, false},
		{"time zones", []time.Time{when.In(time.FixedZone("p", 3600)), when.In(time.FixedZone("m", -5*3600-1800))}, false},
		{"offset in seconds", []time.Time{when.In(time.FixedZone("s", 30))}, true},
		// Declined: marshalJSON writes them.
		{"NaN", []float64{math.NaN()}, true},
		{"Inf32", []float32{float32(math.Inf(1))}, true},
		{"year 10000", []time.Time{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, true},
		{"string option", withString{N: 1}, true},
		{"embedded", embedded{Other: "o"}, true},
		{"int keys", intKeys{1: "a"}, true},
		{"raw message", raw{R: json.RawMessage(`{"a":null}`)}, true},
		{"colliding names", collide{A: "a", B: "b"}, true},
		{"invalid key", map[string]int{"\xff": 1, "\xfe": 2}, true},
		{"interface holding a marshaler", []any{json.RawMessage(`1`)}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, werr := marshalJSON(c.v)
			got, ok, gerr := writeJSON(reflect.ValueOf(c.v))
			if ok == c.decline {
				t.Fatalf("writeJSON declined: %v, want %v", !ok, c.decline)
			}
			if !ok {
				return
			}
			if (werr != nil) != (gerr != nil) || got != want {
				t.Fatalf("writeJSON = %v, %v\nmarshalJSON = %v, %v", got, gerr, want, werr)
			}
			// And through SQLValue, which JSON columns take.
			sv, serr := SQLValue(JSON, c.v)
			if (serr != nil) != (werr != nil) || sv != want {
				t.Fatalf("SQLValue = %v, %v; want %v, %v", sv, serr, want, werr)
			}
		})
	}
}

func BenchmarkJSONColumn(b *testing.B) {
	when := time.Now()
	v := make([]sdkLike, 8)
	for i := range v {
		v[i] = sdkLike{InstanceId: ptr("i-0123456789abcdef0"), State: "running", When: &when,
			Mappings: []mapping{{DeviceName: ptr("/dev/sda1"), Ebs: &ebs{VolumeId: ptr("vol-1"), DeleteOnTermination: ptr(true)}}}}
	}
	b.Run("marshalJSON", func(b *testing.B) {
		for range b.N {
			if _, err := marshalJSON(v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("writeJSON", func(b *testing.B) {
		for range b.N {
			if _, _, err := writeJSON(reflect.ValueOf(v)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestAppendJSONStringAsMarshal holds AppendJSONString to encoding/json's
// Marshal, for strings with every byte value and random mixes of them.
func TestAppendJSONStringAsMarshal(t *testing.T) {
	var cases []string
	for c := range 256 {
		cases = append(cases, string([]byte{byte(c)}), "a"+string([]byte{byte(c)})+"b")
	}
	cases = append(cases, "<none>&", "a\u2028b\u2029", "\xff\xfeok", "é😀", "\xed\xa0\x80", "ok\xc3", "")
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "<", ">", "&", "\"", "\\", "\n", "\x00", "\x7f", "\xff", "é", "\u2028", "😀", "\xe2\x80", " "}
	for range 2000 {
		var s string
		for range r.IntN(12) {
			s += alphabet[r.IntN(len(alphabet))]
		}
		cases = append(cases, s)
	}
	for _, s := range cases {
		want, _ := json.Marshal(s)
		if got := AppendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("AppendJSONString(%q) = %s, json.Marshal: %s", s, got, want)
		}
	}
}

// TestAppendJSONFloatAsMarshal: AppendJSONFloat writes what json.Marshal
// writes of a float64, and declines what it refuses, over the edges of its
// two forms and a million bit patterns.
func TestAppendJSONFloatAsMarshal(t *testing.T) {
	cases := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.999999e-7, 1e-7, 1e20, 1e21, 9.99999e20, -1e21,
		123456789.125, 1.5e-9, math.MaxFloat64, math.SmallestNonzeroFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	r := rand.New(rand.NewPCG(5, 6))
	for range 1_000_000 {
		cases = append(cases, math.Float64frombits(r.Uint64()))
	}
	for _, f := range cases {
		want, err := json.Marshal(f)
		got, ok := AppendJSONFloat([]byte("x"), f)
		if ok != (err == nil) || ok && string(got) != "x"+string(want) {
			t.Fatalf("AppendJSONFloat(%v = %#x) = %q, %v; json.Marshal %q, %v", f, math.Float64bits(f), got, ok, want, err)
		}
	}
}
