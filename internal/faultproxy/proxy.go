// Package faultproxy is an HTTP proxy that breaks answers on purpose. It
// stands between an AWS SDK client and an endpoint (awsfake, in awssql's
// tests) and, for the requests a rule matches, makes one of the faults a
// real network makes: it hangs, drops the connection before the headers or
// in the middle of the body, cuts the body short (with a Content-Length
// that matches the cut, or with the whole body's), garbles it, answers an
// HTML 500 or an empty 200 as a load balancer might, answers slowly, or
// answers the service's own throttling error. Every other request passes
// through unchanged, with its Host header, so SigV4 signatures still verify.
//
// It knows the AWS wire protocols only as far as it must: the service and
// region come from the request's SigV4 credential scope, the operation
// from the query protocol's Action, the JSON protocol's X-Amz-Target or
// S3's and Lambda's method and path; throttling errors are written in the service's
// protocol so the SDK recognises them.
package faultproxy

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is what the proxy does to a matching request.
type Fault int

const (
	// Hang never answers: the request waits until the client gives up (or
	// the proxy is closed).
	Hang Fault = iota + 1
	// DropBeforeHeaders closes the connection without answering.
	DropBeforeHeaders
	// DropMidBody answers the status and headers, then half the body in
	// chunked encoding, and closes the connection without the last chunk.
	DropMidBody
	// TruncateBody answers half the body, with a Content-Length that
	// matches it: on the wire the answer is complete and well framed.
	TruncateBody
	// TruncateBodyWrongLength declares the whole body's Content-Length,
	// sends half of it and closes the connection.
	TruncateBodyWrongLength
	// GarbleBody overwrites the middle of the body with NUL bytes, keeping
	// its length: neither XML nor JSON admits them.
	GarbleBody
	// HTML500 answers HTTP 500 with an HTML page, as a load balancer or a
	// corporate proxy does, not an AWS error.
	HTML500
	// Empty200 answers HTTP 200 with the real headers and an empty body.
	Empty200
	// Slow answers the real answer after Rule.Delay.
	Slow
	// Throttle answers the service's own throttling error (EC2
	// RequestLimitExceeded, RDS and STS Throttling, Organizations and
	// Lambda TooManyRequestsException, SSM ThrottlingException, S3
	// SlowDown).
	Throttle
)

var faultNames = map[Fault]string{
	Hang: "hang", DropBeforeHeaders: "drop before headers", DropMidBody: "drop mid-body",
	TruncateBody: "truncate body", TruncateBodyWrongLength: "truncate body, wrong length",
	GarbleBody: "garble body", HTML500: "HTML 500", Empty200: "empty 200", Slow: "slow", Throttle: "throttle",
}

func (f Fault) String() string {
	if s, ok := faultNames[f]; ok {
		return s
	}
	return "fault(" + strconv.Itoa(int(f)) + ")"
}

// Faults lists every fault, for tests that walk them all.
func Faults() []Fault {
	return []Fault{Hang, DropBeforeHeaders, DropMidBody, TruncateBody, TruncateBodyWrongLength, GarbleBody, HTML500, Empty200, Slow, Throttle}
}

// Request is what a rule can match on.
type Request struct {
	Service   string // the SigV4 signing name: ec2, rds, sts, organizations, s3, lambda, ssm
	Region    string
	Operation string // DescribeInstances, ListAccounts, GetObject, ListFunctions, ...
	Method    string
	Path      string
	Query     url.Values // the URL's query
	Form      url.Values // the query protocol's parameters (the form body)
}

// Rule makes Fault on the requests Match accepts.
type Rule struct {
	Fault Fault
	// Match selects the requests; nil matches every request.
	Match func(Request) bool
	// Times is how many matching requests the fault fires on, the first
	// ones; 0 fires on every one.
	Times int
	// Delay is how long Slow waits before answering.
	Delay time.Duration
}

// Installed is a rule in place; it counts how often it fired.
type Installed struct {
	Rule
	mu    sync.Mutex
	fired int
}

// Fired is how many requests the rule has changed so far.
func (i *Installed) Fired() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.fired
}

// take reports whether the rule fires on a matching request, counting it.
func (i *Installed) take() bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.Times > 0 && i.fired >= i.Times {
		return false
	}
	i.fired++
	return true
}

// Proxy forwards requests to a target, making the faults of its rules. It
// is an http.Handler for an HTTP/1.1 server (httptest.NewServer): the
// connection faults take the connection over. It is safe for concurrent
// use.
type Proxy struct {
	target    *url.URL
	transport *http.Transport
	done      chan struct{}
	closeOnce sync.Once

	mu    sync.Mutex
	rules []*Installed
}

// New returns a proxy to the target URL (scheme and host, e.g. awsfake's).
func New(target string) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("faultproxy: bad target %q: want a URL such as http://127.0.0.1:8080", target)
	}
	return &Proxy{
		target:    u,
		transport: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 64, DisableCompression: true},
		done:      make(chan struct{}),
	}, nil
}

// Add installs a rule after those already installed; the first rule that
// matches a request and still fires decides what happens to it.
func (p *Proxy) Add(r Rule) *Installed {
	in := &Installed{Rule: r}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = append(p.rules, in)
	return in
}

// Clear removes every rule.
func (p *Proxy) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules = nil
}

// Close releases the requests that hang or wait, so that the server in
// front can shut down, and closes idle connections to the target.
func (p *Proxy) Close() {
	p.closeOnce.Do(func() { close(p.done) })
	p.transport.CloseIdleConnections()
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "faultproxy: read request: "+err.Error(), http.StatusBadGateway)
		return
	}
	req := describe(r, body)
	fault, rule := p.pick(req)
	switch fault {
	case 0:
		p.pass(w, r, body)
		return
	case Hang:
		p.wait(r.Context(), -1)
		return
	case DropBeforeHeaders:
		if conn := hijack(w); conn != nil {
			conn.Close()
		}
		return
	case Slow:
		if !p.wait(r.Context(), rule.Delay) {
			return
		}
		p.pass(w, r, body)
		return
	case HTML500:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n"+
			"<body><h1>500 Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>\n")
		return
	case Throttle:
		throttle(w, req)
		return
	}
	// The body faults change the real answer.
	resp, err := p.forward(r, body)
	if err != nil {
		http.Error(w, "faultproxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	real, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		http.Error(w, "faultproxy: read answer: "+err.Error(), http.StatusBadGateway)
		return
	}
	header := resp.Header.Clone()
	header.Del("Content-Length")
	header.Del("Transfer-Encoding")
	half := real[:len(real)/2]
	switch fault {
	case Empty200:
		copyHeader(w.Header(), header)
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
	case TruncateBody:
		copyHeader(w.Header(), header)
		w.Header().Set("Content-Length", strconv.Itoa(len(half)))
		w.WriteHeader(resp.StatusCode)
		w.Write(half)
	case GarbleBody:
		garbled := bytes.Clone(real)
		from, to := len(garbled)/3, len(garbled)/3+max(1, len(garbled)/10)
		for i := from; i < to && i < len(garbled); i++ {
			garbled[i] = 0
		}
		copyHeader(w.Header(), header)
		w.Header().Set("Content-Length", strconv.Itoa(len(garbled)))
		w.WriteHeader(resp.StatusCode)
		w.Write(garbled)
	case TruncateBodyWrongLength:
		header.Set("Content-Length", strconv.Itoa(len(real)))
		raw(w, resp.StatusCode, header, half)
	case DropMidBody:
		header.Set("Transfer-Encoding", "chunked")
		raw(w, resp.StatusCode, header, []byte(fmt.Sprintf("%x\r\n%s\r\n", len(half), half)))
	}
}

// pick returns the fault of the first rule that matches and fires.
func (p *Proxy) pick(req Request) (Fault, *Installed) {
	p.mu.Lock()
	rules := append([]*Installed(nil), p.rules...)
	p.mu.Unlock()
	for _, in := range rules {
		if in.Match != nil && !in.Match(req) {
			continue
		}
		if in.take() {
			return in.Fault, in
		}
	}
	return 0, nil
}

// wait sleeps d (forever when d < 0); false when the client left or the
// proxy closed first.
func (p *Proxy) wait(ctx context.Context, d time.Duration) bool {
	var timer <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-timer:
		return true
	case <-ctx.Done():
	case <-p.done:
	}
	return false
}

func (p *Proxy) forward(r *http.Request, body []byte) (*http.Response, error) {
	u := *p.target
	u.Path, u.RawPath, u.RawQuery = r.URL.Path, r.URL.RawPath, r.URL.RawQuery
	out, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	out.Header = r.Header.Clone()
	out.Host = r.Host // the signature covers it
	out.ContentLength = int64(len(body))
	return p.transport.RoundTrip(out)
}

// pass forwards the request and streams the answer back unchanged.
func (p *Proxy) pass(w http.ResponseWriter, r *http.Request, body []byte) {
	resp, err := p.forward(r, body)
	if err != nil {
		http.Error(w, "faultproxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	copyHeader(w.Header(), resp.Header)
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		dst[k] = append([]string(nil), vs...)
	}
}

// hijack takes the connection over, or returns nil when the server cannot
// give it (HTTP/2).
func hijack(w http.ResponseWriter) net.Conn {
	h, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "faultproxy: connection faults need HTTP/1.1", http.StatusNotImplemented)
		return nil
	}
	conn, _, err := h.Hijack()
	if err != nil {
		return nil
	}
	return conn
}

// raw writes an answer byte for byte, then closes the connection: the
// framing (Content-Length, chunks) is whatever the caller wrote.
func raw(w http.ResponseWriter, status int, header http.Header, body []byte) {
	conn := hijack(w)
	if conn == nil {
		return
	}
	defer conn.Close()
	bw := bufio.NewWriter(conn)
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	header.Set("Connection", "close")
	header.Write(bw)
	bw.WriteString("\r\n")
	bw.Write(body)
	bw.Flush()
}

var scopeRE = regexp.MustCompile(`Credential=[^/]+/[0-9]{8}/([^/]+)/([^/]+)/aws4_request`)

// describe reads what a rule can match on from a request.
func describe(r *http.Request, body []byte) Request {
	req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()}
	if m := scopeRE.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		req.Region, req.Service = m[1], m[2]
	}
	switch {
	case r.Header.Get("X-Amz-Target") != "":
		t := r.Header.Get("X-Amz-Target")
		req.Operation = t[strings.LastIndex(t, ".")+1:]
	case strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		req.Form, _ = url.ParseQuery(string(body))
		req.Operation = req.Form.Get("Action")
	case req.Service == "s3":
		req.Operation = s3Operation(r)
	case req.Service == "lambda":
		req.Operation = lambdaOperation(r)
	}
	return req
}

// lambdaOperation names the Lambda operations awssql calls, from the
// REST-JSON method and path.
func lambdaOperation(r *http.Request) string {
	if r.Method != http.MethodGet {
		return ""
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 2 && parts[0] == "2015-03-31" && parts[1] == "functions":
		return "ListFunctions"
	case len(parts) == 3 && parts[0] == "2015-03-31" && parts[1] == "functions":
		return "GetFunction"
	case len(parts) == 4 && parts[0] == "2015-03-31" && parts[1] == "functions" && parts[3] == "policy":
		return "GetPolicy"
	case len(parts) == 4 && parts[0] == "2021-10-31" && parts[1] == "functions" && parts[3] == "url":
		return "GetFunctionUrlConfig"
	}
	return ""
}

// s3Operation names the S3 operations awssql calls, from the path-style
// request.
func s3Operation(r *http.Request) string {
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)
	switch {
	case r.Method == http.MethodGet && parts[0] == "":
		return "ListBuckets"
	case r.Method == http.MethodHead && len(parts) == 1:
		return "HeadBucket"
	case r.Method == http.MethodGet && len(parts) == 1 && r.URL.Query().Get("list-type") == "2":
		return "ListObjectsV2"
	case r.Method == http.MethodGet && len(parts) == 2 && parts[1] != "":
		return "GetObject"
	}
	return ""
}

// throttle answers the service's throttling error in its protocol.
func throttle(w http.ResponseWriter, req Request) {
	const requestID = "faultproxy-0000-0000-0000-000000000000"
	switch req.Service {
	case "ec2":
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>%s</RequestID></Response>`, requestID)
	case "lambda": // REST-JSON: the code in a header, 429
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Amzn-Errortype", "TooManyRequestsException")
		w.Header().Set("X-Amzn-Requestid", requestID)
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"Type":"User","message":"Rate Exceeded.","Reason":"CallerRateLimitExceeded"}`)
	case "ssm":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Requestid", requestID)
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"ThrottlingException","Message":"Rate exceeded"}`)
	case "organizations":
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Requestid", requestID)
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"TooManyRequestsException","Message":"AWS Organizations can't complete your request because another request is already in progress. Try again later."}`)
	case "s3":
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("X-Amz-Request-Id", requestID)
		w.WriteHeader(http.StatusServiceUnavailable)
		if req.Method == http.MethodHead {
			return
		}
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>%s</RequestId></Error>`, requestID)
	default: // the query protocol's other services: RDS, STS
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>%s</RequestId></ErrorResponse>`, requestID)
	}
}
