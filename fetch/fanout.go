package fetch

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"path"
	"slices"
	"sync"
)

// Scope narrows a scan before any call is made. Empty lists mean all.
type Scope struct {
	Accounts []string
	Regions  []string
	// Global makes one target per account, in the home region, for
	// account-wide APIs.
	Global bool
}

// Item is one value and the target it came from.
type Item[T any] struct {
	Target
	Value T
}

// ListFunc reads one target, a page at a time.
type ListFunc[T any] func(ctx context.Context, c *Client) iter.Seq2[[]T, error]

type batch[T any] struct {
	Target
	items []T
	err   error
}

type idleKey struct{}

// WithIdle returns ctx with idle, which a Scan under it calls, on the
// goroutine that consumes it, each time it is about to wait for a page
// that is not there yet: when a writer should flush what it holds, so that
// rows reach a pipe as pages arrive without a write for each row.
func WithIdle(ctx context.Context, idle func()) context.Context {
	return context.WithValue(ctx, idleKey{}, idle)
}

// Idle calls the idle hook of ctx (WithIdle), if it has one. A list that
// runs on its consumer's goroutine (Single's, not Scan's) calls it before
// each wait for AWS, as Scan does for the lists it runs; never from another
// goroutine, where the hook's writer is not its to flush.
func Idle(ctx context.Context) {
	if idle, _ := ctx.Value(idleKey{}).(func()); idle != nil {
		idle()
	}
}

// Scan runs list for every target in scope, at most Concurrency at once,
// and streams the items as pages arrive. A target that fails is counted
// and reported in the context's Stats and the others go on; under Strict
// its error ends the scan instead. Stopping the iteration cancels every
// call in flight and returns once the producers are gone.
//
// A slot of the concurrency bound is held while a target's page waits to
// be consumed, so at most Concurrency pages are held at once. Each scan has
// bounds of its own: a join's inner scan never waits for the outer one's.
// Scans under a context WithBound share that Bound's slots instead: the
// tables of a snapshot, read side by side as one fan-out.
func Scan[T any](ctx context.Context, s *Session, sc Scope, list ListFunc[T]) iter.Seq2[Item[T], error] {
	return func(yield func(Item[T], error) bool) {
		stmt := ctx // the caller's: outlives the scan's stopping early
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer func() {
			cancel()
			wg.Wait() // the lister's entries: none begins once the scan is over
		}()
		st := StatsFrom(ctx)
		ch := make(chan batch[T])
		sem := make(chan struct{}, s.opts.Concurrency)
		if b := boundFrom(ctx); b != nil {
			sem = b.targets
		}
		acquire := func() bool {
			// A slot free and the scan over both ready, select picks
			// either: the scan's end goes first.
			if ctx.Err() != nil {
				return false
			}
			select {
			case sem <- struct{}{}:
				return true
			case <-ctx.Done():
				return false
			}
		}
		release := func() { <-sem }
		send := func(b batch[T]) bool {
			select {
			case ch <- b:
				return true
			case <-ctx.Done():
				return false
			}
		}
		fail := func(te *TargetError) {
			if s.ignore(te.Code) {
				st.ignored(te.Failure())
				return
			}
			st.failed(te.Failure())
			if s.opts.Strict {
				send(batch[T]{Target: Target{te.Account, te.Region}, err: te})
			}
		}
		// A target cut short by the statement's end stays marked running:
		// a statement that timed out can then say what it waited for. One
		// cut short by the scan's own end (a LIMIT) is done with: the
		// statement no longer waits for it.
		running := func(t Target) { st.running(t, 1) }
		finished := func(t Target) {
			if stmt.Err() == nil {
				st.running(t, -1)
			}
		}
		runTarget := func(t Target) {
			if !acquire() {
				return
			}
			defer release()
			running(t)
			defer finished(t)
			for items, err := range list(ctx, s.Client(t)) {
				if err != nil {
					if ctx.Err() == nil {
						fail(targetError(t, err))
					}
					return
				}
				if !send(batch[T]{Target: t, items: items}) {
					return
				}
			}
			st.ok()
		}
		queue := newTargetQueue(cap(sem), runTarget, &wg)
		enter := func(a string) {
			if !acquire() {
				return
			}
			setup := Target{Account: a}
			running(setup)
			targets, failures, err := s.accountTargets(ctx, a, sc, func(sure []Target) {
				st.planned(len(sure))
				queue.add(sure)
			})
			finished(setup)
			release()
			var re *RegionError
			if errors.As(err, &re) {
				send(batch[T]{err: err}) // the query is wrong, not the account
				return
			}
			if ctx.Err() != nil {
				return
			}
			st.planned(len(targets) + len(failures))
			for _, te := range failures {
				fail(te)
			}
			queue.add(targets)
		}
		// The accounts are entered as the organization's pages of them
		// arrive; the queue closes once the last is entered.
		//
		// The list's pages are kept for the statements after this one,
		// and for this scan's next run (an outer row's), so the scan's
		// stopping early (a LIMIT) does not cut it: it goes on under the
		// context Scan was given (the engine's cursor's, which the
		// cursor's close, Ctrl-C and --timeout cut; the pages fetched by
		// then stay in the call cache). But the scan does not wait for it: a
		// LIMIT's answer is whole once its rows are, and waiting for the
		// fiftieth page of a large organization made it slow, and a
		// --timeout then called a whole answer incomplete. The lister is
		// therefore not one of the scan's goroutines (wg); the accounts it
		// enters are, added under entry while the scan goes on.
		var entry sync.Mutex
		over := false               // under entry: no account is entered any more
		var entering sync.WaitGroup // the accounts' goroutines
		listed := make(chan struct{})
		var listErr error
		wg.Add(1) // the closer's, below: before any account's
		if st != nil {
			st.lists.Add(1)
		}
		go func() {
			if st != nil {
				defer st.lists.Done()
			}
			defer close(listed)
			_, listErr = s.scopeAccounts(stmt, sc, func(accounts []string) {
				entry.Lock()
				defer entry.Unlock()
				if over || ctx.Err() != nil {
					return // the scan is over: the list is only kept
				}
				for _, a := range accounts {
					wg.Add(1)
					entering.Add(1)
					go func() {
						defer wg.Done()
						defer entering.Done()
						enter(a)
					}()
				}
			})
		}()
		go func() {
			defer wg.Done()
			select {
			case <-listed:
				if listErr != nil {
					send(batch[T]{err: listErr})
				}
			case <-ctx.Done():
				// No account is entered once the scan is over: those
				// entered before are all that entering waits for.
				entry.Lock()
				over = true
				entry.Unlock()
			}
			entering.Wait()
			queue.close()
		}()
		go func() {
			wg.Wait()
			close(ch)
		}()
		for {
			var b batch[T]
			var ok bool
			select {
			case b, ok = <-ch:
			default: // nothing ready: the consumer is about to wait
				Idle(ctx)
				b, ok = <-ch
			}
			if !ok {
				return
			}
			if b.err != nil {
				yield(Item[T]{}, b.err)
				return
			}
			for _, v := range b.items {
				if !yield(Item[T]{Target: b.Target, Value: v}, nil) {
					return
				}
			}
		}
	}
}

// targetQueue runs the targets added to it on at most workers goroutines,
// each running one target after another until the queue is closed and
// empty. A goroutine that lives across targets keeps the stack that the
// SDK's deep call chain grew it to: a goroutine per target grew a new
// one, copied several times, for every call.
type targetQueue struct {
	workers int
	run     func(Target)
	wg      *sync.WaitGroup

	mu      sync.Mutex
	cond    sync.Cond
	pending []Target
	running int // workers started and not yet returned
	idle    int // of them, those waiting for a target
	closed  bool
}

func newTargetQueue(workers int, run func(Target), wg *sync.WaitGroup) *targetQueue {
	q := &targetQueue{workers: max(workers, 1), run: run, wg: wg}
	q.cond.L = &q.mu
	return q
}

// add queues targets, wakes the idle workers and starts those still
// needed.
func (q *targetQueue) add(targets []Target) {
	q.mu.Lock()
	q.pending = append(q.pending, targets...)
	n := max(min(len(q.pending)-q.idle, q.workers-q.running), 0)
	q.running += n
	q.cond.Broadcast()
	q.mu.Unlock()
	for range n {
		q.wg.Add(1)
		go q.work()
	}
}

// close says that nothing more will be added: the workers return once
// the queue is empty.
func (q *targetQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.cond.Broadcast()
	q.mu.Unlock()
}

func (q *targetQueue) work() {
	defer q.wg.Done()
	q.mu.Lock()
	for {
		for len(q.pending) == 0 && !q.closed {
			q.idle++
			q.cond.Wait()
			q.idle--
		}
		if len(q.pending) == 0 {
			q.running--
			q.mu.Unlock()
			return
		}
		t := q.pending[0]
		q.pending = q.pending[1:]
		q.mu.Unlock()
		q.run(t)
		q.mu.Lock()
	}
}

// accountTargets returns the targets of one account a scan in scope
// calls, and the targets that fail before any call: an account whose
// member role cannot be assumed (one target, no region), a region named
// explicitly that the account has not enabled. A RegionError is the
// query's mistake, not the account's.
//
// The regions every account has enabled need no DescribeRegions: when
// they are all the scope holds, none is called; otherwise, with early not
// nil, they go to early before DescribeRegions is asked for the others,
// and are left out of what accountTargets returns.
func (s *Session) accountTargets(ctx context.Context, account string, sc Scope, early func([]Target)) ([]Target, []*TargetError, error) {
	// The member role first: an account awssql cannot enter is one failed
	// target, reported with the role and a hint.
	if err := s.Reach(ctx, account); err != nil {
		return nil, []*TargetError{targetError(Target{Account: account}, err)}, nil
	}
	if sc.Global {
		return []Target{{Account: account, Region: s.opts.HomeRegion}}, nil, nil
	}
	sure, all := sureRegions(s.Partition(), s.opts.Regions, sc)
	var targets []Target
	for _, r := range sure {
		targets = append(targets, Target{Account: account, Region: r})
	}
	if all {
		return targets, nil, nil
	}
	if early != nil && len(targets) > 0 && !mayBeTypo(s.Partition(), s.opts.Regions) {
		early(targets)
		targets = nil
	}
	regions, disabled, err := s.TargetRegions(ctx, account)
	var re *RegionError
	if errors.As(err, &re) {
		return nil, nil, err
	}
	if err != nil {
		// The sure regions not handed early are read all the same.
		return targets, []*TargetError{targetError(Target{Account: account}, err)}, nil
	}
	var failures []*TargetError
	for _, r := range disabled {
		if len(sc.Regions) == 0 || slices.Contains(sc.Regions, r) {
			failures = append(failures, &TargetError{Account: account, Region: r, Operation: "DescribeRegions", Code: "OptInRequired",
				Message: fmt.Sprintf("region %s is not enabled in account %s", r, account)})
		}
	}
	for _, r := range regions {
		if (len(sc.Regions) == 0 || slices.Contains(sc.Regions, r)) && !slices.Contains(sure, r) {
			targets = append(targets, Target{Account: account, Region: r})
		}
	}
	return targets, failures, nil
}

// Targets returns what a scan in scope would call, account by account,
// without calling any resource API: the targets, and those that would fail
// before any call (explain counts both, as a scan's statistics do). The
// accounts are entered (their role assumed, their regions described) at
// most Concurrency at once, as a scan enters them: one after the other,
// an organization of a thousand accounts would wait minutes here.
func (s *Session) Targets(ctx context.Context, sc Scope) ([]Target, []*TargetError, error) {
	accounts, err := s.scopeAccounts(ctx, sc, nil)
	if err != nil {
		return nil, nil, err
	}
	type answer struct {
		targets  []Target
		failures []*TargetError
		err      error
	}
	answers := make([]answer, len(accounts))
	sem := make(chan struct{}, max(s.opts.Concurrency, 1))
	var wg sync.WaitGroup
	for i, a := range accounts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				answers[i].err = context.Cause(ctx)
				return
			}
			defer func() { <-sem }()
			ts, fs, err := s.accountTargets(ctx, a, sc, nil)
			answers[i] = answer{ts, fs, err}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, nil, context.Cause(ctx)
	}
	var targets []Target
	var failures []*TargetError
	for _, ans := range answers {
		if ans.err != nil {
			return nil, nil, ans.err
		}
		targets, failures = append(targets, ans.targets...), append(failures, ans.failures...)
	}
	return targets, failures, nil
}

// scopeAccounts returns the connection's accounts that the scope leaves,
// handing them to page, if not nil, as they are listed (accountPages).
func (s *Session) scopeAccounts(ctx context.Context, sc Scope, page func([]string)) ([]string, error) {
	inScope := func(accts []Account) []string {
		var ids []string
		for _, a := range accts {
			if len(sc.Accounts) == 0 || slices.Contains(sc.Accounts, a.ID) {
				ids = append(ids, a.ID)
			}
		}
		return ids
	}
	var each func([]Account)
	if page != nil {
		each = func(accts []Account) {
			if ids := inScope(accts); len(ids) > 0 {
				page(ids)
			}
		}
	}
	accts, err := s.accountPages(ctx, each)
	if err != nil {
		return nil, err
	}
	return inScope(accts), nil
}

// ignore reports whether --ignore-errors covers an error code.
func (s *Session) ignore(code string) bool {
	for _, p := range s.opts.IgnoreErrors {
		if ok, _ := path.Match(p, code); ok {
			return true
		}
	}
	return false
}

// TargetRegions returns the regions to read in an account: the --regions
// selection applied to the account's DescribeRegions, and the regions named
// explicitly that the account has not enabled.
func (s *Session) TargetRegions(ctx context.Context, account string) (regions, disabled []string, err error) {
	all, err := s.AllRegions(ctx, account)
	if err != nil {
		return nil, nil, err
	}
	return selectRegions(all, s.opts.Regions)
}

// Single reads one target outside a fan-out (a bucket's objects), counted
// in the statement's statistics as a scan's targets are. Its errors are
// the statement's: they end it.
func Single[T any](ctx context.Context, t Target, seq iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		st := StatsFrom(ctx)
		st.planned(1)
		st.running(t, 1)
		for v, err := range seq {
			if !yield(v, err) || err != nil {
				return
			}
		}
		st.running(t, -1)
		st.ok()
	}
}

// Pager is what the SDK's generated paginators have in common.
type Pager[O, Opt any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*Opt)) (O, error)
}

// Pages reads a paginator page by page. With max > 0 it stops once max
// items came, without asking for the next page.
func Pages[O, Opt, T any](ctx context.Context, p Pager[O, Opt], items func(O) []T, max int64) iter.Seq2[[]T, error] {
	return func(yield func([]T, error) bool) {
		var n int64
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				yield(nil, err)
				return
			}
			page := items(out)
			if max > 0 && n+int64(len(page)) > max {
				page = page[:max-n]
			}
			n += int64(len(page))
			if len(page) > 0 && !yield(page, nil) {
				return
			}
			if max > 0 && n >= max {
				return
			}
		}
	}
}

// One makes an unpaged call.
func One[T any](ctx context.Context, call func(context.Context) ([]T, error)) iter.Seq2[[]T, error] {
	return func(yield func([]T, error) bool) {
		items, err := call(ctx)
		if err != nil {
			yield(nil, err)
			return
		}
		if len(items) > 0 {
			yield(items, nil)
		}
	}
}

// NotFound ends the iteration quietly on the given AWS error codes: a
// lookup of an id that does not exist has no rows, it is not a failure.
func NotFound[T any](seq iter.Seq2[[]T, error], codes ...string) iter.Seq2[[]T, error] {
	return func(yield func([]T, error) bool) {
		for items, err := range seq {
			if err != nil && IsCode(err, codes...) {
				return
			}
			if !yield(items, err) {
				return
			}
		}
	}
}

// PageSize is the page to ask for when at most limit items are needed:
// the API's maximum when all are, else limit clamped to the API's range.
func PageSize(limit int64, lo, hi int32) int32 {
	if limit <= 0 || limit >= int64(hi) {
		return hi
	}
	return max(int32(limit), lo)
}
