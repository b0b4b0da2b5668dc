package tables

import (
	"context"
	"iter"
	"regexp"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

type lambdaFunction = fetch.Item[types.FunctionConfiguration]

// lambdaInput is ListFunctions' input and the function names the query
// gave, which GetFunction reads instead (ListFunctions has no filter).
type lambdaInput struct {
	lambda.ListFunctionsInput
	names []string
}

// functionNameRE is a function's name as CreateFunction takes it. GetFunction
// also takes ARNs and qualified names, which would answer for a row whose
// name is not the value: only a plain name is pushed, so that the push is
// exact.
var functionNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

func functionName(v string) (string, bool) { return v, functionNameRE.MatchString(v) }

// LambdaFunctions is lambda_functions (Steampipe's aws_lambda_function):
// ListFunctions, the unpublished ($LATEST) version of each function. The
// columns Steampipe reads per function are hydrated, each call made only
// when the statement reads a column that needs it: code, tags and
// reserved_concurrent_executions (GetFunction), policy and policy_std
// (GetPolicy), url_config (GetFunctionUrlConfig).
func LambdaFunctions(s *fetch.Session) Table {
	getFunction := func(ctx context.Context, c *fetch.Client, f types.FunctionConfiguration) (*lambda.GetFunctionOutput, error) {
		// A function deleted since it was listed: an empty answer.
		return fetch.Service(c, lambda.NewFromConfig).GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: f.FunctionName},
			lambdaAbsent[lambda.GetFunctionOutput]())
	}
	// A function without a policy or a URL is answered 404: NULL.
	getPolicy := func(ctx context.Context, c *fetch.Client, f types.FunctionConfiguration) (*string, error) {
		out, err := fetch.Service(c, lambda.NewFromConfig).GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: f.FunctionName},
			lambdaAbsent[lambda.GetPolicyOutput]())
		if err != nil {
			return nil, err
		}
		return out.Policy, nil
	}
	return define(s, regional[types.FunctionConfiguration, lambdaInput]{
		name:    "lambda_functions",
		aliases: []string{"aws_lambda_function"},
		doc:     "Lambda functions (ListFunctions; GetFunction, GetPolicy, GetFunctionUrlConfig for the columns that need them)",
		rows:    1e4,
		ops: []fetch.Operation{
			fetch.Read[lambda.ListFunctionsOutput]("Lambda", "ListFunctions", "lambda:ListFunctions"),
			fetch.Read[lambda.GetFunctionOutput]("Lambda", "GetFunction", "lambda:GetFunction"),
			fetch.Read[lambda.GetPolicyOutput]("Lambda", "GetPolicy", "lambda:GetPolicy"),
			fetch.Read[lambda.GetFunctionUrlConfigOutput]("Lambda", "GetFunctionUrlConfig", "lambda:GetFunctionUrlConfig"),
		},
		id:    func(f types.FunctionConfiguration) string { return aws.ToString(f.FunctionName) },
		arn:   func(f lambdaFunction) string { return aws.ToString(f.Value.FunctionArn) },
		title: func(f types.FunctionConfiguration) any { return f.FunctionName },
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			client := fetch.Service(c, lambda.NewFromConfig)
			out, err := client.ListFunctions(ctx, &lambda.ListFunctionsInput{MaxItems: aws.Int32(1)})
			if err != nil {
				return "", err
			}
			// Each per-function read, of the first function, else of one
			// that cannot exist: Lambda checks the permission before it
			// looks the function up, so a 404 says the read is allowed.
			name, detail := aws.String("awssql-check-no-such-function"), "no function to read"
			if len(out.Functions) > 0 {
				name = out.Functions[0].FunctionName
				detail = "read " + aws.ToString(name)
			}
			for _, read := range []func() error{
				func() error {
					_, err := client.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: name})
					return err
				},
				func() error { _, err := client.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: name}); return err },
				func() error {
					_, err := client.GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: name})
					return err
				},
			} {
				if err := read(); err != nil && !fetch.IsCode(err, "ResourceNotFoundException") {
					return "", err
				}
			}
			return detail, nil
		},
		columns: []col[types.FunctionConfiguration, lambdaInput]{
			{Name: "name", Type: vtab.Text, Get: from[types.FunctionConfiguration]("FunctionName"),
				Push: param("GetFunction FunctionName", 1, func(in *lambdaInput, names []string) { in.names = names }).
					values(functionName).selective(1e4)},
			{Name: "code_sha_256", Type: vtab.Text, Get: from[types.FunctionConfiguration]("CodeSha256")},
			{Name: "code_size", Type: vtab.Integer, Doc: "bytes", Get: from[types.FunctionConfiguration]("CodeSize")},
			{Name: "dead_letter_config_target_arn", Type: vtab.Text, Get: from[types.FunctionConfiguration]("DeadLetterConfig.TargetArn")},
			{Name: "description", Type: vtab.Text, Get: from[types.FunctionConfiguration]("Description")},
			{Name: "handler", Type: vtab.Text, Doc: "NULL for a container image", Get: from[types.FunctionConfiguration]("Handler")},
			{Name: "kms_key_arn", Type: vtab.Text, Doc: "the customer managed key of the environment variables", Get: from[types.FunctionConfiguration]("KMSKeyArn")},
			{Name: "last_modified", Type: vtab.Time, Get: func(f *lambdaFunction) any { return lambdaTime(f.Value.LastModified) }},
			{Name: "timeout", Type: vtab.Text, Doc: "seconds, as text (Steampipe's type)", Get: func(f *lambdaFunction) any {
				if f.Value.Timeout == nil {
					return nil
				}
				return strconv.Itoa(int(*f.Value.Timeout))
			}},
			{Name: "version", Type: vtab.Text, Get: from[types.FunctionConfiguration]("Version")},
			{Name: "package_type", Type: vtab.Text, Doc: "Zip or Image", Get: func(f *lambdaFunction) any { return enum(&f.Value.PackageType) }},
			{Name: "master_arn", Type: vtab.Text, Nullable: true, Doc: "a Lambda@Edge replica's function: NULL, as ListFunctions lists no replicas unless asked with MasterRegion",
				Get: from[types.FunctionConfiguration]("MasterArn")},
			{Name: "memory_size", Type: vtab.Integer, Doc: "MB", Get: from[types.FunctionConfiguration]("MemorySize")},
			{Name: "revision_id", Type: vtab.Text, Get: from[types.FunctionConfiguration]("RevisionId")},
			{Name: "role", Type: vtab.Text, Doc: "the execution role's ARN", Get: from[types.FunctionConfiguration]("Role")},
			{Name: "runtime", Type: vtab.Text, Doc: "NULL for a container image", Get: func(f *lambdaFunction) any { return enum(&f.Value.Runtime) }},
			{Name: "state", Type: vtab.Text, Get: func(f *lambdaFunction) any { return enum(&f.Value.State) }},
			{Name: "state_reason", Type: vtab.Text, Get: from[types.FunctionConfiguration]("StateReason")},
			{Name: "state_reason_code", Type: vtab.Text, Get: func(f *lambdaFunction) any { return enum(&f.Value.StateReasonCode) }},
			{Name: "last_update_status", Type: vtab.Text, Get: func(f *lambdaFunction) any { return enum(&f.Value.LastUpdateStatus) }},
			{Name: "last_update_status_reason", Type: vtab.Text, Get: from[types.FunctionConfiguration]("LastUpdateStatusReason")},
			{Name: "last_update_status_reason_code", Type: vtab.Text, Get: func(f *lambdaFunction) any { return enum(&f.Value.LastUpdateStatusReasonCode) }},
			{Name: "reserved_concurrent_executions", Type: vtab.Integer, Doc: "GetFunction; NULL when none is reserved",
				Hydrate: func(ctx context.Context, c *fetch.Client, f types.FunctionConfiguration) (any, error) {
					out, err := getFunction(ctx, c, f)
					if err != nil || out.Concurrency == nil {
						return nil, err
					}
					return out.Concurrency.ReservedConcurrentExecutions, nil
				}},
			{Name: "vpc_id", Type: vtab.Text, Get: from[types.FunctionConfiguration]("VpcConfig.VpcId")},
			{Name: "architectures", Type: vtab.JSON, Get: from[types.FunctionConfiguration]("Architectures")},
			{Name: "code", Type: vtab.JSON, Doc: "GetFunction: the image or repository type, without the presigned download URL",
				Hydrate: func(ctx context.Context, c *fetch.Client, f types.FunctionConfiguration) (any, error) {
					out, err := getFunction(ctx, c, f)
					if err != nil || out.Code == nil {
						return nil, err
					}
					return functionCode(out.Code), nil
				}},
			{Name: "environment_variables", Type: vtab.JSON, Get: from[types.FunctionConfiguration]("Environment.Variables")},
			{Name: "file_system_configs", Type: vtab.JSON, Get: from[types.FunctionConfiguration]("FileSystemConfigs")},
			{Name: "ephemeral_storage", Type: vtab.JSON, Doc: "the size of /tmp, MB", Get: from[types.FunctionConfiguration]("EphemeralStorage")},
			{Name: "policy", Type: vtab.JSON, Doc: "GetPolicy: the resource-based policy; NULL when there is none",
				Hydrate: func(ctx context.Context, c *fetch.Client, f types.FunctionConfiguration) (any, error) {
					doc, err := getPolicy(ctx, c, f)
					if err != nil || doc == nil {
						return nil, err
					}
					return policyDocument(*doc)
				}},
			{Name: "policy_std", Type: vtab.JSON, Doc: "the policy in canonical form: lists everywhere, actions and condition keys in lower case, sorted",
				Hydrate: func(ctx context.Context, c *fetch.Client, f types.FunctionConfiguration) (any, error) {
					doc, err := getPolicy(ctx, c, f)
					if err != nil || doc == nil {
						return nil, err
					}
					return canonicalPolicy(*doc)
				}},
			{Name: "tracing_config", Type: vtab.JSON, Get: from[types.FunctionConfiguration]("TracingConfig")},
			{Name: "snap_start", Type: vtab.JSON, Get: from[types.FunctionConfiguration]("SnapStart")},
			{Name: "url_config", Type: vtab.JSON, Doc: "GetFunctionUrlConfig: the function URL; NULL when there is none",
				Hydrate: func(ctx context.Context, c *fetch.Client, f types.FunctionConfiguration) (any, error) {
					// GovCloud has no function URLs: no call.
					if s.Partition() == "aws-us-gov" {
						return nil, nil
					}
					out, err := fetch.Service(c, lambda.NewFromConfig).GetFunctionUrlConfig(ctx, &lambda.GetFunctionUrlConfigInput{FunctionName: f.FunctionName},
						lambdaAbsent[lambda.GetFunctionUrlConfigOutput]())
					if err != nil || out.FunctionUrl == nil {
						return nil, err
					}
					return types.FunctionUrlConfig{AuthType: out.AuthType, CreationTime: out.CreationTime, FunctionArn: out.FunctionArn,
						FunctionUrl: out.FunctionUrl, LastModifiedTime: out.LastModifiedTime, Cors: out.Cors, InvokeMode: out.InvokeMode}, nil
				}},
			{Name: "logging_config", Type: vtab.JSON, Get: from[types.FunctionConfiguration]("LoggingConfig")},
			{Name: "vpc_security_group_ids", Type: vtab.JSON, Get: from[types.FunctionConfiguration]("VpcConfig.SecurityGroupIds")},
			{Name: "vpc_subnet_ids", Type: vtab.JSON, Get: from[types.FunctionConfiguration]("VpcConfig.SubnetIds")},
			{Name: "layers", Type: vtab.JSON, Get: from[types.FunctionConfiguration]("Layers")},
			{Name: "tags", Type: vtab.JSON, Doc: `GetFunction: the tags as an object {"Key": "Value"}`,
				Hydrate: func(ctx context.Context, c *fetch.Client, f types.FunctionConfiguration) (any, error) {
					out, err := getFunction(ctx, c, f)
					if err != nil || len(out.Tags) == 0 {
						return nil, err
					}
					return out.Tags, nil
				}},
		},
		list: listFunctions,
	})
}

func listFunctions(ctx context.Context, c *fetch.Client, in *lambdaInput, q *vtab.Query) iter.Seq2[[]types.FunctionConfiguration, error] {
	client := fetch.Service(c, lambda.NewFromConfig)
	if len(in.names) > 0 {
		return func(yield func([]types.FunctionConfiguration, error) bool) {
			for _, name := range in.names {
				// No such function: an empty answer, kept as one.
				out, err := client.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String(name)}, lambdaAbsent[lambda.GetFunctionOutput]())
				if err != nil {
					yield(nil, err)
					return
				}
				if out.Configuration != nil && !yield([]types.FunctionConfiguration{*out.Configuration}, nil) {
					return
				}
			}
		}
	}
	// Lambda returns at most 50 functions a call, whatever MaxItems asks.
	in.MaxItems = aws.Int32(fetch.PageSize(q.Limit, 1, 50))
	p := lambda.NewListFunctionsPaginator(client, &in.ListFunctionsInput)
	return fetch.Pages(ctx, p, func(out *lambda.ListFunctionsOutput) []types.FunctionConfiguration { return out.Functions }, q.Limit)
}

// lambdaAbsent makes Lambda's 404 (ResourceNotFoundException: no such
// function, no policy, no URL) an empty answer below the call cache, so
// that it is kept like any other: a second column, a self-join or a later
// statement that needs the same call for the same function is answered
// from memory instead of calling again.
func lambdaAbsent[Out any]() func(*lambda.Options) {
	return func(o *lambda.Options) {
		o.APIOptions = append(o.APIOptions, fetch.Absent[Out]("ResourceNotFoundException"))
	}
}

// functionCode is what code shows of GetFunction's Code, as Steampipe
// does: never the presigned URL that downloads the code.
func functionCode(c *types.FunctionCodeLocation) any {
	return struct {
		ImageUri, RepositoryType, ResolvedImageUri *string
	}{c.ImageUri, c.RepositoryType, c.ResolvedImageUri}
}

// lambdaTime reads Lambda's LastModified ("2026-10-30T12:00:00.000+0000")
// as a time; text that does not parse is kept as it is.
func lambdaTime(s *string) any {
	if s == nil || *s == "" {
		return nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, *s); err == nil {
			return t
		}
	}
	return *s
}
