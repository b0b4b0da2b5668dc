package awsfake_test

import (
	"encoding/base64"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// demoInstance is a demo instance of the management account by its Name
// tag, with its details.
func demoInstance(t *testing.T, region, name string) (ec2types.Instance, fakedata.InstanceDetails) {
	t.Helper()
	r := fakedata.Demo().Accounts[0].Regions[region]
	for _, in := range r.Instances {
		for _, tag := range in.Tags {
			if aws.ToString(tag.Key) == "Name" && aws.ToString(tag.Value) == name {
				return in, r.InstanceDetails[aws.ToString(in.InstanceId)]
			}
		}
	}
	t.Fatalf("no demo instance %s in %s", name, region)
	return ec2types.Instance{}, fakedata.InstanceDetails{}
}

func TestDescribeInstanceAttribute(t *testing.T) {
	e := demoEndpoint(t)
	c := e.ec2("us-east-1")
	web, webDetails := demoInstance(t, "us-east-1", "web-1")
	spot, _ := demoInstance(t, "us-east-1", "worker-spot-1")
	legacy, _ := demoInstance(t, "us-east-1", "legacy-1")
	attr := func(t *testing.T, in ec2types.Instance, a ec2types.InstanceAttributeName) *ec2.DescribeInstanceAttributeOutput {
		t.Helper()
		out, err := c.DescribeInstanceAttribute(ctx(t), &ec2.DescribeInstanceAttributeInput{InstanceId: in.InstanceId, Attribute: a})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(out.InstanceId) != aws.ToString(in.InstanceId) {
			t.Errorf("InstanceId %v, want %v", aws.ToString(out.InstanceId), aws.ToString(in.InstanceId))
		}
		return out
	}
	value := func(v *ec2types.AttributeValue) *string {
		if v == nil {
			return aws.String("<absent>")
		}
		return v.Value
	}
	tests := []struct {
		name string
		in   ec2types.Instance
		attr ec2types.InstanceAttributeName
		get  func(*ec2.DescribeInstanceAttributeOutput) any
		want any
	}{
		{"protected", web, "disableApiTermination", func(o *ec2.DescribeInstanceAttributeOutput) any { return o.DisableApiTermination.Value }, aws.Bool(true)},
		{"unprotected", spot, "disableApiTermination", func(o *ec2.DescribeInstanceAttributeOutput) any { return o.DisableApiTermination.Value }, aws.Bool(false)},
		{"shutdown stop", web, "instanceInitiatedShutdownBehavior", func(o *ec2.DescribeInstanceAttributeOutput) any { return value(o.InstanceInitiatedShutdownBehavior) }, aws.String("stop")},
		{"shutdown terminate", spot, "instanceInitiatedShutdownBehavior", func(o *ec2.DescribeInstanceAttributeOutput) any { return value(o.InstanceInitiatedShutdownBehavior) }, aws.String("terminate")},
		{"user data", web, "userData", func(o *ec2.DescribeInstanceAttributeOutput) any { return value(o.UserData) },
			aws.String(base64.StdEncoding.EncodeToString([]byte(webDetails.UserData)))},
		// No user data: an empty element, so the attribute is there
		// without a value.
		{"no user data", spot, "userData", func(o *ec2.DescribeInstanceAttributeOutput) any { return value(o.UserData) }, (*string)(nil)},
		{"kernel", legacy, "kernel", func(o *ec2.DescribeInstanceAttributeOutput) any { return value(o.KernelId) }, legacy.KernelId},
		{"no kernel", web, "kernel", func(o *ec2.DescribeInstanceAttributeOutput) any { return value(o.KernelId) }, (*string)(nil)},
		{"ramdisk", legacy, "ramdisk", func(o *ec2.DescribeInstanceAttributeOutput) any { return value(o.RamdiskId) }, legacy.RamdiskId},
		{"sriov", legacy, "sriovNetSupport", func(o *ec2.DescribeInstanceAttributeOutput) any { return value(o.SriovNetSupport) }, aws.String("simple")},
		{"type", web, "instanceType", func(o *ec2.DescribeInstanceAttributeOutput) any { return value(o.InstanceType) }, aws.String("t3.medium")},
		{"groups", web, "groupSet", func(o *ec2.DescribeInstanceAttributeOutput) any { return len(o.Groups) }, len(web.SecurityGroups)},
		// Only the attribute asked for comes back.
		{"one attribute", web, "userData", func(o *ec2.DescribeInstanceAttributeOutput) any {
			return o.DisableApiTermination == nil && o.KernelId == nil
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.get(attr(t, tc.in, tc.attr))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, tc := range []struct {
		id, attr, code string
	}{
		{"i-0123456789abcdef0", "userData", "InvalidInstanceID.NotFound"},
		{"i-nothex", "userData", "InvalidInstanceID.Malformed"},
		{aws.ToString(web.InstanceId), "colour", "InvalidParameterValue"},
	} {
		_, err := c.DescribeInstanceAttribute(ctx(t), &ec2.DescribeInstanceAttributeInput{InstanceId: aws.String(tc.id), Attribute: ec2types.InstanceAttributeName(tc.attr)})
		apiError(t, err, tc.code)
	}
	// An instance of another region is not found here.
	_, err := e.ec2("eu-west-1").DescribeInstanceAttribute(ctx(t), &ec2.DescribeInstanceAttributeInput{InstanceId: web.InstanceId, Attribute: "userData"})
	apiError(t, err, "InvalidInstanceID.NotFound")
}

func TestGetLaunchTemplateData(t *testing.T) {
	e := demoEndpoint(t)
	web, d := demoInstance(t, "us-east-1", "web-1")
	out, err := e.ec2("us-east-1").GetLaunchTemplateData(ctx(t), &ec2.GetLaunchTemplateDataInput{InstanceId: web.InstanceId})
	if err != nil {
		t.Fatal(err)
	}
	lt := out.LaunchTemplateData
	want := []struct {
		what      string
		got, want any
	}{
		{"ImageId", lt.ImageId, web.ImageId},
		{"InstanceType", lt.InstanceType, web.InstanceType},
		{"KeyName", lt.KeyName, web.KeyName},
		{"UserData", lt.UserData, aws.String(base64.StdEncoding.EncodeToString([]byte(d.UserData)))},
		{"DisableApiTermination", lt.DisableApiTermination, aws.Bool(true)},
		{"InstanceInitiatedShutdownBehavior", lt.InstanceInitiatedShutdownBehavior, ec2types.ShutdownBehaviorStop},
		{"IamInstanceProfile", lt.IamInstanceProfile.Arn, web.IamInstanceProfile.Arn},
		{"Placement", lt.Placement.AvailabilityZone, web.Placement.AvailabilityZone},
		{"MetadataOptions", lt.MetadataOptions.HttpTokens, ec2types.LaunchTemplateHttpTokensState(web.MetadataOptions.HttpTokens)},
		{"NetworkInterfaces", len(lt.NetworkInterfaces), len(web.NetworkInterfaces)},
		{"Tags", lt.TagSpecifications[0].Tags, web.Tags},
	}
	for _, w := range want {
		if diff := cmp.Diff(w.want, w.got, cmpOpts...); diff != "" {
			t.Errorf("%s (-want +got):\n%s", w.what, diff)
		}
	}
	_, err = e.ec2("us-east-1").GetLaunchTemplateData(ctx(t), &ec2.GetLaunchTemplateDataInput{InstanceId: aws.String("i-0123456789abcdef0")})
	apiError(t, err, "InvalidInstanceID.NotFound")
}

func TestDescribeInstanceStatus(t *testing.T) {
	e := demoEndpoint(t)
	c := e.ec2("us-east-1")
	web1, _ := demoInstance(t, "us-east-1", "web-1")
	web2, d2 := demoInstance(t, "us-east-1", "web-2")
	stopped, _ := demoInstance(t, "us-east-1", "web-3")
	pending, _ := demoInstance(t, "us-east-1", "batch-1")
	statusOf := func(t *testing.T, in *ec2.DescribeInstanceStatusInput) map[string]ec2types.InstanceStatus {
		t.Helper()
		out := map[string]ec2types.InstanceStatus{}
		p := ec2.NewDescribeInstanceStatusPaginator(c, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range page.InstanceStatuses {
				out[aws.ToString(s.InstanceId)] = s
			}
		}
		return out
	}
	all := demoRegionInstances(t, "us-east-1")
	running := 0
	for _, in := range all {
		if in.State.Name == ec2types.InstanceStateNameRunning {
			running++
		}
	}
	// Running instances only, unless all are asked for; paged.
	if got := statusOf(t, &ec2.DescribeInstanceStatusInput{MaxResults: aws.Int32(5)}); len(got) != running {
		t.Errorf("%d statuses, want the %d running instances", len(got), running)
	}
	got := statusOf(t, &ec2.DescribeInstanceStatusInput{IncludeAllInstances: aws.Bool(true)})
	if len(got) != len(all) {
		t.Errorf("%d statuses with IncludeAllInstances, want %d", len(got), len(all))
	}
	summary := func(s *ec2types.InstanceStatusSummary) ec2types.SummaryStatus {
		if s == nil {
			return "<absent>"
		}
		return s.Status
	}
	for _, tc := range []struct {
		in     ec2types.Instance
		status ec2types.SummaryStatus
		events int
	}{
		{web1, ec2types.SummaryStatusOk, 0},
		{web2, ec2types.SummaryStatusImpaired, 1},
		{stopped, ec2types.SummaryStatusNotApplicable, 0},
		{pending, ec2types.SummaryStatusInitializing, 0},
	} {
		s := got[aws.ToString(tc.in.InstanceId)]
		if summary(s.InstanceStatus) != tc.status || len(s.Events) != tc.events || s.InstanceState.Name != tc.in.State.Name ||
			aws.ToString(s.AvailabilityZone) != aws.ToString(tc.in.Placement.AvailabilityZone) {
			t.Errorf("%s: status %s, %d events, state %s, zone %s; want %s, %d, %s, %s", aws.ToString(tc.in.InstanceId),
				summary(s.InstanceStatus), len(s.Events), s.InstanceState.Name, aws.ToString(s.AvailabilityZone),
				tc.status, tc.events, tc.in.State.Name, aws.ToString(tc.in.Placement.AvailabilityZone))
		}
	}
	impaired := got[aws.ToString(web2.InstanceId)].InstanceStatus.Details[0]
	if impaired.Status != ec2types.StatusTypeFailed || !aws.ToTime(impaired.ImpairedSince).Equal(d2.ImpairedSince) {
		t.Errorf("impaired detail: %+v", impaired)
	}
	// By id (a stopped one, asked for all) and by filter.
	if got := statusOf(t, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{*stopped.InstanceId}, IncludeAllInstances: aws.Bool(true)}); len(got) != 1 {
		t.Errorf("by id: %d statuses, want 1", len(got))
	}
	if got := statusOf(t, &ec2.DescribeInstanceStatusInput{InstanceIds: []string{*stopped.InstanceId}}); len(got) != 0 {
		t.Errorf("a stopped instance by id without IncludeAllInstances: %d statuses, want none", len(got))
	}
	byFilter := statusOf(t, &ec2.DescribeInstanceStatusInput{Filters: []ec2types.Filter{filterOf("instance-status.status", "impaired")}})
	if _, ok := byFilter[*web2.InstanceId]; !ok || len(byFilter) != 1 {
		t.Errorf("instance-status.status=impaired: %d statuses", len(byFilter))
	}
	byEvent := statusOf(t, &ec2.DescribeInstanceStatusInput{Filters: []ec2types.Filter{filterOf("event.code", "system-reboot")}})
	if len(byEvent) != 1 {
		t.Errorf("event.code=system-reboot: %d statuses, want 1", len(byEvent))
	}
	for _, tc := range []struct {
		in   ec2.DescribeInstanceStatusInput
		code string
	}{
		{ec2.DescribeInstanceStatusInput{InstanceIds: []string{"i-0123456789abcdef0"}}, "InvalidInstanceID.NotFound"},
		{ec2.DescribeInstanceStatusInput{InstanceIds: []string{*web1.InstanceId}, MaxResults: aws.Int32(5)}, "InvalidParameterCombination"},
		{ec2.DescribeInstanceStatusInput{Filters: []ec2types.Filter{filterOf("colour", "x")}}, "InvalidParameterValue"},
	} {
		_, err := c.DescribeInstanceStatus(ctx(t), &tc.in)
		apiError(t, err, tc.code)
	}
}

func demoRegionInstances(t *testing.T, region string) []ec2types.Instance {
	t.Helper()
	return fakedata.Demo().Accounts[0].Regions[region].Instances
}

func TestDescribeImageAttribute(t *testing.T) {
	e := demoEndpoint(t)
	c := e.ec2("us-east-1")
	r := fakedata.Demo().Accounts[0].Regions["us-east-1"]
	own := func(name string) string {
		for _, img := range r.Images {
			if aws.ToString(img.Name) == name {
				return aws.ToString(img.ImageId)
			}
		}
		t.Fatalf("no image %s", name)
		return ""
	}
	perms := func(t *testing.T, id string) []ec2types.LaunchPermission {
		t.Helper()
		out, err := c.DescribeImageAttribute(ctx(t), &ec2.DescribeImageAttributeInput{ImageId: aws.String(id), Attribute: ec2types.ImageAttributeNameLaunchPermission})
		if err != nil {
			t.Fatal(err)
		}
		return out.LaunchPermissions
	}
	tests := []struct {
		image string
		want  []ec2types.LaunchPermission
	}{
		{"app-base-v2", []ec2types.LaunchPermission{{UserId: aws.String("210987654321")}, {UserId: aws.String("345678901234")}}},
		{"app-base-v3", r.ImageLaunchPermissions[own("app-base-v3")]},
		// Public: shared with everyone.
		{"shared-tools", []ec2types.LaunchPermission{{Group: ec2types.PermissionGroupAll}}},
		{"app-base-v1", nil},
	}
	for _, tc := range tests {
		t.Run(tc.image, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, perms(t, own(tc.image)), cmpOpts...); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// Only the owner may read an image's attributes, even a public one's.
	amazon := aws.ToString(fakedata.Demo().PublicImages["us-east-1"][0].ImageId)
	_, err := c.DescribeImageAttribute(ctx(t), &ec2.DescribeImageAttributeInput{ImageId: aws.String(amazon), Attribute: ec2types.ImageAttributeNameLaunchPermission})
	apiError(t, err, "AuthFailure")
	_, err = c.DescribeImageAttribute(ctx(t), &ec2.DescribeImageAttributeInput{ImageId: aws.String("ami-0123456789abcdef0"), Attribute: ec2types.ImageAttributeNameLaunchPermission})
	apiError(t, err, "InvalidAMIID.NotFound")
}

func TestDescribeReservedInstancesModifications(t *testing.T) {
	e := demoEndpoint(t, awsfake.WithPageSize(1))
	c := e.ec2("us-east-1")
	r := fakedata.Demo().Accounts[0].Regions["us-east-1"]
	ids := func(t *testing.T, in *ec2.DescribeReservedInstancesModificationsInput) []string {
		t.Helper()
		var out []string
		p := ec2.NewDescribeReservedInstancesModificationsPaginator(c, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range page.ReservedInstancesModifications {
				out = append(out, aws.ToString(m.ReservedInstancesModificationId))
			}
		}
		return out
	}
	mods := r.ReservedInstancesModifications
	modID := func(i int) string { return aws.ToString(mods[i].ReservedInstancesModificationId) }
	riOf := func(i int) string { return aws.ToString(mods[i].ReservedInstancesIds[0].ReservedInstancesId) }
	tests := []struct {
		name string
		in   ec2.DescribeReservedInstancesModificationsInput
		want []string
	}{
		{"all, a page each", ec2.DescribeReservedInstancesModificationsInput{}, []string{modID(0), modID(1)}},
		{"by reservation", ec2.DescribeReservedInstancesModificationsInput{Filters: []ec2types.Filter{filterOf("reserved-instances-id", riOf(1))}}, []string{modID(1)}},
		{"by status", ec2.DescribeReservedInstancesModificationsInput{Filters: []ec2types.Filter{filterOf("status", "fulfilled")}}, []string{modID(0)}},
		{"by id", ec2.DescribeReservedInstancesModificationsInput{ReservedInstancesModificationIds: []string{modID(1)}}, []string{modID(1)}},
		{"none", ec2.DescribeReservedInstancesModificationsInput{Filters: []ec2types.Filter{filterOf("reserved-instances-id", "no-such")}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(t, &tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	out, err := c.DescribeReservedInstancesModifications(ctx(t), &ec2.DescribeReservedInstancesModificationsInput{
		Filters: []ec2types.Filter{filterOf("status", "fulfilled")}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(mods[:1], out.ReservedInstancesModifications, cmpOpts...); diff != "" {
		t.Errorf("fidelity (-want +got):\n%s", diff)
	}
}

func TestListAccountAliases(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 2, Seed: 1})
	srv, url := awsfaketest.NewServer(t, ds)
	for _, a := range ds.Accounts {
		key, secret := srv.Credentials(a.ID)
		e := endpoint{srv: srv, url: url, key: key, secret: secret}
		// IAM is global: any region's signature is answered.
		c := iam.NewFromConfig(e.config("eu-west-1"))
		out, err := c.ListAccountAliases(ctx(t), &iam.ListAccountAliasesInput{})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(out.AccountAliases, a.Aliases) || out.IsTruncated {
			t.Errorf("%s: aliases %q (truncated %v), want %q", a.ID, out.AccountAliases, out.IsTruncated, a.Aliases)
		}
		_, err = c.ListAccountAliases(ctx(t), &iam.ListAccountAliasesInput{MaxItems: aws.Int32(1001)})
		apiError(t, err, "ValidationError")
	}
	if n := srv.Count("ListAccountAliases", ds.Accounts[1].ID, ""); n != 2 {
		t.Errorf("%d ListAccountAliases recorded for %s, want 2", n, ds.Accounts[1].ID)
	}
	// An account without an alias answers an empty list.
	ds.Accounts[0].Aliases = nil
	srv, url = awsfaketest.NewServer(t, ds)
	key, secret := srv.Credentials(ds.Accounts[0].ID)
	out, err := iam.NewFromConfig(endpoint{srv: srv, url: url, key: key, secret: secret}.config("us-east-1")).ListAccountAliases(ctx(t), &iam.ListAccountAliasesInput{})
	if err != nil || len(out.AccountAliases) != 0 {
		t.Errorf("no alias: %q, %v", out.AccountAliases, err)
	}
}
