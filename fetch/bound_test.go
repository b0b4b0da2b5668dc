package fetch_test

import (
	"context"
	"iter"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
)

// inFlight counts the requests awsfake is answering at once, and the most
// it ever answered at once: each matching request is held for hold, so
// calls the client has in flight together overlap there.
type inFlight struct {
	now, most atomic.Int64
}

func (f *inFlight) fault(op string, hold time.Duration) awsfake.Fault {
	return awsfake.Fault{Operation: op, Hold: func(ctx context.Context, _ awsfake.Request) {
		n := f.now.Add(1)
		defer f.now.Add(-1)
		for m := f.most.Load(); n > m && !f.most.CompareAndSwap(m, n); m = f.most.Load() {
		}
		select {
		case <-time.After(hold):
		case <-ctx.Done():
		}
	}}
}

// threeCalls reads a target with three calls at once (as a page's
// hydrating calls are made), each a different call so that none is
// answered from the cache.
func threeCalls(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
	return func(yield func([]ec2types.Instance, error) bool) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		var all []ec2types.Instance
		var first error
		for i := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := fetch.Service(c, ec2.NewFromConfig).DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(int32(100 + i))})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					first = err
					return
				}
				if i == 0 {
					for _, r := range out.Reservations {
						all = append(all, r.Instances...)
					}
				}
			}()
		}
		wg.Wait()
		yield(all, first)
	}
}

// TestBoundSharedByScans: scans under one Bound, read side by side, make
// no more calls at once than the Bound, however many calls each target
// makes at once, and lose nothing; without a Bound the same scans make many
// more (so the count would see a Bound that does not hold).
func TestBoundSharedByScans(t *testing.T) {
	for _, bound := range []int{0, 2} {
		s, srv := connect(t, dataset(), func(o *fetch.Options) { o.Concurrency = 4 })
		var f inFlight
		srv.AddFault(f.fault("DescribeInstances", 20*time.Millisecond))
		ctx := context.Background()
		if bound > 0 {
			ctx = fetch.WithBound(ctx, fetch.NewBound(bound))
		}
		// Targets being read at once, pages held included.
		var targets inFlight
		list := func(ctx context.Context, c *fetch.Client) iter.Seq2[[]ec2types.Instance, error] {
			return func(yield func([]ec2types.Instance, error) bool) {
				n := targets.now.Add(1)
				defer targets.now.Add(-1)
				for m := targets.most.Load(); n > m && !targets.most.CompareAndSwap(m, n); m = targets.most.Load() {
				}
				for page, err := range threeCalls(ctx, c) {
					if !yield(page, err) {
						return
					}
				}
			}
		}
		var wg sync.WaitGroup
		counts := make([]int, 3)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, err := range fetch.Scan(ctx, s, fetch.Scope{}, list) {
					if err != nil {
						t.Error(err)
						return
					}
					counts[i]++
				}
			}()
		}
		wg.Wait()
		for i, n := range counts {
			if n != 48 {
				t.Errorf("bound %d: scan %d read %d instances, want 48", bound, i, n)
			}
		}
		most, mostTargets := f.most.Load(), targets.most.Load()
		switch {
		case bound > 0 && (most != int64(bound) || mostTargets != int64(bound)):
			t.Errorf("bound %d: %d calls and %d targets at once, want %d", bound, most, mostTargets, bound)
		case bound == 0 && (most <= 4 || mostTargets <= 4):
			t.Errorf("no bound: only %d calls and %d targets at once: the counts cannot tell a bound that does not hold", most, mostTargets)
		}
	}
}

// TestBoundWaitIsNotCallTimeout: a call waiting for a slot of its Bound is
// not hanging: --call-timeout times its attempt from when it has one.
func TestBoundWaitIsNotCallTimeout(t *testing.T) {
	s, srv := connect(t, dataset(), func(o *fetch.Options) { o.CallTimeout = 300 * time.Millisecond })
	srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Latency: 200 * time.Millisecond})
	st := fetch.NewStats()
	ctx := fetch.WithBound(fetch.WithStats(context.Background(), st), fetch.NewBound(1))
	var wg sync.WaitGroup
	start := time.Now()
	for _, region := range fourRegions[:3] {
		c := client(t, s, "100000000000", region)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := fetch.Service(c, ec2.NewFromConfig).DescribeInstances(ctx, &ec2.DescribeInstancesInput{}); err != nil {
				t.Errorf("%s: %v", region, err)
			}
		}()
	}
	wg.Wait()
	if took := time.Since(start); took < 600*time.Millisecond {
		t.Errorf("three calls of 200ms one at a time took %v", took)
	}
	if snap := st.Snapshot(); snap.Retries != 0 {
		t.Errorf("%d retries: a call that waited for its slot timed out", snap.Retries)
	}
}
