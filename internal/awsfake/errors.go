package awsfake

import (
	"encoding/xml"
	"fmt"
	"net/http"
)

// apiError is an AWS error answer: HTTP status, error code and message.
type apiError struct {
	Status  int
	Code    string
	Message string
	Reason  string // JSON protocols: the error's Reason member, if it has one
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// invalidParameterValue is the 400 error both EC2 and RDS use for a bad value.
func invalidParameterValue(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "InvalidParameterValue", format, args...)
}

// Authentication errors differ per protocol: EC2 folds almost every problem
// with credentials into 401 AuthFailure, the awsQuery services (RDS, STS)
// answer 403 with a specific code, the JSON services answer 400 with the
// same problems named as exceptions. These are the codes and messages AWS
// returns (the SDKs key credential refresh and error reporting on them).

func errMissingAuth(service string) *apiError {
	if jsonService(service) {
		return errorf(http.StatusBadRequest, "MissingAuthenticationTokenException", "Request is missing Authentication Token")
	}
	return errorf(http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token")
}

func errUnknownKey(service string) *apiError {
	switch {
	case service == "ec2":
		return errorf(http.StatusUnauthorized, "AuthFailure", "AWS was not able to validate the provided access credentials")
	case jsonService(service):
		return errorf(http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid.")
	}
	return errorf(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
}

const badSignatureMessage = "The request signature we calculated does not match the signature you provided. " +
	"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."

func errBadSignature(service string) *apiError {
	switch {
	case service == "ec2":
		return errUnknownKey(service)
	case jsonService(service):
		return errorf(http.StatusBadRequest, "InvalidSignatureException", badSignatureMessage)
	}
	return errorf(http.StatusForbidden, "SignatureDoesNotMatch", badSignatureMessage)
}

func errExpiredToken(service string) *apiError {
	switch {
	case service == "ec2":
		return errorf(http.StatusBadRequest, "RequestExpired", "Request has expired.")
	case jsonService(service):
		return errorf(http.StatusBadRequest, "ExpiredTokenException", "The security token included in the request is expired")
	}
	return errorf(http.StatusForbidden, "ExpiredToken", "The security token included in the request is expired")
}

// errRegionDisabled answers a call to a region the account has not opted in
// to (or that does not exist): AWS does not say why, it just refuses the
// credentials there.
func errRegionDisabled(service string) *apiError { return errUnknownKey(service) }

func errInvalidAction(service, action, version string) *apiError {
	if jsonService(service) {
		return errorf(http.StatusBadRequest, "UnknownOperationException", "")
	}
	if service == "ec2" {
		return errorf(http.StatusBadRequest, "InvalidAction", "The action %s is not valid for this web service.", action)
	}
	return errorf(http.StatusBadRequest, "InvalidAction", "Could not find operation %s for version %s", action, version)
}

// defaultFaultStatus is the status AWS uses with a code when a Fault names
// only the code.
func defaultFaultStatus(code string) int {
	switch code {
	case "RequestLimitExceeded", "ServiceUnavailable", "Unavailable", "SlowDown": // SlowDown: S3's throttling
		return http.StatusServiceUnavailable
	case "InternalError", "InternalFailure", "InternalServerError":
		return http.StatusInternalServerError
	case "TooManyRequestsException":
		return http.StatusTooManyRequests
	default:
		return http.StatusBadRequest
	}
}

func defaultFaultMessage(code string) string {
	switch code {
	case "RequestLimitExceeded":
		return "Request limit exceeded."
	case "Throttling", "ThrottlingException":
		return "Rate exceeded"
	case "TooManyRequestsException":
		return "You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later."
	case "InternalError", "InternalFailure":
		return "An internal error has occurred"
	case "ServiceUnavailable", "Unavailable":
		return "The service is unavailable. Please try again shortly."
	case "SlowDown":
		return "Please reduce your request rate."
	default:
		return code
	}
}

// ec2ErrorResponse is the EC2 query protocol's error body.
type ec2ErrorResponse struct {
	XMLName   xml.Name      `xml:"Response"`
	Errors    []ec2ErrorXML `xml:"Errors>Error"`
	RequestID string        `xml:"RequestID"`
}

type ec2ErrorXML struct {
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// queryErrorResponse is the awsQuery protocol's error body (RDS, STS). The
// namespace is set per service.
type queryErrorResponse struct {
	XMLName   xml.Name
	Error     queryErrorXML `xml:"Error"`
	RequestID string        `xml:"RequestId"`
}

type queryErrorXML struct {
	Type    string `xml:"Type"` // Sender or Receiver
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// errorBody renders e in the protocol of service.
func errorBody(service string, e *apiError, requestID string) any {
	ns := serviceNamespace(service)
	if service == "ec2" || ns == "" {
		return ec2ErrorResponse{Errors: []ec2ErrorXML{{Code: e.Code, Message: e.Message}}, RequestID: requestID}
	}
	typ := "Sender"
	if e.Status >= 500 {
		typ = "Receiver"
	}
	return queryErrorResponse{
		XMLName:   xml.Name{Space: ns, Local: "ErrorResponse"},
		Error:     queryErrorXML{Type: typ, Code: e.Code, Message: e.Message},
		RequestID: requestID,
	}
}

// jsonError is the JSON protocols' error body: the SDK reads the code
// from __type and the message from Message; Reason is a member of some
// errors (InvalidInputException).
type jsonError struct {
	Type    string `json:"__type"`
	Message string `json:"Message,omitempty"`
	Reason  string `json:"Reason,omitempty"`
}

func jsonErrorBody(e *apiError) any {
	return jsonError{Type: e.Code, Message: e.Message, Reason: e.Reason}
}
