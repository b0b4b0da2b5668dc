package fetch

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go/middleware"
)

// Retry policy. Throttling is the API asking to slow down: such calls are
// retried up to MaxAttempts times, backing off up to 20 s. Any other
// retryable failure (5xx, a dropped connection, an attempt over
// CallTimeout) is retried at most otherAttempts times with short backoffs,
// so a call that keeps failing is reported within seconds rather than
// minutes.
const (
	DefaultMaxAttempts  = 10
	DefaultCallTimeout  = 30 * time.Second
	otherAttempts       = 3
	otherMaxBackoff     = 2 * time.Second
	throttledMaxBackoff = 20 * time.Second
)

// retryer is the SDK's standard retryer with the policy above.
type retryer struct {
	aws.RetryerV2
	other aws.RetryerV2
}

func newRetryer(maxAttempts int) aws.Retryer {
	std := func(max int, backoff time.Duration) aws.RetryerV2 {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = max
			o.MaxBackoff = backoff
			// The client-side retry quota would turn sustained throttling
			// into failures; backing off is what the caller pays for.
			o.RateLimiter = ratelimit.None
		})
	}
	return &retryer{
		RetryerV2: std(maxAttempts, throttledMaxBackoff),
		other:     std(min(maxAttempts, otherAttempts), otherMaxBackoff),
	}
}

func (r *retryer) RetryDelay(attempt int, err error) (time.Duration, error) {
	if throttles.IsErrorThrottle(err) == aws.TrueTernary {
		return r.RetryerV2.RetryDelay(attempt, err)
	}
	if attempt >= r.other.MaxAttempts() {
		return 0, &retry.MaxAttemptsError{Attempt: attempt, Err: err}
	}
	return r.other.RetryDelay(attempt, err)
}

// attemptTimeout bounds each attempt of a call (not the call with its
// retries), below the retry middleware: a region that hangs fails its
// attempts one by one and becomes a reported failure, not a hung query.
func attemptTimeout(d time.Duration) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("awssqlCallTimeout",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				actx, cancel := context.WithTimeoutCause(ctx, d, &CallTimeoutError{Timeout: d})
				defer cancel()
				out, md, err := next.HandleFinalize(actx, in)
				if err != nil && ctx.Err() == nil && actx.Err() != nil {
					err = fmt.Errorf("%w: %w", context.Cause(actx), err)
				}
				return out, md, err
			}), "Retry", middleware.After)
	}
}

// CallTimeoutError says an attempt got no answer within --call-timeout.
type CallTimeoutError struct{ Timeout time.Duration }

func (e *CallTimeoutError) Error() string {
	return fmt.Sprintf("no answer within %s (--call-timeout)", e.Timeout)
}
