// Package fetch is awssql's AWS side: credentials, the caller's identity,
// region discovery, the fan-out over (account, region) targets, paging,
// retries, the call cache and call statistics. It knows nothing of SQL: a
// caller says which accounts and regions and what to call for each target,
// and receives Go iterators.
package fetch

import (
	"context"
	"fmt"
	"sort"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
)

// Operation is one AWS API operation awssql may call.
type Operation struct {
	Service string // the SDK's service id, e.g. "EC2"
	Name    string // e.g. "DescribeInstances"
	Action  string // the IAM action that allows it, e.g. "ec2:DescribeInstances"
	// Caller is set for the operations of the identity awssql starts from
	// (after the role chain): who am I, listing the organization, assuming
	// member roles. The others read a table's resources in each account.
	Caller bool
	// output makes an empty output of the operation, for the disk cache;
	// nil for operations whose answers are not kept (STS).
	output func() any
}

// operations is the one list of what awssql may call: the read-only guard,
// `awssql policy` and the tests' allowlist all derive from it.
var operations = []Operation{
	{Service: "STS", Name: "GetCallerIdentity", Action: "sts:GetCallerIdentity", Caller: true},
	{Service: "STS", Name: "AssumeRole", Action: "sts:AssumeRole", Caller: true},
	{Service: "Organizations", Name: "DescribeOrganization", Action: "organizations:DescribeOrganization", Caller: true,
		output: func() any { return new(organizations.DescribeOrganizationOutput) }},
	{Service: "Organizations", Name: "ListAccounts", Action: "organizations:ListAccounts", Caller: true,
		output: func() any { return new(organizations.ListAccountsOutput) }},
	{Service: "Organizations", Name: "ListAccountsForParent", Action: "organizations:ListAccountsForParent", Caller: true,
		output: func() any { return new(organizations.ListAccountsForParentOutput) }},
	{Service: "Organizations", Name: "ListOrganizationalUnitsForParent", Action: "organizations:ListOrganizationalUnitsForParent", Caller: true,
		output: func() any { return new(organizations.ListOrganizationalUnitsForParentOutput) }},
	{Service: "Organizations", Name: "ListParents", Action: "organizations:ListParents", Caller: true,
		output: func() any { return new(organizations.ListParentsOutput) }},
	{Service: "EC2", Name: "DescribeRegions", Action: "ec2:DescribeRegions",
		output: func() any { return new(ec2.DescribeRegionsOutput) }},
	{Service: "EC2", Name: "DescribeInstances", Action: "ec2:DescribeInstances",
		output: func() any { return new(ec2.DescribeInstancesOutput) }},
	{Service: "EC2", Name: "DescribeImages", Action: "ec2:DescribeImages",
		output: func() any { return new(ec2.DescribeImagesOutput) }},
	{Service: "EC2", Name: "DescribeReservedInstances", Action: "ec2:DescribeReservedInstances",
		output: func() any { return new(ec2.DescribeReservedInstancesOutput) }},
	{Service: "RDS", Name: "DescribeDBInstances", Action: "rds:DescribeDBInstances",
		output: func() any { return new(rds.DescribeDBInstancesOutput) }},
	{Service: "S3", Name: "ListBuckets", Action: "s3:ListAllMyBuckets",
		output: func() any { return new(s3.ListBucketsOutput) }},
	// HeadBucket is authorized by s3:ListBucket.
	{Service: "S3", Name: "HeadBucket", Action: "s3:ListBucket",
		output: func() any { return new(s3.HeadBucketOutput) }},
	{Service: "S3", Name: "ListObjectsV2", Action: "s3:ListBucket",
		output: func() any { return new(s3.ListObjectsV2Output) }},
	// GetObject's output is a stream: never cached.
	{Service: "S3", Name: "GetObject", Action: "s3:GetObject"},
}

// outputOf returns the output maker of a cacheable operation, or nil.
func outputOf(serviceID, name string) func() any {
	for _, op := range operations {
		if op.Service == serviceID && op.Name == name {
			return op.output
		}
	}
	return nil
}

// Operations returns the allowlist, sorted by IAM action. (Two operations
// may share an action: HeadBucket and ListObjectsV2 need s3:ListBucket.)
func Operations() []Operation {
	ops := append([]Operation(nil), operations...)
	sort.Slice(ops, func(i, j int) bool { return ops[i].Action < ops[j].Action })
	return ops
}

// Allowed reports whether the SDK operation of the given service id is on
// the allowlist.
func Allowed(serviceID, operation string) bool {
	for _, op := range operations {
		if op.Service == serviceID && op.Name == operation {
			return true
		}
	}
	return false
}

// ErrNotAllowed is returned for an operation that is not on the allowlist.
type ErrNotAllowed struct{ Service, Operation string }

func (e *ErrNotAllowed) Error() string {
	return fmt.Sprintf("refused %s %s: awssql only calls the read operations on its allowlist (awssql policy)", e.Service, e.Operation)
}

// readOnly refuses, before anything is signed or sent, every operation
// that is not on the allowlist. It is installed on every client awssql
// makes, so a mistake cannot write to a real account.
func readOnly(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("awssqlReadOnly",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			svc, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
			if !Allowed(svc, op) {
				return middleware.InitializeOutput{}, middleware.Metadata{}, &ErrNotAllowed{Service: svc, Operation: op}
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
}
