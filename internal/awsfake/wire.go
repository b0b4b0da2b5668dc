package awsfake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
	smithytime "github.com/aws/smithy-go/time"
	"github.com/aws/smithy-go/traits"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// The wire format of the answers comes from the SDK, not from this package:
// handlers answer with the SDK's own output types, and
//
//   - for the services whose SDK has schemas (RDS, STS, Organizations, SSM,
//     Lambda), the output's generated SerializeMembers walks it and names
//     each member from the service model (xmlName, jsonName, list member
//     names, timestampFormat), into xmlShapes (the query protocols) or
//     jsonShapes (JSON 1.1, and REST-JSON through restShapes);
//   - EC2's SDK has no schemas at the version in go.mod, so ec2Encoder
//     walks the output by reflection and takes the element names from
//     ec2names_gen.go, which TestEC2Names derives from the SDK's EC2
//     deserializers. (Once an upgrade gives EC2 schemas, that test fails for
//     want of deserializers.go, and EC2 can go through xmlShapes with its
//     own naming rule instead.)
//
// Absent values are left out as AWS leaves them out: nil pointers and
// slices, empty enums; an empty but non-nil list is sent empty. Timestamps
// are formatted as each service sends them (see xmlTimeLayout), booleans as
// true/false, floats as the shortest decimal that parses back to the same
// value.

// memberSerializer is what the SDK generates on every shape of a service
// with schemas: it writes the shape's members, the caller writes the
// enclosing element.
type memberSerializer interface {
	SerializeMembers(smithy.ShapeSerializer)
}

// answerBody is the body of a successful answer to the call.
func (s *Server) answerBody(c *call, out any) ([]byte, error) {
	if jsonService(c.service) {
		m, ok := out.(memberSerializer)
		if !ok {
			return nil, fmt.Errorf("%s %s: %T has no schema", c.service, c.action, out)
		}
		return encodeJSON(m)
	}
	w := &xmlOut{}
	w.WriteString(xml.Header)
	root := c.action + "Response"
	fmt.Fprintf(w, `<%s xmlns="%s">`, root, serviceNamespace(c.service))
	if c.service == "ec2" {
		// EC2 names the request id first, among the output's members.
		w.elem("requestId", c.requestID)
		if err := s.ec2.encode(w, out); err != nil {
			return nil, fmt.Errorf("ec2 %s: %w", c.action, err)
		}
	} else {
		// awsQuery: the output in <ActionResult>, then the request id.
		m, ok := out.(memberSerializer)
		if !ok {
			return nil, fmt.Errorf("%s %s: %T has no schema", c.service, c.action, out)
		}
		w.start(c.action + "Result")
		x := &xmlShapes{w: w, layout: xmlTimeLayout(c.service)}
		m.SerializeMembers(x)
		if x.err != nil {
			return nil, fmt.Errorf("%s %s: %w", c.service, c.action, x.err)
		}
		w.end(c.action + "Result")
		w.start("ResponseMetadata")
		w.elem("RequestId", c.requestID)
		w.end("ResponseMetadata")
	}
	w.end(root)
	return w.Bytes(), nil
}

// xmlTimeLayout is how a query-protocol service writes a date-time: EC2 and
// RDS always with milliseconds, STS (whose times are whole seconds) without.
func xmlTimeLayout(service string) string {
	if service == "sts" {
		return "2006-01-02T15:04:05.999Z"
	}
	return "2006-01-02T15:04:05.000Z"
}

// xmlOut is an XML document being written. The encoders choose the names;
// xmlOut escapes the text.
type xmlOut struct{ bytes.Buffer }

func (w *xmlOut) start(name string) {
	w.WriteByte('<')
	w.WriteString(name)
	w.WriteByte('>')
}

func (w *xmlOut) end(name string) {
	w.WriteString("</")
	w.WriteString(name)
	w.WriteByte('>')
}

func (w *xmlOut) elem(name, text string) {
	w.start(name)
	if plainText(text) {
		w.WriteString(text)
	} else {
		xml.EscapeText(w, []byte(text)) // writes to a bytes.Buffer: cannot fail
	}
	w.end(name)
}

// plainText reports whether s is printable ASCII that XML needs no escape
// for: most values are, and they skip EscapeText's copy.
func plainText(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '<' || c == '>' || c == '&' || c == '\'' || c == '"' {
			return false
		}
	}
	return true
}

func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'f', -1, bits)
}

// xmlShapes writes shapes as the query protocols answer them: an element
// per member, named by the member's xmlName or else its member name; a list
// is an element wrapping one element per item, named by the list member's
// xmlName or else "member", unless the list is flattened (its items repeat
// the list's own name). It follows the SDK's own XML serializer (smithy-go
// transport/http/protocol/internal/xml), which is internal to smithy-go.
type xmlShapes struct {
	w      *xmlOut
	layout string    // for timestamps without a timestampFormat
	open   []xmlOpen // the structures and lists being written
	err    error     // the first shape this cannot write
}

type xmlOpen struct {
	name string // the element to close; "" for a flattened list
	list bool
	item string // a list's items' element
}

var _ smithy.ShapeSerializer = (*xmlShapes)(nil)

func (s *xmlShapes) name(m *smithy.Schema) string {
	if n := len(s.open); n > 0 && s.open[n-1].list {
		return s.open[n-1].item
	}
	if t, ok := smithy.SchemaDirectTrait[*traits.XMLName](m); ok {
		return t.Name
	}
	return m.MemberName()
}

func (s *xmlShapes) fail(m *smithy.Schema, what string) {
	if s.err == nil {
		s.err = fmt.Errorf("member %s (%s): %s is not supported", m.MemberName(), m.TargetID(), what)
	}
}

func (s *xmlShapes) scalar(m *smithy.Schema, text string) {
	if _, ok := smithy.SchemaTrait[*traits.XMLAttribute](m); ok {
		s.fail(m, "an XML attribute")
		return
	}
	s.w.elem(s.name(m), text)
}

func (s *xmlShapes) Bytes() []byte                        { return s.w.Bytes() }
func (s *xmlShapes) WriteInt8(m *smithy.Schema, v int8)   { s.scalar(m, strconv.Itoa(int(v))) }
func (s *xmlShapes) WriteInt16(m *smithy.Schema, v int16) { s.scalar(m, strconv.Itoa(int(v))) }
func (s *xmlShapes) WriteInt32(m *smithy.Schema, v int32) { s.scalar(m, strconv.Itoa(int(v))) }
func (s *xmlShapes) WriteInt64(m *smithy.Schema, v int64) {
	s.scalar(m, strconv.FormatInt(v, 10))
}
func (s *xmlShapes) WriteFloat32(m *smithy.Schema, v float32) {
	s.scalar(m, formatFloat(float64(v), 32))
}
func (s *xmlShapes) WriteFloat64(m *smithy.Schema, v float64) { s.scalar(m, formatFloat(v, 64)) }
func (s *xmlShapes) WriteBool(m *smithy.Schema, v bool)       { s.scalar(m, strconv.FormatBool(v)) }
func (s *xmlShapes) WriteString(m *smithy.Schema, v string)   { s.scalar(m, v) }
func (s *xmlShapes) WriteBlob(m *smithy.Schema, v []byte) {
	s.scalar(m, base64.StdEncoding.EncodeToString(v))
}

func (s *xmlShapes) WriteTime(m *smithy.Schema, v time.Time) {
	switch f, _ := smithy.SchemaTrait[*traits.TimestampFormat](m); {
	case f == nil || f.Format == "date-time":
		s.scalar(m, v.UTC().Format(s.layout))
	case f.Format == "epoch-seconds":
		s.scalar(m, strconv.FormatFloat(smithytime.FormatEpochSeconds(v), 'f', -1, 64))
	case f.Format == "http-date":
		s.scalar(m, smithytime.FormatHTTPDate(v))
	default:
		s.fail(m, "timestamp format "+f.Format)
	}
}

func (s *xmlShapes) WriteStruct(m *smithy.Schema) {
	name := s.name(m)
	s.w.start(name)
	s.open = append(s.open, xmlOpen{name: name})
}

func (s *xmlShapes) CloseStruct() {
	o := s.open[len(s.open)-1]
	s.open = s.open[:len(s.open)-1]
	s.w.end(o.name)
}

func (s *xmlShapes) WriteList(m *smithy.Schema) {
	name := s.name(m)
	if _, flat := smithy.SchemaTrait[*traits.XMLFlattened](m); flat {
		s.open = append(s.open, xmlOpen{list: true, item: name})
		return
	}
	item := "member"
	if t, ok := smithy.SchemaDirectTrait[*traits.XMLName](m.ListMember()); ok {
		item = t.Name
	}
	s.w.start(name)
	s.open = append(s.open, xmlOpen{name: name, list: true, item: item})
}

func (s *xmlShapes) CloseList() {
	o := s.open[len(s.open)-1]
	s.open = s.open[:len(s.open)-1]
	if o.name != "" {
		s.w.end(o.name)
	}
}

// What no served shape has yet: fail loudly rather than guess. The
// round-trip test walks every served shape, so a new need shows there.
func (s *xmlShapes) WriteBigInt(m *smithy.Schema, _ *big.Int)     { s.fail(m, "a big integer") }
func (s *xmlShapes) WriteBigFloat(m *smithy.Schema, _ *big.Float) { s.fail(m, "a big decimal") }
func (s *xmlShapes) WriteUnion(m, _ *smithy.Schema)               { s.fail(m, "a union") }
func (s *xmlShapes) CloseUnion()                                  {}
func (s *xmlShapes) WriteDocument(m *smithy.Schema, _ document.Value) {
	s.fail(m, "a document")
}
func (s *xmlShapes) WriteNil(m *smithy.Schema)           { s.fail(m, "a null in a sparse list or map") }
func (s *xmlShapes) WriteMap(m *smithy.Schema)           { s.fail(m, "a map") }
func (s *xmlShapes) WriteKey(m *smithy.Schema, _ string) { s.fail(m, "a map") }
func (s *xmlShapes) CloseMap()                           {}

// encodeJSON writes v's members as a JSON 1.1 body.
func encodeJSON(v memberSerializer) ([]byte, error) {
	s := &jsonShapes{open: []jsonOpen{{}}}
	s.b = append(s.b, '{')
	v.SerializeMembers(s)
	s.b = append(s.b, '}')
	return s.b, s.err
}

// jsonShapes writes shapes as the JSON protocols do: a structure is an
// object keyed by member name (awsJson ignores jsonName), a list an array, a
// map an object, a timestamp epoch seconds (with milliseconds in the
// fraction) unless its timestampFormat says otherwise, a blob base64.
type jsonShapes struct {
	b    []byte
	open []jsonOpen // the structures, lists and maps being written
	key  string     // the map key WriteKey gave, for the value that follows
	err  error
	// jsonName names members by their jsonName trait where they have one,
	// as REST-JSON does (awsJson ignores it).
	jsonName bool
}

type jsonOpen struct {
	kind byte // 0: a structure, '[': a list, 'm': a map
	n    int  // values written in it
}

var _ smithy.ShapeSerializer = (*jsonShapes)(nil)

// value starts a value: the comma before it and, in a structure or map, its
// key.
func (s *jsonShapes) value(m *smithy.Schema) {
	o := &s.open[len(s.open)-1]
	if o.n > 0 {
		s.b = append(s.b, ',')
	}
	o.n++
	switch o.kind {
	case 0:
		name := m.MemberName()
		if t, ok := smithy.SchemaDirectTrait[*traits.JSONName](m); ok && s.jsonName {
			name = t.Name
		}
		s.b = appendJSONString(s.b, name)
		s.b = append(s.b, ':')
	case 'm':
		s.b = appendJSONString(s.b, s.key)
		s.b = append(s.b, ':')
	}
}

func (s *jsonShapes) raw(m *smithy.Schema, text string) {
	s.value(m)
	s.b = append(s.b, text...)
}

func appendJSONString(b []byte, v string) []byte {
	q, _ := json.Marshal(v) // a string always marshals
	return append(b, q...)
}

func (s *jsonShapes) Bytes() []byte                        { return s.b }
func (s *jsonShapes) WriteInt8(m *smithy.Schema, v int8)   { s.raw(m, strconv.Itoa(int(v))) }
func (s *jsonShapes) WriteInt16(m *smithy.Schema, v int16) { s.raw(m, strconv.Itoa(int(v))) }
func (s *jsonShapes) WriteInt32(m *smithy.Schema, v int32) { s.raw(m, strconv.Itoa(int(v))) }
func (s *jsonShapes) WriteInt64(m *smithy.Schema, v int64) { s.raw(m, strconv.FormatInt(v, 10)) }
func (s *jsonShapes) WriteFloat32(m *smithy.Schema, v float32) {
	s.float(m, float64(v), 32)
}
func (s *jsonShapes) WriteFloat64(m *smithy.Schema, v float64) { s.float(m, v, 64) }
func (s *jsonShapes) WriteBool(m *smithy.Schema, v bool)       { s.raw(m, strconv.FormatBool(v)) }

func (s *jsonShapes) WriteString(m *smithy.Schema, v string) {
	s.value(m)
	s.b = appendJSONString(s.b, v)
}

func (s *jsonShapes) WriteBlob(m *smithy.Schema, v []byte) {
	s.WriteString(m, base64.StdEncoding.EncodeToString(v))
}

// float writes a number; NaN and the infinities, which JSON lacks, as the
// strings the SDK reads them from.
func (s *jsonShapes) float(m *smithy.Schema, f float64, bits int) {
	if text := formatFloat(f, bits); math.IsNaN(f) || math.IsInf(f, 0) {
		s.WriteString(m, text)
	} else {
		s.raw(m, text)
	}
}

func (s *jsonShapes) WriteTime(m *smithy.Schema, v time.Time) {
	switch f, _ := smithy.SchemaTrait[*traits.TimestampFormat](m); {
	case f == nil || f.Format == "epoch-seconds":
		s.raw(m, strconv.FormatFloat(smithytime.FormatEpochSeconds(v), 'f', -1, 64))
	case f.Format == "date-time":
		s.WriteString(m, smithytime.FormatDateTime(v))
	case f.Format == "http-date":
		s.WriteString(m, smithytime.FormatHTTPDate(v))
	default:
		s.fail(m, "timestamp format "+f.Format)
	}
}

func (s *jsonShapes) open1(m *smithy.Schema, kind, brace byte) {
	s.value(m)
	s.b = append(s.b, brace)
	s.open = append(s.open, jsonOpen{kind: kind})
}

func (s *jsonShapes) close1(brace byte) {
	s.open = s.open[:len(s.open)-1]
	s.b = append(s.b, brace)
}

func (s *jsonShapes) WriteStruct(m *smithy.Schema)          { s.open1(m, 0, '{') }
func (s *jsonShapes) CloseStruct()                          { s.close1('}') }
func (s *jsonShapes) WriteUnion(m, _ *smithy.Schema)        { s.open1(m, 0, '{') }
func (s *jsonShapes) CloseUnion()                           { s.close1('}') }
func (s *jsonShapes) WriteList(m *smithy.Schema)            { s.open1(m, '[', '[') }
func (s *jsonShapes) CloseList()                            { s.close1(']') }
func (s *jsonShapes) WriteMap(m *smithy.Schema)             { s.open1(m, 'm', '{') }
func (s *jsonShapes) WriteKey(_ *smithy.Schema, key string) { s.key = key }
func (s *jsonShapes) CloseMap()                             { s.close1('}') }
func (s *jsonShapes) WriteNil(m *smithy.Schema)             { s.raw(m, "null") }

func (s *jsonShapes) fail(m *smithy.Schema, what string) {
	if s.err == nil {
		s.err = fmt.Errorf("member %s (%s): %s is not supported", m.MemberName(), m.TargetID(), what)
	}
}

func (s *jsonShapes) WriteBigInt(m *smithy.Schema, _ *big.Int)     { s.fail(m, "a big integer") }
func (s *jsonShapes) WriteBigFloat(m *smithy.Schema, _ *big.Float) { s.fail(m, "a big decimal") }
func (s *jsonShapes) WriteDocument(m *smithy.Schema, _ document.Value) {
	s.fail(m, "a document")
}

// Answer is the body awsfake answers a successful call of a service's
// action with ("ec2", "DescribeInstances"), for out, the operation's SDK
// output: what a test feeds to a decoder as AWS would send it.
func Answer(service, action string, out any) ([]byte, error) {
	return New(&fakedata.Dataset{}).answerBody(&call{service: service, action: action, requestID: "00000000-0000-0000-0000-000000000001"}, out)
}
