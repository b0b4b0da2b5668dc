package awsfake

import (
	"encoding/base64"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/smithy-go/middleware"
)

// ec2Encoder writes the SDK's EC2 types as EC2's query protocol answers
// them, by reflection over the Go types, with the element names the SDK's
// deserializers expect (names: see ec2names_gen.go). So a new EC2 resource
// needs its data and a route, and no wire type.
type ec2Encoder struct {
	names map[string]map[string]string // Go type -> field -> "element" or "element/item"

	mu    sync.Mutex
	types map[reflect.Type]*xmlType // compiled, by Go type
}

func newEC2Encoder(names map[string]map[string]string) *ec2Encoder {
	return &ec2Encoder{names: names, types: map[reflect.Type]*xmlType{}}
}

// xmlType is how values of one Go type are written: as text, or as a
// structure of fields.
type xmlType struct {
	text   func(reflect.Value) string
	fields []xmlField
}

type xmlField struct {
	index int
	name  string
	item  string   // a list's items' element; "" when the field is no list
	typ   *xmlType // the field's, or its items'
}

// encode writes the members of out, an output struct or a pointer to one.
func (e *ec2Encoder) encode(w *xmlOut, out any) error {
	v := reflect.ValueOf(out)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	e.mu.Lock()
	x, err := e.compile(v.Type())
	e.mu.Unlock()
	if err != nil {
		return err
	}
	if x.text != nil {
		return fmt.Errorf("answer %s is not a structure", v.Type())
	}
	x.members(w, v)
	return nil
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	metadataType = reflect.TypeFor[middleware.Metadata]()
)

// compile returns the xmlType of t, compiling it and the types it holds
// once. e.mu is held.
func (e *ec2Encoder) compile(t reflect.Type) (*xmlType, error) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if x, ok := e.types[t]; ok {
		return x, nil
	}
	x := &xmlType{}
	switch k := t.Kind(); {
	case t == timeType:
		layout := xmlTimeLayout("ec2")
		x.text = func(v reflect.Value) string { return v.Interface().(time.Time).UTC().Format(layout) }
	case k == reflect.String: // strings and enums
		x.text = reflect.Value.String
	case k == reflect.Bool:
		x.text = func(v reflect.Value) string { return strconv.FormatBool(v.Bool()) }
	case k >= reflect.Int && k <= reflect.Int64:
		x.text = func(v reflect.Value) string { return strconv.FormatInt(v.Int(), 10) }
	case k == reflect.Float32 || k == reflect.Float64:
		bits := t.Bits()
		x.text = func(v reflect.Value) string { return formatFloat(v.Float(), bits) }
	case k == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		x.text = func(v reflect.Value) string { return base64.StdEncoding.EncodeToString(v.Bytes()) }
	case k == reflect.Struct:
		e.types[t] = x // before the fields, for types that hold themselves
		if err := e.structure(t, x); err != nil {
			delete(e.types, t)
			return nil, err
		}
		return x, nil
	default:
		return nil, fmt.Errorf("%s: a %s is not supported", t, k)
	}
	e.types[t] = x
	return x, nil
}

func (e *ec2Encoder) structure(t reflect.Type, x *xmlType) error {
	names, ok := e.names[t.String()]
	if !ok {
		return fmt.Errorf("no EC2 element names for %s: rerun go test ./internal/awsfake -run TestEC2Names -update", t)
	}
	seen := 0
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Type == metadataType {
			continue
		}
		wire, ok := names[f.Name]
		if !ok {
			return fmt.Errorf("no EC2 element for %s.%s: rerun go test ./internal/awsfake -run TestEC2Names -update", t, f.Name)
		}
		seen++
		name, item, list := strings.Cut(wire, "/")
		ft := f.Type
		if list {
			if ft.Kind() != reflect.Slice {
				return fmt.Errorf("%s.%s is a list on the wire but a %s in Go", t, f.Name, ft)
			}
			ft = ft.Elem()
		}
		ftyp, err := e.compile(ft)
		if err != nil {
			return err
		}
		x.fields = append(x.fields, xmlField{index: i, name: name, item: item, typ: ftyp})
	}
	if seen != len(names) {
		return fmt.Errorf("EC2 element names for fields that %s does not have: rerun go test ./internal/awsfake -run TestEC2Names -update", t)
	}
	return nil
}

// members writes the fields of the struct v that are present: nil pointers
// and slices, empty enums and other zero values are left out.
func (x *xmlType) members(w *xmlOut, v reflect.Value) {
	for _, f := range x.fields {
		fv := v.Field(f.index)
		switch fv.Kind() {
		case reflect.Pointer, reflect.Slice:
			if fv.IsNil() {
				continue
			}
		default:
			if fv.IsZero() {
				continue
			}
		}
		if f.item == "" {
			f.typ.write(w, f.name, fv)
			continue
		}
		w.start(f.name)
		for i := range fv.Len() {
			f.typ.write(w, f.item, fv.Index(i))
		}
		w.end(f.name)
	}
}

func (x *xmlType) write(w *xmlOut, name string, v reflect.Value) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if x.text != nil {
		w.elem(name, x.text(v))
		return
	}
	w.start(name)
	x.members(w, v)
	w.end(name)
}
