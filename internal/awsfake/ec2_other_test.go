package awsfake_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

func TestDescribeReservedInstancesFidelity(t *testing.T) {
	e := demoEndpoint(t)
	demo := fakedata.Demo().Accounts[0]
	for _, region := range fakedata.DemoRegions() {
		t.Run(region, func(t *testing.T) {
			out, err := e.ec2(region).DescribeReservedInstances(ctx(t), &ec2.DescribeReservedInstancesInput{})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(demo.Regions[region].ReservedInstances, out.ReservedInstances, cmpOpts...); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestDescribeReservedInstancesSelection(t *testing.T) {
	e := demoEndpoint(t)
	all := fakedata.Demo().Accounts[0].Regions["us-east-1"].ReservedInstances
	idx := func(is ...int) []string {
		var out []string
		for _, i := range is {
			out = append(out, *all[i].ReservedInstancesId)
		}
		return out
	}
	tests := []struct {
		name string
		in   ec2.DescribeReservedInstancesInput
		want []string
	}{
		{"all", ec2.DescribeReservedInstancesInput{}, idx(0, 1, 2, 3, 4, 5)},
		{"ids", ec2.DescribeReservedInstancesInput{ReservedInstancesIds: idx(3, 0)}, idx(0, 3)},
		{"state", ec2.DescribeReservedInstancesInput{Filters: []ec2types.Filter{filterOf("state", "active")}}, idx(0, 1, 3, 4)},
		{"type", ec2.DescribeReservedInstancesInput{Filters: []ec2types.Filter{filterOf("instance-type", "m5.*")}}, idx(0, 3)},
		{"az", ec2.DescribeReservedInstancesInput{Filters: []ec2types.Filter{filterOf("availability-zone", "us-east-1a")}}, idx(1)},
		{"scope", ec2.DescribeReservedInstancesInput{Filters: []ec2types.Filter{filterOf("scope", "Availability Zone")}}, idx(1, 4)},
		{"product", ec2.DescribeReservedInstancesInput{Filters: []ec2types.Filter{filterOf("product-description", "Windows")}}, idx(3)},
		{"tenancy", ec2.DescribeReservedInstancesInput{Filters: []ec2types.Filter{filterOf("instance-tenancy", "dedicated")}}, nil},
		{"tag", ec2.DescribeReservedInstancesInput{Filters: []ec2types.Filter{filterOf("tag:Purchase", "2026-Q1")}}, idx(0)},
		{"offering class", ec2.DescribeReservedInstancesInput{OfferingClass: ec2types.OfferingClassTypeConvertible}, idx(3, 4)},
		{"offering type", ec2.DescribeReservedInstancesInput{OfferingType: ec2types.OfferingTypeValuesNoUpfront}, idx(1, 4)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.ec2("us-east-1").DescribeReservedInstances(ctx(t), &tc.in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range out.ReservedInstances {
				got = append(got, *r.ReservedInstancesId)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	_, err := e.ec2("us-east-1").DescribeReservedInstances(ctx(t), &ec2.DescribeReservedInstancesInput{
		ReservedInstancesIds: []string{"00000000-0000-0000-0000-000000000000"},
	})
	apiError(t, err, "InvalidReservedInstancesId")
	_, err = e.ec2("us-east-1").DescribeReservedInstances(ctx(t), &ec2.DescribeReservedInstancesInput{
		Filters: []ec2types.Filter{filterOf("colour", "x")},
	})
	apiError(t, err, "InvalidParameterValue")
}

func TestDescribeRegions(t *testing.T) {
	e := demoEndpoint(t)
	regionNames := func(rs []ec2types.Region) []string {
		var out []string
		for _, r := range rs {
			out = append(out, *r.RegionName)
		}
		return out
	}
	out, err := e.ec2("us-east-1").DescribeRegions(ctx(t), &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Regions) != len(fakedata.Regions()) {
		t.Errorf("AllRegions: %d regions, want %d", len(out.Regions), len(fakedata.Regions()))
	}
	status := map[string]string{}
	for _, r := range out.Regions {
		status[*r.RegionName] = *r.OptInStatus
		if *r.Endpoint != "ec2."+*r.RegionName+".amazonaws.com" {
			t.Errorf("endpoint %q", *r.Endpoint)
		}
	}
	for name, want := range map[string]string{"us-east-1": "opt-in-not-required", "af-south-1": "opted-in", "me-south-1": "not-opted-in"} {
		if status[name] != want {
			t.Errorf("%s: opt-in-status %q, want %q", name, status[name], want)
		}
	}
	if !slices.IsSorted(regionNames(out.Regions)) {
		t.Error("regions not sorted")
	}

	tests := []struct {
		name string
		in   ec2.DescribeRegionsInput
		want int
	}{
		{"enabled only", ec2.DescribeRegionsInput{}, len(fakedata.Regions()) - len(fakedata.OptInRegions()) + 1},
		{"names", ec2.DescribeRegionsInput{RegionNames: []string{"eu-west-1", "us-west-2"}}, 2},
		{"a named region is listed even when disabled", ec2.DescribeRegionsInput{RegionNames: []string{"me-south-1"}}, 1},
		{"opt-in filter", ec2.DescribeRegionsInput{AllRegions: aws.Bool(true), Filters: []ec2types.Filter{filterOf("opt-in-status", "not-opted-in")}},
			len(fakedata.OptInRegions()) - 1},
		{"name filter", ec2.DescribeRegionsInput{Filters: []ec2types.Filter{filterOf("region-name", "eu-*")}}, 5},
		{"endpoint filter", ec2.DescribeRegionsInput{Filters: []ec2types.Filter{filterOf("endpoint", "ec2.us-east-?.amazonaws.com")}}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.ec2("eu-west-1").DescribeRegions(ctx(t), &tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Regions) != tc.want {
				t.Errorf("got %d regions %q, want %d", len(out.Regions), regionNames(out.Regions), tc.want)
			}
		})
	}
	_, err = e.ec2("us-east-1").DescribeRegions(ctx(t), &ec2.DescribeRegionsInput{RegionNames: []string{"us-east-1", "mars-north-1"}})
	if ae := apiError(t, err, "InvalidParameterValue"); ae.ErrorMessage() != "Invalid region: [mars-north-1]" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
}
