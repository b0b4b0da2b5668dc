package fetch

import (
	"container/list"
	"context"
	"encoding/json"
	"io"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// callCache keeps the outputs of successful calls for the life of the
// process, keyed by (account, region, operation, input), up to a bound on
// the size of the responses they were decoded from. A self-join, a join
// that looks the same image up for many instances, an IN list and a
// statement run twice in the shell all reuse what was fetched.
//
// It sits in the SDK's middleware stack, so paginators, retries and error
// handling are the SDK's own and a cached page is exactly a fetched one.
type callCache struct {
	mu     sync.Mutex
	max    int64
	size   int64
	order  *list.List // front: most recently used
	items  map[string]*list.Element
	flight map[string]*flight // calls under way: the same call waits for them
}

// flight is a call under way; done closes when out and err are set.
type flight struct {
	done chan struct{}
	out  any
	err  error
}

// maxCachedCall is the largest response kept: about 200 instances.
const maxCachedCall = 1 << 20

type cacheEntry struct {
	key  string
	out  any
	size int64
}

func newCallCache(maxBytes int64) *callCache {
	return &callCache{max: maxBytes, order: list.New(), items: map[string]*list.Element{}, flight: map[string]*flight{}}
}

// get returns a cached output, or waits for the same call under way and
// returns its output. Otherwise it registers the caller's call as under
// way: the caller must call land with its outcome.
func (c *callCache) get(ctx context.Context, key string) (any, bool, error) {
	c.mu.Lock()
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
		c.mu.Unlock()
		return el.Value.(*cacheEntry).out, true, nil
	}
	if f, ok := c.flight[key]; ok {
		c.mu.Unlock()
		select {
		case <-f.done:
			if f.err == nil {
				return f.out, true, nil
			}
			return c.get(ctx, key) // it failed: try ourselves
		case <-ctx.Done():
			return nil, false, ctx.Err()
		}
	}
	c.flight[key] = &flight{done: make(chan struct{})}
	c.mu.Unlock()
	return nil, false, nil
}

// land records the outcome of a call registered by get.
func (c *callCache) land(key string, out any, size int64, err error) {
	c.mu.Lock()
	f := c.flight[key]
	delete(c.flight, key)
	c.mu.Unlock()
	if err == nil {
		c.put(key, out, size)
	}
	if f != nil {
		f.out, f.err = out, err
		close(f.done)
	}
}

func (c *callCache) put(key string, out any, size int64) {
	// Lookups and small listings are what gets asked again (joins, IN
	// lists, a shell's repeated statement); the big pages of a full scan
	// would only hold memory while streaming.
	if size > maxCachedCall {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.size -= el.Value.(*cacheEntry).size
		c.order.Remove(el)
	}
	c.items[key] = c.order.PushFront(&cacheEntry{key: key, out: out, size: size})
	c.size += size
	for c.size > c.max {
		el := c.order.Back()
		e := el.Value.(*cacheEntry)
		c.order.Remove(el)
		delete(c.items, e.key)
		c.size -= e.size
	}
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

type bodySizeKey struct{}

// callKeyKey holds the call's key (account, region, service, operation,
// input), made once here and read by the disk cache below.
type callKeyKey struct{}

// middleware installs the cache on a client of one account.
func (c *callCache) middleware(account string, outputOf func(serviceID, name string) func() any) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		err := stack.Initialize.Insert(middleware.InitializeMiddlewareFunc("awssqlCache",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if outputOf(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)) == nil {
					return next.HandleInitialize(ctx, in) // a stream, or STS: not kept
				}
				input, err := json.Marshal(in.Parameters)
				if err != nil {
					return next.HandleInitialize(ctx, in)
				}
				key := account + "\x00" + awsmiddleware.GetRegion(ctx) + "\x00" + awsmiddleware.GetServiceID(ctx) + "\x00" +
					awsmiddleware.GetOperationName(ctx) + "\x00" + string(input)
				out, ok, err := c.get(ctx, key)
				if err != nil {
					return middleware.InitializeOutput{}, middleware.Metadata{}, err
				}
				if ok {
					StatsFrom(ctx).update(func(s *Stats) { s.CacheHits++ })
					return middleware.InitializeOutput{Result: out}, middleware.Metadata{}, nil
				}
				size := new(int64)
				ctx = context.WithValue(context.WithValue(ctx, bodySizeKey{}, size), callKeyKey{}, key)
				res, md, err := next.HandleInitialize(ctx, in)
				c.land(key, res.Result, *size+int64(len(key)), err)
				return res, md, err
			}), "awssqlReadOnly", middleware.After)
		if err != nil {
			return err
		}
		// Measure each response body as the deserializer reads it: the size
		// of the XML or JSON is a fair proxy for the decoded output's.
		return stack.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("awssqlBodySize",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleDeserialize(ctx, in)
				size, _ := ctx.Value(bodySizeKey{}).(*int64)
				if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && size != nil && resp.Body != nil {
					resp.Body = &countingBody{ReadCloser: resp.Body, n: size}
				}
				return out, md, err
			}), "OperationDeserializer", middleware.After)
	}
}

type countingBody struct {
	io.ReadCloser
	n *int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	*b.n += int64(n)
	return n, err
}
