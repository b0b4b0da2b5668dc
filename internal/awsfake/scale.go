package awsfake

import (
	"net/http"
)

// Options and helpers for serving an organization at scale (cmd/awsfake,
// benchmarks): a server-side page size, and throttling across services.

// WithPageSize caps the items the server puts in one page of a paged
// listing at n, whatever MaxResults or MaxRecords asks for, as AWS may
// return fewer items than asked and a NextToken (or Marker) to go on with.
// It applies to the EC2 listings (DescribeInstances, DescribeImages and
// those of ec2_network.go; a lookup by ids, which cannot ask for a page
// size, is answered whole), RDS DescribeDBInstances and the Organizations
// List operations. A MaxResults below n still gives pages of MaxResults. n <= 0:
// no cap, the default: a page holds what MaxResults asks (or everything,
// for an EC2 call without MaxResults).
func WithPageSize(n int) Option { return func(s *Server) { s.pageSize = max(n, 0) } }

// capPage applies the server's page size to the page size max a request
// asked for (max <= 0: everything).
func (s *Server) capPage(max int) int {
	if s.pageSize > 0 && (max <= 0 || max > s.pageSize) {
		return s.pageSize
	}
	return max
}

// ThrottleError is how a service says "slow down": an AWS error code and
// the HTTP status it comes with.
type ThrottleError struct {
	Code   string
	Status int
}

// ThrottleErrors maps each service the fake serves (by signing name) to its
// throttling error. Every code is one of the SDK's
// retry.DefaultThrottleErrorCodes, so the SDK retries these as throttles
// (throttle backoff and retry cost), not as other transient failures.
// Organizations answers TooManyRequestsException with 400, as its API
// reference says (a Fault that names only that code gets 429); Lambda
// answers it with 429, and SSM ThrottlingException with 400.
func ThrottleErrors() map[string]ThrottleError {
	return map[string]ThrottleError{
		"ec2":           {"RequestLimitExceeded", http.StatusServiceUnavailable},
		"rds":           {"Throttling", http.StatusBadRequest},
		"sts":           {"Throttling", http.StatusBadRequest},
		"organizations": {"TooManyRequestsException", http.StatusBadRequest},
		"s3":            {"SlowDown", http.StatusServiceUnavailable},
		"lambda":        {"TooManyRequestsException", http.StatusTooManyRequests},
		"ssm":           {"ThrottlingException", http.StatusBadRequest},
	}
}

// Throttle returns faults that make each service answer a request with its
// throttling error (see ThrottleErrors) with probability p: add them all
// with AddFault. The draws are deterministic for the server's seed (see
// Fault.Probability), and a retried request draws anew. p <= 0: no faults;
// p >= 1: every request is throttled.
func Throttle(p float64) []Fault {
	if p <= 0 {
		return nil
	}
	p = min(p, 1)
	var out []Fault
	errs := ThrottleErrors()
	for _, svc := range []string{"sts", "organizations", "ec2", "rds", "s3", "lambda", "ssm"} {
		c := errs[svc]
		out = append(out, Fault{Service: svc, Code: c.Code, Status: c.Status, Probability: p})
	}
	return out
}
