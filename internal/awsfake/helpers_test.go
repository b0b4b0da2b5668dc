package awsfake_test

import (
	"context"
	"errors"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"go/token"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/awssql/awssql/internal/awsfake"
)

// endpoint is a running fake plus the credentials of one of its accounts.
type endpoint struct {
	srv         *awsfake.Server
	url         string
	key, secret string
}

func demoEndpoint(t *testing.T, opts ...awsfake.Option) endpoint {
	t.Helper()
	srv, url := awsfaketest.NewServer(t, fakedata.Demo(), opts...)
	key, secret := srv.Credentials(fakedata.DemoAccountID)
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

// as is e's configuration for region, signed with other credentials.
func (e endpoint) as(creds aws.CredentialsProvider, region string) aws.Config {
	cfg := e.config(region)
	cfg.Credentials = creds
	return cfg
}

// base is the provider of e's own long-term key.
func (e endpoint) base() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(e.key, e.secret, "")
}

// session turns AssumeRole's answer into credentials.
func session(out *sts.AssumeRoleOutput) aws.CredentialsProvider {
	c := out.Credentials
	return credentials.NewStaticCredentialsProvider(*c.AccessKeyId, *c.SecretAccessKey, *c.SessionToken)
}

// assume calls AssumeRole with creds.
func (e endpoint) assume(t *testing.T, creds aws.CredentialsProvider, in *sts.AssumeRoleInput) (*sts.AssumeRoleOutput, error) {
	t.Helper()
	if in.RoleSessionName == nil {
		in.RoleSessionName = aws.String("awssql")
	}
	return sts.NewFromConfig(e.as(creds, "us-east-1")).AssumeRole(ctx(t), in)
}

// chain assumes the roles in order, the first with creds and each next one
// with the session before it, the way awssql does: through the SDK's
// stscreds provider and credentials cache, each hop passing externalID.
func (e endpoint) chain(creds aws.CredentialsProvider, externalID string, roles ...string) aws.CredentialsProvider {
	for _, role := range roles {
		client := sts.NewFromConfig(e.as(creds, "us-east-1"))
		creds = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(client, role, func(o *stscreds.AssumeRoleOptions) {
			if externalID != "" {
				o.ExternalID = aws.String(externalID)
			}
		}))
	}
	return creds
}

// clock is a wall clock a test moves by hand, for WithWallClock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
