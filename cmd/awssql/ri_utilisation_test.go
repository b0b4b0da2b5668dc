package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// TestRIUtilisationRules runs ri_utilisation on reservations and running
// instances made for each of AWS's matching rules, and checks every row by
// hand: a regional Linux/UNIX reservation of default tenancy covers its
// family in normalised units; a zonal reservation covers only instances of
// its exact type in its own Availability Zone, before any regional one; a
// regional reservation of another platform covers its exact type in any zone.
func TestRIUtilisationRules(t *testing.T) {
	type inst struct {
		typ, az, platform string
	}
	type ri struct {
		typ, az, desc string // az "" is a regional reservation
		count         int32
	}
	const header = "account_id,region,instance_type,platform,unit,reserved,running,unused_reservations,uncovered_instances"
	tests := []struct {
		name      string
		instances []inst
		ris       []ri
		want      []string // rows after the account and region
	}{
		{"a zonal reservation in another zone covers nothing",
			[]inst{{"r5.large", "us-east-1a", "Red Hat Enterprise Linux"}},
			[]ri{{"r5.large", "us-east-1c", "Red Hat Enterprise Linux", 1}},
			[]string{"r5.large,Red Hat Enterprise Linux,instances,1,1,1,1"}},
		{"a zonal reservation covers its own zone only",
			[]inst{{"m5.large", "us-east-1a", "Linux/UNIX"}, {"m5.large", "us-east-1b", "Linux/UNIX"}, {"m5.large", "us-east-1b", "Linux/UNIX"}},
			[]ri{{"m5.large", "us-east-1b", "Linux/UNIX", 3}},
			[]string{"m5.large,Linux/UNIX,instances,3,3,1,1"}},
		{"zonal first, then a regional reservation of the type, anywhere",
			[]inst{{"c5.large", "us-east-1a", "Windows"}, {"c5.large", "us-east-1b", "Windows"}, {"c5.large", "us-east-1b", "Windows"}},
			[]ri{{"c5.large", "us-east-1a", "Windows", 1}, {"c5.large", "", "Windows", 1}},
			[]string{"c5.large,Windows,instances,2,3,0,1"}},
		{"what a zonal Linux reservation leaves goes to the family's size-flexible one",
			[]inst{{"t3.micro", "us-east-1a", "Linux/UNIX"}, {"t3.micro", "us-east-1b", "Linux/UNIX"}, {"t3.large", "us-east-1a", "Linux/UNIX"}},
			[]ri{{"t3.micro", "us-east-1c", "Linux/UNIX", 1}, {"t3.medium", "", "Linux/UNIX", 3}},
			[]string{
				// 3 medium = 6 units against 2 micro (1) and a large (4);
				// a micro counts half a unit, so the sums are REAL, shown
				// as SQLite shows them.
				"t3.*,Linux/UNIX,normalised units,6,5.0,1.0,0",
				// The zonal micro reservation is in a zone with no micro.
				"t3.micro,Linux/UNIX,instances,1,0,1,0",
			}},
		{"a platform with licensed software is a platform of its own",
			[]inst{{"t3.large", "us-east-1a", "Linux with SQL Server Standard"}, {"m5.large", "us-east-1a", "Windows"}},
			[]ri{{"t3.large", "", "Linux/UNIX (Amazon VPC)", 1}, {"m5.large", "", "Windows with SQL Server Standard", 1}},
			[]string{
				"m5.large,Windows,instances,0,1,0,1",
				"m5.large,Windows with SQL Server Standard,instances,1,0,1,0",
				"t3.*,Linux/UNIX,normalised units,4,0,4,0",
				"t3.large,Linux with SQL Server Standard,instances,0,1,0,1",
			}},
		{"size flexibility only for Linux/UNIX",
			[]inst{{"m5.xlarge", "us-east-1a", "Windows"}},
			[]ri{{"m5.large", "", "Windows", 2}},
			[]string{"m5.large,Windows,instances,2,0,2,0", "m5.xlarge,Windows,instances,0,1,0,1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, Seed: 7})
			acct := ds.Accounts[0]
			r := acct.Regions["us-east-1"]
			r.Instances, r.ReservedInstances = nil, nil
			for i, in := range tt.instances {
				r.Instances = append(r.Instances, ec2types.Instance{
					InstanceId:      aws.String(fmt.Sprintf("i-%017x", i+1)),
					InstanceType:    ec2types.InstanceType(in.typ),
					State:           &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning, Code: aws.Int32(16)},
					Placement:       &ec2types.Placement{AvailabilityZone: aws.String(in.az), Tenancy: ec2types.TenancyDefault},
					PlatformDetails: aws.String(in.platform),
				})
			}
			for i, x := range tt.ris {
				res := ec2types.ReservedInstances{
					ReservedInstancesId: aws.String(fmt.Sprintf("00000000-0000-0000-0000-%012d", i+1)),
					InstanceType:        ec2types.InstanceType(x.typ), InstanceCount: aws.Int32(x.count),
					State: ec2types.ReservedInstanceStateActive, InstanceTenancy: ec2types.TenancyDefault,
					ProductDescription: ec2types.RIProductDescription(x.desc), Scope: ec2types.ScopeRegional,
					OfferingClass: ec2types.OfferingClassTypeStandard,
				}
				if x.az != "" {
					res.Scope, res.AvailabilityZone = ec2types.ScopeAvailabilityZone, aws.String(x.az)
				}
				r.ReservedInstances = append(r.ReservedInstances, res)
			}
			f := newFake(t, ds)
			res := f.run("--regions", "us-east-1", "run", "ri_utilisation")
			if res.code != 0 || res.stderr != "" {
				t.Fatalf("exit %d: %s", res.code, res.stderr)
			}
			want := []string{header}
			for _, row := range tt.want {
				want = append(want, acct.ID+",us-east-1,"+row)
			}
			if diff := cmp.Diff(want, strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n")); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
