package awsfake

import (
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdaschemas "github.com/aws/aws-sdk-go-v2/service/lambda/schemas"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/smithy-go"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// Lambda over REST-JSON (restjson.go): ListFunctions, GetFunction,
// GetPolicy and GetFunctionUrlConfig, on the unpublished ($LATEST) version
// of each function. Not modelled: published versions and aliases (a
// qualifier other than $LATEST is not found), Lambda@Edge replicas
// (MasterRegion lists none).

// restOperationSchema is the SDK's schema of a REST-JSON operation, whose
// http trait gives its method and path.
func restOperationSchema(service, name string) *smithy.Schema {
	if service != "lambda" {
		return nil
	}
	return map[string]*smithy.Schema{
		"ListFunctions":        lambdaschemas.ListFunctions,
		"GetFunction":          lambdaschemas.GetFunction,
		"GetPolicy":            lambdaschemas.GetPolicy,
		"GetFunctionUrlConfig": lambdaschemas.GetFunctionUrlConfig,
	}[name]
}

// restErrorTypes are the errors a REST-JSON service models, by code, that
// the fake answers (faults may name any of them).
func restErrorTypes(service string) map[string]reflect.Type {
	if service != "lambda" {
		return nil
	}
	return map[string]reflect.Type{
		"ResourceNotFoundException":      reflect.TypeFor[lambdatypes.ResourceNotFoundException](),
		"InvalidParameterValueException": reflect.TypeFor[lambdatypes.InvalidParameterValueException](),
		"TooManyRequestsException":       reflect.TypeFor[lambdatypes.TooManyRequestsException](),
		"ServiceException":               reflect.TypeFor[lambdatypes.ServiceException](),
	}
}

// Page sizes of ListFunctions: MaxItems may be 1 to 10000, and Lambda
// returns at most 50 functions a call whatever it asks for.
const (
	lambdaMaxItems = 10000
	lambdaPageMax  = 50
)

// functionNamePattern is the FunctionName a Get operation takes: a name, a
// partial ARN (123456789012:function:name) or a full ARN, each with an
// optional :qualifier.
var functionNamePattern = regexp.MustCompile(`^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$`)

func errLambdaValidation(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "ValidationException", format, args...)
}

func (c *call) lambdaARN(name string) string {
	return fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s", partition(c.s.ds), c.region, c.account.ID, name)
}

func (c *call) listFunctions() (any, *apiError) {
	max := lambdaMaxItems
	if v := c.params.Get("MaxItems"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > lambdaMaxItems {
			return nil, errLambdaValidation("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and %d", v, lambdaMaxItems)
		}
		max = n
	}
	if v := c.params.Get("FunctionVersion"); v != "" && v != "ALL" {
		return nil, errLambdaValidation("1 validation error detected: Value '%s' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]", v)
	}
	if c.params.Get("MasterRegion") != "" && c.params.Get("FunctionVersion") != "ALL" {
		return nil, errorf(http.StatusBadRequest, "InvalidParameterValueException", "The FunctionVersion parameter must be specified as ALL when the MasterRegion parameter is specified.")
	}
	var fns []*fakedata.Function
	if c.params.Get("MasterRegion") == "" { // no Lambda@Edge replicas are modelled
		all := resources(c.account, c.region).Functions
		for i := range all {
			fns = append(fns, &all[i])
		}
	}
	sort.Slice(fns, func(i, j int) bool {
		return aws.ToString(fns[i].Configuration.FunctionName) < aws.ToString(fns[j].Configuration.FunctionName)
	})
	offset := 0
	if m := c.params.Get("Marker"); m != "" {
		var ok bool
		if offset, ok = decodeToken(c, m); !ok {
			return nil, errorf(http.StatusBadRequest, "InvalidParameterValueException", "Invalid pagination token")
		}
	}
	lo, hi, more := pageBounds(len(fns), offset, c.s.capPage(min(max, lambdaPageMax)))
	out := &lambda.ListFunctionsOutput{Functions: []lambdatypes.FunctionConfiguration{}}
	for _, f := range fns[lo:hi] {
		out.Functions = append(out.Functions, f.Configuration)
	}
	if more {
		out.NextMarker = aws.String(encodeToken(c, hi))
	}
	return out, nil
}

// function finds the function the FunctionName label (and Qualifier)
// name, or answers as Lambda does when there is none.
func (c *call) function() (*fakedata.Function, *apiError) {
	ref := c.params.Get("FunctionName")
	m := functionNamePattern.FindStringSubmatch(ref)
	if m == nil || len(ref) > 170 {
		return nil, errLambdaValidation("1 validation error detected: Value '%s' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: %s",
			ref, functionNamePattern.String())
	}
	region, account, name, qualifier := strings.TrimSuffix(m[3], ":"), strings.TrimSuffix(m[8], ":"), m[10], m[12]
	if q := c.params.Get("Qualifier"); q != "" {
		if qualifier != "" && q != qualifier {
			return nil, errorf(http.StatusBadRequest, "InvalidParameterValueException", "The derived qualifier from the function name does not match the specified qualifier.")
		}
		qualifier = q
	}
	missing := func() *apiError {
		arn := c.lambdaARN(name)
		if qualifier != "" {
			arn += ":" + qualifier
		}
		return errorf(http.StatusNotFound, "ResourceNotFoundException", "Function not found: %s", arn)
	}
	if (region != "" && region != c.region) || (account != "" && account != c.account.ID) || (qualifier != "" && qualifier != "$LATEST") {
		return nil, missing()
	}
	fns := resources(c.account, c.region).Functions
	for i := range fns {
		if aws.ToString(fns[i].Configuration.FunctionName) == name {
			return &fns[i], nil
		}
	}
	return nil, missing()
}

func errNoSuchResource() *apiError {
	return errorf(http.StatusNotFound, "ResourceNotFoundException", "The resource you requested does not exist.")
}

func (c *call) getFunction() (any, *apiError) {
	f, aerr := c.function()
	if aerr != nil {
		return nil, aerr
	}
	cfg, code := f.Configuration, f.Code
	out := &lambda.GetFunctionOutput{Configuration: &cfg, Code: &code}
	if len(f.Tags) > 0 {
		out.Tags = f.Tags
	}
	if f.ReservedConcurrency != nil {
		out.Concurrency = &lambdatypes.Concurrency{ReservedConcurrentExecutions: f.ReservedConcurrency}
	}
	return out, nil
}

func (c *call) getPolicy() (any, *apiError) {
	f, aerr := c.function()
	if aerr != nil {
		return nil, aerr
	}
	if f.Policy == "" {
		return nil, errNoSuchResource()
	}
	return &lambda.GetPolicyOutput{Policy: aws.String(f.Policy), RevisionId: f.Configuration.RevisionId}, nil
}

func (c *call) getFunctionURLConfig() (any, *apiError) {
	f, aerr := c.function()
	if aerr != nil {
		return nil, aerr
	}
	if f.URL == nil {
		return nil, errNoSuchResource()
	}
	u := f.URL
	return &lambda.GetFunctionUrlConfigOutput{AuthType: u.AuthType, CreationTime: u.CreationTime, FunctionArn: u.FunctionArn,
		FunctionUrl: u.FunctionUrl, LastModifiedTime: u.LastModifiedTime, Cors: u.Cors, InvokeMode: u.InvokeMode}, nil
}
