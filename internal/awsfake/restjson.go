package awsfake

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/aws/smithy-go"
	smithytime "github.com/aws/smithy-go/time"
	"github.com/aws/smithy-go/traits"
)

// REST-JSON (Lambda). The operation is the HTTP method and the path, whose
// {Label} segments carry input members; other input members are query
// parameters (Lambda's reads have no body); answers are JSON documents
// whose member names honour jsonName, with some members in headers or the
// status code; errors name their code in the X-Amzn-Errortype header and
// carry the error's members in a JSON body.
//
// The served operations' methods and URI templates are the SDK's own (the
// smithy.api#http trait on each operation's schema), so a request the SDK
// builds is routed as AWS routes it. A request that matches no served
// operation is answered 404 UnknownOperationException once authenticated.
// Request.Params holds the query parameters and the path labels, by their
// member names (FunctionName, Marker, MaxItems, ...).

// restRoute is one operation served over REST-JSON.
type restRoute struct {
	service, name string
	method        string
	segments      []string // the URI template's path, split on "/"
}

// restJSONService reports whether service speaks REST-JSON.
func restJSONService(service string) bool { return service == "lambda" }

// restRoutes lists the REST-JSON operations served, from the SDK's
// operation schemas (restOperations), for every route of the server.
func restRoutes(routes map[string]handler) []restRoute {
	var out []restRoute
	for key := range routes {
		service, name, _ := strings.Cut(key, ":")
		if !restJSONService(service) {
			continue
		}
		op := restOperationSchema(service, name)
		if op == nil {
			panic("awsfake: no SDK schema for the REST-JSON route " + key)
		}
		h, ok := smithy.SchemaTrait[*traits.HTTP](op)
		if !ok {
			panic("awsfake: the SDK schema of " + key + " has no http trait")
		}
		path, _, _ := strings.Cut(h.URI, "?")
		out = append(out, restRoute{service: service, name: name, method: h.Method, segments: strings.Split(strings.Trim(path, "/"), "/")})
	}
	return out
}

// match reports whether a request's method and path are the route's, and
// the path labels' values.
func (rt restRoute) match(method string, segments []string) (url.Values, bool) {
	if method != rt.method || len(segments) != len(rt.segments) {
		return nil, false
	}
	labels := url.Values{}
	for i, want := range rt.segments {
		if name, ok := strings.CutPrefix(want, "{"); ok {
			if segments[i] == "" {
				return nil, false
			}
			labels.Set(strings.TrimSuffix(name, "}"), segments[i])
			continue
		}
		if segments[i] != want {
			return nil, false
		}
	}
	return labels, true
}

// restOperation finds the operation of a REST-JSON request: its name and
// the path labels, or "" when no served operation has that method and path.
func (s *Server) restOperation(service string, r *http.Request) (string, url.Values) {
	var segments []string
	for _, seg := range strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/") {
		v, err := url.PathUnescape(seg)
		if err != nil {
			return "", nil
		}
		segments = append(segments, v)
	}
	for _, rt := range s.rest {
		if service != "" && rt.service != service {
			continue
		}
		if labels, ok := rt.match(r.Method, segments); ok {
			return rt.name, labels
		}
	}
	return "", nil
}

// serveRESTHook answers r when it is a REST-JSON request (signed for a
// REST-JSON service, or unsigned with the path of a served operation),
// reporting whether it did.
func (s *Server) serveRESTHook(w http.ResponseWriter, r *http.Request) bool {
	auth, signed := parseAuthorization(r.Header.Get("Authorization"))
	service := auth.service
	if !signed {
		if r.Header.Get("X-Amz-Target") != "" {
			return false
		}
		for _, rt := range s.rest {
			if name, _ := s.restOperation(rt.service, r); name != "" {
				service = rt.service
				break
			}
		}
	}
	if !restJSONService(service) {
		return false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return true
	}
	c := &call{s: s, service: service, region: auth.region, params: url.Values{}}
	name, labels := s.restOperation(service, r)
	c.action = name
	for k, vs := range r.URL.Query() {
		c.params[k] = vs
	}
	for k, vs := range labels {
		c.params[k] = vs
	}
	if name == "" {
		c.action = r.Method + " " + r.URL.Path
		c.badInput = errorf(http.StatusNotFound, "UnknownOperationException", "")
	}
	idx, gen := s.arrive(c)
	resp, aerr, canceled := s.answer(r, body, auth, signed, c)
	if canceled {
		s.finish(idx, gen, c, 0, "", true)
		return true
	}
	aerr = restAuthError(aerr)
	status, code := http.StatusOK, ""
	if aerr != nil {
		status, code = aerr.Status, aerr.Code
	}
	s.finish(idx, gen, c, status, code, false)
	s.write(w, c, status, resp, aerr)
	return true
}

// restAuthError gives the shared machinery's authentication errors (named
// as the query protocols name them) the codes a REST-JSON service answers,
// with 403.
func restAuthError(e *apiError) *apiError {
	if e == nil {
		return nil
	}
	code, ok := map[string]string{
		"MissingAuthenticationToken": "MissingAuthenticationTokenException",
		"InvalidClientTokenId":       "UnrecognizedClientException",
		"SignatureDoesNotMatch":      "InvalidSignatureException",
		"ExpiredToken":               "ExpiredTokenException",
	}[e.Code]
	if !ok {
		return e
	}
	return &apiError{Status: http.StatusForbidden, Code: code, Message: e.Message}
}

// writeREST answers a REST-JSON call: the output's members in the body,
// its headers and status; or the error (restErrorAnswer).
func (s *Server) writeREST(w http.ResponseWriter, c *call, status int, resp any, aerr *apiError) {
	var out restAnswer
	var err error
	switch {
	case aerr != nil:
		out, err = restErrorAnswer(c.service, aerr)
	default:
		m, ok := resp.(memberSerializer)
		if !ok {
			err = fmt.Errorf("%s %s: %T has no schema", c.service, c.action, resp)
			break
		}
		out, err = encodeRESTJSON(m)
	}
	if err != nil {
		http.Error(w, "awsfake: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	for k, vs := range out.header {
		h[k] = vs
	}
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-Requestid", c.requestID)
	h.Set("Content-Length", strconv.Itoa(len(out.body)))
	if out.status != 0 {
		status = out.status
	}
	w.WriteHeader(status)
	w.Write(out.body)
}

// restAnswer is an encoded REST-JSON answer.
type restAnswer struct {
	body   []byte
	header http.Header
	status int // 0: the call's own
}

// restErrorAnswer encodes an error as the service answers it: in the
// SDK's own type for the code when the service models it (restErrorTypes),
// so the answer carries the members the SDK decodes (Type, a Message or
// message, Reason, Retry-After); else as {"message": ...}.
func restErrorAnswer(service string, e *apiError) (restAnswer, error) {
	t, ok := restErrorTypes(service)[e.Code]
	if !ok {
		b := appendJSONString([]byte(`{"message":`), e.Message)
		return restAnswer{body: append(b, '}'), header: http.Header{"X-Amzn-Errortype": {e.Code}}}, nil
	}
	v := reflect.New(t)
	kind := "User"
	if e.Status >= 500 {
		kind = "Service"
	}
	for name, val := range map[string]string{"Message": e.Message, "Type": kind} {
		if f := v.Elem().FieldByName(name); f.IsValid() && f.Type() == reflect.TypeFor[*string]() {
			f.Set(reflect.ValueOf(&val))
		}
	}
	if e.Reason != "" {
		if f := v.Elem().FieldByName("Reason"); f.IsValid() && f.Kind() == reflect.String {
			f.SetString(e.Reason)
		}
	}
	out, err := encodeRESTJSON(v.Interface().(memberSerializer))
	if out.header == nil {
		out.header = http.Header{}
	}
	out.header.Set("X-Amzn-Errortype", e.Code)
	return out, err
}

// encodeRESTJSON writes v's members as a REST-JSON answer: the members
// bound to a header or the status code there, the others in the body.
func encodeRESTJSON(v memberSerializer) (restAnswer, error) {
	s := &restShapes{jsonShapes: &jsonShapes{open: []jsonOpen{{}}, jsonName: true}, header: http.Header{}}
	s.b = append(s.b, '{')
	v.SerializeMembers(s)
	s.b = append(s.b, '}')
	return restAnswer{body: s.b, header: s.header, status: s.status}, s.err
}

// restShapes is jsonShapes with the HTTP bindings of REST protocols: a
// top-level member with httpHeader goes to that header, one with
// httpResponseCode is the status. An httpPayload member (a body that is not
// the output's members) is not served yet: it fails loudly.
type restShapes struct {
	*jsonShapes
	header http.Header
	status int
}

var _ smithy.ShapeSerializer = (*restShapes)(nil)

// bound diverts a top-level member bound to the HTTP message; it reports
// whether it did.
func (s *restShapes) bound(m *smithy.Schema, text func() string) bool {
	if len(s.open) != 1 {
		return false
	}
	if h, ok := smithy.SchemaTrait[*traits.HTTPHeader](m); ok {
		s.header.Set(h.Name, text())
		return true
	}
	if _, ok := smithy.SchemaTrait[*traits.HTTPResponseCode](m); ok {
		n, err := strconv.Atoi(text())
		if err != nil {
			s.fail(m, "a status code that is not a number")
		}
		s.status = n
		return true
	}
	if _, ok := smithy.SchemaTrait[*traits.HTTPPayload](m); ok {
		s.fail(m, "an HTTP payload")
		return true
	}
	if _, ok := smithy.SchemaTrait[*traits.HTTPPrefixHeaders](m); ok {
		s.fail(m, "prefixed headers")
		return true
	}
	return false
}

func (s *restShapes) WriteString(m *smithy.Schema, v string) {
	if !s.bound(m, func() string { return v }) {
		s.jsonShapes.WriteString(m, v)
	}
}

func (s *restShapes) WriteInt32(m *smithy.Schema, v int32) {
	if !s.bound(m, func() string { return strconv.Itoa(int(v)) }) {
		s.jsonShapes.WriteInt32(m, v)
	}
}

func (s *restShapes) WriteInt64(m *smithy.Schema, v int64) {
	if !s.bound(m, func() string { return strconv.FormatInt(v, 10) }) {
		s.jsonShapes.WriteInt64(m, v)
	}
}

func (s *restShapes) WriteBool(m *smithy.Schema, v bool) {
	if !s.bound(m, func() string { return strconv.FormatBool(v) }) {
		s.jsonShapes.WriteBool(m, v)
	}
}

// WriteTime: a header's timestamp is an HTTP date unless its
// timestampFormat says otherwise.
func (s *restShapes) WriteTime(m *smithy.Schema, v time.Time) {
	text := func() string {
		switch f, _ := smithy.SchemaTrait[*traits.TimestampFormat](m); {
		case f != nil && f.Format == "epoch-seconds":
			return strconv.FormatFloat(smithytime.FormatEpochSeconds(v), 'f', -1, 64)
		case f != nil && f.Format == "date-time":
			return smithytime.FormatDateTime(v)
		}
		return smithytime.FormatHTTPDate(v)
	}
	if !s.bound(m, text) {
		s.jsonShapes.WriteTime(m, v)
	}
}

// The other kinds cannot sit in a header; bound says so if one is bound.
func (s *restShapes) notInHeader(m *smithy.Schema) bool {
	return s.bound(m, func() string { s.fail(m, "a structure, list, map or number in a header"); return "" })
}

func (s *restShapes) WriteStruct(m *smithy.Schema) {
	if !s.notInHeader(m) {
		s.jsonShapes.WriteStruct(m)
	}
}

func (s *restShapes) WriteList(m *smithy.Schema) {
	if !s.notInHeader(m) {
		s.jsonShapes.WriteList(m)
	}
}

func (s *restShapes) WriteMap(m *smithy.Schema) {
	if !s.notInHeader(m) {
		s.jsonShapes.WriteMap(m)
	}
}

func (s *restShapes) WriteFloat64(m *smithy.Schema, v float64) {
	if !s.notInHeader(m) {
		s.jsonShapes.WriteFloat64(m, v)
	}
}

func (s *restShapes) WriteFloat32(m *smithy.Schema, v float32) {
	if !s.notInHeader(m) {
		s.jsonShapes.WriteFloat32(m, v)
	}
}
