package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// TargetError is the failure of one (account, region) target. Region is
// empty for an account-wide step (credentials, region discovery).
type TargetError struct {
	Account   string
	Region    string
	Operation string
	Code      string
	Message   string
	Err       error
}

func (e *TargetError) Error() string {
	where := "account " + e.Account
	if e.Region != "" {
		where += ", region " + e.Region
	}
	return fmt.Sprintf("%s: %s: %s: %s", where, e.Operation, e.Code, e.Message)
}

func (e *TargetError) Unwrap() error { return e.Err }

// Failure returns the report form of the error.
func (e *TargetError) Failure() Failure {
	return Failure{Account: e.Account, Region: e.Region, Operation: e.Operation, Code: e.Code, Message: e.Message}
}

// targetError classifies err for the target: the operation that failed,
// the AWS error code and AWS's own message.
func targetError(t Target, err error) *TargetError {
	var te *TargetError
	if errors.As(err, &te) {
		return te
	}
	op, code, msg := Describe(err)
	return &TargetError{Account: t.Account, Region: t.Region, Operation: op, Code: code, Message: msg, Err: err}
}

// Describe splits an SDK error into the operation, the AWS error code and
// the message, without the SDK's wrapping (request ids, "operation error").
func Describe(err error) (op, code, msg string) {
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		op = oe.OperationName
	}
	var ae smithy.APIError
	var ne net.Error
	var me *retry.MaxAttemptsError
	var ct *CallTimeoutError
	switch {
	case errors.As(err, &ct):
		code, msg = "Timeout", ct.Error()
	case errors.As(err, &ae):
		code, msg = ae.ErrorCode(), ae.ErrorMessage()
		if msg == "" {
			msg = ae.Error()
		}
	case errors.Is(err, context.DeadlineExceeded):
		code, msg = "Timeout", "no answer in time"
	case errors.Is(err, context.Canceled):
		code, msg = "Canceled", "canceled"
	case errors.As(err, &ne):
		code, msg = "NetworkError", ne.Error()
	case errors.As(err, &me):
		code, msg = "MaxAttempts", me.Error()
	default:
		code, msg = "Error", err.Error()
		if oe != nil && oe.Err != nil {
			msg = oe.Err.Error()
		}
	}
	return op, code, msg
}

// IsCode reports whether err is an AWS error with one of the codes.
func IsCode(err error, codes ...string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && slices.Contains(codes, ae.ErrorCode())
}
