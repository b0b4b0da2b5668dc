package awsfake

import (
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	smithytime "github.com/aws/smithy-go/time"
)

// s3Roots are the S3 operations whose answers s3Encoder writes from the
// SDK's own output types, each with the root element of its XML body (S3's
// API reference; the SDK does not check it, so nothing else would catch a
// wrong one): "" when the body is not XML (GetBucketPolicy answers the
// policy itself, HeadObject nothing). Their element and header names come
// from the SDK's deserializers (s3names_gen.go, TestS3Names), so an
// operation needs its data, a handler and a line here, and no wire type.
var s3Roots = map[string]string{
	"GetBucketAcl":                       "AccessControlPolicy",
	"GetBucketEncryption":                "ServerSideEncryptionConfiguration",
	"GetBucketLifecycleConfiguration":    "LifecycleConfiguration",
	"GetBucketLogging":                   "BucketLoggingStatus",
	"GetBucketNotificationConfiguration": "NotificationConfiguration",
	"GetBucketOwnershipControls":         "OwnershipControls",
	"GetBucketPolicy":                    "",
	"GetBucketPolicyStatus":              "PolicyStatus",
	"GetBucketReplication":               "ReplicationConfiguration",
	"GetBucketTagging":                   "Tagging",
	"GetBucketVersioning":                "VersioningConfiguration",
	"GetBucketWebsite":                   "WebsiteConfiguration",
	"GetObjectAcl":                       "AccessControlPolicy",
	"GetObjectAttributes":                "GetObjectAttributesResponse",
	"GetObjectLockConfiguration":         "ObjectLockConfiguration",
	"GetObjectTagging":                   "Tagging",
	"GetPublicAccessBlock":               "PublicAccessBlockConfiguration",
	"HeadObject":                         "",
}

const xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"

// s3Encoder writes the SDK's S3 output types as S3 answers them: members
// bound to headers as headers, the rest as the XML body (or the one member
// that is the body), by reflection over the Go types with the names of
// s3Names.
type s3Encoder struct {
	names map[string]map[string]string

	mu    sync.Mutex
	types map[reflect.Type]*s3Type
}

func newS3Encoder(names map[string]map[string]string) *s3Encoder {
	return &s3Encoder{names: names, types: map[reflect.Type]*s3Type{}}
}

// s3Type is how values of one Go type are written: as text, or as a
// structure's attributes, elements, headers and body.
type s3Type struct {
	text    func(reflect.Value) string
	attrs   []s3Member
	fields  []s3Member
	headers []s3Member
	payload *s3Member
}

type s3Member struct {
	index  int
	name   string // element, attribute, header or header prefix
	item   string // a wrapped list's items' element
	flat   bool   // a flattened list: each item is a name element
	time   string // a header's timestamp format
	prefix bool   // a map of headers name+key
	typ    *s3Type
}

// encode returns the headers and body of op's answer out (a pointer to the
// operation's output type).
func (e *s3Encoder) encode(op string, out any) (http.Header, []byte, error) {
	v := reflect.ValueOf(out)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	e.mu.Lock()
	x, err := e.compile(v.Type())
	e.mu.Unlock()
	if err != nil {
		return nil, nil, err
	}
	if x.text != nil {
		return nil, nil, fmt.Errorf("answer %s is not a structure", v.Type())
	}
	h := http.Header{}
	for _, f := range x.headers {
		f.header(h, v.Field(f.index))
	}
	root := s3Roots[op]
	switch {
	case x.payload != nil && x.payload.typ.text != nil: // the body as it is
		fv := v.Field(x.payload.index)
		if fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				return h, nil, nil
			}
			fv = fv.Elem()
		}
		return h, []byte(x.payload.typ.text(fv)), nil
	case x.payload != nil:
		fv := v.Field(x.payload.index)
		if fv.IsNil() {
			return h, nil, nil
		}
		x, v = x.payload.typ, fv.Elem()
	case len(x.fields) == 0:
		return h, nil, nil
	}
	if root == "" {
		return nil, nil, fmt.Errorf("%s: no root element for its XML body (s3Roots)", op)
	}
	w := &xmlOut{}
	w.WriteString(xml.Header)
	fmt.Fprintf(w, `<%s xmlns="%s">`, root, s3Namespace)
	x.members(w, v)
	w.end(root)
	return h, w.Bytes(), nil
}

// compile returns the s3Type of t, compiling it and the types it holds
// once. e.mu is held.
func (e *s3Encoder) compile(t reflect.Type) (*s3Type, error) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if x, ok := e.types[t]; ok {
		return x, nil
	}
	x := &s3Type{}
	switch k := t.Kind(); {
	case t == timeType:
		x.text = func(v reflect.Value) string { return v.Interface().(time.Time).UTC().Format(s3TimeFormat) }
	case k == reflect.String: // strings and enums
		x.text = reflect.Value.String
	case k == reflect.Bool:
		x.text = func(v reflect.Value) string { return strconv.FormatBool(v.Bool()) }
	case k >= reflect.Int && k <= reflect.Int64:
		x.text = func(v reflect.Value) string { return strconv.FormatInt(v.Int(), 10) }
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

func (e *s3Encoder) structure(t reflect.Type, x *s3Type) error {
	names, ok := e.names[t.String()]
	if !ok {
		return fmt.Errorf("no S3 names for %s: rerun go test ./internal/awsfake -run TestS3Names -update", t)
	}
	seen := 0
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() || sf.Type == metadataType {
			continue
		}
		wire, ok := names[sf.Name]
		if !ok {
			return fmt.Errorf("no S3 name for %s.%s: rerun go test ./internal/awsfake -run TestS3Names -update", t, sf.Name)
		}
		seen++
		f := s3Member{index: i}
		ft := sf.Type
		switch {
		case strings.HasPrefix(wire, "headers:"):
			if ft.Kind() != reflect.Map || ft.Key().Kind() != reflect.String || ft.Elem().Kind() != reflect.String {
				return fmt.Errorf("%s.%s: headers with a prefix need a map of strings", t, sf.Name)
			}
			f.name, f.prefix = strings.TrimPrefix(wire, "headers:"), true
			x.headers = append(x.headers, f)
			continue
		case strings.HasPrefix(wire, "header:"):
			f.name, f.time, _ = strings.Cut(strings.TrimPrefix(wire, "header:"), ":")
		case wire == "payload":
		case strings.HasPrefix(wire, "@"):
			f.name = strings.TrimPrefix(wire, "@")
		case strings.HasSuffix(wire, "+"):
			f.name, f.flat = strings.TrimSuffix(wire, "+"), true
		default:
			f.name, f.item, _ = strings.Cut(wire, "/")
		}
		if f.flat || f.item != "" {
			if ft.Kind() != reflect.Slice {
				return fmt.Errorf("%s.%s is a list on the wire but a %s in Go", t, sf.Name, ft)
			}
			ft = ft.Elem()
		}
		typ, err := e.compile(ft)
		if err != nil {
			return err
		}
		f.typ = typ
		switch {
		case strings.HasPrefix(wire, "header:"):
			if typ.text == nil {
				return fmt.Errorf("%s.%s: a header must be a value", t, sf.Name)
			}
			x.headers = append(x.headers, f)
		case wire == "payload":
			x.payload = &f
		case strings.HasPrefix(wire, "@"):
			x.attrs = append(x.attrs, f)
		default:
			x.fields = append(x.fields, f)
		}
	}
	if seen != len(names) {
		return fmt.Errorf("S3 names for fields that %s does not have: rerun go test ./internal/awsfake -run TestS3Names -update", t)
	}
	return nil
}

// present reports whether a member is in the answer: AWS leaves out nil
// pointers and lists and empty enums.
func present(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map:
		return !v.IsNil()
	}
	return !v.IsZero()
}

// header sets the header of a member that is present. A header two
// members share (Expires and ExpiresString) is set by the first.
func (f s3Member) header(h http.Header, v reflect.Value) {
	if !present(v) {
		return
	}
	if f.prefix {
		for _, k := range v.MapKeys() {
			h.Set(f.name+k.String(), v.MapIndex(k).String())
		}
		return
	}
	if h.Get(f.name) != "" {
		return
	}
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	text := f.typ.text(v)
	if t, ok := v.Interface().(time.Time); ok {
		switch f.time {
		case "http-date":
			text = smithytime.FormatHTTPDate(t)
		default:
			text = smithytime.FormatDateTime(t)
		}
	}
	h[http.CanonicalHeaderKey(f.name)] = []string{text}
}

// members writes the elements of the struct v that are present.
func (x *s3Type) members(w *xmlOut, v reflect.Value) {
	for _, f := range x.fields {
		fv := v.Field(f.index)
		if !present(fv) {
			continue
		}
		switch {
		case f.flat:
			for i := range fv.Len() {
				f.typ.write(w, f.name, fv.Index(i))
			}
		case f.item != "":
			w.start(f.name)
			for i := range fv.Len() {
				f.typ.write(w, f.item, fv.Index(i))
			}
			w.end(f.name)
		default:
			f.typ.write(w, f.name, fv)
		}
	}
}

func (x *s3Type) write(w *xmlOut, name string, v reflect.Value) {
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
	if len(x.attrs) == 0 {
		w.start(name)
	} else {
		// As S3 writes a grantee:
		// <Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">
		w.WriteString("<" + name)
		declared := false
		for _, a := range x.attrs {
			av := v.Field(a.index)
			if !present(av) {
				continue
			}
			if av.Kind() == reflect.Pointer {
				av = av.Elem()
			}
			if strings.HasPrefix(a.name, "xsi:") && !declared {
				fmt.Fprintf(w, ` xmlns:xsi="%s"`, xsiNamespace)
				declared = true
			}
			w.WriteString(" " + a.name + `="`)
			xml.EscapeText(w, []byte(a.typ.text(av)))
			w.WriteString(`"`)
		}
		w.WriteString(">")
	}
	x.members(w, v)
	w.end(name)
}
