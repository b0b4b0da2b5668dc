package fetch

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// BucketError says why a bucket cannot be read, naming the bucket and what
// to do.
type BucketError struct {
	Bucket, Code, Message string
	Err                   error
}

func (e *BucketError) Error() string {
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
		return &BucketError{Bucket: bucket, Code: "AccessDenied", Err: err,
			Message: fmt.Sprintf("account %s may not %s: it needs %s on arn:%s:s3:::%s (and the bucket policy must allow it)",
				account, map[bool]string{true: "read its objects", false: "list it"}[op == "GetObject"], s.Action(op), s.Partition(), bucket)}
	}
	return &BucketError{Bucket: bucket, Code: code, Message: msg, Err: err}
}
