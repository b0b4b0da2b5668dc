package fetch

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// stallingClient is the SDK's own HTTP client, of which the first answer
// to a DescribeInstances stops after its first bytes until the request's
// context ends, as a slow network would hold it: a call is cut in the
// middle of its answer, not before it.
type stallingClient struct {
	rt      aws.HTTPClient
	once    sync.Once
	stalled chan struct{} // closed once the answer stopped
}

func (c *stallingClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.rt.Do(req)
	if err != nil {
		return resp, err
	}
	br := bufio.NewReader(resp.Body)
	head, _ := br.Peek(512)
	resp.Body = struct {
		io.Reader
		io.Closer
	}{br, resp.Body}
	if bytes.Contains(head, []byte("<DescribeInstancesResponse")) {
		c.once.Do(func() {
			resp.Body = &stallingBody{ReadCloser: resp.Body, ctx: req.Context(), after: 2048, stalled: c.stalled}
		})
	}
	return resp, nil
}

type stallingBody struct {
	io.ReadCloser
	ctx     context.Context
	after   int
	n       int
	stalled chan struct{}
}

func (b *stallingBody) Read(p []byte) (int, error) {
	if b.n >= b.after {
		if b.stalled != nil {
			close(b.stalled)
			b.stalled = nil
		}
		<-b.ctx.Done()
		// What the connection says once the request is cancelled. The
		// transport closes it soon after the context ends, not at once:
		// the rest of a local answer could be read whole before, and the
		// call would not be cut. Closed here, it is.
		b.ReadCloser.Close()
		return b.ReadCloser.Read(p)
	}
	n, err := b.ReadCloser.Read(p[:min(len(p), b.after-b.n)])
	b.n += n
	return n, err
}

// TestWaiterOfACallCutMidAnswer: when the caller who makes a call goes
// away while its answer is being read (not before it came), a waiter
// whose context is live makes the call itself, and gets the answer, not
// the other caller's cancellation as a failure of its own.
func TestWaiterOfACallCutMidAnswer(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 4, InstancesPerRegion: 60, Seed: 1})
	for _, decoder := range []string{DecoderAWSSQL, DecoderSDK} {
		t.Run(decoder, func(t *testing.T) {
			hc := &stallingClient{rt: awshttp.NewBuildableClient(), stalled: make(chan struct{})}
			s, srv := testSession(t, ds, func(o *Options) { o.HTTPClient, o.Decoder = hc, decoder })
			if _, err := s.Identity(t.Context()); err != nil {
				t.Fatal(err)
			}
			c := s.Client(Target{Account: ds.Accounts[0].ID, Region: "us-east-1"})
			describe := func(ctx context.Context) (int, error) {
				out, err := Service(c, ec2.NewFromConfig).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
				if err != nil {
					return 0, err
				}
				n := 0
				for _, r := range out.Reservations {
					n += len(r.Instances)
				}
				return n, nil
			}
			callerCtx, cancelCaller := context.WithCancel(t.Context())
			defer cancelCaller()
			callerDone := make(chan error, 1)
			go func() { _, err := describe(callerCtx); callerDone <- err }()
			select {
			case <-hc.stalled:
			case <-time.After(10 * time.Second):
				t.Fatal("the answer never stalled")
			}
			type result struct {
				n   int
				err error
			}
			waiter := make(chan result, 1)
			go func() { n, err := describe(t.Context()); waiter <- result{n, err} }()
			time.Sleep(100 * time.Millisecond) // the waiter waits for the flight
			cancelCaller()
			if err := <-callerDone; err == nil {
				t.Error("the caller whose context ended got an answer")
			}
			select {
			case r := <-waiter:
				if r.err != nil {
					t.Errorf("the waiter whose context is live: %v", r.err)
				} else if r.n != 60 {
					t.Errorf("the waiter got %d instances, want 60", r.n)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the waiter is still waiting")
			}
			if n := srv.Count("DescribeInstances", "", ""); n != 2 {
				t.Errorf("%d calls, want 2", n)
			}
		})
	}
}

// TestWaiterOfACallCutWithACause: a caller's context that ends with a
// cause of its own (context.WithCancelCause, as a statement's does) ends
// its call with that cause, not context.Canceled, when the call waits for
// a slot of its Bound: a waiter whose context is live still makes the
// call itself rather than take that cause for the call's failure.
func TestWaiterOfACallCutWithACause(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 4, InstancesPerRegion: 5, Seed: 1})
	s, srv := testSession(t, ds, nil)
	if _, err := s.Identity(t.Context()); err != nil {
		t.Fatal(err)
	}
	srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Region: "us-west-2", Latency: 3 * time.Second})
	describe := func(ctx context.Context, region string) error {
		c := s.Client(Target{Account: ds.Accounts[0].ID, Region: region})
		_, err := Service(c, ec2.NewFromConfig).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
		return err
	}
	// The Bound's one call slot is held by a slow call elsewhere: the
	// caller's call waits for it.
	b := NewBound(1)
	go describe(WithBound(t.Context(), b), "us-west-2")
	for srv.Count("DescribeInstances", "", "us-west-2") == 0 {
		time.Sleep(time.Millisecond)
	}
	callerCtx, cancelCaller := context.WithCancelCause(WithBound(t.Context(), b))
	defer cancelCaller(nil)
	callerDone := make(chan error, 1)
	go func() { callerDone <- describe(callerCtx, "us-east-1") }()
	time.Sleep(100 * time.Millisecond) // the caller's flight waits for a slot
	waiter := make(chan error, 1)
	go func() { waiter <- describe(t.Context(), "us-east-1") }()
	time.Sleep(100 * time.Millisecond) // the waiter waits for the flight
	cancelCaller(errors.New("the statement was interrupted"))
	if err := <-callerDone; err == nil {
		t.Error("the caller whose context ended got an answer")
	} else {
		t.Logf("the caller: %v", err)
	}
	select {
	case err := <-waiter:
		if err != nil {
			t.Errorf("the waiter whose context is live: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the waiter is still waiting")
	}
	if n := srv.Count("DescribeInstances", "", "us-east-1"); n != 1 {
		t.Errorf("%d calls in us-east-1, want the waiter's 1", n)
	}
}
