package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
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
// Failures that are not AWS's answers get codes of their own, with a
// message that says what happened and what to check:
//
//	Timeout            no answer within --call-timeout, or the network timed out
//	NetworkError       the endpoint could not be reached, or the connection broke before the answer
//	TLSError           the TLS handshake failed (a certificate, a proxy)
//	IncompleteAnswer   an answer that was empty, cut short or not an AWS answer (IncompleteAnswerError)
//	BadAnswer          an answer the SDK could not decode (garbled)
//	HTTP<status>       an error status whose body was not an AWS error (a load balancer's or proxy's page)
//
// A call that was retried says how many attempts it made.
func Describe(err error) (op, code, msg string) {
	var oe *smithy.OperationError
	if errors.As(err, &oe) {
		op = oe.OperationName
	}
	code, msg = describe(err, oe)
	var me *retry.MaxAttemptsError
	if errors.As(err, &me) && code != "MaxAttempts" {
		msg += fmt.Sprintf(" (%d attempts)", me.Attempt)
	}
	return op, code, msg
}

func describe(err error, oe *smithy.OperationError) (code, msg string) {
	var ct *CallTimeoutError
	var ia *IncompleteAnswerError
	var ba *BadAnswerError
	var ae smithy.APIError
	var de *smithy.DeserializationError
	var me *retry.MaxAttemptsError
	switch {
	case errors.As(err, &ct):
		return "Timeout", ct.Error()
	case errors.As(err, &ia):
		return "IncompleteAnswer", ia.Error()
	case errors.As(err, &ba):
		return "BadAnswer", ba.Error()
	}
	// An error status whose body is not an AWS error: a load balancer's or
	// a proxy's page (HTML), or nothing the SDK could read.
	if status, ctype := httpStatus(err); status >= 300 {
		isAWS := errors.As(err, &ae) && ae.ErrorCode() != "UnknownError" && ae.ErrorCode() != ""
		if !isAWS || strings.HasPrefix(ctype, "text/html") {
			if ctype == "" {
				ctype = "no content type"
			}
			return fmt.Sprintf("HTTP%d", status), fmt.Sprintf("HTTP %d %s, and the body (%s) was not an AWS error: "+
				"a proxy or load balancer answered, or the service failed", status, http.StatusText(status), ctype)
		}
	}
	switch {
	case errors.As(err, &ae):
		code, msg = ae.ErrorCode(), ae.ErrorMessage()
		if msg == "" {
			msg = ae.Error()
		}
		return code, msg
	case errors.As(err, &de):
		return "BadAnswer", "the answer could not be decoded: " + decodeCause(de).Error()
	case errors.Is(err, context.DeadlineExceeded):
		return "Timeout", "no answer in time"
	case errors.Is(err, context.Canceled):
		return "Canceled", "canceled"
	}
	if code, msg, ok := transportProblem(err); ok {
		return code, msg
	}
	if errors.As(err, &me) {
		return "MaxAttempts", me.Error()
	}
	msg = err.Error()
	if oe != nil && oe.Err != nil {
		msg = oe.Err.Error()
	}
	return "Error", msg
}

// httpStatus is the HTTP status and content type of the answer an error
// came with; 0 when there was none.
func httpStatus(err error) (int, string) {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.StatusCode, re.Response.Header.Get("Content-Type")
	}
	return 0, ""
}

// transportProblem names a failure below HTTP: the connection, TLS, DNS.
func transportProblem(err error) (code, msg string, ok bool) {
	where := "the endpoint"
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
			where = u.Scheme + "://" + u.Host // never the query: it could hold a signature
		}
	}
	var (
		certErr  *tls.CertificateVerificationError
		authErr  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
		record   tls.RecordHeaderError
		alert    tls.AlertError
		dnsErr   *net.DNSError
		netErr   net.Error
		tlsCause error
	)
	switch {
	case errors.As(err, &certErr):
		tlsCause = certErr.Err
	case errors.As(err, &authErr):
		tlsCause = authErr
	case errors.As(err, &hostErr):
		tlsCause = hostErr
	case errors.As(err, &invalid):
		tlsCause = invalid
	case errors.As(err, &record):
		tlsCause = errors.New(record.Msg)
	case errors.As(err, &alert):
		tlsCause = alert
	}
	switch {
	case tlsCause == nil && strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		// net/http turns the tls.RecordHeaderError of a plain HTTP answer
		// into an error of its own, with nothing but this text.
		return "TLSError", fmt.Sprintf("TLS with %s: the endpoint answered in plain HTTP, not TLS (check the scheme of --endpoint-url and HTTPS_PROXY)", where), true
	case tlsCause != nil:
		return "TLSError", fmt.Sprintf("TLS with %s: %v (check the endpoint's certificate and AWS_CA_BUNDLE; a proxy that inspects TLS needs its CA there)", where, tlsCause), true
	case errors.Is(err, syscall.ECONNREFUSED):
		return "NetworkError", fmt.Sprintf("cannot reach %s: connection refused (check --endpoint-url, HTTPS_PROXY and the network)", where), true
	case errors.As(err, &dnsErr):
		return "NetworkError", fmt.Sprintf("cannot reach %s: no such host %s (check the region, --endpoint-url and DNS)", where, dnsErr.Name), true
	case errors.As(err, &netErr) && netErr.Timeout():
		return "Timeout", fmt.Sprintf("no answer from %s in time (check the network and HTTPS_PROXY)", where), true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "NetworkError", fmt.Sprintf("the connection to %s broke before the answer came", where), true
	case errors.As(err, &netErr), ue != nil:
		cause := err
		if ue != nil {
			cause = ue.Err
		}
		return "NetworkError", fmt.Sprintf("cannot reach %s: %v", where, cause), true
	}
	return "", "", false
}

// refusal reports whether err is AWS refusing the request itself (bad
// credentials, no permission), not a failure to get an answer: an AWS
// error code other than throttling, answered with a status below 500.
func refusal(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() == "UnknownError" || ae.ErrorCode() == "" {
		return false
	}
	if throttles.IsErrorThrottle(err) == aws.TrueTernary {
		return false
	}
	status, _ := httpStatus(err)
	return status < 500
}

// IsCode reports whether err is an AWS error with one of the codes.
func IsCode(err error, codes ...string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && slices.Contains(codes, ae.ErrorCode())
}
