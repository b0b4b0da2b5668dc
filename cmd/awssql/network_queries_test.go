package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// genFake is newGen's fixture, with a chance to change the data first.
func genFake(t *testing.T, change func(*fakedata.Dataset)) *fake {
	g := goldenData()
	g.Accounts, g.Regions = 1, 4
	ds := fakedata.Generate(g)
	change(ds)
	f := newFake(t, ds)
	f.args = append(f.args, "--regions", strings.Join(genRegions, ","))
	return f
}

// TestLicensedInstancesTypeDefaults: an instance whose CPU options AWS
// left out is counted with its instance type's default cores and threads,
// looked up once per type, account and region, never by listing every
// type.
func TestLicensedInstancesTypeDefaults(t *testing.T) {
	var bare ec2types.Instance
	f := genFake(t, func(ds *fakedata.Dataset) {
		r := ds.Accounts[0].Regions["us-east-1"]
		for i, in := range r.Instances {
			if *in.PlatformDetails != "Linux/UNIX" && in.State.Name != ec2types.InstanceStateNameTerminated {
				r.Instances[i].CpuOptions = nil
				bare = r.Instances[i]
				return
			}
		}
		t.Fatal("no licensed instance in us-east-1")
	})
	r := f.run("run", "licensed_instances")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	recs := records(t, r.stdout)
	col := map[string]int{}
	for i, c := range recs[0] {
		col[c] = i
	}
	var want ec2types.InstanceTypeInfo
	for _, it := range f.ds.InstanceTypes["us-east-1"] {
		if it.InstanceType == bare.InstanceType {
			want = it
		}
	}
	found := false
	types := map[string]bool{}
	for _, rec := range recs[1:] {
		types[rec[col["region"]]+"/"+rec[col["instance_type"]]] = true
		if rec[col["instance_id"]] != *bare.InstanceId {
			if rec[col["cores_from"]] != "instance" {
				t.Errorf("%s: cores from %q", rec[col["instance_id"]], rec[col["cores_from"]])
			}
			continue
		}
		found = true
		got := [3]string{rec[col["cores"]], rec[col["threads_per_core"]], rec[col["cores_from"]]}
		exp := [3]string{fmt.Sprint(*want.VCpuInfo.DefaultCores), fmt.Sprint(*want.VCpuInfo.DefaultThreadsPerCore), "instance type default"}
		if got != exp {
			t.Errorf("%s (%s) without CPU options: cores, threads, from = %q, want %q", *bare.InstanceId, bare.InstanceType, got, exp)
		}
	}
	if !found {
		t.Fatalf("%s is not listed:\n%s", *bare.InstanceId, r.stdout)
	}
	var lookups []string
	for _, req := range f.requestsOf("DescribeInstanceTypes") {
		if req.Params.Get("Filter.1.Name") != "instance-type" || req.Params.Get("Filter.1.Value.2") != "" {
			t.Errorf("DescribeInstanceTypes not a lookup of one type: %v", req.Params)
		}
		lookups = append(lookups, req.Region+"/"+req.Params.Get("Filter.1.Value.1"))
	}
	slices.Sort(lookups)
	var want2 []string
	for k := range types {
		want2 = append(want2, k)
	}
	slices.Sort(want2)
	if !slices.Equal(lookups, want2) {
		t.Errorf("instance types looked up %q, want one call per licensed type and region %q", lookups, want2)
	}
}

// TestOpenPortInstances: for each port, the query lists exactly the
// (running instance, group, source) that the data's ingress rules open to
// anywhere on that port, as worked out here from the records.
func TestOpenPortInstances(t *testing.T) {
	f := genFake(t, func(*fakedata.Dataset) {})
	for _, port := range []int32{22, 80, 443, 5432} {
		t.Run(fmt.Sprint(port), func(t *testing.T) {
			var want []string
			for region, r := range f.ds.Accounts[0].Regions {
				for _, in := range r.Instances {
					if in.State.Name != ec2types.InstanceStateNameRunning {
						continue
					}
					for _, g := range in.SecurityGroups {
						for _, sg := range r.SecurityGroups {
							if *sg.GroupId != *g.GroupId {
								continue
							}
							for _, p := range sg.IpPermissions {
								if *p.IpProtocol != "-1" && (*p.IpProtocol != "tcp" || *p.FromPort > port || *p.ToPort < port) {
									continue
								}
								for _, ip := range p.IpRanges {
									if *ip.CidrIp == "0.0.0.0/0" {
										want = append(want, region+" "+*in.InstanceId+" "+*sg.GroupId+" "+*ip.CidrIp)
									}
								}
								for _, ip := range p.Ipv6Ranges {
									if *ip.CidrIpv6 == "::/0" {
										want = append(want, region+" "+*in.InstanceId+" "+*sg.GroupId+" "+*ip.CidrIpv6)
									}
								}
							}
						}
					}
				}
			}
			r := f.run("run", "open_port_instances", "--param", fmt.Sprintf("port=%d", port))
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var got []string
			for _, rec := range records(t, r.stdout)[1:] {
				got = append(got, rec[1]+" "+rec[2]+" "+rec[6]+" "+rec[11])
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got %q,\nwant %q", got, want)
			}
			if port != 5432 && len(want) == 0 {
				t.Errorf("the fixture opens nothing on %d: the case proves nothing", port)
			}
		})
	}
}
