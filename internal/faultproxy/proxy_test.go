package faultproxy

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// answer is what the upstream serves for every request: long enough that
// half of it is a real cut.
var answer = []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
	`<DescribeInstancesResponse>` + strings.Repeat("<item><instanceId>i-0123456789abcdef0</instanceId></item>", 20) + `</DescribeInstancesResponse>`)

// newProxy serves answer behind a proxy and returns the proxy and its URL.
func newProxy(t *testing.T) (*Proxy, string, *atomic.Int32) {
	t.Helper()
	hits := new(atomic.Int32)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.Host == "" || r.Header.Get("Authorization") == "" {
			http.Error(w, "the proxy lost the Host or Authorization header", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		w.Write(answer)
	}))
	p, err := New(upstream.URL)
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(p)
	t.Cleanup(func() {
		p.Close()
		front.Close()
		upstream.Close()
	})
	return p, front.URL, hits
}

// post makes a signed-looking query-protocol request for an EC2 operation.
func post(ctx context.Context, t *testing.T, base, service, action string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/", strings.NewReader(url.Values{"Action": {action}, "Version": {"2016-11-15"}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261101/eu-west-1/"+service+"/aws4_request, SignedHeaders=host, Signature=00")
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestFaults(t *testing.T) {
	tests := []struct {
		fault Fault
		check func(resp *http.Response, body []byte, err error) string // "" when the client saw the fault
	}{
		{DropBeforeHeaders, func(resp *http.Response, _ []byte, err error) string {
			if resp != nil || err == nil {
				return "want an error before any answer"
			}
			return ""
		}},
		{DropMidBody, func(resp *http.Response, body []byte, err error) string {
			if resp == nil || resp.StatusCode != 200 || !errors.Is(err, io.ErrUnexpectedEOF) || len(body) != len(answer)/2 {
				return "want 200, half the body, then io.ErrUnexpectedEOF"
			}
			return ""
		}},
		{TruncateBody, func(resp *http.Response, body []byte, err error) string {
			if err != nil || resp.StatusCode != 200 || !bytes.Equal(body, answer[:len(answer)/2]) || resp.ContentLength != int64(len(answer)/2) {
				return "want a clean 200 of half the body, Content-Length saying so"
			}
			return ""
		}},
		{TruncateBodyWrongLength, func(resp *http.Response, body []byte, err error) string {
			if resp == nil || resp.ContentLength != int64(len(answer)) || !errors.Is(err, io.ErrUnexpectedEOF) || len(body) != len(answer)/2 {
				return "want the whole body's Content-Length, half the body, then io.ErrUnexpectedEOF"
			}
			return ""
		}},
		{GarbleBody, func(resp *http.Response, body []byte, err error) string {
			if err != nil || len(body) != len(answer) || bytes.Equal(body, answer) || bytes.IndexByte(body, 0) < 0 {
				return "want a body of the same length with NUL bytes in it"
			}
			return ""
		}},
		{HTML500, func(resp *http.Response, body []byte, err error) string {
			if err != nil || resp.StatusCode != 500 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !bytes.Contains(body, []byte("<html>")) {
				return "want a 500 with an HTML page"
			}
			return ""
		}},
		{Empty200, func(resp *http.Response, body []byte, err error) string {
			if err != nil || resp.StatusCode != 200 || len(body) != 0 || resp.Header.Get("Content-Type") == "" {
				return "want a 200 with the real headers and no body"
			}
			return ""
		}},
		{Throttle, func(resp *http.Response, body []byte, err error) string {
			if err != nil || resp.StatusCode != 503 || !bytes.Contains(body, []byte("<Code>RequestLimitExceeded</Code>")) {
				return "want EC2's RequestLimitExceeded"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			p, base, _ := newProxy(t)
			rule := p.Add(Rule{Fault: tt.fault, Times: 1, Match: func(r Request) bool { return r.Operation == "DescribeInstances" }})
			// Another operation passes through untouched.
			if resp, body, err := post(context.Background(), t, base, "ec2", "DescribeImages"); err != nil || resp.StatusCode != 200 || !bytes.Equal(body, answer) {
				t.Fatalf("a request the rule does not match was changed: %v", err)
			}
			resp, body, err := post(context.Background(), t, base, "ec2", "DescribeInstances")
			if msg := tt.check(resp, body, err); msg != "" {
				status := 0
				if resp != nil {
					status = resp.StatusCode
				}
				t.Errorf("%s: got status %d, %d bytes, err %v", msg, status, len(body), err)
			}
			if n := rule.Fired(); n != 1 {
				t.Errorf("fired %d times, want 1", n)
			}
			// Times: 1, so the next one passes.
			if resp, body, err := post(context.Background(), t, base, "ec2", "DescribeInstances"); err != nil || resp.StatusCode != 200 || !bytes.Equal(body, answer) {
				t.Errorf("after firing once the rule still changes answers: %v", err)
			}
		})
	}
}

func TestHangAndSlow(t *testing.T) {
	p, base, hits := newProxy(t)
	p.Add(Rule{Fault: Hang, Match: func(r Request) bool { return r.Region == "eu-west-1" && r.Service == "ec2" }})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, _, err := post(ctx, t, base, "ec2", "DescribeInstances"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a hanging request ended with %v, want the client's deadline", err)
	}
	if took := time.Since(start); took < 200*time.Millisecond {
		t.Errorf("hang answered after %v", took)
	}
	if hits.Load() != 0 {
		t.Errorf("a hanging request reached the target")
	}

	p.Clear()
	p.Add(Rule{Fault: Slow, Delay: 150 * time.Millisecond})
	start = time.Now()
	resp, body, err := post(context.Background(), t, base, "ec2", "DescribeInstances")
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(body, answer) {
		t.Fatalf("slow: %v", err)
	}
	if took := time.Since(start); took < 150*time.Millisecond {
		t.Errorf("slow answered after %v, want at least 150ms", took)
	}
}

func TestThrottleSpeaksEachProtocol(t *testing.T) {
	tests := []struct {
		service string
		status  int
		want    string
	}{
		{"ec2", 503, "<Code>RequestLimitExceeded</Code>"},
		{"rds", 400, "<Code>Throttling</Code>"},
		{"sts", 400, "<Code>Throttling</Code>"},
		{"organizations", 400, `"__type":"TooManyRequestsException"`},
		{"s3", 503, "<Code>SlowDown</Code>"},
		{"lambda", 429, `"Reason":"CallerRateLimitExceeded"`},
		{"ssm", 400, `"__type":"ThrottlingException"`},
	}
	p, base, _ := newProxy(t)
	p.Add(Rule{Fault: Throttle})
	for _, tt := range tests {
		resp, body, err := post(context.Background(), t, base, tt.service, "Anything")
		if err != nil || resp.StatusCode != tt.status || !strings.Contains(string(body), tt.want) {
			t.Errorf("%s: %v, status %d, body %s: want %d with %s", tt.service, err, resp.StatusCode, body, tt.status, tt.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		method, target, header, value, body string
		want                                Request
	}{
		{"POST", "/", "Content-Type", "application/x-www-form-urlencoded", "Action=DescribeDBInstances&Version=2014-10-31",
			Request{Service: "rds", Region: "us-east-2", Operation: "DescribeDBInstances"}},
		{"POST", "/", "X-Amz-Target", "AWSOrganizationsV20161128.ListAccounts", "{}",
			Request{Service: "rds", Region: "us-east-2", Operation: "ListAccounts"}},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(tt.body))
		r.Header.Set(tt.header, tt.value)
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIA/20261101/us-east-2/rds/aws4_request, SignedHeaders=host, Signature=0")
		got := describe(r, []byte(tt.body))
		if got.Service != tt.want.Service || got.Region != tt.want.Region || got.Operation != tt.want.Operation {
			t.Errorf("%s: got %s %s %s, want %s %s %s", tt.value, got.Service, got.Region, got.Operation, tt.want.Service, tt.want.Region, tt.want.Operation)
		}
	}
	for path, want := range map[string]string{"GET /": "ListBuckets", "HEAD /b": "HeadBucket", "GET /b?list-type=2": "ListObjectsV2", "GET /b/k/e.txt": "GetObject"} {
		method, target, _ := strings.Cut(path, " ")
		r := httptest.NewRequest(method, target, nil)
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIA/20261101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0")
		if got := describe(r, nil).Operation; got != want {
			t.Errorf("%s: operation %q, want %q", path, got, want)
		}
	}
	for path, want := range map[string]string{"GET /2015-03-31/functions/": "ListFunctions", "GET /2015-03-31/functions/f%3A1": "GetFunction",
		"GET /2015-03-31/functions/f/policy": "GetPolicy", "GET /2021-10-31/functions/f/url": "GetFunctionUrlConfig", "POST /2015-03-31/functions": ""} {
		method, target, _ := strings.Cut(path, " ")
		r := httptest.NewRequest(method, target, nil)
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIA/20261101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0")
		if got := describe(r, nil).Operation; got != want {
			t.Errorf("lambda %s: operation %q, want %q", path, got, want)
		}
	}
}
