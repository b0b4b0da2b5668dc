package decode

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
	smithytime "github.com/aws/smithy-go/time"
	"github.com/aws/smithy-go/traits"
)

// queryOutputs are the awsQuery operations decoded here, with their
// outputs. Their SDKs have schemas: the output's own generated Deserialize
// reads it through a smithy.ShapeDeserializer, and queryDecoder is one, on
// the scanner, as the SDK's own (transport/http/protocol/internal/xml) is
// on encoding/xml: so the values are set by the SDK's code, and only what
// the projection names is read.
func queryOutputs() map[string]func() smithy.Deserializable {
	return map[string]func() smithy.Deserializable{
		"RDS/DescribeDBInstances": func() smithy.Deserializable { return new(rds.DescribeDBInstancesOutput) },
	}
}

// Query decodes the answer of an awsQuery operation ("RDS",
// "DescribeDBInstances") into a new output, for the fields paths name
// (nil: all), as the SDK's awsQuery protocol would decode it.
func Query(service, op string, r io.Reader, paths []string) (any, error) {
	return decodeQuery(service, op, r, paths, nil)
}

func decodeQuery(service, op string, r io.Reader, paths []string, onSkip func(from, to int64)) (any, error) {
	newOut, ok := queryOutputs()[service+"/"+op]
	if !ok {
		return nil, fmt.Errorf("no decoder for %s %s", service, op)
	}
	out := newOut()
	s := newScanner(r)
	defer s.release()
	s.onSkip = onSkip
	// The output is the first <OpResult> element, at any depth.
	for {
		k, err := s.next()
		if err != nil {
			return nil, err
		}
		if k == tokEOF {
			if s.read+int64(s.end) == 0 {
				return out, nil // an empty body: an empty output, as the SDK has it
			}
			return nil, fmt.Errorf("no %sResult element: %w", op, io.EOF)
		}
		if k == tokStart && equalFold(s.local, op+"Result") {
			break
		}
	}
	d := &queryDecoder{s: s, pending: tree(paths)}
	if err := out.Deserialize(d); err != nil {
		return nil, err
	}
	return out, nil
}

// queryDecoder is a smithy.ShapeDeserializer over the scanner, read as the
// SDK's awsQuery one reads encoding/xml's tokens, that passes over the
// members the projection leaves out.
type queryDecoder struct {
	s     *scanner
	stack []queryCtx
	// pending is the projection of what the next ReadStruct or ReadList
	// reads: the member ReadStructMember returned, or a list's item.
	pending *node
	text    []byte
	// a holds the answer's strings' bytes, in blocks rather than one
	// allocation each.
	a arena
	// members indexes each structure's members by element name, built
	// when the structure is first read: a DBInstance has a hundred, and
	// finding each element's by a scan of them was most of the work.
	members map[*smithy.Schema]*memberIndex
	// wants holds wanted's answers.
	wants map[wantKey][]wantMember
}

// wanted returns the members projection n wants of structure s when they
// are few, every one found by its element name alone (no other member's
// name folds to it), and the structure is not the output (whose own
// values paging needs are wanted too); nil otherwise.
func (d *queryDecoder) wanted(s *smithy.Schema, n *node) []wantMember {
	if s == nil || n == nil || n.all || len(n.kids) > 4 || len(d.stack) < 2 {
		return nil
	}
	k := wantKey{s, n}
	if w, ok := d.wants[k]; ok {
		return w
	}
	w := []wantMember{}
	for name, kid := range n.kids {
		m := s.Member(name)
		if m == nil {
			continue
		}
		if _, attr := smithy.SchemaTrait[*traits.XMLAttribute](m); attr {
			continue
		}
		elem := queryElementName(m)
		for _, o := range s.Members() {
			if o != m && strings.EqualFold(queryElementName(o), elem) {
				w = nil
				break
			}
		}
		if w == nil {
			break
		}
		w = append(w, wantMember{elem: elem, m: m, node: kid})
	}
	if d.wants == nil {
		d.wants = map[wantKey][]wantMember{}
	}
	d.wants[k] = w
	return w
}

type queryCtx struct {
	list   bool
	schema *smithy.Schema
	node   *node
	// want, when not nil, lists every member the projection wants of the
	// structure: its elements are matched against these alone.
	want []wantMember
}

// wantMember is a member a projection wants, and its element's name.
type wantMember struct {
	elem string
	m    *smithy.Schema
	node *node
}

type wantKey struct {
	s *smithy.Schema
	n *node
}

var _ smithy.ShapeDeserializer = (*queryDecoder)(nil)

func (d *queryDecoder) top() *queryCtx { return &d.stack[len(d.stack)-1] }
func (d *queryDecoder) pop()           { d.stack = d.stack[:len(d.stack)-1] }

// ReadStruct begins a structure whose start element was read.
func (d *queryDecoder) ReadStruct(s *smithy.Schema) error {
	d.stack = append(d.stack, queryCtx{schema: s, node: d.pending})
	d.top().want = d.wanted(s, d.pending)
	return nil
}

// ReadStructMember returns the next member the projection wants, nil at
// the structure's end.
func (d *queryDecoder) ReadStructMember() (*smithy.Schema, error) {
	if len(d.stack) == 0 || d.top().list {
		return nil, errors.New("ReadStructMember called without ReadStruct")
	}
	ctx := d.top()
	for {
		// A value nobody reads, "<name>text</name>" whole in the window,
		// is passed over at once. (When every member is read, there is
		// none.)
		if ctx.node == nil || !ctx.node.all {
			if name, _, n, ok := d.s.simple(); ok {
				if m, _ := d.reads(ctx, name); m == nil {
					d.s.pass(n)
					continue
				}
			}
		}
		k, err := d.s.next()
		if err != nil {
			return nil, err
		}
		switch k {
		case tokEnd:
			d.pop()
			return nil, nil
		case tokStart:
			m, n := d.reads(ctx, d.s.local)
			if m == nil {
				if err := d.s.skip(); err != nil {
					return nil, err
				}
				continue
			}
			d.pending = n
			return m, nil
		}
	}
}

// reads returns the member an element of the structure fills and the
// projection of what is read of it, or nil when nothing is.
func (d *queryDecoder) reads(ctx *queryCtx, elem []byte) (*smithy.Schema, *node) {
	if ctx.want != nil {
		// A few members wanted: compare the element with them, not look
		// it up among all the members.
		for i := range ctx.want {
			if equalFold(elem, ctx.want[i].elem) {
				return ctx.want[i].m, ctx.want[i].node
			}
		}
		return nil, nil
	}
	m := d.member(ctx.schema, elem)
	if m == nil {
		return nil, nil
	}
	var n *node
	if _, attr := smithy.SchemaTrait[*traits.XMLAttribute](m); !attr {
		n = ctx.node.child(m.MemberName())
	}
	if n == nil && len(d.stack) == 1 && scalar(m.Type()) {
		// The output's own values (the paging token, Marker): paging
		// needs them whatever a statement reads.
		n = everything
	}
	if n == nil {
		return nil, nil
	}
	return m, n
}

// scalar reports whether a shape holds one value: no list, map,
// structure or union.
func scalar(t smithy.ShapeType) bool {
	switch t {
	case smithy.ShapeTypeList, smithy.ShapeTypeSet, smithy.ShapeTypeMap, smithy.ShapeTypeStructure,
		smithy.ShapeTypeUnion, smithy.ShapeTypeDocument:
		return false
	}
	return true
}

// memberIndex finds a structure's members by element name.
type memberIndex struct {
	// byLower has each member under its element name in ASCII lower
	// case, the first one where two fold together (as a scan finds it).
	byLower map[string]*smithy.Schema
	// ascii: every element name is ASCII, so that an ASCII element
	// matches as strings.EqualFold has it exactly when its lower case
	// does; otherwise the members are scanned.
	ascii bool
}

// member is findQueryMember through the structure's index.
func (d *queryDecoder) member(s *smithy.Schema, elem []byte) *smithy.Schema {
	if s == nil {
		return nil
	}
	ix := d.members[s]
	if ix == nil {
		ix = &memberIndex{byLower: map[string]*smithy.Schema{}, ascii: true}
		for _, m := range s.Members() {
			name := queryElementName(m)
			if !isASCII([]byte(name)) {
				ix.ascii = false
			}
			if k := strings.ToLower(name); ix.byLower[k] == nil {
				ix.byLower[k] = m
			}
		}
		if d.members == nil {
			d.members = map[*smithy.Schema]*memberIndex{}
		}
		d.members[s] = ix
	}
	if !ix.ascii || !isASCII(elem) {
		return findQueryMember(s, elem)
	}
	var buf [64]byte
	if len(elem) > len(buf) {
		return findQueryMember(s, elem)
	}
	low := buf[:len(elem)]
	for i, c := range elem {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	return ix.byLower[string(low)]
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// queryElementName is the element a member is read from: its xmlName,
// else its member name.
func queryElementName(m *smithy.Schema) string {
	if t, ok := smithy.SchemaDirectTrait[*traits.XMLName](m); ok {
		return t.Name
	}
	return m.MemberName()
}

// findQueryMember is the member of a structure an element names: its
// xmlName, else its member name, compared as strings.EqualFold does.
func findQueryMember(s *smithy.Schema, elem []byte) *smithy.Schema {
	if s == nil {
		return nil
	}
	for _, m := range s.Members() {
		if equalFold(elem, queryElementName(m)) {
			return m
		}
	}
	return nil
}

// ReadList begins a list whose start element was read.
func (d *queryDecoder) ReadList(s *smithy.Schema) error {
	if _, flat := smithy.SchemaTrait[*traits.XMLFlattened](s); flat {
		return fmt.Errorf("%s: flattened lists are not decoded here", s.ID())
	}
	d.stack = append(d.stack, queryCtx{list: true, schema: s, node: d.pending})
	return nil
}

// ReadListItem moves to the next item: any element (the SDK does not look
// at the items' names).
func (d *queryDecoder) ReadListItem(*smithy.Schema) (bool, error) {
	ctx := d.top()
	for {
		k, err := d.s.next()
		if err != nil {
			return false, err
		}
		switch k {
		case tokEnd:
			d.pop()
			return false, nil
		case tokStart:
			d.pending = ctx.node
			return true, nil
		}
	}
}

// chardata is a value's text: runs of text and CDATA sections, to the
// end element; anything else is an error, as the SDK has it. The bytes
// are the decoder's, good until the next value: a number, a boolean or a
// time is parsed from them, a string copied into the arena.
func (d *queryDecoder) chardata() ([]byte, error) {
	d.text = d.text[:0]
	for {
		k, err := d.s.next()
		if err != nil {
			return nil, err
		}
		switch k {
		case tokText, tokCDATA:
			d.text = append(d.text, d.s.text...)
		case tokEnd:
			return d.text, nil
		default:
			return nil, fmt.Errorf("unexpected token in a value (%v)", k)
		}
	}
}

func (d *queryDecoder) readInt(bits int) (int64, error) {
	text, err := d.chardata()
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(string(text), 10, bits)
}

func (d *queryDecoder) ReadInt8(_ *smithy.Schema, v *int8) error   { return readIntInto(d, v, 8) }
func (d *queryDecoder) ReadInt16(_ *smithy.Schema, v *int16) error { return readIntInto(d, v, 16) }
func (d *queryDecoder) ReadInt32(_ *smithy.Schema, v *int32) error { return readIntInto(d, v, 32) }
func (d *queryDecoder) ReadInt64(_ *smithy.Schema, v *int64) error { return readIntInto(d, v, 64) }

// readIntInto reads an integer of the given bits into v, left as it was
// when the text is not one.
func readIntInto[T int8 | int16 | int32 | int64](d *queryDecoder, v *T, bits int) error {
	n, err := d.readInt(bits)
	if err == nil {
		*v = T(n)
	}
	return err
}

func (d *queryDecoder) readFloat() (float64, error) {
	text, err := d.chardata()
	if err != nil {
		return 0, err
	}
	switch s := string(text); {
	case strings.EqualFold(s, "NaN"):
		return math.NaN(), nil
	case strings.EqualFold(s, "Infinity"):
		return math.Inf(1), nil
	case strings.EqualFold(s, "-Infinity"):
		return math.Inf(-1), nil
	default:
		return strconv.ParseFloat(s, 64)
	}
}

func (d *queryDecoder) ReadFloat32(_ *smithy.Schema, v *float32) error {
	f, err := d.readFloat()
	if err == nil {
		*v = float32(f)
	}
	return err
}

func (d *queryDecoder) ReadFloat64(_ *smithy.Schema, v *float64) error {
	f, err := d.readFloat()
	if err == nil {
		*v = f
	}
	return err
}

func (d *queryDecoder) ReadBool(_ *smithy.Schema, v *bool) error {
	text, err := d.chardata()
	if err != nil {
		return err
	}
	b, err := strconv.ParseBool(string(text))
	if err != nil {
		return fmt.Errorf("parse bool %q: %w", text, err)
	}
	*v = b
	return nil
}

func (d *queryDecoder) ReadString(_ *smithy.Schema, v *string) error {
	text, err := d.chardata()
	if err == nil {
		*v = d.a.string(text)
	}
	return err
}

func (d *queryDecoder) ReadTime(s *smithy.Schema, v *time.Time) error {
	format := "date-time"
	if t, ok := smithy.SchemaTrait[*traits.TimestampFormat](s); ok {
		format = t.Format
	}
	text, err := d.chardata()
	if err != nil {
		return err
	}
	switch format {
	case "date-time":
		*v, err = parseDateTime(text)
	case "http-date":
		*v, err = smithytime.ParseHTTPDate(string(text))
	case "epoch-seconds":
		var f float64
		if f, err = strconv.ParseFloat(string(text), 64); err == nil {
			*v = smithytime.ParseEpochSeconds(f)
		}
	default:
		err = fmt.Errorf("unknown timestamp format: %s", format)
	}
	return err
}

func (d *queryDecoder) ReadBlob(_ *smithy.Schema, v *[]byte) error {
	text, err := d.chardata()
	if err != nil || len(text) == 0 {
		return err
	}
	b, err := base64.StdEncoding.DecodeString(string(text))
	if err != nil {
		return fmt.Errorf("decode base64 blob: %w", err)
	}
	*v = b
	return nil
}

// ReadNil is never true in XML.
func (d *queryDecoder) ReadNil(*smithy.Schema) (bool, error) { return false, nil }

// ReadUnion returns the union's first member the answer has.
func (d *queryDecoder) ReadUnion(s *smithy.Schema) (*smithy.Schema, error) {
	for {
		k, err := d.s.next()
		if err != nil {
			return nil, err
		}
		switch k {
		case tokEnd:
			return nil, nil
		case tokStart:
			m := findQueryMember(s, d.s.local)
			if m == nil {
				if err := d.s.skip(); err != nil {
					return nil, err
				}
				continue
			}
			d.pending = everything
			return m, nil
		}
	}
}

func (d *queryDecoder) ReadMap(s *smithy.Schema) error {
	return fmt.Errorf("%s: maps are not decoded here", s.ID())
}

func (d *queryDecoder) ReadMapKey(*smithy.Schema) (string, bool, error) {
	return "", false, errors.New("maps are not decoded here")
}

func (d *queryDecoder) ReadDocument(*smithy.Schema, *document.Value) error {
	return errors.New("Document not supported")
}

func (d *queryDecoder) ReadBigInt(*smithy.Schema, *big.Int) error {
	return errors.New("unimplemented")
}

func (d *queryDecoder) ReadBigFloat(*smithy.Schema, *big.Float) error {
	return errors.New("unimplemented")
}
