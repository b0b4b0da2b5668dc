package awsfake_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// allInstances pages through DescribeInstances with the SDK paginator and
// returns the instances in the order served.
func allInstances(t *testing.T, c *ec2.Client, in *ec2.DescribeInstancesInput) []ec2types.Instance {
	t.Helper()
	var out []ec2types.Instance
	p := ec2.NewDescribeInstancesPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Reservations {
			out = append(out, r.Instances...)
		}
	}
	return out
}

func names(is []ec2types.Instance) []string {
	var out []string
	for _, i := range is {
		for _, tg := range i.Tags {
			if aws.ToString(tg.Key) == "Name" {
				out = append(out, aws.ToString(tg.Value))
			}
		}
	}
	return out
}

func instanceIDs(is []ec2types.Instance) []string {
	var out []string
	for _, i := range is {
		out = append(out, aws.ToString(i.InstanceId))
	}
	return out
}

// Every serialized field decodes to exactly what the data set holds.
func TestDescribeInstancesFidelity(t *testing.T) {
	e := demoEndpoint(t)
	demo := fakedata.Demo().Accounts[0]
	for _, region := range fakedata.DemoRegions() {
		t.Run(region, func(t *testing.T) {
			out, err := e.ec2(region).DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{})
			if err != nil {
				t.Fatal(err)
			}
			if out.NextToken != nil {
				t.Errorf("unpaged call got NextToken %q", *out.NextToken)
			}
			var got []ec2types.Instance
			for _, r := range out.Reservations {
				if aws.ToString(r.OwnerId) != fakedata.DemoAccountID || !strings.HasPrefix(aws.ToString(r.ReservationId), "r-") {
					t.Errorf("reservation %q owner %q", aws.ToString(r.ReservationId), aws.ToString(r.OwnerId))
				}
				got = append(got, r.Instances...)
			}
			want := demo.Regions[region].Instances
			if len(want) == 0 {
				t.Fatal("demo region has no instances")
			}
			if d := cmp.Diff(want, got, cmpOpts...); d != "" {
				t.Errorf("decoded instances differ from the data set (-want +got):\n%s", d)
			}
		})
	}
}

func TestDescribeInstancesPaging(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 123, Seed: 7})
	srv, url := awsfaketest.NewServer(t, ds)
	key, secret := srv.Credentials(fakedata.GenAccountID(0))
	e := endpoint{srv: srv, url: url, key: key, secret: secret}
	want := instanceIDs(ds.Accounts[0].Regions["us-east-1"].Instances)
	for _, max := range []int32{5, 10, 50, 122, 123, 1000} {
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			srv.Reset()
			got := instanceIDs(allInstances(t, e.ec2("us-east-1"), &ec2.DescribeInstancesInput{MaxResults: aws.Int32(max)}))
			if !slices.Equal(got, want) {
				t.Fatalf("paged ids differ: got %d, want %d", len(got), len(want))
			}
			pages := (123 + int(max) - 1) / int(max)
			if n := srv.Count("DescribeInstances", "", ""); n != pages {
				t.Errorf("%d requests, want %d pages", n, pages)
			}
		})
	}
	// Paging combines with filters: every running instance, once.
	var running []string
	for _, i := range ds.Accounts[0].Regions["us-east-1"].Instances {
		if i.State.Name == ec2types.InstanceStateNameRunning {
			running = append(running, *i.InstanceId)
		}
	}
	got := instanceIDs(allInstances(t, e.ec2("us-east-1"), &ec2.DescribeInstancesInput{
		MaxResults: aws.Int32(7),
		Filters:    []ec2types.Filter{{Name: aws.String("instance-state-name"), Values: []string{"running"}}},
	}))
	if !slices.Equal(got, running) {
		t.Fatalf("filtered paging: got %d ids, want %d", len(got), len(running))
	}
}

func filterOf(name string, values ...string) ec2types.Filter {
	return ec2types.Filter{Name: aws.String(name), Values: values}
}

func TestDescribeInstancesFilters(t *testing.T) {
	e := demoEndpoint(t)
	all := fakedata.Demo().Accounts[0].Regions["us-east-1"].Instances
	byName := func(ns ...string) []string { return ns }
	// where selects the demo instances a predicate keeps, in data set order:
	// the expectation is computed from the data, independently of the fake.
	where := func(keep func(i ec2types.Instance) bool) []string {
		var out []ec2types.Instance
		for _, i := range all {
			if keep(i) {
				out = append(out, i)
			}
		}
		return names(out)
	}
	amiOf := func(name string) string {
		for _, i := range all {
			if names([]ec2types.Instance{i})[0] == name {
				return *i.ImageId
			}
		}
		t.Fatalf("no instance %s", name)
		return ""
	}
	tests := []struct {
		name    string
		filters []ec2types.Filter
		want    []string
	}{
		{"state", []ec2types.Filter{filterOf("instance-state-name", "running")},
			where(func(i ec2types.Instance) bool { return i.State.Name == "running" })},
		{"states ORed", []ec2types.Filter{filterOf("instance-state-name", "stopped", "stopping")},
			where(func(i ec2types.Instance) bool { return i.State.Name == "stopped" || i.State.Name == "stopping" })},
		{"filters ANDed", []ec2types.Filter{filterOf("instance-state-name", "running"), filterOf("instance-type", "m5.large")},
			byName("api-1", "api-2")},
		{"type wildcard", []ec2types.Filter{filterOf("instance-type", "m5.*")},
			where(func(i ec2types.Instance) bool { return strings.HasPrefix(string(i.InstanceType), "m5.") })},
		{"question mark", []ec2types.Filter{filterOf("key-name", "prod-?ey")},
			where(func(i ec2types.Instance) bool { return aws.ToString(i.KeyName) == "prod-key" })},
		{"spot", []ec2types.Filter{filterOf("instance-lifecycle", "spot")},
			byName("worker-spot-1", "worker-spot-2", "worker-spot-3")},
		{"on-demand has no lifecycle", []ec2types.Filter{filterOf("instance-lifecycle", "on-demand")}, nil},
		{"az", []ec2types.Filter{filterOf("availability-zone", "us-east-1c")},
			where(func(i ec2types.Instance) bool { return *i.Placement.AvailabilityZone == "us-east-1c" })},
		{"image", []ec2types.Filter{filterOf("image-id", amiOf("web-1"))}, byName("web-1", "web-2")},
		{"vpc", []ec2types.Filter{filterOf("vpc-id", "vpc-*")},
			where(func(i ec2types.Instance) bool { return i.VpcId != nil })},
		{"subnet", []ec2types.Filter{filterOf("subnet-id", *all[0].SubnetId)},
			where(func(i ec2types.Instance) bool { return aws.ToString(i.SubnetId) == *all[0].SubnetId })},
		{"architecture", []ec2types.Filter{filterOf("architecture", "arm64")}, nil},
		{"instance id", []ec2types.Filter{filterOf("instance-id", *all[3].InstanceId)}, byName("api-1")},
		{"tag", []ec2types.Filter{filterOf("tag:Team", "batch")},
			byName("worker-spot-1", "worker-spot-2", "worker-spot-3", "batch-1", "batch-2")},
		{"tag key", []ec2types.Filter{filterOf("tag-key", "Café")}, byName("api-1")},
		{"tag unicode value", []ec2types.Filter{filterOf("tag:Café", "naïve — ünïcode ✓ 日本語")}, byName("api-1")},
		{"tag value with quotes", []ec2types.Filter{filterOf("tag:Owner", `Jane "JD" Doe`)}, byName("api-1")},
		{"tag value with comma", []ec2types.Filter{filterOf("tag:CostCenter", "1234, 5678")}, byName("api-1")},
		{"tag value with newline and tab", []ec2types.Filter{filterOf("tag:Notes", "first line\nsecond line\tafter a tab")}, byName("api-1")},
		{"empty tag value", []ec2types.Filter{filterOf("tag:Environment", "")}, byName("legacy-1")},
		{"star matches the empty value too", []ec2types.Filter{filterOf("tag:Empty", "*")}, byName("api-1")},
		{"wildcard star", []ec2types.Filter{filterOf("tag:Pattern", "a*b")}, byName("api-1", "api-2")},
		{"escaped star is literal", []ec2types.Filter{filterOf("tag:Pattern", `a\*b`)}, byName("api-1")},
		{"escaped question mark is literal", []ec2types.Filter{filterOf("tag:Pattern", `a\?b`)}, nil},
		{"escaped backslash", []ec2types.Filter{filterOf("tag:Pattern", `a\\*b`)}, nil},
		{"no match", []ec2types.Filter{filterOf("instance-type", "x1e.32xlarge")}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := names(allInstances(t, e.ec2("us-east-1"), &ec2.DescribeInstancesInput{Filters: tc.filters}))
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDescribeInstancesByID(t *testing.T) {
	e := demoEndpoint(t)
	all := fakedata.Demo().Accounts[0].Regions["us-east-1"].Instances
	ids := []string{*all[5].InstanceId, *all[1].InstanceId}
	got := allInstances(t, e.ec2("us-east-1"), &ec2.DescribeInstancesInput{InstanceIds: ids})
	// Served in data set order, each once.
	if want := []string{*all[1].InstanceId, *all[5].InstanceId}; !slices.Equal(instanceIDs(got), want) {
		t.Errorf("got %v, want %v", instanceIDs(got), want)
	}
	// Ids and filters combine.
	got = allInstances(t, e.ec2("us-east-1"), &ec2.DescribeInstancesInput{
		InstanceIds: ids, Filters: []ec2types.Filter{filterOf("instance-type", "c5.xlarge")},
	})
	if want := []string{*all[5].InstanceId}; !slices.Equal(instanceIDs(got), want) {
		t.Errorf("got %v, want %v", instanceIDs(got), want)
	}
}

func TestDescribeInstancesErrors(t *testing.T) {
	e := demoEndpoint(t)
	existing := *fakedata.Demo().Accounts[0].Regions["us-east-1"].Instances[0].InstanceId
	tests := []struct {
		name string
		in   ec2.DescribeInstancesInput
		code string
		msg  string
	}{
		{"unknown id", ec2.DescribeInstancesInput{InstanceIds: []string{existing, "i-0123456789abcdef0"}},
			"InvalidInstanceID.NotFound", "The instance ID 'i-0123456789abcdef0' does not exist"},
		{"unknown ids", ec2.DescribeInstancesInput{InstanceIds: []string{"i-0123456789abcdef0", "i-12345678"}},
			"InvalidInstanceID.NotFound", "The instance IDs 'i-0123456789abcdef0, i-12345678' do not exist"},
		{"malformed id", ec2.DescribeInstancesInput{InstanceIds: []string{"i-xyz"}},
			"InvalidInstanceID.Malformed", `Invalid id: "i-xyz"`},
		{"ids with max results", ec2.DescribeInstancesInput{InstanceIds: []string{existing}, MaxResults: aws.Int32(5)},
			"InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults"},
		{"max results too small", ec2.DescribeInstancesInput{MaxResults: aws.Int32(4)},
			"InvalidParameterValue", "Value ( 4 ) for parameter maxResults is invalid. Expecting a value greater than 5."},
		{"max results too large", ec2.DescribeInstancesInput{MaxResults: aws.Int32(1001)},
			"InvalidParameterValue", "Value ( 1001 ) for parameter maxResults is invalid. Expecting a value less than 1000."},
		{"unknown filter", ec2.DescribeInstancesInput{Filters: []ec2types.Filter{filterOf("colour", "blue")}},
			"InvalidParameterValue", "The filter 'colour' is invalid"},
		{"bad token", ec2.DescribeInstancesInput{NextToken: aws.String("not-a-token")},
			"InvalidPaginationToken", "The specified pagination token is not valid or is expired."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ec2("us-east-1").DescribeInstances(ctx(t), &tc.in)
			ae := apiError(t, err, tc.code)
			if ae.ErrorMessage() != tc.msg {
				t.Errorf("message %q, want %q", ae.ErrorMessage(), tc.msg)
			}
			if s := statusOf(t, err); s != 400 {
				t.Errorf("status %d, want 400", s)
			}
		})
	}

	// A token is bound to its query: replaying it with other filters fails.
	out, err := e.ec2("us-east-1").DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
	if err != nil || out.NextToken == nil {
		t.Fatalf("first page: %v", err)
	}
	_, err = e.ec2("us-east-1").DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{
		MaxResults: aws.Int32(5), NextToken: out.NextToken,
		Filters: []ec2types.Filter{filterOf("instance-state-name", "running")},
	})
	apiError(t, err, "InvalidPaginationToken")
	// ... and so is replaying it in another region.
	_, err = e.ec2("us-west-2").DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5), NextToken: out.NextToken})
	apiError(t, err, "InvalidPaginationToken")
}
