package awsfake_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

func (e endpoint) lambda(region string) *lambda.Client { return lambda.NewFromConfig(e.config(region)) }
func (e endpoint) ssm(region string) *ssm.Client       { return ssm.NewFromConfig(e.config(region)) }

// demoFunctions are the demo management account's functions in a region.
func demoFunctions(t *testing.T, region string) []fakedata.Function {
	t.Helper()
	r := fakedata.Demo().Accounts[0].Regions[region]
	if r == nil || len(r.Functions) < 2 {
		t.Fatalf("the demo has no functions in %s", region)
	}
	return r.Functions
}

// Lambda speaks REST-JSON: ListFunctions pages with Marker/NextMarker and
// at most 50 a call, whatever MaxItems asks, sorted by name; every page is
// a GET of /2015-03-31/functions/ with the paging in the query.
func TestLambdaListFunctions(t *testing.T) {
	e := demoEndpoint(t, awsfake.WithPageSize(2))
	want := demoFunctions(t, "us-east-1")
	var names []string
	for _, f := range want {
		names = append(names, aws.ToString(f.Configuration.FunctionName))
	}
	slices.Sort(names)
	var got []string
	var decoded []lambdatypes.FunctionConfiguration
	p := lambda.NewListFunctionsPaginator(e.lambda("us-east-1"), &lambda.ListFunctionsInput{MaxItems: aws.Int32(10)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, f := range out.Functions {
			got = append(got, aws.ToString(f.FunctionName))
			decoded = append(decoded, f)
		}
	}
	if diff := cmp.Diff(names, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	if want := (len(names) + 1) / 2; pages != want {
		t.Errorf("%d pages, want %d (page size 2)", pages, want)
	}
	for _, f := range want {
		i := slices.IndexFunc(decoded, func(d lambdatypes.FunctionConfiguration) bool {
			return aws.ToString(d.FunctionName) == aws.ToString(f.Configuration.FunctionName)
		})
		if diff := cmp.Diff(f.Configuration, decoded[i], cmpOpts...); diff != "" {
			t.Errorf("%s decoded (-data +decoded):\n%s", aws.ToString(f.Configuration.FunctionName), diff)
		}
	}
	reqs := e.srv.Requests()
	if len(reqs) != pages || reqs[0].Service != "lambda" || reqs[0].Operation != "ListFunctions" || reqs[0].Params.Get("MaxItems") != "10" ||
		reqs[1].Params.Get("Marker") == "" || reqs[0].Account != fakedata.DemoAccountID || reqs[0].Region != "us-east-1" {
		t.Errorf("requests recorded: %+v", reqs)
	}
	// A region without functions lists none; other regions' are not seen.
	out, err := e.lambda("ap-southeast-2").ListFunctions(ctx(t), &lambda.ListFunctionsInput{})
	if err != nil || len(out.Functions) != 0 || out.NextMarker != nil {
		t.Errorf("ap-southeast-2: %v %v", out, err)
	}
}

// The Get operations take a name, a partial or a full ARN, and a
// qualifier; what does not exist is ResourceNotFoundException (404) in the
// SDK's own type, with its message.
func TestLambdaGetOperations(t *testing.T) {
	e := demoEndpoint(t)
	c := e.lambda("us-east-1")
	var withAll, plain fakedata.Function
	for _, f := range demoFunctions(t, "us-east-1") {
		switch {
		case f.Policy != "" && f.URL != nil && len(f.Tags) > 0:
			withAll = f
		case f.Policy == "" && f.URL == nil && f.ReservedConcurrency == nil:
			plain = f
		}
	}
	if withAll.Configuration.FunctionName == nil || plain.Configuration.FunctionName == nil {
		t.Fatal("the demo needs a function with a policy, a URL and tags, and one with none")
	}
	name, arn := aws.ToString(withAll.Configuration.FunctionName), aws.ToString(withAll.Configuration.FunctionArn)
	for _, ref := range []string{name, arn, arn + ":$LATEST", fakedata.DemoAccountID + ":function:" + name} {
		out, err := c.GetFunction(ctx(t), &lambda.GetFunctionInput{FunctionName: aws.String(ref)})
		if err != nil {
			t.Fatalf("GetFunction %s: %v", ref, err)
		}
		if diff := cmp.Diff(withAll.Configuration, *out.Configuration, cmpOpts...); diff != "" {
			t.Errorf("GetFunction %s (-data +decoded):\n%s", ref, diff)
		}
		if diff := cmp.Diff(withAll.Tags, out.Tags); diff != "" || aws.ToString(out.Code.RepositoryType) == "" {
			t.Errorf("GetFunction %s: tags (-data +decoded):\n%s, code %+v", ref, diff, out.Code)
		}
	}
	pol, err := c.GetPolicy(ctx(t), &lambda.GetPolicyInput{FunctionName: aws.String(name)})
	if err != nil || aws.ToString(pol.Policy) != withAll.Policy || !json.Valid([]byte(aws.ToString(pol.Policy))) {
		t.Errorf("GetPolicy: %v %v", pol, err)
	}
	u, err := c.GetFunctionUrlConfig(ctx(t), &lambda.GetFunctionUrlConfigInput{FunctionName: aws.String(name)})
	if err != nil || aws.ToString(u.FunctionUrl) != aws.ToString(withAll.URL.FunctionUrl) || u.AuthType != withAll.URL.AuthType {
		t.Errorf("GetFunctionUrlConfig: %v %v", u, err)
	}
	out, err := c.GetFunction(ctx(t), &lambda.GetFunctionInput{FunctionName: plain.Configuration.FunctionName})
	if err != nil || out.Tags != nil && len(plain.Tags) == 0 || out.Concurrency != nil {
		t.Errorf("GetFunction of a plain function: %+v %v", out, err)
	}

	notFound := []struct {
		name string
		call func() error
		msg  string
	}{
		{"no such function", func() error {
			_, err := c.GetFunction(ctx(t), &lambda.GetFunctionInput{FunctionName: aws.String("no-such-fn")})
			return err
		}, "Function not found: arn:aws:lambda:us-east-1:123456789012:function:no-such-fn"},
		{"a version not modelled", func() error {
			_, err := c.GetFunction(ctx(t), &lambda.GetFunctionInput{FunctionName: aws.String(name), Qualifier: aws.String("3")})
			return err
		}, "Function not found: " + arn + ":3"},
		{"another region's ARN", func() error {
			_, err := c.GetFunction(ctx(t), &lambda.GetFunctionInput{FunctionName: aws.String(strings.Replace(arn, "us-east-1", "eu-west-1", 1))})
			return err
		}, "Function not found"},
		{"no policy", func() error {
			_, err := c.GetPolicy(ctx(t), &lambda.GetPolicyInput{FunctionName: plain.Configuration.FunctionName})
			return err
		}, "The resource you requested does not exist."},
		{"no URL", func() error {
			_, err := c.GetFunctionUrlConfig(ctx(t), &lambda.GetFunctionUrlConfigInput{FunctionName: plain.Configuration.FunctionName})
			return err
		}, "The resource you requested does not exist."},
	}
	for _, tt := range notFound {
		err := tt.call()
		var rnf *lambdatypes.ResourceNotFoundException
		if !errors.As(err, &rnf) || !strings.Contains(rnf.ErrorMessage(), tt.msg) || aws.ToString(rnf.Type) != "User" || statusOf(t, err) != http.StatusNotFound {
			t.Errorf("%s: %v, want ResourceNotFoundException (404) saying %q", tt.name, err, tt.msg)
		}
	}
	_, err = c.GetFunction(ctx(t), &lambda.GetFunctionInput{FunctionName: aws.String("bad name!")})
	apiError(t, err, "ValidationException")
	_, err = c.ListFunctions(ctx(t), &lambda.ListFunctionsInput{MaxItems: aws.Int32(0)})
	apiError(t, err, "ValidationException")
}

// Authentication errors are REST-JSON's (403 with the exception's name),
// an unknown path is 404 UnknownOperationException, and an injected
// throttle is TooManyRequestsException (429) with its Retry-After.
func TestLambdaErrors(t *testing.T) {
	e := demoEndpoint(t)
	bad := e
	bad.secret = "wrong"
	_, err := bad.lambda("us-east-1").ListFunctions(ctx(t), &lambda.ListFunctionsInput{})
	apiError(t, err, "InvalidSignatureException")
	if s := statusOf(t, err); s != http.StatusForbidden {
		t.Errorf("bad signature: status %d", s)
	}
	unknown := e
	unknown.key = "AKIANOSUCHKEY0000000"
	_, err = unknown.lambda("us-east-1").ListFunctions(ctx(t), &lambda.ListFunctionsInput{})
	apiError(t, err, "UnrecognizedClientException")

	resp, err := http.Get(e.url + "/2015-03-31/functions/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || resp.Header.Get("X-Amzn-Errortype") != "MissingAuthenticationTokenException" {
		t.Errorf("unsigned: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	_, err = e.lambda("us-east-1").ListFunctionUrlConfigs(ctx(t), &lambda.ListFunctionUrlConfigsInput{FunctionName: aws.String("orders-api")})
	apiError(t, err, "UnknownOperationException")
	if r := e.srv.Requests(); r[len(r)-1].Status != http.StatusNotFound {
		t.Errorf("unknown operation: status %d", r[len(r)-1].Status)
	}

	e.srv.AddFault(awsfake.Fault{Service: "lambda", Operation: "GetFunction", Code: "TooManyRequestsException", Times: 1})
	_, err = e.lambda("us-east-1").GetFunction(ctx(t), &lambda.GetFunctionInput{FunctionName: aws.String("orders-api")})
	var tooMany *lambdatypes.TooManyRequestsException
	if !errors.As(err, &tooMany) || statusOf(t, err) != http.StatusTooManyRequests {
		t.Errorf("throttled: %v", err)
	}
}

// DescribeInstanceInformation pages (5 to 50 a call) and applies its
// filters: values OR'ed, keys AND'ed; a node id that is not a managed node
// fails the call; ResourceType takes one value.
func TestSSMDescribeInstanceInformation(t *testing.T) {
	e := demoEndpoint(t, awsfake.WithPageSize(3))
	c := e.ssm("us-east-1")
	want := fakedata.Demo().Accounts[0].Regions["us-east-1"].ManagedInstances
	list := func(filters ...ssmtypes.InstanceInformationStringFilter) ([]string, error) {
		var ids []string
		p := ssm.NewDescribeInstanceInformationPaginator(c, &ssm.DescribeInstanceInformationInput{Filters: filters, MaxResults: aws.Int32(50)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx(t))
			if err != nil {
				return nil, err
			}
			for _, i := range out.InstanceInformationList {
				ids = append(ids, aws.ToString(i.InstanceId))
			}
		}
		return ids, nil
	}
	all, err := list()
	if err != nil || len(all) != len(want) {
		t.Fatalf("%d nodes, want %d: %v", len(all), len(want), err)
	}
	f := func(key string, values ...string) ssmtypes.InstanceInformationStringFilter {
		return ssmtypes.InstanceInformationStringFilter{Key: aws.String(key), Values: values}
	}
	count := func(pred func(ssmtypes.InstanceInformation) bool) int {
		n := 0
		for _, i := range want {
			if pred(i) {
				n++
			}
		}
		return n
	}
	tests := []struct {
		filters []ssmtypes.InstanceInformationStringFilter
		want    int
	}{
		{[]ssmtypes.InstanceInformationStringFilter{f("PingStatus", "ConnectionLost")}, count(func(i ssmtypes.InstanceInformation) bool { return i.PingStatus == "ConnectionLost" })},
		{[]ssmtypes.InstanceInformationStringFilter{f("PlatformTypes", "Windows", "Linux")}, len(want)},
		{[]ssmtypes.InstanceInformationStringFilter{f("ResourceType", "ManagedInstance"), f("PlatformTypes", "Windows")}, 1},
		{[]ssmtypes.InstanceInformationStringFilter{f("InstanceIds", aws.ToString(want[0].InstanceId))}, 1},
		{[]ssmtypes.InstanceInformationStringFilter{f("AssociationStatus", "Failed")}, count(func(i ssmtypes.InstanceInformation) bool { return aws.ToString(i.AssociationStatus) == "Failed" })},
		{[]ssmtypes.InstanceInformationStringFilter{f("tag:Team", "web")}, 2},
	}
	for _, tt := range tests {
		got, err := list(tt.filters...)
		if err != nil || len(got) != tt.want || tt.want == 0 {
			t.Errorf("%v: %d nodes (%v), want %d (and more than none, to prove something)", tt.filters, len(got), err, tt.want)
		}
	}
	for _, tt := range []struct {
		filter ssmtypes.InstanceInformationStringFilter
		code   string
	}{
		{f("InstanceIds", "i-0123456789abcdef0"), "InvalidInstanceId"},
		{f("ResourceType", "EC2Instance", "ManagedInstance"), "InvalidInstanceInformationFilterValue"},
		{f("PingStatus", "online"), "InvalidInstanceInformationFilterValue"},
		{f("Nope", "x"), "InvalidFilterKey"},
	} {
		_, err := list(tt.filter)
		apiError(t, err, tt.code)
	}
	_, err = c.DescribeInstanceInformation(ctx(t), &ssm.DescribeInstanceInformationInput{MaxResults: aws.Int32(4)})
	apiError(t, err, "ValidationException")
}

// The inventory: GetInventorySchema lists AWS's types and the custom types
// reported here; ListInventoryEntries answers one node's entries of one
// type, none for a type it did not report, and refuses a node that is not
// managed here and a type that does not exist.
func TestSSMInventory(t *testing.T) {
	e := demoEndpoint(t, awsfake.WithPageSize(2))
	c := e.ssm("us-east-1")
	var types []string
	p := ssm.NewGetInventorySchemaPaginator(c, &ssm.GetInventorySchemaInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range out.Schemas {
			types = append(types, aws.ToString(s.TypeName))
		}
	}
	for _, want := range []string{"AWS:Application", "AWS:InstanceInformation", "AWS:WindowsUpdate", "Custom:RackInfo"} {
		if !slices.Contains(types, want) {
			t.Errorf("GetInventorySchema lacks %s: %v", want, types)
		}
	}
	if other, _ := e.ssm("us-west-2").GetInventorySchema(ctx(t), &ssm.GetInventorySchemaInput{TypeName: aws.String("Custom:RackInfo")}); other != nil {
		t.Errorf("another region sees this region's custom type")
	}

	r := fakedata.Demo().Accounts[0].Regions["us-east-1"]
	var item fakedata.InventoryItem
	for _, it := range r.Inventory {
		if it.TypeName == "AWS:Application" && len(it.Entries) > len(item.Entries) {
			item = it
		}
	}
	var entries []map[string]string
	in := &ssm.ListInventoryEntriesInput{InstanceId: aws.String(item.InstanceID), TypeName: aws.String("AWS:Application")}
	for {
		out, err := c.ListInventoryEntries(ctx(t), in)
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.CaptureTime) != fakedata.InventoryCaptureTime(item.CaptureTime) || aws.ToString(out.SchemaVersion) != "1.1" {
			t.Errorf("capture time %v, schema %v", out.CaptureTime, out.SchemaVersion)
		}
		entries = append(entries, out.Entries...)
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if diff := cmp.Diff(item.Entries, entries); diff != "" || len(entries) < 3 {
		t.Errorf("entries (-data +decoded):\n%s", diff)
	}
	out, err := c.ListInventoryEntries(ctx(t), &ssm.ListInventoryEntriesInput{InstanceId: aws.String(item.InstanceID), TypeName: aws.String("AWS:WindowsRole")})
	if err != nil || len(out.Entries) != 0 || out.CaptureTime != nil {
		t.Errorf("a type not reported: %+v %v", out, err)
	}
	for _, tt := range []struct{ id, typ, code string }{
		{"i-0123456789abcdef0", "AWS:Application", "InvalidInstanceId"},
		{item.InstanceID, "AWS:NoSuchType", "InvalidTypeNameException"},
		{item.InstanceID, "Application", "ValidationException"},
		{"not-an-id", "AWS:Application", "ValidationException"},
	} {
		_, err := c.ListInventoryEntries(ctx(t), &ssm.ListInventoryEntriesInput{InstanceId: aws.String(tt.id), TypeName: aws.String(tt.typ)})
		apiError(t, err, tt.code)
	}
	var req awsfake.Request
	for _, r := range e.srv.Requests() {
		if r.Operation == "ListInventoryEntries" {
			req = r
		}
	}
	if req.Service != "ssm" || req.Params.Get("TypeName") != "AWS:Application" {
		t.Errorf("recorded %+v", req)
	}
}

// The demo's serverless data is rich enough for every column to be filled
// somewhere, and consistent with its instances: each EC2-backed managed
// node is a running instance of its account and region.
func TestDemoServerless(t *testing.T) {
	ds := fakedata.Demo()
	var fns []fakedata.Function
	for _, a := range ds.Accounts {
		for region, r := range a.Regions {
			fns = append(fns, r.Functions...)
			for _, m := range r.ManagedInstances {
				if m.ResourceType != ssmtypes.ResourceTypeEc2Instance {
					continue
				}
				if !slices.ContainsFunc(r.Instances, func(i ec2types.Instance) bool {
					return aws.ToString(i.InstanceId) == aws.ToString(m.InstanceId) && i.State.Name == "running"
				}) {
					t.Errorf("%s %s: managed node %s is no running instance there", a.ID, region, aws.ToString(m.InstanceId))
				}
			}
		}
	}
	var configs []lambdatypes.FunctionConfiguration
	for _, f := range fns {
		configs = append(configs, f.Configuration)
	}
	for _, field := range strings.Fields(`FunctionName FunctionArn Runtime Role Handler CodeSize Description Timeout MemorySize LastModified
		CodeSha256 Version VpcConfig.VpcId VpcConfig.SubnetIds VpcConfig.SecurityGroupIds DeadLetterConfig.TargetArn Environment.Variables
		KMSKeyArn TracingConfig.Mode RevisionId Layers.Arn State StateReason StateReasonCode LastUpdateStatus LastUpdateStatusReason
		LastUpdateStatusReasonCode FileSystemConfigs.Arn PackageType Architectures EphemeralStorage.Size SnapStart.ApplyOn LoggingConfig.LogGroup`) {
		if !setSomewhere(reflect.ValueOf(configs), strings.Split(field, ".")) {
			t.Errorf("no demo function sets %s", field)
		}
	}
	var urls, policies, reserved, images int
	for _, f := range fns {
		if f.URL != nil {
			urls++
		}
		if f.Policy != "" {
			policies++
		}
		if f.ReservedConcurrency != nil {
			reserved++
		}
		if f.Code.ImageUri != nil {
			images++
		}
	}
	if urls == 0 || policies == 0 || reserved == 0 || images == 0 {
		t.Errorf("urls %d, policies %d, reserved %d, images %d: want some of each", urls, policies, reserved, images)
	}
}
