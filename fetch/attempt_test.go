package fetch_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// A streamed output (GetObject) is read after the call returned: the
// attempt's context must live until the body is closed. Bodies past the
// transport's buffers (about 64 KB) were cut with "context canceled".
func TestStreamOutlivesItsAttempt(t *testing.T) {
	ds := dataset()
	big := bytes.Repeat([]byte("0123456789abcdef"), 40<<10) // 640 KiB
	ds.Accounts[0].Regions["us-east-1"].Buckets = append(ds.Accounts[0].Regions["us-east-1"].Buckets,
		fakedata.Bucket{Name: "big-objects", Created: fakedata.ReferenceTime(), Objects: []fakedata.Object{{Key: "big.bin", Body: big, LastModified: fakedata.ReferenceTime()}}})
	for _, callTimeout := range []time.Duration{0, 5 * time.Second} {
		s, _ := connect(t, ds, func(o *fetch.Options) { o.CallTimeout = callTimeout })
		c := client(t, s, ds.Accounts[0].ID, "us-east-1")
		out, err := fetch.S3(c).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("big-objects"), Key: aws.String("big.bin")})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond) // the transport has buffered what it could
		got, err := io.ReadAll(out.Body)
		out.Body.Close()
		if err != nil || !bytes.Equal(got, big) {
			t.Errorf("--call-timeout %s: read %d of %d bytes: %v", callTimeout, len(got), len(big), err)
		}
	}
}

// An attempt cut by --call-timeout is a transient failure: retried, it
// ends in the answer; the statement's own cancellation is not retried.
func TestCallTimeoutIsRetried(t *testing.T) {
	s, srv := connect(t, dataset(), func(o *fetch.Options) { o.CallTimeout = 200 * time.Millisecond })
	srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Region: "us-east-2", Latency: 5 * time.Second, Times: 1})
	st := fetch.NewStats()
	ctx := fetch.WithStats(context.Background(), st)
	c := client(t, s, "100000000000", "us-east-2")
	out, err := fetch.Service(c, ec2.NewFromConfig).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err != nil {
		t.Fatalf("a call whose first attempt hung: %v, want its retry's answer", err)
	}
	if len(out.Reservations) == 0 {
		t.Error("no instances")
	}
	if snap := st.Snapshot(); snap.Retries != 1 {
		t.Errorf("%d retries, want 1", snap.Retries)
	}

	// A hang on every attempt: three attempts, then a Timeout naming the bound.
	srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Region: "us-west-1", Latency: 5 * time.Second})
	start := time.Now()
	_, err = fetch.Service(client(t, s, "100000000000", "us-west-1"), ec2.NewFromConfig).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	_, code, msg := fetch.Describe(err)
	if code != "Timeout" || msg != "no answer within 200ms (--call-timeout) (3 attempts)" {
		t.Errorf("a hanging region: %s: %s (%v)", code, msg, err)
	}
	if took := time.Since(start); took < 600*time.Millisecond || took > 3*time.Second {
		t.Errorf("three attempts of 200ms took %v", took)
	}
}

// Retries stay within the statement's context: cancelled while a throttled
// call backs off, the call returns at once.
func TestCancelStopsRetries(t *testing.T) {
	s, srv := connect(t, dataset(), nil)
	srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Code: "RequestLimitExceeded"})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := fetch.Service(client(t, s, "100000000000", "us-east-1"), ec2.NewFromConfig).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %v to stop after the cancel at 300ms", took)
	}
	made := len(srv.Requests())
	time.Sleep(1500 * time.Millisecond)
	if n := len(srv.Requests()); n != made {
		t.Errorf("%d attempts made after the cancel", n-made)
	}
}

// client returns a target's clients the way Scan does: after Reach, which
// learns who the caller is.
func client(t *testing.T, s *fetch.Session, account, region string) *fetch.Client {
	t.Helper()
	if err := s.Reach(context.Background(), account); err != nil {
		t.Fatal(err)
	}
	return s.Client(fetch.Target{Account: account, Region: region})
}
