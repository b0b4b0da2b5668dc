package fetch

import (
	"context"

	"github.com/aws/smithy-go/middleware"
)

// Absent makes a call answer the given AWS error codes with an empty
// output of type Out, as a success: S3 says that a bucket has no policy,
// no tags or no lifecycle with an error (NoSuchBucketPolicy, NoSuchTagSet,
// ...), and RDS that a certificate is gone with CertificateNotFound, where a
// query reads only "nothing configured" (NULL). Out must be the call's
// output type. Pass it with the call:
//
//	fetch.S3(c).GetBucketPolicy(ctx, in, func(o *s3.Options) {
//		o.APIOptions = append(o.APIOptions, fetch.Absent[s3.GetBucketPolicyOutput]("NoSuchBucketPolicy"))
//	})
//
// It sits at the end of the Initialize step, below the call caches, so the
// empty answer is kept like any other: a second column of the same row that
// needs the same call is answered from memory instead of calling again (the
// cache keeps only successes).
func Absent[Out any](codes ...string) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("awssqlAbsent",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleInitialize(ctx, in)
				if err != nil && IsCode(err, codes...) {
					return middleware.InitializeOutput{Result: new(Out)}, md, nil
				}
				return out, md, err
			}), middleware.After)
	}
}
