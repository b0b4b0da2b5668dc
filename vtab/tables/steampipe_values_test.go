package tables_test

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// TestSteampipeColumnValues: the columns that are not an SDK field as it
// is mean what Steampipe's of the same name mean, on the demo's cases.
func TestSteampipeColumnValues(t *testing.T) {
	e, _ := openDemo(t)
	mgmt := fakedata.DemoAccountID
	one := func(q string) any {
		t.Helper()
		rows := e.query(t, q)
		if len(rows) != 1 {
			t.Fatalf("%s: %d rows, want 1", q, len(rows))
		}
		return rows[0]["v"]
	}
	instance := func(name string) string {
		return fmt.Sprintf("FROM aws_ec2_instance WHERE account_id = '%s' AND tags ->> 'Name' = '%s'", mgmt, name)
	}
	tests := []struct {
		name, query string
		want        any
	}{
		// When a stopped instance stopped, from its reason; a running one's
		// launch.
		{"stopped since", "SELECT state_transition_time AS v " + instance("web-3"), "2026-01-10T08:00:00Z"},
		{"running since launch", "SELECT state_transition_time = launch_time AS v " + instance("web-1"), int64(1)},
		{"terminated since", "SELECT state_transition_time AS v " + instance("old-web"), "2026-10-31T12:00:00Z"},
		// An enum AWS leaves out is NULL, never ''.
		{"on-demand lifecycle", "SELECT count(*) AS v FROM aws_ec2_instance WHERE instance_lifecycle = '' OR platform = ''", int64(0)},
		{"on-demand is NULL", "SELECT instance_lifecycle IS NULL AND platform IS NULL AS v " + instance("web-1"), int64(1)},
		{"title is the Name tag", "SELECT title AS v " + instance("web-1"), "web-1"},
		{"akas", "SELECT akas ->> '$[0]' = arn AND arn LIKE 'arn:aws:ec2:%:instance/i-%' AS v " + instance("web-1"), int64(1)},
		{"tags_src", "SELECT tags_src ->> '$[0].Key' || '=' || (tags_src ->> '$[0].Value') AS v " + instance("web-1"), "Name=web-1"},
		{"kernel from the instance", "SELECT kernel_id LIKE 'aki-%' AND ram_disk_id LIKE 'ari-%' AND sriov_net_support = 'simple' AS v " + instance("legacy-1"), int64(1)},
		{"dedicated host", "SELECT placement_tenancy || ',' || placement_affinity || ',' || (placement_host_id LIKE 'h-%') AS v " + instance("win-app-1"), "host,host,1"},
		{"ipv6", "SELECT ipv6_address LIKE '2a05:%' AS v FROM aws_ec2_instance WHERE region = 'eu-west-1' AND title = 'eu-web-1'", int64(1)},
		// Images: self for the account's own, Amazon's by alias.
		{"own images are self", fmt.Sprintf("SELECT count(*) = sum(image_owner_alias = 'self' AND owner_id = account_id) AS v FROM aws_ec2_ami WHERE account_id = '%s'", mgmt), int64(1)},
		{"self pushed", fmt.Sprintf("SELECT count(*) AS v FROM aws_ec2_ami WHERE image_owner_alias = 'self' AND account_id = '%s' AND region = 'us-east-1'", mgmt), int64(7)},
		{"self and amazon", fmt.Sprintf("SELECT count(*) AS v FROM aws_ec2_ami WHERE image_owner_alias IN ('self', 'amazon') AND account_id = '%s' AND region = 'us-east-1'", mgmt), int64(7 + 5)},
		{"Amazon's are not self", fmt.Sprintf("SELECT count(*) AS v FROM aws_ec2_ami WHERE image_owner_alias = 'self' AND owner_id = '%s' AND account_id = '%s'", fakedata.AmazonOwnerID, mgmt), int64(0)},
		{"a shared image is nobody's self", fmt.Sprintf("SELECT image_owner_alias IS NULL AS v FROM aws_ec2_ami WHERE account_id = '210987654321' AND region = 'us-east-1' AND image_id = (SELECT image_id FROM images WHERE account_id = '%s' AND region = 'us-east-1' AND name = 'shared-tools')", mgmt), int64(1)},
		{"image title", fmt.Sprintf("SELECT title AS v FROM aws_ec2_ami WHERE account_id = '%s' AND region = 'us-west-2' AND name = 'app-base-arm'", mgmt), "app-base-arm"},
		// Accounts.
		{"account arn", fmt.Sprintf("SELECT arn || ' ' || region || ' ' || partition AS v FROM aws_account WHERE account_id = '%s'", mgmt), "arn:aws:::" + mgmt + " global aws"},
		{"organizations arn", fmt.Sprintf("SELECT organization_account_arn AS v FROM accounts WHERE account_id = '%s'", mgmt),
			"arn:aws:organizations::" + mgmt + ":account/" + fakedata.DemoOrganizationID + "/" + mgmt},
		{"an account without alias", "SELECT title AS v FROM aws_account WHERE account_id = '345678901234'", "345678901234"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, one(tt.query)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.query, diff)
			}
		})
	}
	// None of these read a column that costs a call per instance.
	for _, op := range []string{"DescribeInstanceAttribute", "GetLaunchTemplateData", "DescribeInstanceStatus", "DescribeImageAttribute"} {
		if n := e.srv.Count(op, "", ""); n != 0 {
			t.Errorf("%d %s calls", n, op)
		}
	}
}
