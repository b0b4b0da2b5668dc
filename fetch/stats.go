package fetch

import (
	"context"
	"net/http/httptrace"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
)

// Stats is what one statement cost. It travels in the context
// (WithStats), so every call made under that context counts here, from
// whichever client and goroutine.
type Stats struct {
	mu sync.Mutex
	// Calls counts operations (not attempts) by name, account and region.
	Calls     map[string]map[string]map[string]int `json:"calls"`
	Pages     int                                  `json:"pages"`
	Retries   int                                  `json:"retries"`
	Throttles int                                  `json:"throttles"`
	CacheHits int                                  `json:"cache_hits"`
	DiskHits  int                                  `json:"disk_cache_hits"`
	Targets   TargetCounts                         `json:"targets"`
	Failures  []Failure                            `json:"failures"`
	// Ignored are failures --ignore-errors turned into empty results.
	Ignored []Failure `json:"ignored"`
	// Decoded counts the answers each decoder read (DecoderAWSSQL,
	// DecoderSDK); answers from the caches are not decoded.
	Decoded map[string]int `json:"decoded"`
	// Running counts the targets in flight, by "account/region" (region
	// empty for an account-wide step).
	Running map[string]int `json:"-"`
	// lists are the organization listers of the statement's scans, which
	// a scan stopped early does not wait for (Settle does).
	lists sync.WaitGroup
}

// Settle waits for the organization listers the statement's scans left
// going: once its cursors are closed (their contexts cut them) the calls
// they had in flight are answered, and counted, within moments. The
// statement's --stats waits for them, so a page in flight when a LIMIT,
// --timeout or Ctrl-C ended the statement is counted.
func (s *Stats) Settle() {
	if s != nil {
		s.lists.Wait()
	}
}

// TargetCounts counts (account, region) targets of the statement's scans.
type TargetCounts struct {
	Planned int `json:"planned"`
	OK      int `json:"ok"`
	Failed  int `json:"failed"`
	Ignored int `json:"ignored"`
}

// Failure is one target that could not be read.
type Failure struct {
	Account   string `json:"account"`
	Region    string `json:"region"`
	Operation string `json:"operation"`
	Code      string `json:"code"`
	Message   string `json:"message"`
}

// NewStats returns empty statistics.
func NewStats() *Stats {
	return &Stats{Calls: map[string]map[string]map[string]int{}, Failures: []Failure{}, Ignored: []Failure{}, Running: map[string]int{},
		Decoded: map[string]int{}}
}

type statsKey struct{}

// WithStats makes calls under ctx count in st.
func WithStats(ctx context.Context, st *Stats) context.Context {
	return context.WithValue(ctx, statsKey{}, st)
}

// StatsFrom returns the statistics ctx counts in, or nil.
func StatsFrom(ctx context.Context) *Stats {
	st, _ := ctx.Value(statsKey{}).(*Stats)
	return st
}

// Snapshot returns a copy safe to read while calls go on.
func (s *Stats) Snapshot() *Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := NewStats()
	for op, accts := range s.Calls {
		c.Calls[op] = map[string]map[string]int{}
		for a, regions := range accts {
			c.Calls[op][a] = map[string]int{}
			for r, n := range regions {
				c.Calls[op][a][r] = n
			}
		}
	}
	c.Pages, c.Retries, c.Throttles, c.CacheHits, c.DiskHits = s.Pages, s.Retries, s.Throttles, s.CacheHits, s.DiskHits
	c.Targets = s.Targets
	for d, n := range s.Decoded {
		c.Decoded[d] = n
	}
	c.Failures = sortFailures(append(c.Failures, s.Failures...))
	c.Ignored = sortFailures(append(c.Ignored, s.Ignored...))
	for k, n := range s.Running {
		if n > 0 {
			c.Running[k] = n
		}
	}
	return c
}

func sortFailures(fs []Failure) []Failure {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		return a.Region < b.Region
	})
	return fs
}

// TotalCalls sums Calls.
func (s *Stats) TotalCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, accts := range s.Calls {
		for _, regions := range accts {
			for _, c := range regions {
				n += c
			}
		}
	}
	return n
}

func (s *Stats) update(f func(*Stats)) {
	if s == nil {
		return
	}
	s.mu.Lock()
	f(s)
	s.mu.Unlock()
}

func (s *Stats) call(op, account, region string) {
	s.update(func(s *Stats) {
		if s.Calls[op] == nil {
			s.Calls[op] = map[string]map[string]int{}
		}
		if s.Calls[op][account] == nil {
			s.Calls[op][account] = map[string]int{}
		}
		s.Calls[op][account][region]++
	})
}

func (s *Stats) decoded(decoder string) { s.update(func(s *Stats) { s.Decoded[decoder]++ }) }

func (s *Stats) planned(n int) { s.update(func(s *Stats) { s.Targets.Planned += n }) }
func (s *Stats) ignored(f Failure) {
	s.update(func(s *Stats) {
		s.Targets.Ignored++
		s.Ignored = append(s.Ignored, f)
	})
}

// running marks a target (or an account's setup, with no region) in
// flight or done, so that a statement that times out can say what it was
// waiting for.
func (s *Stats) running(t Target, delta int) {
	s.update(func(s *Stats) { s.Running[t.Account+"/"+t.Region] += delta })
}
func (s *Stats) ok() { s.update(func(s *Stats) { s.Targets.OK++ }) }
func (s *Stats) failed(f Failure) {
	s.update(func(s *Stats) {
		s.Targets.Failed++
		s.Failures = append(s.Failures, f)
	})
}

var throttles = retry.IsErrorThrottles(retry.DefaultThrottles)

// counting installs the middleware that counts calls, pages, retries and
// throttles into the context's Stats. The account is fixed per client.
func counting(account string) func(*middleware.Stack) error {
	return countingAs(func(context.Context) string { return account }, nil)
}

// countingAs is counting with the account the calls are counted under
// known only once each call is answered (late, known not nil): the
// organization's first page is asked for while GetCallerIdentity says
// whose it is. A late call sent once the account is known (known says
// so without waiting) is counted when sent, as the others are: a scan
// stopped early does not wait for the organization's next page, and the
// statement's --stats, printed meanwhile, must count the request AWS
// received.
//
// A call is counted once its request is sent: one that never leaves the
// process (its credentials could not be had, its context ended while it
// waited for them) is not a call AWS saw.
func countingAs(account func(context.Context) string, known func() (string, bool)) func(*middleware.Stack) error {
	late := known != nil
	return func(stack *middleware.Stack) error {
		err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("awssqlCount",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				st := StatsFrom(ctx)
				a := new(attempts)
				out, md, err := next.HandleInitialize(context.WithValue(ctx, attemptsKey{}, a), in)
				if late && a.sent.Load() && !a.counted.Load() {
					st.call(awsmiddleware.GetOperationName(ctx), account(ctx), awsmiddleware.GetRegion(ctx))
				}
				if err == nil {
					st.update(func(s *Stats) { s.Pages++ })
				}
				return out, md, err
			}), middleware.After)
		if err != nil {
			return err
		}
		// Below the retry middleware every attempt passes once.
		err = stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("awssqlCountAttempts",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				st := StatsFrom(ctx)
				if a, ok := ctx.Value(attemptsKey{}).(*attempts); ok {
					if a.n++; a.n > 1 {
						st.update(func(s *Stats) { s.Retries++ })
					}
				}
				out, md, err := next.HandleFinalize(ctx, in)
				if err != nil && throttles.IsErrorThrottle(err) == aws.TrueTernary {
					st.update(func(s *Stats) { s.Throttles++ })
				}
				return out, md, err
			}), "Retry", middleware.After)
		if err != nil {
			return err
		}
		// A request reaches the deserialize step once it is signed, to be
		// sent; it is sent once the transport has written it (a context
		// ended meanwhile stops it short of AWS): the call is counted
		// then, the first time.
		return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("awssqlCountSent",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				if a, ok := ctx.Value(attemptsKey{}).(*attempts); ok && !a.sent.Load() {
					st, op, region := StatsFrom(ctx), awsmiddleware.GetOperationName(ctx), awsmiddleware.GetRegion(ctx)
					ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(w httptrace.WroteRequestInfo) {
						if w.Err != nil || a.sent.Swap(true) {
							return
						}
						if !late {
							st.call(op, account(ctx), region)
						} else if acct, ok := known(); ok {
							a.counted.Store(true)
							st.call(op, acct, region)
						}
					}})
				}
				return next.HandleDeserialize(ctx, in)
			}), middleware.Before)
	}
}

// attempts is what one call has done: its attempts, and whether a request
// was sent. The retry middleware runs attempts one after another, so n
// needs no lock.
type attempts struct {
	n       int
	sent    atomic.Bool // the transport may say so after the attempt returned
	counted atomic.Bool // a late call's, counted when sent
}

type attemptsKey struct{}
