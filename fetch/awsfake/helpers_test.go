package awsfake_test

import (
	"context"
	"errors"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/awssql/awssql/fetch"
	"go/token"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/awssql/awssql/fetch/awsfake"
)

// endpoint is a running fake plus the credentials of one of its accounts.
type endpoint struct {
	srv         *awsfake.Server
	url         string
	key, secret string
}

func demoEndpoint(t *testing.T, opts ...awsfake.Option) endpoint {
	t.Helper()
	srv, url := awsfake.NewTestServer(t, awsfake.Demo(), opts...)
	key, secret := srv.Credentials(awsfake.DemoAccountID)
	return endpoint{srv: srv, url: url, key: key, secret: secret}
}

// config builds the SDK configuration the project uses against the fake:
// static credentials, BaseEndpoint, and (by default) no retries, so each
// call is exactly one request.
func (e endpoint) config(region string) aws.Config {
	return aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(e.key, e.secret, ""),
		BaseEndpoint:     aws.String(e.url),
		HTTPClient:       fetch.RaceFree(awshttp.NewBuildableClient()),
		RetryMaxAttempts: 1,
	}
}

func (e endpoint) ec2(region string) *ec2.Client { return ec2.NewFromConfig(e.config(region)) }
func (e endpoint) rds(region string) *rds.Client { return rds.NewFromConfig(e.config(region)) }
func (e endpoint) sts(region string) *sts.Client { return sts.NewFromConfig(e.config(region)) }

// fastRetries retries up to attempts times without backoff or client-side
// rate limiting, so fault tests run quickly.
func fastRetries(attempts int) func() aws.Retryer {
	return func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
			o.RateLimiter = ratelimit.None
		})
	}
}

// apiError asserts err is an AWS API error with the code and returns it.
func apiError(t *testing.T, err error, code string) smithy.APIError {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %v", code, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("want error code %s, got %s (%s)", code, ae.ErrorCode(), ae.ErrorMessage())
	}
	return ae
}

// statusOf returns the HTTP status of a failed call.
func statusOf(t *testing.T, err error) int {
	t.Helper()
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) {
		t.Fatalf("no HTTP status in %v", err)
	}
	return re.HTTPStatusCode()
}

// cmpOpts compare SDK structs: unexported fields (the SDK's
// noSmithyDocumentSerde markers) are ignored, as cmpopts.IgnoreUnexported
// would for each listed type, and nil and empty slices are equal because the
// wire cannot tell them apart.
var cmpOpts = []cmp.Option{
	cmp.FilterPath(func(p cmp.Path) bool {
		sf, ok := p.Last().(cmp.StructField)
		return ok && !token.IsExported(sf.Name())
	}, cmp.Ignore()),
	cmpopts.EquateEmpty(),
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}
