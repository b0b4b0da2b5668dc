package fetch

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// whole tells a complete answer from an empty or cut one by its first and
// last bytes, as the SDK read them.
func TestAnswerWhole(t *testing.T) {
	ec2 := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
		strings.Repeat("<item><instanceId>i-0123456789abcdef0</instanceId></item>", 50) + "</DescribeInstancesResponse>\n"
	tests := []struct {
		name, method, body, ctype string
		status                    int
		problem                   string // "" for whole
	}{
		{"XML", "POST", ec2, "text/xml", 200, ""},
		{"XML cut", "POST", ec2[:len(ec2)/2], "text/xml", 200, "ends before </DescribeInstancesResponse>"},
		{"XML cut in the end tag", "POST", ec2[:len(ec2)-5], "text/xml", 200, "ends before </DescribeInstancesResponse>"},
		{"self-closed root", "POST", `<?xml version="1.0"?><!-- x --><ListBucketResult/>`, "application/xml", 200, ""},
		{"JSON", "POST", `{"Accounts":[{"Id":"1"}]}`, "application/x-amz-json-1.1", 200, ""},
		{"JSON cut", "POST", `{"Accounts":[{"Id":"1"},{"Id`, "application/x-amz-json-1.1", 200, "ends before its closing }"},
		{"empty", "POST", "", "text/xml", 200, "an empty body"},
		{"blank", "POST", " \n", "text/xml", 200, "an empty body"},
		{"HTML page", "POST", "<html><body>hello</body></html>", "text/html", 200, "an HTML page"},
		{"neither XML nor JSON", "POST", "OK", "text/plain", 200, "neither XML nor JSON"},
		{"HEAD has no body", "HEAD", "", "", 200, ""},
		{"an error status is the SDK's to read", "POST", "", "text/xml", 500, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &answerBody{}
			resp := &smithyhttp.Response{Response: &http.Response{StatusCode: tt.status, Header: http.Header{"Content-Type": {tt.ctype}},
				Body: io.NopCloser(strings.NewReader(tt.body)), Request: &http.Request{Method: tt.method}}}
			b.wrap(resp)
			// As the SDK does: decode (in small reads), drain, close.
			buf := make([]byte, 7)
			for {
				if _, err := resp.Body.Read(buf); err != nil {
					break
				}
			}
			resp.Body.Close()
			err := b.whole()
			switch {
			case tt.problem == "" && err != nil:
				t.Errorf("whole: %v, want nil", err)
			case tt.problem != "" && (err == nil || !strings.Contains(err.Error(), tt.problem)):
				t.Errorf("whole: %v, want %q", err, tt.problem)
			}
		})
	}
}

// The tail keeps the last bytes across reads of any size.
func TestAnswerTail(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 100)
	for _, size := range []int{1, 3, 255, 256, 257, 1000} {
		b := &answerBody{rc: io.NopCloser(bytes.NewReader(body))}
		buf := make([]byte, size)
		for {
			if _, err := b.Read(buf); err != nil {
				break
			}
		}
		if got := b.tail[:b.ntail]; !bytes.Equal(got, body[len(body)-tailBytes:]) {
			t.Errorf("reads of %d: tail %q", size, got)
		}
		if !bytes.Equal(b.head, body[:headBytes]) {
			t.Errorf("reads of %d: head %q", size, b.head)
		}
	}
}
