package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// TestSteampipeNamesCallAsNativeNames: a query written for Steampipe's
// tables runs unchanged, and under a Steampipe name it makes exactly the
// calls it makes under awssql's: the same operations, accounts, regions and
// parameters (pushdown included), and answers the same rows. (A LIMIT makes
// calls that depend on which region answers first, under either name.)
func TestSteampipeNamesCallAsNativeNames(t *testing.T) {
	tests := []struct {
		name, native, alias string
		query               string // %[1]s is the table's name; %[2]s the images table's
	}{
		{"the issue's query", "ec2_instances", "aws_ec2_instance", "SELECT instance_id FROM %[1]s WHERE instance_state = 'running'"},
		{"hydrated, IN and filters", "ec2_instances", "aws_ec2_instance", "SELECT instance_id, user_data, instance_status, disable_api_termination FROM %[1]s " +
			"WHERE instance_type IN ('t3.micro', 'm5.large') AND region = 'us-east-1' AND monitoring_state = 'enabled'"},
		{"a join", "ec2_instances", "aws_ec2_instance", "SELECT i.instance_id, m.name FROM %[1]s i " +
			"LEFT JOIN %[2]s m ON m.image_id = i.image_id AND m.account_id = i.account_id AND m.region = i.region"},
		{"own images", "images", "aws_ec2_ami", "SELECT image_id, name, launch_permissions FROM %[1]s WHERE image_owner_alias = 'self'"},
		{"modifications", "reserved_instances", "aws_ec2_reserved_instance",
			"SELECT reserved_instance_id, reserved_instances_modifications FROM %[1]s WHERE instance_state = 'active' AND offering_class = 'standard'"},
		{"aliases and organization", "accounts", "aws_account", "SELECT account_id, title, account_aliases, organization_id FROM %[1]s WHERE account_id <> 'none'"},
	}
	// The calls a statement made: one line per request, sorted, since
	// targets run concurrently.
	calls := func(f *fake) []string {
		var out []string
		for _, r := range f.srv.Requests() {
			out = append(out, fmt.Sprintf("%s %s %s %s %s", r.Service, r.Operation, r.Account, r.Region, r.Params.Encode()))
		}
		slices.Sort(out)
		return out
	}
	images := map[string]string{"ec2_instances": "images", "aws_ec2_instance": "aws_ec2_ami"}
	for _, tt := range tests {
		t.Run(tt.alias+"/"+tt.name, func(t *testing.T) {
			var got [2][]string
			var out [2]string
			for i, name := range []string{tt.native, tt.alias} {
				f, chain := newOrg(t, 3, fakedata.GenOptions{InstancesPerRegion: 6, ImagesPerRegion: 2, ReservedPerRegion: 3, Seed: 7})
				r := f.run(append(chainArgs(chain), "--list-accounts", fmt.Sprintf(tt.query, name, images[name]))...)
				if r.code != 0 {
					t.Fatalf("%s: exit %d: %s", name, r.code, r.stderr)
				}
				// Rows come as targets answer: in any order.
				lines := strings.Split(r.stdout, "\n")
				slices.Sort(lines[1:])
				got[i], out[i] = calls(f), strings.Join(lines, "\n")
			}
			if len(got[0]) == 0 || strings.Count(out[0], "\n") < 2 {
				t.Fatalf("the native name made %d calls and answered %q: nothing to compare", len(got[0]), out[0])
			}
			if diff := cmp.Diff(got[0], got[1]); diff != "" {
				t.Errorf("calls (-%s +%s):\n%s", tt.native, tt.alias, diff)
			}
			if out[0] != out[1] {
				t.Errorf("rows differ:\n%s:\n%s\n%s:\n%s", tt.native, out[0], tt.alias, out[1])
			}
		})
	}
}
