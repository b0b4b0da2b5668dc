package tables

import (
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Helpers of the EC2 network and storage tables (vpcs, vpc_subnets,
// vpc_security_groups, ebs_volumes, ebs_snapshots, ec2_instance_types).

// ec2BoolValue is a boolean column's pushed value as EC2's filters write
// it: SQLite passes 1 or 0; anything else matches nothing.
func ec2BoolValue(v string) (string, bool) {
	b, ok := map[string]string{"1": "true", "0": "false"}[v]
	return b, ok
}

// nameTagOr is the resource's Name tag, else its id: Steampipe's title.
func nameTagOr(tags []types.Tag, id *string) any {
	for _, t := range tags {
		if aws.ToString(t.Key) == "Name" {
			return t.Value
		}
	}
	return id
}

// emptyNull is a string field AWS sends empty for "none" (a volume made
// from no snapshot has snapshotId ""), as NULL.
func emptyNull(s *string) any {
	if s == nil || *s == "" {
		return nil
	}
	return *s
}

// emptyList is a list AWS always answers (a volume's attachments, a
// snapshot's create-volume permissions, a security group's rules) as
// Steampipe shows it: [] when it is empty, where a JSON column is
// otherwise NULL when empty. Whether the list is empty is what a query
// asks of it (Steampipe's "unattached volumes" is
// json_array_length(attachments) = 0), and NULL is kept for "not known".
func emptyList[E any](list []E) any {
	if len(list) == 0 {
		return json.RawMessage("[]")
	}
	return list
}
