package awsfake_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

func allDBs(t *testing.T, c *rds.Client, in *rds.DescribeDBInstancesInput) []rdstypes.DBInstance {
	t.Helper()
	var out []rdstypes.DBInstance
	p := rds.NewDescribeDBInstancesPaginator(c, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.DBInstances...)
	}
	return out
}

func dbIDs(dbs []rdstypes.DBInstance) []string {
	var out []string
	for _, d := range dbs {
		out = append(out, *d.DBInstanceIdentifier)
	}
	return out
}

func TestDescribeDBInstancesFidelity(t *testing.T) {
	e := demoEndpoint(t)
	demo := fakedata.Demo().Accounts[0]
	for _, region := range fakedata.DemoRegions() {
		t.Run(region, func(t *testing.T) {
			out, err := e.rds(region).DescribeDBInstances(ctx(t), &rds.DescribeDBInstancesInput{})
			if err != nil {
				t.Fatal(err)
			}
			if out.Marker != nil {
				t.Errorf("unexpected marker %q", *out.Marker)
			}
			if d := cmp.Diff(demo.Regions[region].DBInstances, out.DBInstances, cmpOpts...); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestDescribeDBInstancesSelection(t *testing.T) {
	e := demoEndpoint(t)
	all := fakedata.Demo().Accounts[0].Regions["us-east-1"].DBInstances
	filter := func(name string, values ...string) rdstypes.Filter {
		return rdstypes.Filter{Name: aws.String(name), Values: values}
	}
	tests := []struct {
		name string
		in   rds.DescribeDBInstancesInput
		want []string
	}{
		{"identifier, any case", rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("Orders-DB")}, []string{"orders-db"}},
		{"engine", rds.DescribeDBInstancesInput{Filters: []rdstypes.Filter{filter("engine", "postgres", "mysql")}},
			[]string{"orders-db", "orders-replica", "legacy-mysql"}},
		{"instance id and arn", rds.DescribeDBInstancesInput{Filters: []rdstypes.Filter{filter("db-instance-id", "legacy-mysql", *all[0].DBInstanceArn)}},
			[]string{"orders-db", "legacy-mysql"}},
		{"cluster", rds.DescribeDBInstancesInput{Filters: []rdstypes.Filter{filter("db-cluster-id", "catalog")}}, []string{"catalog-aurora-1"}},
		{"resource id", rds.DescribeDBInstancesInput{Filters: []rdstypes.Filter{filter("dbi-resource-id", *all[1].DbiResourceId)}}, []string{"orders-replica"}},
		{"filters ANDed", rds.DescribeDBInstancesInput{Filters: []rdstypes.Filter{filter("engine", "postgres"), filter("db-instance-id", "orders-replica")}},
			[]string{"orders-replica"}},
		{"identifier filtered out", rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("orders-db"), Filters: []rdstypes.Filter{filter("engine", "mysql")}}, nil},
		{"no wildcards in RDS", rds.DescribeDBInstancesInput{Filters: []rdstypes.Filter{filter("engine", "postgre*")}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := dbIDs(allDBs(t, e.rds("us-east-1"), &tc.in))
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}

	errs := []struct {
		name   string
		in     rds.DescribeDBInstancesInput
		code   string
		msg    string
		status int
	}{
		{"not found", rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("nope")}, "DBInstanceNotFound", "DBInstance nope not found.", 404},
		{"other region's instance", rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String("reports-db")}, "DBInstanceNotFound", "DBInstance reports-db not found.", 404},
		{"max records low", rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(19)}, "InvalidParameterValue", "Invalid value 19 for MaxRecords. Must be between 20 and 100", 400},
		{"max records high", rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(101)}, "InvalidParameterValue", "Invalid value 101 for MaxRecords. Must be between 20 and 100", 400},
		{"unknown filter", rds.DescribeDBInstancesInput{Filters: []rdstypes.Filter{filter("colour", "x")}}, "InvalidParameterValue", "Unrecognized filter name: colour", 400},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.rds("us-east-1").DescribeDBInstances(ctx(t), &tc.in)
			if ae := apiError(t, err, tc.code); ae.ErrorMessage() != tc.msg {
				t.Errorf("message %q, want %q", ae.ErrorMessage(), tc.msg)
			}
			if s := statusOf(t, err); s != tc.status {
				t.Errorf("status %d, want %d", s, tc.status)
			}
		})
	}
}

func TestDescribeDBInstancesPaging(t *testing.T) {
	ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 2, DBInstancesPerRegion: 45, Seed: 11})
	srv, url := awsfaketest.NewServer(t, ds)
	key, secret := srv.Credentials(fakedata.GenAccountID(0))
	e := endpoint{srv: srv, url: url, key: key, secret: secret}
	region := fakedata.Regions()[1]
	want := dbIDs(ds.Accounts[0].Regions[region].DBInstances)
	for _, max := range []int32{20, 21, 44, 45, 100} {
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			srv.Reset()
			got := dbIDs(allDBs(t, e.rds(region), &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(max)}))
			if !slices.Equal(got, want) {
				t.Errorf("got %d ids, want %d", len(got), len(want))
			}
			if n, pages := srv.Count("DescribeDBInstances", "", region), (45+int(max)-1)/int(max); n != pages {
				t.Errorf("%d requests, want %d", n, pages)
			}
		})
	}
	// Default page size is 100: one page.
	srv.Reset()
	if got := allDBs(t, e.rds(region), &rds.DescribeDBInstancesInput{}); len(got) != 45 || srv.Count("", "", "") != 1 {
		t.Errorf("default page: %d instances in %d requests", len(got), srv.Count("", "", ""))
	}
	_, err := e.rds(region).DescribeDBInstances(ctx(t), &rds.DescribeDBInstancesInput{Marker: aws.String("bogus")})
	apiError(t, err, "InvalidParameterValue")
}

func TestGetCallerIdentity(t *testing.T) {
	e := demoEndpoint(t)
	for _, region := range []string{"us-east-1", "eu-west-1", fakedata.DemoOptInRegion} {
		out, err := e.sts(region).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(region, err)
		}
		if *out.Account != fakedata.DemoAccountID || *out.Arn != "arn:aws:iam::123456789012:user/"+fakedata.DemoUserName ||
			!strings.HasPrefix(*out.UserId, "AIDA") || len(*out.UserId) != 21 {
			t.Errorf("%s: got %s %s %s", region, *out.Account, *out.Arn, *out.UserId)
		}
	}
	// Regional STS in a region the account has not opted in to refuses.
	_, err := e.sts("me-south-1").GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	apiError(t, err, "InvalidClientTokenId")
}
