// Package fetch is awssql's AWS side: credentials, the caller's identity,
// region discovery, the fan-out over (account, region) targets, paging,
// retries, the call cache and call statistics. It knows nothing of SQL: a
// caller says which accounts and regions and what to call for each target,
// and receives Go iterators.
package fetch

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
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
	// member roles. The others read resources in each account.
	Caller bool
	// output makes an empty output of the operation, for the disk cache;
	// nil for operations whose answers are not kept (STS, streams).
	output func() any
	// outType is the output's type, which a projection is asked for by.
	outType reflect.Type
}

// Read declares a read operation whose answers are of type Out and may be
// cached. Each table declares the operations it calls this way; together
// with fetch's own (Own) they are the allowlist.
func Read[Out any](service, name, action string) Operation {
	return Operation{Service: service, Name: name, Action: action, output: func() any { return new(Out) }, outType: reflect.TypeFor[Out]()}
}

// Stream declares a read operation whose output is a stream (S3
// GetObject): never cached.
func Stream(service, name, action string) Operation {
	return Operation{Service: service, Name: name, Action: action}
}

// own are the operations fetch itself calls, whatever the tables: who the
// caller is, the role chain and member roles, the organization, each
// account's regions, a bucket's region.
var own = []Operation{
	{Service: "STS", Name: "GetCallerIdentity", Action: "sts:GetCallerIdentity", Caller: true},
	{Service: "STS", Name: "AssumeRole", Action: "sts:AssumeRole", Caller: true},
	callerRead[organizations.DescribeOrganizationOutput]("DescribeOrganization"),
	callerRead[organizations.ListAccountsOutput]("ListAccounts"),
	callerRead[organizations.ListAccountsForParentOutput]("ListAccountsForParent"),
	callerRead[organizations.ListOrganizationalUnitsForParentOutput]("ListOrganizationalUnitsForParent"),
	callerRead[organizations.ListParentsOutput]("ListParents"),
	Read[ec2.DescribeRegionsOutput]("EC2", "DescribeRegions", "ec2:DescribeRegions"),
	// HeadBucket is authorized by s3:ListBucket.
	Read[s3.HeadBucketOutput]("S3", "HeadBucket", "s3:ListBucket"),
}

func callerRead[Out any](name string) Operation {
	op := Read[Out]("Organizations", name, "organizations:"+name)
	op.Caller = true
	return op
}

// Allowlist returns fetch's own operations and those given (the tables'),
// each once, sorted by IAM action. Two operations may share an action
// (HeadBucket and ListObjectsV2 need s3:ListBucket).
func Allowlist(tables []Operation) []Operation {
	var ops []Operation
	for _, op := range append(slices.Clone(own), tables...) {
		if !slices.ContainsFunc(ops, func(o Operation) bool { return o.Service == op.Service && o.Name == op.Name }) {
			ops = append(ops, op)
		}
	}
	slices.SortStableFunc(ops, func(a, b Operation) int {
		return strings.Compare(a.Action+"\x00"+a.Name, b.Action+"\x00"+b.Name)
	})
	return ops
}

// CheckReadOnly reports every operation of the list whose name does not
// say that it only reads (Describe, Get, List, Head): a last guard on the
// tables' declarations, which the tests run over every table.
func CheckReadOnly(ops []Operation) error {
	var bad []string
	for _, op := range ops {
		if !slices.ContainsFunc([]string{"Describe", "Get", "List", "Head"}, func(p string) bool { return strings.HasPrefix(op.Name, p) }) &&
			op.Name != "AssumeRole" {
			bad = append(bad, op.Service+" "+op.Name)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("not read-only operations: %s", strings.Join(bad, ", "))
	}
	return nil
}

// operation returns the allowlisted operation of an SDK service id and
// operation name.
func (s *Session) operation(serviceID, name string) (Operation, bool) {
	i := slices.IndexFunc(s.ops, func(o Operation) bool { return o.Service == serviceID && o.Name == name })
	if i < 0 {
		return Operation{}, false
	}
	return s.ops[i], true
}

// outputOf returns the output maker of a cacheable operation, or nil.
func (s *Session) outputOf(serviceID, name string) func() any {
	op, _ := s.operation(serviceID, name)
	return op.output
}

// outputType returns the output type of a cacheable operation, or nil.
func (s *Session) outputType(serviceID, name string) reflect.Type {
	op, _ := s.operation(serviceID, name)
	return op.outType
}

// Operations returns the session's allowlist.
func (s *Session) Operations() []Operation { return slices.Clone(s.ops) }

// Action returns the IAM action of an operation name, for messages.
func (s *Session) Action(name string) string {
	for _, o := range s.ops {
		if o.Name == name {
			return o.Action
		}
	}
	return name
}

// ErrNotAllowed is returned for an operation that is not on the allowlist.
type ErrNotAllowed struct{ Service, Operation string }

func (e *ErrNotAllowed) Error() string {
	return fmt.Sprintf("refused %s %s: awssql only calls the read operations on its allowlist (awssql policy)", e.Service, e.Operation)
}

// readOnly refuses, before anything is signed or sent, every operation
// that is not on the session's allowlist. It is installed on every client
// awssql makes, so a mistake cannot write to a real account.
func (s *Session) readOnly(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("awssqlReadOnly",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			svc, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
			if _, ok := s.operation(svc, op); !ok {
				return middleware.InitializeOutput{}, middleware.Metadata{}, &ErrNotAllowed{Service: svc, Operation: op}
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.Before)
}
