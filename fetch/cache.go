package fetch

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// callCache keeps the outputs of successful calls for the life of the
// process, keyed by (account, region, operation, input), up to a bound on
// the heap they hold. A self-join, a join that looks the same image up for
// many instances, an IN list and a statement run twice in the shell all
// reuse what was fetched.
//
// An answer may hold only some fields (see Project): the cache keeps which,
// and answers a call only with an answer that holds every field the call
// asks for. A call that finds a narrower answer kept asks for its fields
// and the kept ones' together, so the answer kept next serves both.
//
// It sits in the SDK's middleware stack, in front of the disk cache, so
// paginators, retries and error handling are the SDK's own, a cached page
// is exactly a fetched one, and an answer read from the disk counts
// against the bound as one from the network does: by its size in memory
// (heapSize), not by the size of a body it never had.
type callCache struct {
	max   int64
	sizes sizer // what an answer holds

	mu      sync.Mutex
	size    int64
	order   *list.List // front: most recently used
	items   map[string]*list.Element
	flights map[string]*flight // calls under way: the same call waits for them
}

// flight is a call under way. Its caller makes it on its own goroutine;
// the others wait for done. (singleflight's DoChan, which lets a waiter
// leave when its context ends, makes every call on a new goroutine, whose
// stack the SDK's deep call chain grows anew each time: a tenth of the
// CPU of an organization's calls.)
type flight struct {
	done chan struct{}
	l    landed
	err  error
	// cut says the call failed after its caller's context ended: its
	// error, whatever it says (a Bound's wait returns the context's cause,
	// not context.Canceled), is not the call's answer.
	cut bool
}

// errFlightLost is what waiters see of a call whose caller panicked.
var errFlightLost = errors.New("the call was abandoned")

// maxCachedCall is the most heap one kept answer may hold: about 250
// instances. The big pages of a full scan are not kept: see put.
const maxCachedCall = 1 << 20

// entryOverhead is what keeping an answer costs beside the answer and its
// key: the list element, the entry and the map's slot.
const entryOverhead = 48 + 48 + 32

type cacheEntry struct {
	key    string
	out    any
	fields fields // what out holds
	size   int64
}

func newCallCache(maxBytes int64) *callCache {
	return &callCache{max: maxBytes, order: list.New(), items: map[string]*list.Element{}, flights: map[string]*flight{}}
}

// landed is the outcome of a call: the output for the caller who made it,
// a copy that nobody writes for its waiters, and the metadata.
type landed struct {
	out, shared any
	md          middleware.Metadata
	hit         bool // found kept when the flight began
}

// answer is what a call returns: its output, metadata, and the fields the
// output holds.
type answer struct {
	out    any
	md     middleware.Metadata
	fields fields
}

// do returns (a copy of) the cached output for key that holds the fields
// want, or waits for the same call under way, or makes the call with call;
// hit says the answer is not the caller's own call. A waiter whose
// context ends stops waiting while the call goes on for the others; a
// waiter whose call was cut short by its caller's context makes the call
// itself. Other failures are shared: they are the answer to the same call
// at the same time.
func (c *callCache) do(ctx context.Context, key string, want fields, call func(want fields) (answer, error)) (_ any, _ middleware.Metadata, hit bool, _ error) {
	out, kept, ok := c.get(key, want)
	if ok {
		return out, middleware.Metadata{}, true, nil
	}
	if kept != nil {
		want = want.union(*kept)
	}
	// Calls for different fields are different calls.
	fk := key + "\x00" + want.String()
	for {
		c.mu.Lock()
		f, waiting := c.flights[fk]
		if !waiting {
			f = &flight{done: make(chan struct{}), err: errFlightLost}
			c.flights[fk] = f
		}
		c.mu.Unlock()
		if !waiting {
			l, err := c.fly(ctx, fk, f, key, want, call)
			return l.out, l.md, l.hit, err
		}
		select {
		case <-f.done:
			if f.err == nil {
				return detached(f.l.shared), middleware.Metadata{}, true, nil
			}
			if ctx.Err() == nil && (f.cut || errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded) || f.err == errFlightLost) {
				continue // another statement's call, ended with it: make ours
			}
			return nil, middleware.Metadata{}, false, f.err
		case <-ctx.Done():
			return nil, middleware.Metadata{}, false, ctx.Err()
		}
	}
}

// fly makes the call of flight f, for a caller whose context is ctx, and
// lands it for its waiters, even if call panics.
func (c *callCache) fly(ctx context.Context, fk string, f *flight, key string, want fields, call func(want fields) (answer, error)) (landed, error) {
	defer func() {
		c.mu.Lock()
		delete(c.flights, fk)
		c.mu.Unlock()
		close(f.done)
	}()
	// A call that landed between the lookup and this flight was kept
	// before its flight ended: ask again, or it is made twice.
	if out, _, ok := c.get(key, want); ok {
		f.l, f.err = landed{out: out, shared: detached(out), hit: true}, nil
		return f.l, nil
	}
	a, err := call(want)
	if err != nil {
		f.err, f.cut = err, ctx.Err() != nil
		return landed{}, err
	}
	shared := detached(a.out)
	if !askedOnce(ctx) {
		c.put(key, shared, a.fields)
	}
	f.l, f.err = landed{out: a.out, shared: shared, md: a.md}, nil
	return f.l, nil
}

type askedOnceKey struct{}

// AskedOnce says that no call made under ctx will be asked again: their
// answers are not kept in memory. A one-shot statement that reads one
// table in one loop is such a statement, and an organization's pages it
// kept only grew the heap (the disk cache, when on, still keeps them, for
// the next run). Calls under way are still shared with the same call.
func AskedOnce(ctx context.Context) context.Context {
	return context.WithValue(ctx, askedOnceKey{}, true)
}

// AskedAgain undoes AskedOnce for the calls made under ctx: those whose
// input comes from a row, not from the statement (a hydrated column's
// call), may be asked again by the next row, or by another column of the
// same row, even when the statement's own calls are not: instances share
// a CA certificate, a function's columns its GetFunction.
func AskedAgain(ctx context.Context) context.Context {
	if !askedOnce(ctx) {
		return ctx
	}
	return context.WithValue(ctx, askedOnceKey{}, false)
}

func askedOnce(ctx context.Context) bool {
	once, _ := ctx.Value(askedOnceKey{}).(bool)
	return once
}

// get returns a copy of the output kept for key if it holds the fields
// want; else the fields of the one kept, if any.
func (c *callCache) get(key string, want fields) (any, *fields, bool) {
	c.mu.Lock()
	el, ok := c.items[key]
	var e *cacheEntry
	if ok {
		e = el.Value.(*cacheEntry)
		if ok = e.fields.covers(want); ok {
			c.order.MoveToFront(el)
		}
	}
	c.mu.Unlock()
	switch {
	case e == nil:
		return nil, nil, false
	case !ok:
		return nil, &e.fields, false
	}
	return detached(e.out), nil, true
}

// put keeps a detached output, which holds fields, unless the one kept
// holds more.
func (c *callCache) put(key string, out any, f fields) {
	// Lookups and small listings are what gets asked again (joins, IN
	// lists, a shell's repeated statement); the big pages of a full scan
	// would only hold memory while streaming.
	limit := min(maxCachedCall, c.max)
	size := c.sizes.heapSize(out, limit) + allocSize(int64(len(key)), true) + entryOverhead
	if size > limit {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		old := el.Value.(*cacheEntry)
		if old.fields.covers(f) && !f.covers(old.fields) {
			return
		}
		c.size -= old.size
		c.order.Remove(el)
	}
	c.items[key] = c.order.PushFront(&cacheEntry{key: key, out: out, fields: f, size: size})
	c.size += size
	for c.size > c.max {
		el := c.order.Back()
		e := el.Value.(*cacheEntry)
		c.order.Remove(el)
		delete(c.items, e.key)
		c.size -= e.size
	}
}

// detached returns a copy of an output struct, without its
// ResultMetadata. The SDK sets an output's ResultMetadata after the
// middleware stack returns it, so an output kept as it was fetched would
// be given the raw HTTP response and, through its request, the caller's
// context (about 10 KB a call, and nothing a cached answer needs), and an
// output handed to two callers would be written by both. So the cache
// keeps a copy, and gives each caller a copy of its own. The copy is
// shallow: callers read outputs, they do not change them.
func detached(out any) any {
	v := reflect.ValueOf(out)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return out
	}
	c := reflect.New(v.Elem().Type())
	c.Elem().Set(v.Elem())
	if md := c.Elem().FieldByName("ResultMetadata"); md.IsValid() && md.Type() == metadataType {
		md.SetZero()
	}
	return c.Interface()
}

// clear drops every kept answer (not the calls under way) and returns how
// many there were.
func (c *callCache) clear() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.items)
	c.order.Init()
	c.items = map[string]*list.Element{}
	c.size = 0
	return n
}

// callKeyKey holds the call's key (account, region, service, operation,
// input), made once here and read by the disk cache below.
type callKeyKey struct{}

// middleware installs the cache on a client of one account. A call asks
// for the fields the context's projection names for its output (every
// field, unless Project said otherwise); the fields its answer holds are
// set below, by the disk cache or the decoder that read it.
func (c *callCache) middleware(account string, outputType func(serviceID, name string) reflect.Type) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Insert(middleware.InitializeMiddlewareFunc("awssqlCache",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				outType := outputType(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx))
				if outType == nil {
					return next.HandleInitialize(ctx, in) // a stream, or STS: not kept
				}
				input, err := json.Marshal(in.Parameters)
				if err != nil {
					return next.HandleInitialize(ctx, in)
				}
				key := account + "\x00" + awsmiddleware.GetRegion(ctx) + "\x00" + awsmiddleware.GetServiceID(ctx) + "\x00" +
					awsmiddleware.GetOperationName(ctx) + "\x00" + string(input)
				ctx = context.WithValue(ctx, callKeyKey{}, key)
				out, md, hit, err := c.do(ctx, key, projectionFor(ctx, outType), func(want fields) (answer, error) {
					// The SDK's decoder holds every field, unless the
					// decoder or the disk cache says otherwise.
					cf := &callFields{want: want, got: allFields}
					res, md, err := next.HandleInitialize(context.WithValue(ctx, callFieldsKey{}, cf), in)
					return answer{res.Result, md, cf.got}, err
				})
				if hit {
					StatsFrom(ctx).update(func(s *Stats) { s.CacheHits++ })
				}
				return middleware.InitializeOutput{Result: out}, md, err
			}), "awssqlReadOnly", middleware.After)
	}
}
