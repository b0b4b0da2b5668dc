package fetch

import (
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
)

// newHTTPClient is the SDK's own client (it keeps http.ProxyFromEnvironment
// and AWS_CA_BUNDLE handling) with an idle pool sized for the fan-out, and
// without a race between smithy-go and net/http.
//
// The race (seen with smithy-go v1.28.9): smithy-go closes a request body
// once the response headers arrive, while net/http's write loop may still
// make its last read of it. The body wrapper offers WriteTo, which reports
// an error once closed, so the transport drops the connection under the
// response being read and the SDK retries: a duplicate call. Against a
// nearby endpoint it hit about one call in five. Hiding WriteTo makes the
// last read a plain Read, which ends with a clean EOF.
//
// The config loader adds AWS_CA_BUNDLE only to a *BuildableClient, so the
// wrapper goes on after loading (RaceFree).
func newHTTPClient(idle int) *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConnsPerHost = idle
	})
}

// RaceFree wraps an SDK HTTP client so that it does not hit the race
// described at newHTTPClient (tests that make their own clients use it).
func RaceFree(c aws.HTTPClient) aws.HTTPClient {
	if _, ok := c.(raceFreeClient); ok || c == nil {
		return c
	}
	return raceFreeClient{c}
}

type raceFreeClient struct{ inner aws.HTTPClient }

// readOnlyBody hides every method of the body but Read and Close.
type readOnlyBody struct{ io.ReadCloser }

func (c raceFreeClient) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		req.Body = readOnlyBody{req.Body}
	}
	return c.inner.Do(req)
}
