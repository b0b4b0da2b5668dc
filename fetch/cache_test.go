package fetch

import (
	"context"
	"errors"
	"fmt"
	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/smithy-go/middleware"

	"github.com/awssql/awssql/internal/awsfake"
)

// TestCacheHeapStaysWithinBound asks for 20,000 instances one by one, so
// that the call cache is offered 20,000 small answers, about 90 MB in all,
// and checks that the heap the session holds afterwards stays within the
// cache's default bound, whether the answers came from the network or
// from the disk cache.
func TestCacheHeapStaysWithinBound(t *testing.T) {
	if testing.Short() {
		t.Skip("makes 20,000 calls")
	}
	const (
		perRegion = 5000
		bound     = DefaultCacheBytes
		// What the estimate may miss (TestHeapSizeMatchesTheRuntime),
		// and what the session holds besides its cache: clients,
		// connections, the stats of a statement.
		tolerancePct = 10
		slack        = 2 << 20
	)
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 4, InstancesPerRegion: perRegion, Seed: 1})
	srv, url := awsfaketest.NewServer(t, ds)
	dir := t.TempDir()
	for _, from := range []string{"network", "disk"} {
		t.Run(from, func(t *testing.T) {
			s := openSession(t, srv, url, ds, func(o *Options) {
				o.CacheTTL, o.CacheDir = time.Hour, dir
			})
			ctx := WithStats(t.Context(), NewStats())
			if _, err := s.Identity(ctx); err != nil {
				t.Fatal(err)
			}
			regions := []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2"}
			describe := func(region string, i int) error {
				id := ds.Accounts[0].Regions[region].Instances[i].InstanceId
				out, err := Service(s.Client(Target{Account: ds.Accounts[0].ID, Region: region}), ec2.NewFromConfig).DescribeInstances(ctx,
					&ec2.DescribeInstancesInput{InstanceIds: []string{aws.ToString(id)}})
				if err == nil && (len(out.Reservations) != 1 || len(out.Reservations[0].Instances) != 1) {
					err = fmt.Errorf("%s: %d reservations, want the one instance", aws.ToString(id), len(out.Reservations))
				}
				return err
			}
			for _, r := range regions { // the clients, their connections, the cache directory
				if err := describe(r, 0); err != nil {
					t.Fatal(err)
				}
			}
			srv.Reset()
			before := heldHeap()
			var wg sync.WaitGroup
			errs := make([]error, len(regions))
			for ri, r := range regions {
				wg.Go(func() {
					for i := 1; i < perRegion && errs[ri] == nil; i++ {
						errs[ri] = describe(r, i)
						if i%500 == 0 {
							srv.Reset() // awsfake's log of requests is in this heap too
						}
					}
				})
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
			srv.Reset()
			held := heldHeap() - before
			st := StatsFrom(ctx).Snapshot()
			t.Logf("%d calls, %d from disk: the cache counts %d B in %d answers, the heap grew by %d B (bound %d B)",
				perRegion*len(regions), st.DiskHits, s.cache.size, s.cache.order.Len(), held, bound)
			if want := map[string]int{"network": 0, "disk": perRegion * len(regions)}[from]; st.DiskHits != want {
				t.Errorf("%d answers from disk, want %d", st.DiskHits, want)
			}
			if s.cache.size < bound*9/10 || s.cache.order.Len() >= perRegion*len(regions)/2 {
				t.Errorf("the cache holds %d B in %d answers: it should be full, and have evicted", s.cache.size, s.cache.order.Len())
			}
			if limit := int64(bound + bound*tolerancePct/100 + slack); held > limit {
				t.Errorf("the heap grew by %d B over %d answers, more than the bound %d B (+%d %% +%d B)",
					held, perRegion*len(regions), bound, tolerancePct, slack)
			}
			runtime.KeepAlive(s)
		})
	}
}

// TestBigPagesAreNotKept asks for the same page three times: a page that
// holds more than maxCachedCall of heap is not kept in memory, wherever it
// came from; a small one is.
func TestBigPagesAreNotKept(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 4, InstancesPerRegion: 400, Seed: 1})
	srv, url := awsfaketest.NewServer(t, ds)
	tests := []struct {
		name                   string
		pageSize               int32
		disk                   bool
		wantMemHits, wantCalls int
	}{
		{"small page", 10, false, 2, 1},
		{"small page, disk cache on", 10, true, 2, 1},
		{"big page", 400, false, 0, 3},
		// Read back from the disk, the big page has no HTTP body, but it is
		// as big: the third ask reads the disk again.
		{"big page, disk cache on", 400, true, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openSession(t, srv, url, ds, func(o *Options) {
				if tt.disk {
					o.CacheTTL, o.CacheDir = time.Hour, t.TempDir()
				}
			})
			ctx := WithStats(t.Context(), NewStats())
			if _, err := s.Identity(ctx); err != nil {
				t.Fatal(err)
			}
			srv.Reset()
			c := s.Client(Target{Account: ds.Accounts[0].ID, Region: "us-east-2"})
			var size int64
			for range 3 {
				out, err := Service(c, ec2.NewFromConfig).DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(tt.pageSize)})
				if err != nil {
					t.Fatal(err)
				}
				size = heapSize(detached(out), 1<<40)
			}
			if big := size > maxCachedCall; big != (tt.wantMemHits == 0) {
				t.Fatalf("a page of %d instances holds %d B: the case needs another page size", tt.pageSize, size)
			}
			if st := StatsFrom(ctx).Snapshot(); st.CacheHits != tt.wantMemHits {
				t.Errorf("a page of %d instances (%d B): %d answers from memory, want %d", tt.pageSize, size, st.CacheHits, tt.wantMemHits)
			}
			if n := srv.Count("DescribeInstances", "", ""); n != tt.wantCalls {
				t.Errorf("%d DescribeInstances calls, want %d", n, tt.wantCalls)
			}
		})
	}
}

// TestWaitersOfACall: callers of a call under way wait for it rather than
// call again; a waiter whose context ends stops waiting while the call goes
// on for the others; when the caller who made the call goes away, a waiter
// makes the call itself.
func TestWaitersOfACall(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 4, InstancesPerRegion: 5, Seed: 1})
	const latency = 400 * time.Millisecond
	tests := []struct {
		name      string
		cancel    string // whose context ends early: "waiter" or "caller"
		wantCalls int
	}{
		{"a waiter leaves", "waiter", 1},
		{"the caller leaves", "caller", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, srv := testSession(t, ds, nil)
			if _, err := s.Identity(t.Context()); err != nil {
				t.Fatal(err)
			}
			srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Latency: latency})
			c := s.Client(Target{Account: ds.Accounts[0].ID, Region: "us-east-1"})
			describe := func(ctx context.Context) error {
				_, err := Service(c, ec2.NewFromConfig).DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
				return err
			}
			callerCtx, cancelCaller := context.WithCancel(t.Context())
			defer cancelCaller()
			waiterCtx, cancelWaiter := context.WithCancel(t.Context())
			defer cancelWaiter()
			results := make(chan error, 3)
			go func() { results <- describe(callerCtx) }()
			for srv.Count("DescribeInstances", "", "") == 0 { // the call is under way
				time.Sleep(time.Millisecond)
			}
			go func() { results <- describe(waiterCtx) }()
			var other error
			otherDone := make(chan struct{})
			go func() { other = describe(t.Context()); close(otherDone) }()
			time.Sleep(latency / 4)
			start := time.Now()
			if tt.cancel == "waiter" {
				cancelWaiter()
			} else {
				cancelCaller()
			}
			// The one whose context ended returns at once, with its context's error.
			select {
			case err := <-results:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("the %s whose context ended: %v, want context.Canceled", tt.cancel, err)
				}
				if d := time.Since(start); d > latency/2 {
					t.Errorf("the %s whose context ended returned after %s", tt.cancel, d)
				}
			case <-time.After(latency / 2):
				t.Errorf("the %s whose context ended is still waiting", tt.cancel)
			}
			<-otherDone
			if other != nil {
				t.Errorf("the waiter whose context is live: %v", other)
			}
			if n := srv.Count("DescribeInstances", "", ""); n != tt.wantCalls {
				t.Errorf("%d calls, want %d", n, tt.wantCalls)
			}
		})
	}
}

// TestSameCallOnce: callers that ask for the same call at about the same
// time make it once, even when one asks just as another's flight ends
// (after its lookup missed and before the flight began). Many rounds make
// that window likely to be hit.
func TestSameCallOnce(t *testing.T) {
	const rounds, callers = 2000, 8
	for round := range rounds {
		c := newCallCache(1 << 20)
		var calls sync.WaitGroup
		var mu sync.Mutex
		made := 0
		for range callers {
			calls.Add(1)
			go func() {
				defer calls.Done()
				_, _, _, err := c.do(t.Context(), "k", allFields, func(fields) (answer, error) {
					mu.Lock()
					made++
					mu.Unlock()
					return answer{&ec2.DescribeInstancesOutput{}, middleware.Metadata{}, allFields}, nil
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
		calls.Wait()
		if made != 1 {
			t.Fatalf("round %d: the same call was made %d times", round, made)
		}
	}
}

// TestAskedOnceKeepsNothing: a call made under AskedOnce is not kept, so
// the same call is made again; without it, or under AskedAgain (a hydrated
// column's call), the second is answered from memory. The same call at the
// same time is still made once.
func TestAskedOnceKeepsNothing(t *testing.T) {
	for _, c := range []struct {
		name  string
		ctx   func(context.Context) context.Context
		calls int
	}{
		{"plain", func(ctx context.Context) context.Context { return ctx }, 1},
		{"AskedOnce", AskedOnce, 2},
		{"AskedAgain under AskedOnce", func(ctx context.Context) context.Context { return AskedAgain(AskedOnce(ctx)) }, 1},
		{"AskedOnce under AskedAgain", func(ctx context.Context) context.Context { return AskedOnce(AskedAgain(ctx)) }, 2},
	} {
		cache := newCallCache(1 << 20)
		ctx := c.ctx(t.Context())
		made := 0
		call := func(fields) (answer, error) {
			made++
			return answer{&ec2.DescribeInstancesOutput{}, middleware.Metadata{}, allFields}, nil
		}
		for range 2 {
			if _, _, _, err := cache.do(ctx, "k", allFields, call); err != nil {
				t.Fatal(err)
			}
		}
		if made != c.calls {
			t.Errorf("%s: the call was made %d times, want %d", c.name, made, c.calls)
		}
		if kept := cache.size != 0; kept != (c.calls == 1) {
			t.Errorf("%s: %d bytes kept", c.name, cache.size)
		}
	}
}
