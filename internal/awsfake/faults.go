package awsfake

import (
	"context"
	"encoding/binary"
	"hash/fnv"
	"time"
)

// Fault changes the answers to matching requests: it adds latency, answers
// an AWS error instead of the real response, or both; or it holds them
// for a test (Hold).
//
// Faults apply to requests that passed authentication and the region check
// and name an operation the fake serves; they are checked in the order
// added. Latencies of all firing faults add up; the first firing fault with
// a Code decides the error. A fault's Account matches Request.Account, so a
// fault on account X also hits the sts:AssumeRole into X. A fault fires
// when it matches and, for 0 < Probability < 1, its draw comes up; Times
// limits how often it fires.
type Fault struct {
	Service, Operation, Account, Region string             // "" matches any
	Match                               func(Request) bool // optional extra predicate (e.g. Params has NextToken); must not modify the Request

	// Latency is slept before answering. When the client goes away first,
	// the request is recorded as Canceled and not answered.
	Latency time.Duration

	// Hold, when set, is called with the request before the latency is
	// slept, outside the server's lock, and the request waits until it
	// returns: a test can hold requests there until others arrive (a
	// barrier), or count the requests being answered at once. ctx ends
	// when the client goes away. It must not modify the Request.
	Hold func(ctx context.Context, r Request)

	// Code is the AWS error code to answer; "" = no error. The throttling
	// codes the SDK retries as such are RequestLimitExceeded (EC2),
	// Throttling (RDS, STS) and TooManyRequestsException (Organizations).
	Code    string
	Status  int    // default per code: 503 for EC2's RequestLimitExceeded, 429 for TooManyRequestsException, 500 for internal errors, else 400
	Message string // default per code

	// Probability 0 or 1 fires always. Otherwise the draw is pseudo-random
	// but deterministic: a hash of the seed, service, operation, account,
	// region, the request's parameters and how many times this same request
	// was seen before. So a retried request draws anew, and a run with the
	// same seed and the same requests fails the same ones.
	Probability float64

	Times int // 0 = unlimited; N = fire for the first N matching requests only
}

type faultState struct {
	Fault
	fired int
}

// AddFault adds a fault after those already added.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultState{Fault: f})
}

// ClearFaults removes all faults.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// injectFaults applies the faults that fire for c: it sleeps their summed
// latency (reporting canceled if the client leaves meanwhile) and returns
// the first fault error.
func (s *Server) injectFaults(ctx context.Context, c *call) (aerr *apiError, canceled bool) {
	req := Request{Service: c.service, Operation: c.action, Account: c.subject, Region: c.region,
		Caller: c.principal.Account, CallerARN: c.principal.ARN, Params: c.params}
	var latency time.Duration
	var holds []func(context.Context, Request)

	s.mu.Lock()
	if len(s.faults) == 0 {
		s.mu.Unlock()
		return nil, false
	}
	key := requestKey(c)
	rep := s.repeats[key]
	s.repeats[key] = rep + 1
	for _, f := range s.faults {
		if !match(f.Service, req.Service) || !match(f.Operation, req.Operation) ||
			!match(f.Account, req.Account) || !match(f.Region, req.Region) {
			continue
		}
		if f.Code != "" && aerr != nil {
			continue // an earlier error fault already decided the answer
		}
		if f.Match != nil && !f.Match(req) {
			continue
		}
		if f.Probability > 0 && f.Probability < 1 && draw(s.seed, key, rep, f.Fault) >= f.Probability {
			continue
		}
		if f.Times > 0 && f.fired >= f.Times {
			continue
		}
		f.fired++
		latency += f.Latency
		if f.Hold != nil {
			holds = append(holds, f.Hold)
		}
		if f.Code != "" {
			status := f.Status
			if status == 0 {
				status = defaultFaultStatus(f.Code)
			}
			msg := f.Message
			if msg == "" {
				msg = defaultFaultMessage(f.Code)
			}
			aerr = &apiError{Status: status, Code: f.Code, Message: msg}
		}
	}
	s.mu.Unlock()

	for _, h := range holds {
		h(ctx, req)
	}
	if sleep(ctx, latency) {
		return nil, true
	}
	return aerr, false
}

// requestKey identifies "the same request": service, operation, account,
// region and the canonical (sorted) form of the parameters.
func requestKey(c *call) uint64 {
	h := fnv.New64a()
	for _, s := range []string{c.service, c.action, c.subject, c.region, c.params.Encode()} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// draw returns a number in [0, 1) determined by the seed, the request and
// its repetition, and the fault (so two faults on one request draw apart).
func draw(seed int64, key uint64, rep int, f Fault) float64 {
	h := fnv.New64a()
	var b [24]byte
	binary.BigEndian.PutUint64(b[0:], uint64(seed))
	binary.BigEndian.PutUint64(b[8:], key)
	binary.BigEndian.PutUint64(b[16:], uint64(rep))
	h.Write(b[:])
	h.Write([]byte(f.Code + "\x00" + f.Service + "\x00" + f.Operation + "\x00" + f.Account + "\x00" + f.Region))
	// fnv's low bits mix poorly for near-identical inputs; finish with a
	// splitmix64 round before taking 53 bits.
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}
