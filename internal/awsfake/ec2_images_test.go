package awsfake_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

func allImages(t *testing.T, c *ec2.Client, in *ec2.DescribeImagesInput) []ec2types.Image {
	t.Helper()
	var out []ec2types.Image
	p := ec2.NewDescribeImagesPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Images...)
	}
	return out
}

func imageNames(imgs []ec2types.Image) []string {
	var out []string
	for _, i := range imgs {
		out = append(out, aws.ToString(i.Name))
	}
	return out
}

func imageID(t *testing.T, imgs []ec2types.Image, name string) string {
	for _, i := range imgs {
		if aws.ToString(i.Name) == name {
			return *i.ImageId
		}
	}
	t.Fatalf("no image %s", name)
	return ""
}

func TestDescribeImagesFidelity(t *testing.T) {
	e := demoEndpoint(t)
	demo := fakedata.Demo()
	for _, region := range fakedata.DemoRegions() {
		t.Run(region, func(t *testing.T) {
			c := e.ec2(region)
			own := allImages(t, c, &ec2.DescribeImagesInput{Owners: []string{"self"}, IncludeDeprecated: aws.Bool(true), IncludeDisabled: aws.Bool(true)})
			if d := cmp.Diff(demo.Accounts[0].Regions[region].Images, own, cmpOpts...); d != "" {
				t.Errorf("own images (-want +got):\n%s", d)
			}
			amazon := allImages(t, c, &ec2.DescribeImagesInput{Owners: []string{"amazon"}, IncludeDeprecated: aws.Bool(true)})
			if d := cmp.Diff(amazonOnly(demo.PublicImages[region]), amazon, cmpOpts...); d != "" {
				t.Errorf("amazon images (-want +got):\n%s", d)
			}
		})
	}
}

// Without Owners or ImageIds: the caller's images and the public ones;
// deprecated images only when the caller owns them; disabled ones only on
// request.
func TestDescribeImagesVisibility(t *testing.T) {
	e := demoEndpoint(t)
	demo := fakedata.Demo()
	own := demo.Accounts[0].Regions["us-east-1"].Images
	public := demo.PublicImages["us-east-1"]
	c := e.ec2("us-east-1")

	var want []string
	for _, img := range own {
		if img.State != ec2types.ImageStateDisabled {
			want = append(want, *img.Name)
		}
	}
	for _, img := range public {
		if img.DeprecationTime == nil {
			want = append(want, *img.Name)
		}
	}
	got := imageNames(allImages(t, c, &ec2.DescribeImagesInput{}))
	if !slices.Equal(got, want) {
		t.Errorf("default: got %q, want %q", got, want)
	}
	if !slices.Contains(got, "app-base-v1") {
		t.Error("own deprecated image must always appear")
	}
	if slices.Contains(got, "amzn2-ami-hvm-2.0.20230101.0-x86_64-gp2") {
		t.Error("deprecated public image must be left out by default")
	}
	got = imageNames(allImages(t, c, &ec2.DescribeImagesInput{IncludeDeprecated: aws.Bool(true)}))
	if !slices.Contains(got, "amzn2-ami-hvm-2.0.20230101.0-x86_64-gp2") || slices.Contains(got, "retired-2024") {
		t.Errorf("IncludeDeprecated: got %q", got)
	}
	got = imageNames(allImages(t, c, &ec2.DescribeImagesInput{Owners: []string{"self"}, IncludeDisabled: aws.Bool(true)}))
	if !slices.Contains(got, "retired-2024") {
		t.Errorf("IncludeDisabled: got %q", got)
	}
	// Deprecation is judged against the data time, not the wall clock.
	_, url := awsfaketest.NewServer(t, fakedata.Demo(), awsfake.WithDataTime(fakedata.ReferenceTime().AddDate(-2, 0, 0)))
	early := endpoint{url: url, key: e.key, secret: e.secret}.ec2("us-east-1")
	got = imageNames(allImages(t, early, &ec2.DescribeImagesInput{Owners: []string{"amazon"}}))
	if !slices.Contains(got, "amzn2-ami-hvm-2.0.20230101.0-x86_64-gp2") {
		t.Errorf("before its deprecation time the image is listed: got %q", got)
	}
}

func TestDescribeImagesOwnersAndIDs(t *testing.T) {
	e := demoEndpoint(t)
	demo := fakedata.Demo()
	own := demo.Accounts[0].Regions["us-east-1"].Images
	public := demo.PublicImages["us-east-1"]
	c := e.ec2("us-east-1")
	tests := []struct {
		name string
		in   ec2.DescribeImagesInput
		want []string
	}{
		{"by account id", ec2.DescribeImagesInput{Owners: []string{fakedata.AmazonOwnerID}},
			[]string{*public[0].Name, *public[1].Name, *public[2].Name, *public[3].Name}},
		{"self and amazon", ec2.DescribeImagesInput{Owners: []string{"self", "amazon"}, Filters: []ec2types.Filter{filterOf("name", "app-base-v2", "RHEL-*")}},
			[]string{"app-base-v2", *public[3].Name}},
		{"a marketplace seller's image", ec2.DescribeImagesInput{Owners: []string{"aws-marketplace"}}, []string{"acme-firewall-7.2-x86_64"}},
		{"ids", ec2.DescribeImagesInput{ImageIds: []string{*public[2].ImageId, *own[1].ImageId}}, []string{*own[1].Name, *public[2].Name}},
		{"ids and owners", ec2.DescribeImagesInput{ImageIds: []string{*public[2].ImageId, *own[1].ImageId}, Owners: []string{"amazon"}},
			[]string{*public[2].Name}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := imageNames(allImages(t, c, &tc.in))
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDescribeImagesFilters(t *testing.T) {
	e := demoEndpoint(t)
	c := e.ec2("us-east-1")
	self := []string{"self"}
	tests := []struct {
		name    string
		owners  []string
		filters []ec2types.Filter
		want    []string
	}{
		{"name wildcard", self, []ec2types.Filter{filterOf("name", "app-base-v?")}, []string{"app-base-v1", "app-base-v2", "app-base-v3"}},
		{"public", self, []ec2types.Filter{filterOf("is-public", "true")}, []string{"shared-tools"}},
		{"platform", nil, []ec2types.Filter{filterOf("platform", "windows")},
			[]string{"win-golden-2025", "Windows_Server-2022-English-Full-Base-2025.01.15"}},
		{"owner alias", nil, []ec2types.Filter{filterOf("owner-alias", "amazon"), filterOf("architecture", "arm64")},
			[]string{"al2023-ami-2023.6.20250115.0-kernel-6.1-arm64"}},
		{"owner id", nil, []ec2types.Filter{filterOf("owner-id", fakedata.DemoAccountID), filterOf("tag:Version", "3")}, []string{"app-base-v3"}},
		{"tag with quotes", self, []ec2types.Filter{filterOf("tag:Notes", `canary, "not" prod`)}, []string{"app-base-v3"}},
		{"state", self, []ec2types.Filter{filterOf("state", "available"), filterOf("image-type", "machine"), filterOf("name", "s*")}, []string{"shared-tools"}},
		{"image id", self, []ec2types.Filter{filterOf("image-id", "ami-*"), filterOf("product-code.type", "marketplace")}, []string{"marketplace-firewall-copy"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := imageNames(allImages(t, c, &ec2.DescribeImagesInput{Owners: tc.owners, Filters: tc.filters}))
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDescribeImagesPaging(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, ImagesPerRegion: 57, Seed: 3})
	srv, url := awsfaketest.NewServer(t, ds)
	key, secret := srv.Credentials(fakedata.GenAccountID(0))
	c := endpoint{srv: srv, url: url, key: key, secret: secret}.ec2("us-east-1")
	want := allImages(t, c, &ec2.DescribeImagesInput{Owners: []string{"self"}, IncludeDeprecated: aws.Bool(true)})
	if len(want) != 57 {
		t.Fatalf("unpaged: %d images, want 57", len(want))
	}
	srv.Reset()
	got := allImages(t, c, &ec2.DescribeImagesInput{Owners: []string{"self"}, IncludeDeprecated: aws.Bool(true), MaxResults: aws.Int32(5)})
	if d := cmp.Diff(want, got, cmpOpts...); d != "" {
		t.Errorf("paged differs from unpaged:\n%s", d)
	}
	if n := srv.Count("DescribeImages", "", ""); n != 12 {
		t.Errorf("%d pages, want 12", n)
	}
}

func TestDescribeImagesErrors(t *testing.T) {
	e := demoEndpoint(t)
	own := fakedata.Demo().Accounts[0].Regions["us-east-1"].Images
	tests := []struct {
		name string
		in   ec2.DescribeImagesInput
		code string
		msg  string
	}{
		{"unknown id", ec2.DescribeImagesInput{ImageIds: []string{"ami-0123456789abcdef0"}},
			"InvalidAMIID.NotFound", "The image id '[ami-0123456789abcdef0]' does not exist"},
		// An image of the account in another region is not visible here.
		{"other region's id", ec2.DescribeImagesInput{ImageIds: []string{*fakedata.Demo().Accounts[0].Regions["us-west-2"].Images[0].ImageId}},
			"InvalidAMIID.NotFound", "The image id '[" + *fakedata.Demo().Accounts[0].Regions["us-west-2"].Images[0].ImageId + "]' does not exist"},
		{"malformed id", ec2.DescribeImagesInput{ImageIds: []string{"ami-12"}},
			"InvalidAMIID.Malformed", `Invalid id: "ami-12" (expecting "ami-...")`},
		{"ids with max results", ec2.DescribeImagesInput{ImageIds: []string{*own[0].ImageId}, MaxResults: aws.Int32(10)},
			"InvalidParameterCombination", "The parameter imagesSet cannot be used with the parameter maxResults"},
		{"max results", ec2.DescribeImagesInput{MaxResults: aws.Int32(2000)},
			"InvalidParameterValue", "Value ( 2000 ) for parameter maxResults is invalid. Expecting a value less than 1000."},
		{"bad owner", ec2.DescribeImagesInput{Owners: []string{"me"}}, "InvalidUserID.Malformed", `Invalid user id: "me"`},
		{"unknown filter", ec2.DescribeImagesInput{Filters: []ec2types.Filter{filterOf("flavour", "x")}},
			"InvalidParameterValue", "The filter 'flavour' is invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ec2("us-east-1").DescribeImages(ctx(t), &tc.in)
			if ae := apiError(t, err, tc.code); ae.ErrorMessage() != tc.msg {
				t.Errorf("message %q, want %q", ae.ErrorMessage(), tc.msg)
			}
		})
	}
}

// amazonOnly keeps Amazon's images of a list of public ones.
func amazonOnly(imgs []ec2types.Image) []ec2types.Image {
	var out []ec2types.Image
	for _, img := range imgs {
		if aws.ToString(img.ImageOwnerAlias) == "amazon" {
			out = append(out, img)
		}
	}
	return out
}
