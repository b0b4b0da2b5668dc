package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/queries"
)

// goldenData is the fixture every golden test reads.
func goldenData() fakedata.GenOptions {
	return fakedata.GenOptions{InstancesPerRegion: 6, ImagesPerRegion: 3, DBInstancesPerRegion: 3, ReservedPerRegion: 3,
		BucketsPerRegion: 1, ObjectsPerBucket: 30, Seed: 42,
		FunctionsPerRegion: 3, ManagedPerRegion: 2}
}

// compareGolden compares got with the file, or rewrites it under -update.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// TestGolden runs each testdata/golden/*.sql through the CLI against the
// fixture and compares the CSV with the .csv beside it.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	f := newGen(t, goldenData())
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".sql")
		t.Run(name, func(t *testing.T) {
			r := f.run("-f", file)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			compareGolden(t, strings.TrimSuffix(file, ".sql")+".csv", r.stdout)
		})
	}
}

// TestSavedQueries runs every embedded query with its default parameters
// (and a fixed day to count from) and compares with testdata/queries.
func TestSavedQueries(t *testing.T) {
	qs, err := queries.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	// A fixed day to count from; the deprecated-AMI query looks a year on,
	// when the fixture's AMIs have been deprecated.
	today := map[string]string{"deprecated_ami_instances": "2027-12-31"}
	given := map[string][]string{"largest_s3_objects": {"--param", "bucket=gen-100000000000-us-east-2-00", "--param", "prefix=data/000/", "--param", "top=5"}}
	for _, q := range qs {
		t.Run(q.Name, func(t *testing.T) {
			f := newGen(t, goldenData())
			args := []string{"run", q.Name}
			for _, p := range q.Params {
				if p.Name == "today" {
					day := today[q.Name]
					if day == "" {
						day = "2026-11-01"
					}
					args = append(args, "--param", "today="+day)
				}
			}
			r := f.run(append(args, given[q.Name]...)...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if strings.Count(r.stdout, "\n") < 2 {
				t.Errorf("no rows: the fixture should give every saved query something to find\n%s", r.stdout)
			}
			compareGolden(t, filepath.Join("testdata", "queries", q.Name+".csv"), r.stdout)
			// Each query costs what it needs and no call is made twice.
			seen := map[string]bool{}
			for _, req := range f.srv.Requests() {
				k := req.Operation + req.Account + req.Region + req.Params.Encode()
				if seen[k] {
					t.Errorf("%s called twice in %s with %s", req.Operation, req.Region, req.Params.Encode())
				}
				seen[k] = true
			}
			if q.Name == "deprecated_ami_instances" {
				distinct := map[string]bool{}
				for region, reg := range f.ds.Accounts[0].Regions {
					for _, i := range reg.Instances {
						if i.State.Name != "terminated" {
							distinct[region+*i.ImageId] = true
						}
					}
				}
				if n := f.srv.Count("DescribeImages", "", ""); n != len(distinct) {
					t.Errorf("%d DescribeImages calls, want one per distinct AMI in use (%d)", n, len(distinct))
				}
			}
		})
	}
	f := newGen(t, goldenData())
	r := f.run("queries")
	for _, q := range qs {
		if !strings.Contains(r.stdout, q.Name) || !strings.Contains(r.stdout, q.Description) {
			t.Errorf("awssql queries does not list %s", q.Name)
		}
	}
}

func TestUserQueries(t *testing.T) {
	f := newGen(t, goldenData())
	home := t.TempDir()
	dir := filepath.Join(home, "awssql", "queries")
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "mine.sql"), []byte("-- My own count.\n-- param: state = running  which state\nSELECT count(*) AS n FROM ec2_instances WHERE instance_state = :state;\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "running_instances.sql"), []byte("-- Mine wins over the shipped one.\nSELECT 'mine' AS who;\n"), 0o600)
	f.env["XDG_CONFIG_HOME"] = home
	r := f.run("queries")
	if !strings.Contains(r.stdout, "mine") || !strings.Contains(r.stdout, "My own count.") || !strings.Contains(r.stdout, "state=running") {
		t.Errorf("queries does not list the user's query:\n%s", r.stdout)
	}
	if r := f.run("run", "running_instances"); r.stdout != "who\nmine\n" {
		t.Errorf("the user's query should win on a name clash: %q %s", r.stdout, r.stderr)
	}
	if r := f.run("run", "mine", "--param", "state=stopped"); r.code != 0 || !strings.HasPrefix(r.stdout, "n\n") {
		t.Errorf("run mine: exit %d %q %s", r.code, r.stdout, r.stderr)
	}
	file := filepath.Join(t.TempDir(), "adhoc.sql")
	os.WriteFile(file, []byte("SELECT 40 + 2 AS answer;"), 0o600)
	if r := f.run("run", file); r.stdout != "answer\n42\n" {
		t.Errorf("run FILE: %q %s", r.stdout, r.stderr)
	}
	if r := f.run("run", "nope"); r.code != 2 || !strings.Contains(r.stderr, `no saved query "nope"`) {
		t.Errorf("unknown query: exit %d %s", r.code, r.stderr)
	}
}

// TestRIUtilisationSizeFlexibility: in the demo, regional Linux/UNIX
// reservations cover other sizes of their family in normalised units
// (eu-west-1: three t3.medium reservations, 6 units, against two running
// t3.medium and a t3.micro, 4.5; us-east-1: two m5.large, 8 units, against
// an m5.xlarge), while zonal and other platforms' reservations match their
// exact type, and a zonal one only in its own Availability Zone.
func TestRIUtilisationSizeFlexibility(t *testing.T) {
	r := runCLI(context.Background(), nil, "", false, "--demo", "--skip-accounts", fakedata.DemoNoRoleAccount, "run", "ri_utilisation")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, row := range []string{
		"123456789012,eu-west-1,t3.*,Linux/UNIX,normalised units,6,4.5,1.5,0",
		"123456789012,us-east-1,m5.*,Linux/UNIX,normalised units,8,8,0,0",
		"123456789012,us-east-1,t3.micro,Linux/UNIX,instances,1,1,0,0",
		"123456789012,us-east-1,m5.large,Windows,instances,1,0,1,0",
		// A zonal reservation in us-east-1c, its instance in us-east-1a.
		"123456789012,us-east-1,r5.large,Red Hat Enterprise Linux,instances,1,1,1,1",
	} {
		if !strings.Contains(r.stdout, row+"\n") {
			t.Errorf("no row %s in:\n%s", row, r.stdout)
		}
	}
	compareGolden(t, filepath.Join("testdata", "queries", "ri_utilisation_demo.csv"), r.stdout)
}
