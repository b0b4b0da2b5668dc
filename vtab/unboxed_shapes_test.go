package vtab

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/awssql/awssql/internal/awsfake"
)

type a2ValMarshaler struct{ N int }

func (m a2ValMarshaler) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`{"n":%d,"z":null}`, m.N)), nil
}

type a2PtrMarshaler struct{ N int }

func (m *a2PtrMarshaler) MarshalJSON() ([]byte, error) {
	return []byte(fmt.Sprintf(`"ptr%d"`, m.N)), nil
}

type a2ValText struct{ S string }

func (t a2ValText) MarshalText() ([]byte, error) { return []byte("<" + t.S + ">"), nil }

type a2PtrText struct{ S string }

func (t *a2PtrText) MarshalText() ([]byte, error) { return []byte("p:" + t.S), nil }

type a2TextKey string

func (k a2TextKey) MarshalText() ([]byte, error) { return []byte("tk-" + string(k)), nil }

type a2Failing struct{}

func (a2Failing) MarshalJSON() ([]byte, error) { return nil, errors.New("no") }

type a2Inner struct {
	Key   *string
	Value *string
}

type a2Embedded struct {
	a2Inner
	Other int
}

type a2EmbeddedPtr struct {
	*a2Inner
	Other int
}

type a2unexported struct{ X int }

type a2EmbedUnexported struct {
	a2unexported
	Y int
}

type a2Tags struct {
	A     string            `json:"a,omitempty"`
	B     *int              `json:"b,omitempty"`
	C     []string          `json:"c,omitempty"`
	D     map[string]string `json:"d,omitempty"`
	E     int               `json:",string"`
	F     bool              `json:"f,omitzero"`
	G     string            `json:"-,"`
	H     string            `json:"h\u00e9"`
	I     any               `json:"i,omitempty"`
	J     float64           `json:"j,omitempty"`
	k     int
	A2    string
	Dup2  string `json:"A2"`
	Inner *a2Inner
}

type a2Self struct {
	Name *string
	Kids []a2Self
	Next *a2Self
	Any  any
}

type a2Floats struct {
	F  float64
	F2 *float32
}

type a2Times struct {
	T  time.Time
	P  *time.Time
	PP **time.Time
}

type a2Bytes struct {
	B  []byte
	BP *[]byte
	A  [3]byte
	R  json.RawMessage
}

type a2Named []a2Inner

type a2NamedMap map[string]*a2Inner

type a2Uint8 uint8

func a2s(s string) *string { return &s }

// a2Values are Go values of every shape a column getter could return.
func a2Values() []any {
	var nilInner *a2Inner
	var nilAny any
	var anyNilPtr any = nilInner
	at := time.Date(2026, 5, 6, 7, 8, 9, 123456789, time.FixedZone("x", -5*3600))
	atp := &at
	y10k := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	secOff := time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("s", 30))
	f32nan := float32(math.NaN())
	inner := a2Inner{a2s("k<&>"), a2s("v\u2028\x00\xff")}
	innerP := &inner
	innerPP := &innerP
	innerPPP := &innerPP
	var anyInner any = inner
	var anyInnerP any = &inner
	bs := []byte("x")
	self := a2Self{Name: a2s("root"), Kids: []a2Self{{Name: a2s("k")}, {}}, Next: &a2Self{Any: []any{nil, map[string]any{}, 1}}, Any: anyNilPtr}
	deep := &a2Self{}
	cur := deep
	for i := range 500 {
		cur.Next = &a2Self{Name: a2s(fmt.Sprint(i))}
		cur = cur.Next
	}
	big := make([]a2Inner, 20000)
	for i := range big {
		big[i] = a2Inner{a2s(strings.Repeat("k", i%50)), a2s(fmt.Sprint(i))}
	}
	hugeStr := strings.Repeat("é<\"\\\x01", 200000)
	vs := []any{
		// Pointers and interfaces at every depth, nil at every depth.
		inner, innerP, innerPP, innerPPP, nilInner, &nilInner, &nilAny, &anyNilPtr, anyNilPtr, &anyInner, &anyInnerP,
		[]any{nil, nilInner, anyNilPtr}, []any{inner, &inner, nilInner}, []*a2Inner{nil, nil}, []*a2Inner{nil, &inner},
		map[string]any{"a": nilInner, "b": anyNilPtr}, map[string]*a2Inner{"x": nil}, struct{ X any }{nilInner},
		struct{ X *any }{&anyNilPtr}, struct{ X **a2Inner }{&nilInner},
		// Tags, omitempty, ",string", omitzero, embedded, unexported.
		a2Tags{}, a2Tags{A: "a", E: 3, k: 1}, &a2Tags{B: new(int), C: []string{}, D: map[string]string{}, I: nilInner, J: math.Copysign(0, -1)},
		a2Tags{Inner: &inner, A2: "1", Dup2: "2", H: "h", G: "g"},
		a2Embedded{inner, 1}, a2Embedded{}, a2EmbeddedPtr{}, a2EmbeddedPtr{&inner, 2}, &a2EmbeddedPtr{nil, 0},
		a2EmbedUnexported{a2unexported{1}, 2}, struct{ x, y int }{1, 2}, struct{ _ int }{},
		// Marshalers, by value and by pointer receiver.
		a2ValMarshaler{1}, &a2ValMarshaler{2}, []a2ValMarshaler{{3}}, struct{ M a2ValMarshaler }{}, struct{ M *a2ValMarshaler }{},
		a2PtrMarshaler{4}, &a2PtrMarshaler{5}, []a2PtrMarshaler{{6}}, []*a2PtrMarshaler{{7}, nil}, struct{ M a2PtrMarshaler }{},
		&struct{ M a2PtrMarshaler }{}, [1]a2PtrMarshaler{}, &[1]a2PtrMarshaler{},
		a2ValText{"t"}, &a2PtrText{"p"}, a2PtrText{"p"}, []a2ValText{{""}}, []a2PtrText{{"q"}}, struct{ T a2PtrText }{}, &struct{ T a2PtrText }{},
		map[a2ValText]int{{"k"}: 1}, map[a2TextKey]string{"a": "b"}, map[int]string{2: "b", 1: "a"}, map[bool]int{true: 1},
		map[float64]int{1.5: 1}, map[string]a2Failing{"x": {}}, []a2Failing{{}}, a2Failing{}, &a2Failing{},
		map[string]int{"\xff": 1, "\xfe": 2}, map[string]int{"a\xff": 1, "a\ufffd": 2}, map[a2TextKey]int{},
		// NaN and the infinities, in structures and maps and lists.
		a2Floats{F: math.NaN()}, a2Floats{F2: &f32nan}, &a2Floats{F: math.Inf(-1)}, []float64{1, math.Inf(1)},
		map[string]float64{"a": math.NaN()}, []any{math.NaN()}, a2Floats{F: 1e21, F2: new(float32)},
		[]float32{float32(math.Inf(1))}, [2]float64{math.NaN(), 0},
		// Bytes inside structures.
		a2Bytes{}, a2Bytes{B: []byte{}, BP: &bs, A: [3]byte{1, 2, 3}}, a2Bytes{R: json.RawMessage(`{"a":null}`)},
		a2Bytes{R: json.RawMessage(`not json`)}, a2Bytes{R: json.RawMessage(``)}, []json.RawMessage{nil, json.RawMessage(`[]`)},
		[]a2Uint8{1, 2}, []a2Uint8{}, &[]a2Uint8{3}, [0]a2Uint8{}, [2]a2Uint8{1, 2}, &[]byte{}, &bs, [][]byte{nil, {}, bs},
		// Arrays of no length.
		[0]int{}, &[0]int{}, [0]a2Inner{}, struct{ A [0]int }{}, [1][0]int{}, [2]*a2Inner{}, [1]any{},
		// Self-referential types, deep.
		self, &self, deep, []a2Self{{}, self},
		// Huge values.
		big, hugeStr, []string{hugeStr}, map[string]string{"k": hugeStr},
		// Times inside structures.
		a2Times{}, a2Times{T: at, P: &at, PP: &atp}, a2Times{T: y10k}, a2Times{P: &secOff}, []time.Time{{}, at},
		struct{ T time.Time }{time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}, &y10k, &atp, []*time.Time{nil, &at},
		// Named lists and maps, strings-as-JSON, scalars by pointer to pointer.
		a2Named{inner}, a2Named{}, a2NamedMap{"a": &inner, "b": nil}, a2NamedMap{}, &a2NamedMap{"z": nil},
		netip.MustParseAddr("10.0.0.1"), []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
		func() **string { p := a2s(`{"a":1}`); return &p }(), func() **string { p := a2s(`nope`); return &p }(),
		func() **int64 { i := int64(3); p := &i; return &p }(), uintptr(3), complex(1, 2), []complex128{1}, make(chan int),
		func() {}, []func(){nil}, struct{ F func() }{}, map[string]chan int{"a": nil},
	}
	return vs
}

// a2SDKValues are the SDK's types as awsfake fills them: every field set
// (variant 0), or every field present and empty (variant 1).
func a2SDKValues(t *testing.T) []any {
	var out []any
	for _, typ := range []reflect.Type{
		reflect.TypeFor[ec2types.Instance](), reflect.TypeFor[ec2types.Image](), reflect.TypeFor[ec2types.Volume](),
		reflect.TypeFor[ec2types.Snapshot](), reflect.TypeFor[ec2types.ReservedInstances](), reflect.TypeFor[ec2types.SecurityGroup](),
		reflect.TypeFor[ec2types.Vpc](), reflect.TypeFor[ec2types.Subnet](), reflect.TypeFor[ec2types.InstanceTypeInfo](),
		reflect.TypeFor[rdstypes.DBInstance](), reflect.TypeFor[s3types.Grant](), reflect.TypeFor[s3types.ReplicationConfiguration](),
		reflect.TypeFor[s3types.LifecycleRule](), reflect.TypeFor[lambdatypes.FunctionConfiguration](),
		reflect.TypeFor[[]ec2types.Tag](), reflect.TypeFor[[]ec2types.BlockDeviceMapping](), reflect.TypeFor[[]ec2types.IpPermission](),
	} {
		for variant := range 2 {
			v := reflect.New(typ)
			if err := awsfake.Fill(v.Elem(), variant); err != nil {
				t.Fatalf("%s: %v", typ, err)
			}
			out = append(out, v.Interface(), v.Elem().Interface(), []any{v.Interface()})
		}
	}
	return out
}

// boxedOf is the value an unboxedValue holds, as SQLValue would return it.
func boxedOf(u unboxedValue) any {
	switch u.kind {
	case kindInt:
		return u.i
	case kindFloat:
		return u.f
	case kindText:
		if u.b != nil {
			return string(u.b)
		}
		return u.s
	case kindBlob:
		return u.b
	}
	return nil
}

// TestUnboxedIsSQLValueEveryShape: unboxed says what SQLValue says of values
// of every shape, for every column type, whatever the buffer it is given
// holds, and its result does not depend on that buffer.
func TestUnboxedIsSQLValueEveryShape(t *testing.T) {
	values := append(a2Values(), a2SDKValues(t)...)
	garbage := bytes.Repeat([]byte(`{"garbage":[`), 100)
	bufs := map[string]func() []byte{
		"nil":      func() []byte { return nil },
		"empty":    func() []byte { return make([]byte, 0, 4) },
		"dirty":    func() []byte { return append([]byte(nil), garbage...) },
		"dirtycap": func() []byte { b := append(make([]byte, 0, 1<<16), garbage...); return b[:3] },
	}
	checked := 0
	for _, typ := range []Type{Text, Integer, Real, Bool, Time, JSON} {
		shared := []byte(nil)
		for vi, v := range values {
			name := fmt.Sprintf("%v/%d/%T", typ, vi, v)
			want, werr := SQLValue(typ, v)
			for bname, mk := range bufs {
				buf := mk()
				if bname == "nil" {
					buf = shared // reused across values, as a cursor reuses it
				}
				got, nb, gerr := unboxed(typ, v, buf)
				if bname == "nil" {
					shared = nb
				}
				checked++
				if (werr != nil) != (gerr != nil) || werr != nil && werr.Error() != gerr.Error() {
					t.Errorf("%s, %s buffer: error %v, SQLValue's %v", name, bname, gerr, werr)
					continue
				}
				if werr != nil {
					continue
				}
				if g := boxedOf(got); !reflect.DeepEqual(g, want) {
					t.Errorf("%s, %s buffer: %.300q, SQLValue's %.300q", name, bname, g, want)
				}
				// The text written is in the buffer returned, for the next.
				if got.kind == kindText && got.b != nil && len(got.b) > 0 && len(nb) > 0 && &got.b[0] != &nb[0] {
					if _, raw := v.(json.RawMessage); !raw && typ == JSON {
						t.Errorf("%s: text written outside the buffer returned", name)
					}
				}
			}
		}
	}
	t.Logf("%d comparisons", checked)
}
