package fetch

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
)

// BucketError says why a bucket cannot be read, naming the bucket and what
// to do, and the operation that failed when it is not the bucket's fault.
type BucketError struct {
	Bucket, Operation, Code, Message string
	Err                              error
}

func (e *BucketError) Error() string {
	if e.Operation != "" {
		return fmt.Sprintf("bucket %q: %s: %s: %s", e.Bucket, e.Operation, e.Code, e.Message)
	}
	return fmt.Sprintf("bucket %q: %s: %s", e.Bucket, e.Code, e.Message)
}

func (e *BucketError) Unwrap() error { return e.Err }

// BucketRegion finds a bucket's region with HeadBucket, asked in the home
// region with the account's credentials. S3 names the region in a header
// even when it refuses the request or redirects it.
func (s *Session) BucketRegion(ctx context.Context, account, bucket string) (string, error) {
	out, err := S3(s.HomeClient(account)).HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(bucket)})
	if err == nil {
		if r := aws.ToString(out.BucketRegion); r != "" {
			return r, nil
		}
		return s.opts.HomeRegion, nil
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == 301 {
		if r := re.Response.Header.Get("X-Amz-Bucket-Region"); r != "" {
			return r, nil
		}
	}
	return "", s.BucketErr(account, bucket, err)
}

// BucketErr explains a failed S3 call on a bucket: a missing bucket, or a
// refusal naming the permission the account lacks.
func (s *Session) BucketErr(account, bucket string, err error) error {
	op, code, msg := Describe(err)
	var re *awshttp.ResponseError
	status := 0
	if errors.As(err, &re) && re.Response != nil {
		status = re.Response.StatusCode
	}
	switch {
	case code == "NoSuchBucket" || (status == 404 && op == "HeadBucket"):
		return &BucketError{Bucket: bucket, Code: "NoSuchBucket", Message: "the bucket does not exist", Err: err}
	case status == 403 || code == "AccessDenied" || code == "Forbidden":
		what := "list it"
		switch op {
		case "ListObjectsV2", "HeadBucket", "":
		case "GetObject":
			what = "read its objects"
		default: // the other reads of an object's metadata
			what = "call " + op + " on its objects"
		}
		return &BucketError{Bucket: bucket, Code: "AccessDenied", Err: err,
			Message: fmt.Sprintf("account %s may not %s: it needs %s on arn:%s:s3:::%s (and the bucket policy must allow it)",
				account, what, s.Action(op), s.Partition(), bucket)}
	}
	return &BucketError{Bucket: bucket, Operation: op, Code: code, Message: msg, Err: err}
}

// WholeObject makes a GetObject call read the object's body within the
// call, at most max+1 bytes (so that the caller can tell an object over
// max), and hand it on in memory. A body that breaks, or that does not
// match its checksum (the SDK validates one when S3 stored it) or its MD5
// ETag, then fails the attempt, and the SDK's retryer retries it like any
// transient failure; read later by the caller it could only fail the
// query.
func WholeObject(max int64) func(*s3.Options) {
	return func(o *s3.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			// Right below the retry middleware: each attempt reads its body.
			return stack.Finalize.Insert(middleware.FinalizeMiddlewareFunc("awssqlWholeObject",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					out, md, err := next.HandleFinalize(ctx, in)
					res, ok := out.Result.(*s3.GetObjectOutput)
					if err != nil || !ok || res.Body == nil {
						return out, md, err
					}
					b, err := io.ReadAll(io.LimitReader(res.Body, max+1))
					res.Body.Close()
					var ct *CallTimeoutError
					var ne net.Error
					switch {
					case err != nil && (ctx.Err() != nil || errors.As(err, &ct)):
						return middleware.FinalizeOutput{}, md, err
					case errors.Is(err, io.ErrUnexpectedEOF), errors.As(err, &ne):
						return middleware.FinalizeOutput{}, md, &IncompleteAnswerError{Status: http.StatusOK, Err: err,
							Problem: fmt.Sprintf("the connection broke after %d bytes of the object: %v", len(b), err)}
					case err != nil: // the SDK's checksum validation
						return middleware.FinalizeOutput{}, md, &BadAnswerError{Status: http.StatusOK, Err: err,
							Problem: fmt.Sprintf("the object's body (%d bytes) is not what S3 stored: %v", len(b), err)}
					case int64(len(b)) <= max && !etagMatches(res, b):
						return middleware.FinalizeOutput{}, md, &BadAnswerError{Status: http.StatusOK,
							Problem: fmt.Sprintf("the object's body (%d bytes) does not match its ETag: it was cut or garbled on the way", len(b))}
					}
					res.Body = io.NopCloser(bytes.NewReader(b))
					return out, md, nil
				}), "Retry", middleware.After)
		})
	}
}

// etagMatches checks a whole object against its ETag where S3 makes the
// ETag its MD5: a single-part upload, unencrypted or encrypted with S3's
// own keys (SSE-S3, the default), read whole.
func etagMatches(res *s3.GetObjectOutput, body []byte) bool {
	etag := strings.Trim(aws.ToString(res.ETag), `"`)
	if len(etag) != 32 || strings.Trim(etag, "0123456789abcdef") != "" || res.ContentRange != nil ||
		(res.ServerSideEncryption != "" && res.ServerSideEncryption != s3types.ServerSideEncryptionAes256) {
		return true // not an MD5: nothing to check
	}
	sum := md5.Sum(body)
	return hex.EncodeToString(sum[:]) == etag
}
