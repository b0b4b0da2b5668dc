package awsfake_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// pager is one SDK paginator reduced to what the page-size tests check:
// the ids of each page.
type pager interface {
	HasMorePages() bool
	next(context.Context) ([]string, error)
}

type pagerFunc struct {
	more func() bool
	page func(context.Context) ([]string, error)
}

func (p pagerFunc) HasMorePages() bool                         { return p.more() }
func (p pagerFunc) next(ctx context.Context) ([]string, error) { return p.page(ctx) }

// pages reads every page of p, checking that none holds more than most
// items, and returns the ids in order and the number of pages.
func pages(t *testing.T, p pager, most int) ([]string, int) {
	t.Helper()
	var ids []string
	n := 0
	for p.HasMorePages() {
		page, err := p.next(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		n++
		if len(page) > most {
			t.Fatalf("page %d holds %d items, want at most %d", n, len(page), most)
		}
		ids = append(ids, page...)
		if n > 10000 {
			t.Fatal("paging does not end")
		}
	}
	return ids, n
}

// sameOnce checks that got holds every id of want exactly once.
func sameOnce(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := slices.Clone(got), slices.Clone(want)
	sort.Strings(g)
	sort.Strings(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s: got %d ids, want the %d of the data set, each once", what, len(got), len(want))
	}
}

func instancePager(c *ec2.Client, in *ec2.DescribeInstancesInput) pager {
	p := ec2.NewDescribeInstancesPaginator(c, in)
	return pagerFunc{p.HasMorePages, func(ctx context.Context) ([]string, error) {
		out, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, r := range out.Reservations {
			for _, i := range r.Instances {
				ids = append(ids, *i.InstanceId)
			}
		}
		return ids, nil
	}}
}

func TestPageSizeEC2AndRDS(t *testing.T) {
	const size = 7
	e, ds := genEndpoint(t, fakedata.GenOptions{Accounts: 1, Regions: 2, InstancesPerRegion: 61,
		ImagesPerRegion: 23, DBInstancesPerRegion: 45, Seed: 3}, awsfake.WithPageSize(size))
	region := ds.Accounts[0].Regions["us-east-2"]
	var instances, images, dbs []string
	for _, i := range region.Instances {
		instances = append(instances, *i.InstanceId)
	}
	for _, i := range region.Images {
		images = append(images, *i.ImageId)
	}
	for _, d := range region.DBInstances {
		dbs = append(dbs, *d.DBInstanceIdentifier)
	}
	c := e.ec2("us-east-2")

	for _, max := range []*int32{nil, aws.Int32(1000), aws.Int32(size), aws.Int32(50)} {
		got, n := pages(t, instancePager(c, &ec2.DescribeInstancesInput{MaxResults: max}), size)
		sameOnce(t, fmt.Sprintf("DescribeInstances, MaxResults %v", aws.ToInt32(max)), got, instances)
		if want := (61 + size - 1) / size; n != want {
			t.Errorf("DescribeInstances, MaxResults %v: %d pages, want %d", aws.ToInt32(max), n, want)
		}
	}
	// A MaxResults below the server's page size still decides.
	if got, n := pages(t, instancePager(c, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5)}), 5); n != 13 {
		t.Errorf("MaxResults 5: %d pages, want 13", n)
	} else {
		sameOnce(t, "DescribeInstances, MaxResults 5", got, instances)
	}
	// A filter applies before the page is cut.
	running := 0
	for _, i := range region.Instances {
		if i.State.Name == "running" {
			running++
		}
	}
	got, _ := pages(t, instancePager(c, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(1000),
		Filters: []ec2types.Filter{{Name: aws.String("instance-state-name"), Values: []string{"running"}}}}), size)
	if len(got) != running {
		t.Errorf("running: %d instances, want %d", len(got), running)
	}
	// A lookup by ids cannot ask for a page size, and is answered whole.
	out, err := c.DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{InstanceIds: instances[:20]})
	if err != nil || len(out.Reservations) != 20 || out.NextToken != nil {
		t.Errorf("lookup of 20 ids: %v, %d reservations, NextToken %v", err, len(out.Reservations), out.NextToken)
	}

	ip := ec2.NewDescribeImagesPaginator(c, &ec2.DescribeImagesInput{Owners: []string{"self"}, MaxResults: aws.Int32(1000)})
	got, n := pages(t, pagerFunc{ip.HasMorePages, func(ctx context.Context) ([]string, error) {
		out, err := ip.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, i := range out.Images {
			ids = append(ids, *i.ImageId)
		}
		return ids, nil
	}}, size)
	sameOnce(t, "DescribeImages", got, images)
	if n != 4 {
		t.Errorf("DescribeImages: %d pages, want 4", n)
	}

	dp := rds.NewDescribeDBInstancesPaginator(e.rds("us-east-2"), &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(100)})
	got, n = pages(t, pagerFunc{dp.HasMorePages, func(ctx context.Context) ([]string, error) {
		out, err := dp.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, d := range out.DBInstances {
			ids = append(ids, *d.DBInstanceIdentifier)
		}
		return ids, nil
	}}, size)
	sameOnce(t, "DescribeDBInstances", got, dbs)
	if n != 7 {
		t.Errorf("DescribeDBInstances: %d pages, want 7", n)
	}
}

func TestPageSizeOrganizations(t *testing.T) {
	const size = 3
	e, ds := genEndpoint(t, fakedata.GenOptions{Accounts: 23, OUs: 4, Seed: 5}, awsfake.WithPageSize(size))
	c := e.org(e.base())
	var all []string
	for _, a := range ds.Accounts {
		all = append(all, a.ID)
	}
	ap := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{})
	got, n := pages(t, pagerFunc{ap.HasMorePages, func(ctx context.Context) ([]string, error) {
		out, err := ap.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, a := range out.Accounts {
			ids = append(ids, *a.Id)
		}
		return ids, nil
	}}, size)
	sameOnce(t, "ListAccounts", got, all)
	if n != 8 {
		t.Errorf("ListAccounts: %d pages, want 8", n)
	}

	// The organization's tree, walked with the capped pages, holds every
	// account once and every OU once.
	var accounts, ous []string
	var walk func(parent string)
	walk = func(parent string) {
		pp := organizations.NewListAccountsForParentPaginator(c, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent), MaxResults: aws.Int32(20)})
		ids, _ := pages(t, pagerFunc{pp.HasMorePages, func(ctx context.Context) ([]string, error) {
			out, err := pp.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			var ids []string
			for _, a := range out.Accounts {
				ids = append(ids, *a.Id)
			}
			return ids, nil
		}}, size)
		accounts = append(accounts, ids...)
		op := organizations.NewListOrganizationalUnitsForParentPaginator(c, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
		children, _ := pages(t, pagerFunc{op.HasMorePages, func(ctx context.Context) ([]string, error) {
			out, err := op.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			var ids []string
			for _, o := range out.OrganizationalUnits {
				ids = append(ids, *o.Id)
			}
			return ids, nil
		}}, size)
		for _, ou := range children {
			ous = append(ous, ou)
			walk(ou)
		}
	}
	walk(ds.Org.RootID)
	sameOnce(t, "ListAccountsForParent over the tree", accounts, all)
	var wantOUs []string
	for _, o := range ds.Org.OUs {
		wantOUs = append(wantOUs, o.ID)
	}
	sameOnce(t, "ListOrganizationalUnitsForParent over the tree", ous, wantOUs)
}

// Without WithPageSize, a page holds what MaxResults asks: today's
// behaviour.
func TestNoPageSize(t *testing.T) {
	e, _ := genEndpoint(t, fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 61, Seed: 3})
	if _, n := pages(t, instancePager(e.ec2("us-east-1"), &ec2.DescribeInstancesInput{MaxResults: aws.Int32(1000)}), 61); n != 1 {
		t.Errorf("%d pages, want 1", n)
	}
	if _, n := pages(t, instancePager(e.ec2("us-east-1"), &ec2.DescribeInstancesInput{}), 61); n != 1 {
		t.Errorf("no MaxResults: %d pages, want 1", n)
	}
}

func TestThrottle(t *testing.T) {
	if f := awsfake.Throttle(0); f != nil {
		t.Errorf("Throttle(0) = %v, want no faults", f)
	}
	e, _ := genEndpoint(t, fakedata.GenOptions{Accounts: 2, Regions: 1, InstancesPerRegion: 3, DBInstancesPerRegion: 1, Seed: 1})
	for _, f := range awsfake.Throttle(1) {
		e.srv.AddFault(f)
	}
	isThrottle := retry.IsErrorThrottles(retry.DefaultThrottles)
	calls := map[string]func() error{
		"ec2": func() error {
			_, err := e.ec2("us-east-1").DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{})
			return err
		},
		"rds": func() error {
			_, err := e.rds("us-east-1").DescribeDBInstances(ctx(t), &rds.DescribeDBInstancesInput{})
			return err
		},
		"sts": func() error {
			_, err := e.sts("us-east-1").GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
			return err
		},
		"organizations": func() error {
			_, err := e.org(e.base()).ListAccounts(ctx(t), &organizations.ListAccountsInput{})
			return err
		},
		"s3": func() error {
			_, err := e.s3("us-east-1").ListBuckets(ctx(t), &s3.ListBucketsInput{})
			return err
		},
		"lambda": func() error {
			_, err := e.lambda("us-east-1").ListFunctions(ctx(t), &lambda.ListFunctionsInput{})
			return err
		},
		"ssm": func() error {
			_, err := e.ssm("us-east-1").DescribeInstanceInformation(ctx(t), &ssm.DescribeInstanceInformationInput{})
			return err
		},
	}
	want := map[string]struct {
		code   string
		status int
	}{
		"ec2":           {"RequestLimitExceeded", http.StatusServiceUnavailable},
		"rds":           {"Throttling", http.StatusBadRequest},
		"sts":           {"Throttling", http.StatusBadRequest},
		"organizations": {"TooManyRequestsException", http.StatusBadRequest},
		"s3":            {"SlowDown", http.StatusServiceUnavailable},
		"lambda":        {"TooManyRequestsException", http.StatusTooManyRequests},
		"ssm":           {"ThrottlingException", http.StatusBadRequest},
	}
	if len(awsfake.ThrottleErrors()) != len(want) {
		t.Errorf("ThrottleErrors covers %d services, the test %d", len(awsfake.ThrottleErrors()), len(want))
	}
	for svc, call := range calls {
		err := call()
		apiError(t, err, want[svc].code)
		if s := statusOf(t, err); s != want[svc].status {
			t.Errorf("%s: status %d, want %d", svc, s, want[svc].status)
		}
		if isThrottle.IsErrorThrottle(err) != aws.TrueTernary {
			t.Errorf("%s: %v is not a throttle to the SDK", svc, err)
		}
		if _, ok := retry.DefaultThrottleErrorCodes[awsfake.ThrottleErrors()[svc].Code]; !ok {
			t.Errorf("%s: %s is not in retry.DefaultThrottleErrorCodes", svc, awsfake.ThrottleErrors()[svc].Code)
		}
	}
}

// With 30% of requests throttled and the SDK retrying, paging through
// every instance still gives each one once; the same seed throttles the
// same requests.
func TestThrottleProbability(t *testing.T) {
	run := func() ([]string, []string) {
		e, ds := genEndpoint(t, fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 100, Seed: 1},
			awsfake.WithPageSize(5), awsfake.WithSeed(7))
		for _, f := range awsfake.Throttle(0.3) {
			e.srv.AddFault(f)
		}
		cfg := e.config("us-east-1")
		cfg.Retryer, cfg.RetryMaxAttempts = fastRetries(20), 0
		got, _ := pages(t, instancePager(ec2.NewFromConfig(cfg), &ec2.DescribeInstancesInput{MaxResults: aws.Int32(1000)}), 5)
		var want []string
		for _, i := range ds.Accounts[0].Regions["us-east-1"].Instances {
			want = append(want, *i.InstanceId)
		}
		sameOnce(t, "throttled DescribeInstances", got, want)
		var codes []string
		for _, r := range e.srv.Requests() {
			codes = append(codes, r.Code)
		}
		return got, codes
	}
	_, codes := run()
	throttled := 0
	for _, c := range codes {
		if c == "RequestLimitExceeded" {
			throttled++
		}
	}
	if throttled < 3 || len(codes)-throttled != 20 {
		t.Errorf("%d of %d requests throttled, %d answered: want about 30%% throttled and 20 pages answered", throttled, len(codes), len(codes)-throttled)
	}
	if _, again := run(); !slices.Equal(again, codes) {
		t.Errorf("the same seed throttled other requests:\n%q\n%q", codes, again)
	}
}
