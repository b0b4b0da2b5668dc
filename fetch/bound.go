package fetch

import (
	"context"
	"sync"
	"time"

	"github.com/aws/smithy-go/middleware"
)

// Bound is one limit on the work of several scans together, for scans
// that run side by side as one fan-out (the tables of a snapshot): at most
// n targets of all of them are fetched at once, so at most n pages wait to
// be read, and at most n calls of all of them are in flight, whatever
// each target makes (a page's hydrating calls, an account's AssumeRole and
// DescribeRegions). N tables then cost an account what one table costs in
// throttling, not N times as much.
//
// Scans that share a Bound must each be read on, independently of the
// others: a target keeps its slot while its page waits to be read, so a
// scan that waits for another scan of the same Bound (as a join's inner
// scan does for its outer one) may wait forever. Without a Bound, each
// scan bounds its own targets (Options.Concurrency) and calls are not
// bounded beyond that.
type Bound struct {
	targets chan struct{}
	calls   chan struct{}
}

// NewBound returns a Bound of n targets and n calls at once (n < 1: 1).
func NewBound(n int) *Bound {
	n = max(n, 1)
	return &Bound{targets: make(chan struct{}, n), calls: make(chan struct{}, n)}
}

type boundKey struct{}

// WithBound makes every scan, and every call, under ctx share b.
func WithBound(ctx context.Context, b *Bound) context.Context {
	return context.WithValue(ctx, boundKey{}, b)
}

func boundFrom(ctx context.Context) *Bound {
	b, _ := ctx.Value(boundKey{}).(*Bound)
	return b
}

// boundCalls holds a slot of the context's Bound, if it has one, while an
// attempt is sent and its answer read. It sits at the top of the
// deserialize step: below the retry middleware, so that a call backing off
// holds no slot, and below signing, so that a call holding a slot never
// waits for anything but its answer (signing may wait for credentials,
// whose AssumeRole takes a slot of its own). The attempt's --call-timeout
// starts once it has its slot: waiting for one is not the call hanging.
func boundCalls(stack *middleware.Stack) error {
	return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("awssqlBoundCalls",
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			b := boundFrom(ctx)
			if b == nil {
				return next.HandleDeserialize(ctx, in)
			}
			select {
			case b.calls <- struct{}{}:
			case <-ctx.Done():
				return middleware.DeserializeOutput{}, middleware.Metadata{}, context.Cause(ctx)
			}
			defer func() { <-b.calls }()
			if c, ok := ctx.Value(attemptClockKey{}).(*attemptClock); ok {
				c.start()
			}
			return next.HandleDeserialize(ctx, in)
		}), middleware.Before)
}

type attemptClockKey struct{}

// attemptClock is the --call-timeout of an attempt that waits for a slot
// of a Bound: it runs from start (the slot) until stop.
type attemptClock struct {
	d      time.Duration
	cancel context.CancelCauseFunc
	mu     sync.Mutex
	timer  *time.Timer
	done   bool
}

// clockedAttempt is the context of an attempt whose clock starts once it
// has its slot, and what ends it.
func clockedAttempt(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	actx, cancel := context.WithCancelCause(ctx)
	c := &attemptClock{d: d, cancel: cancel}
	return context.WithValue(actx, attemptClockKey{}, c), c.stop
}

func (c *attemptClock) start() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer == nil && !c.done {
		c.timer = time.AfterFunc(c.d, func() { c.cancel(&CallTimeoutError{Timeout: c.d}) })
	}
}

func (c *attemptClock) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.done = true
	if c.timer != nil {
		c.timer.Stop()
	}
	c.cancel(context.Canceled)
}
