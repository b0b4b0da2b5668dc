package awsfake

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"go/token"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// TestRoundTrip is the check on the wire format: for every route, and
// twice (all values set and nonzero, then all set and zero or empty), it
// fills the operation's SDK output type by reflection (every pointer set,
// every slice two items long, every nested structure filled, enums a valid
// value of their type), encodes it as the server answers, decodes the answer
// with the real SDK client over HTTP and wants back exactly what went in. A
// field that an SDK upgrade adds is covered without editing the test; a
// misnamed element comes back nil and fails.
func TestRoundTrip(t *testing.T) {
	enc := newEC2Encoder(ec2Names())
	for _, route := range slices.Sorted(maps.Keys(routes())) {
		for variant := range 2 {
			t.Run(fmt.Sprintf("%s/%d", route, variant), func(t *testing.T) {
				roundTrip(t, enc, route, variant)
			})
		}
	}
}

// TestRoundTripNextEC2Resources shows what adding an EC2 resource takes:
// the outputs of the Describe calls the next tables need round-trip through
// the same encoder once their element names are derived from the SDK (what
// TestEC2Names -update does for a route), with no code of their own.
func TestRoundTripNextEC2Resources(t *testing.T) {
	ops := []string{"DescribeVolumes", "DescribeSnapshots", "DescribeSecurityGroups", "DescribeSubnets", "DescribeVpcs", "DescribeInstanceTypes"}
	names, _, err := ec2NamesFromSDK(ops)
	if err != nil {
		t.Fatal(err)
	}
	enc := newEC2Encoder(names)
	for _, op := range ops {
		t.Run(op, func(t *testing.T) { roundTrip(t, enc, "ec2:"+op, 0) })
	}
}

// newClient makes the SDK client of a service served.
func newClient(t *testing.T, service string, c aws.Config) reflect.Value {
	switch service {
	case "ec2":
		return reflect.ValueOf(ec2.NewFromConfig(c))
	case "rds":
		return reflect.ValueOf(rds.NewFromConfig(c))
	case "sts":
		return reflect.ValueOf(sts.NewFromConfig(c))
	case "organizations":
		return reflect.ValueOf(organizations.NewFromConfig(c))
	case "iam":
		return reflect.ValueOf(iam.NewFromConfig(c))
	case "lambda":
		return reflect.ValueOf(lambda.NewFromConfig(c))
	case "ssm":
		return reflect.ValueOf(ssm.NewFromConfig(c))
	}
	t.Fatalf("no client for %s", service)
	return reflect.Value{}
}

func roundTrip(t *testing.T, enc *ec2Encoder, route string, variant int) {
	service, action, _ := strings.Cut(route, ":")
	method := operation(t, service, action)
	want := reflect.New(method.Type.Out(0).Elem()) // the output the server answers with
	fill(t, want.Elem(), action+"Output", variant)
	// The input is filled too, so that the client's check of required
	// parameters passes; the server ignores it.
	in := reflect.New(method.Type.In(2).Elem())
	fill(t, in.Elem(), action+"Input", 0)

	s := New(&fakedata.Dataset{})
	s.ec2 = enc
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(body))
		_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
		if op == "" {
			op = form.Get("Action")
		}
		if restJSONService(service) {
			op, _ = s.restOperation(service, r)
		}
		if op != action {
			http.Error(w, "unexpected operation "+op, http.StatusBadRequest)
			return
		}
		s.write(w, &call{service: service, action: action, requestID: "00000000-0000-0000-0000-000000000001"}, http.StatusOK, want.Interface(), nil)
	}))
	defer hs.Close()
	client := newClient(t, service, aws.Config{
		Region:           "us-east-1",
		Credentials:      credentials.NewStaticCredentialsProvider("AKIAROUNDTRIP0000001", "secret", ""),
		BaseEndpoint:     aws.String(hs.URL),
		HTTPClient:       fetch.RaceFree(awshttp.NewBuildableClient()),
		RetryMaxAttempts: 1,
	})
	res := client.MethodByName(action).Call([]reflect.Value{reflect.ValueOf(context.Background()), in})
	if err, _ := res[1].Interface().(error); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.Interface(), res[0].Interface(), ignoreUnexported, cmp.Comparer(func(a, b middleware.Metadata) bool { return true })); diff != "" {
		t.Errorf("%s decoded differs from what awsfake encoded (-sent +decoded):\n%s", route, diff)
	}
}

// operation is the client method of the service that calls action: its
// second argument is the operation's input, its first result the output.
func operation(t *testing.T, service, action string) reflect.Method {
	m, ok := newClient(t, service, aws.Config{}).Type().MethodByName(action)
	if !ok {
		t.Fatalf("the %s client has no %s", service, action)
	}
	return m
}

// ignoreUnexported skips the SDK's unexported marker fields
// (noSmithyDocumentSerde).
var ignoreUnexported = cmp.FilterPath(func(p cmp.Path) bool {
	sf, ok := p.Last().(cmp.StructField)
	return ok && !token.IsExported(sf.Name())
}, cmp.Ignore())

// fill sets every field of v (see Fill), failing the test on a type it
// cannot fill.
func fill(t testing.TB, v reflect.Value, path string, variant int) {
	t.Helper()
	if err := (&filler{variant: variant}).fillAll(v, path); err != nil {
		t.Fatal(err)
	}
}

// TestAnswerShape checks what the round trip cannot: the SDK's awsQuery
// decoder does not look at the names of a list's items, nor does any
// decoder mind how a timestamp is written. The paths and texts are those of
// AWS's answers (API reference examples); each is looked for in the answer
// to a filled output (variant 1: times on whole seconds).
func TestAnswerShape(t *testing.T) {
	tests := []struct {
		route string
		want  map[string]string // element path -> its text ("*": any)
	}{
		{"ec2:DescribeInstances", map[string]string{
			"DescribeInstancesResponse/requestId":                                                  "00000000-0000-0000-0000-000000000001",
			"DescribeInstancesResponse/reservationSet/item/instancesSet/item/launchTime":           "2025-06-07T08:09:10.000Z",
			"DescribeInstancesResponse/reservationSet/item/instancesSet/item/tagSet/item/key":      "",
			"DescribeInstancesResponse/reservationSet/item/instancesSet/item/instanceState/name":   "*",
			"DescribeInstancesResponse/reservationSet/item/instancesSet/item/ebsOptimized":         "false",
			"DescribeInstancesResponse/reservationSet/item/instancesSet/item/cpuOptions/coreCount": "0",
		}},
		{"ec2:DescribeReservedInstances", map[string]string{
			"DescribeReservedInstancesResponse/reservedInstancesSet/item/recurringCharges/item/amount": "0",
		}},
		{"rds:DescribeDBInstances", map[string]string{
			"DescribeDBInstancesResponse/DescribeDBInstancesResult/DBInstances/DBInstance/InstanceCreateTime":                                               "2025-06-07T08:09:10.000Z",
			"DescribeDBInstancesResponse/DescribeDBInstancesResult/DBInstances/DBInstance/TagList/Tag/Key":                                                  "",
			"DescribeDBInstancesResponse/DescribeDBInstancesResult/DBInstances/DBInstance/VpcSecurityGroups/VpcSecurityGroupMembership/Status":              "",
			"DescribeDBInstancesResponse/DescribeDBInstancesResult/DBInstances/DBInstance/ReadReplicaDBInstanceIdentifiers/ReadReplicaDBInstanceIdentifier": "",
			"DescribeDBInstancesResponse/DescribeDBInstancesResult/DBInstances/DBInstance/EnabledCloudwatchLogsExports/member":                              "",
			"DescribeDBInstancesResponse/DescribeDBInstancesResult/DBInstances/DBInstance/DBSubnetGroup/Subnets/Subnet/SubnetAvailabilityZone/Name":         "",
			"DescribeDBInstancesResponse/ResponseMetadata/RequestId":                                                                                        "00000000-0000-0000-0000-000000000001",
		}},
		{"sts:AssumeRole", map[string]string{
			"AssumeRoleResponse/AssumeRoleResult/Credentials/Expiration": "2025-06-07T08:09:10Z",
			"AssumeRoleResponse/ResponseMetadata/RequestId":              "00000000-0000-0000-0000-000000000001",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.route, func(t *testing.T) {
			service, action, _ := strings.Cut(tt.route, ":")
			out := reflect.New(operation(t, service, action).Type.Out(0).Elem())
			fill(t, out.Elem(), action+"Output", 1)
			s := New(&fakedata.Dataset{})
			body, err := s.answerBody(&call{service: service, action: action, requestID: "00000000-0000-0000-0000-000000000001"}, out.Interface())
			if err != nil {
				t.Fatal(err)
			}
			got := elementTexts(t, body)
			for path, text := range tt.want {
				texts, ok := got[path]
				switch {
				case !ok:
					t.Errorf("no element %s", path)
				case text != "*" && !slices.Contains(texts, text):
					t.Errorf("%s: %q, want %q", path, texts, text)
				}
			}
		})
	}
}

// elementTexts maps the path of every element of an XML document to the
// texts it has.
func elementTexts(t *testing.T, doc []byte) map[string][]string {
	out := map[string][]string{}
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var path []string
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%v in %s", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			path = append(path, tok.Name.Local)
			text.Reset()
		case xml.CharData:
			text.Write(tok)
		case xml.EndElement:
			p := strings.Join(path, "/")
			out[p] = append(out[p], text.String())
			path = path[:len(path)-1]
			text.Reset()
		}
	}
}
