package tables_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/awssql/awssql/vtab"
)

// threePasses is how JSON columns were written before vtab wrote them in
// one pass, and what it must still write: encoding/json's Marshal, read
// back with numbers kept as written, nulls and empty arrays and objects
// pruned, written again with sorted keys and no HTML escaping; nil when
// nothing is left.
func threePasses(v any) (any, error) {
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
	if tree = pruned(tree); tree == nil {
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

func pruned(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if p := pruned(e); p == nil {
				delete(v, k)
			} else {
				v[k] = p
			}
		}
		if len(v) == 0 {
			return nil
		}
	case []any:
		var out []any
		for _, e := range v {
			if p := pruned(e); p != nil {
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

// filler fills values of any type at random, with what trips an encoder:
// nil and empty lists and maps, structures left empty, strings with
// escapes, bytes that are not UTF-8, U+2028, numbers at the edges of
// encoding/json's formats, times in other zones.
type filler struct{ r *rand.Rand }

var (
	fillStrings = []string{"", "a", "i-0123456789abcdef0", "<none>", "a&b>c", "line\nbreak\ttab\r", "\x01\x1f\x7f",
		`quote"back\slash`, "\xff\xfe", "ok\xc3", "a\u2028b\u2029c", "é😀", "\u0000"}
	fillFloats = []float64{0, math.Copysign(0, -1), 0.1, 1e-7, 1e-6, 9.999e20, 1e21, 123456789.123, -5e-324, 3.4e38, 1.5}
	fillTimes  = []time.Time{{}, time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC),
		time.Date(2019, 2, 3, 4, 5, 6, 789000000, time.FixedZone("x", -7*3600)), time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)}
)

func (f filler) fill(v reflect.Value, depth int) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(fillTimes[f.r.IntN(len(fillTimes))]))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if depth > 6 || f.r.IntN(4) == 0 {
			return
		}
		p := reflect.New(v.Type().Elem())
		f.fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		if depth > 6 {
			return
		}
		switch n := f.r.IntN(5); n {
		case 0: // nil
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			s := reflect.MakeSlice(v.Type(), n-1, n-1)
			for i := range n - 1 {
				f.fill(s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Map:
		if depth > 6 || f.r.IntN(3) == 0 {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range f.r.IntN(4) {
			k := reflect.New(v.Type().Key()).Elem()
			f.fill(k, depth+1)
			e := reflect.New(v.Type().Elem()).Elem()
			f.fill(e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.String:
		v.SetString(fillStrings[f.r.IntN(len(fillStrings))])
	case reflect.Bool:
		v.SetBool(f.r.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		for {
			if n := []int64{0, 1, -1, 255, math.MaxInt32, math.MinInt64}[f.r.IntN(6)]; !v.OverflowInt(n) {
				v.SetInt(n)
				return
			}
		}
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(f.r.IntN(300)))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(fillFloats[f.r.IntN(len(fillFloats))])
	}
}

// TestJSONColumnsAsThreePasses fills the SDK's types that tables read
// (and every structure, list and map they hold) at random, thousands of
// times, and holds vtab's JSON column text to the three passes it
// replaced, value for value: for each whole item, and for each of its
// fields, as a JSON column holding that field would have it.
func TestJSONColumnsAsThreePasses(t *testing.T) {
	rows := []reflect.Type{
		reflect.TypeFor[ec2types.Instance](), reflect.TypeFor[ec2types.Image](), reflect.TypeFor[ec2types.ReservedInstances](),
		reflect.TypeFor[ec2types.Volume](), reflect.TypeFor[ec2types.Snapshot](), reflect.TypeFor[ec2types.SecurityGroup](),
		reflect.TypeFor[ec2types.Subnet](), reflect.TypeFor[ec2types.Vpc](), reflect.TypeFor[ec2types.InstanceTypeInfo](),
		reflect.TypeFor[ec2types.LaunchTemplateVersion](), reflect.TypeFor[rdstypes.DBInstance](),
		reflect.TypeFor[lambdatypes.FunctionConfiguration](), reflect.TypeFor[s3types.Bucket](),
		reflect.TypeFor[ssmtypes.InstanceInformation](), reflect.TypeFor[map[string]string](),
	}
	rounds := 300
	if testing.Short() {
		rounds = 30
	}
	f := filler{rand.New(rand.NewPCG(1, 2))}
	compared := 0
	for _, typ := range rows {
		for range rounds {
			v := reflect.New(typ).Elem()
			f.fill(v, 0)
			values := []reflect.Value{v}
			if typ.Kind() == reflect.Struct {
				for i := range typ.NumField() {
					if typ.Field(i).IsExported() {
						values = append(values, v.Field(i))
					}
				}
			}
			for _, fv := range values {
				if !marshalled(fv.Type()) {
					continue // SQLValue stores it as it is, or checks it as JSON text
				}
				x := fv.Interface()
				want, werr := threePasses(x)
				got, gerr := vtab.SQLValue(vtab.JSON, x)
				if (werr != nil) != (gerr != nil) || got != want {
					g, w := fmt.Sprint(got), fmt.Sprint(want)
					at := 0
					for at < min(len(g), len(w)) && g[at] == w[at] {
						at++
					}
					t.Fatalf("%s (%T) differs at byte %d:\nvtab:         …%.120s (%v)\nthree passes: …%.120s (%v)", typ, x, at, g[max(0, at-40):], gerr, w[max(0, at-40):], werr)
				}
				compared++
			}
		}
	}
	t.Logf("%d values compared", compared)
}

// marshalled says whether SQLValue writes a t in a JSON column as JSON
// (a structure, a list, a map), not as itself.
func marshalled(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		return t != reflect.TypeFor[time.Time]()
	case reflect.Map, reflect.Array, reflect.Interface:
		return true
	case reflect.Slice:
		return t.Elem().Kind() != reflect.Uint8
	}
	return false
}
