package fetch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Retry policy. Throttling is the API asking to slow down: such calls are
// retried up to MaxAttempts times, backing off up to 20 s. Any other
// transient failure (5xx, a dropped connection, an answer cut short or
// garbled, an attempt over CallTimeout) is retried at most otherAttempts
// times with short backoffs, so a call that keeps failing is reported
// within seconds rather than minutes.
//
// Which failures are transient is the SDK's own list (retry.DefaultRetryables:
// connection errors, 5xx, throttling, errors that say RetryableError), plus
// an answer that could not be decoded. CallTimeoutError and
// IncompleteAnswerError say RetryableError themselves.
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
			o.Retryables = append(o.Retryables, retry.IsErrorRetryableFunc(undecodable))
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

// undecodable retries an answer the SDK could not decode: a body garbled
// or cut short on the way is a transient failure like a dropped
// connection. (A cancelled call never gets here: NoRetryCanceledError
// comes first.)
func undecodable(err error) aws.Ternary {
	var de *smithy.DeserializationError
	if errors.As(err, &de) {
		return aws.TrueTernary
	}
	return aws.UnknownTernary
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
// The bound covers reading the answer too. An attempt cut by it is
// retried like any transient failure; one cut because the statement ended
// is not.
//
// The same middleware checks that a successful answer is whole (see
// answerBody), so that an empty or truncated 200 is a failed attempt,
// retried, and never an empty result.
//
// An operation whose output is a stream (S3 GetObject) returns before its
// body is read: the attempt's context then lives until the caller closes
// the body, still bounded by the timeout.
//
// Under a Bound an attempt is timed from when it has its slot: the wait
// for one is not the call hanging.
func attemptTimeout(d time.Duration) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		err := stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("awssqlCallTimeout",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				var actx context.Context
				var cancel context.CancelFunc
				if boundFrom(ctx) != nil {
					actx, cancel = clockedAttempt(ctx, d) // timed from its slot on (boundCalls)
				} else {
					actx, cancel = context.WithTimeoutCause(ctx, d, &CallTimeoutError{Timeout: d})
				}
				body := &answerBody{}
				out, md, err := next.HandleFinalize(context.WithValue(actx, answerBodyKey{}, body), in)
				if err != nil {
					timedOut := actx.Err() != nil
					cancel()
					return out, md, attemptError(ctx, actx, timedOut, body, err)
				}
				if body.streaming() {
					body.cancelOnClose(ctx, actx, cancel)
					return out, md, nil
				}
				cancel()
				if err := body.whole(); err != nil {
					return middleware.FinalizeOutput{}, md, err
				}
				return out, md, nil
			}), "Retry", middleware.After)
		if err != nil {
			return err
		}
		// Below the deserializer: it reads the answer through answerBody.
		return stack.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("awssqlAnswerBody",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleDeserialize(ctx, in)
				body, _ := ctx.Value(answerBodyKey{}).(*answerBody)
				if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && body != nil && resp.Body != nil {
					body.wrap(resp)
				}
				return out, md, err
			}), "OperationDeserializer", middleware.After)
	}
}

type answerBodyKey struct{}

// attemptError says why an attempt failed, so that the retryer and the
// user can tell a cut or garbled answer, and an attempt over its bound,
// from AWS's own errors.
func attemptError(ctx, actx context.Context, timedOut bool, body *answerBody, err error) error {
	switch {
	case ctx.Err() != nil:
		return err // the statement ended: not retried
	case timedOut:
		return context.Cause(actx) // not the SDK's CanceledError, which is never retried
	}
	if rerr := body.readError(); rerr != nil {
		return &IncompleteAnswerError{Status: body.status, Problem: rerr.Error(), Err: err}
	}
	var ae smithy.APIError
	if body.rc == nil || body.status < 200 || body.status > 299 || errors.As(err, &ae) {
		return err
	}
	// A successful status whose body the SDK could not decode: say it was
	// cut when it was, else that it was garbled.
	var ia *IncompleteAnswerError
	if errors.As(body.whole(), &ia) {
		ia.Err = err
		return ia
	}
	return &BadAnswerError{Status: body.status, Problem: fmt.Sprintf("could not be decoded: %v", decodeCause(err)), Err: err}
}

// CallTimeoutError says an attempt got no answer within --call-timeout.
type CallTimeoutError struct{ Timeout time.Duration }

func (e *CallTimeoutError) Error() string {
	return fmt.Sprintf("no answer within %s (--call-timeout)", e.Timeout)
}

// RetryableError makes the SDK's retryer retry the call.
func (e *CallTimeoutError) RetryableError() bool { return true }

// IncompleteAnswerError says a call's answer was not whole: an empty or
// truncated body, a connection that broke in the middle of it, or a page
// that is not an AWS answer. It is a transient failure: the call is retried.
type IncompleteAnswerError struct {
	Status  int    // the HTTP status of the answer
	Problem string // what was wrong with it
	Err     error  // the SDK's error, if it had one
}

func (e *IncompleteAnswerError) Error() string {
	return fmt.Sprintf("HTTP %d answer not whole: %s", e.Status, e.Problem)
}

func (e *IncompleteAnswerError) Unwrap() error { return e.Err }

// RetryableError makes the SDK's retryer retry the call.
func (e *IncompleteAnswerError) RetryableError() bool { return true }

// BadAnswerError says a successful answer could not be decoded, or did not
// match its checksum: its body was garbled on the way. It is a transient failure: the call is retried.
type BadAnswerError struct {
	Status  int
	Problem string // what was wrong with it
	Err     error  // the SDK's error
}

func (e *BadAnswerError) Error() string {
	return fmt.Sprintf("HTTP %d answer garbled: %s", e.Status, e.Problem)
}

func (e *BadAnswerError) Unwrap() error { return e.Err }

// RetryableError makes the SDK's retryer retry the call.
func (e *BadAnswerError) RetryableError() bool { return true }

// decodeCause is the decoder's own complaint, without the SDK's wrapping
// (status and request id, "failed to decode response body").
func decodeCause(err error) error {
	for {
		var re *smithyhttp.ResponseError
		var de *smithy.DeserializationError
		switch {
		case errors.As(err, &re) && re.Err != nil && re.Err != err:
			err = re.Err
		case errors.As(err, &de) && de.Err != nil:
			err = de.Err
			if u := errors.Unwrap(err); u != nil && strings.HasPrefix(err.Error(), "failed to decode response body, ") {
				err = u
			}
			return err
		default:
			return err
		}
	}
}
