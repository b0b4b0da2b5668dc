package tables

import (
	"context"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

type snapshotItem = fetch.Item[types.Snapshot]

// snapshotsInput is DescribeSnapshots' input and whether the query named
// whose snapshots to list: an owner (id or alias) or a snapshot id.
type snapshotsInput struct {
	ec2.DescribeSnapshotsInput
	named bool
}

// EBSSnapshots is ebs_snapshots: DescribeSnapshots. Unconstrained,
// DescribeSnapshots lists every public snapshot of every account, so the
// table lists the account's own unless the query names an owner or a
// snapshot id; create_volume_permissions with a DescribeSnapshotAttribute
// call per snapshot, made only when the statement reads it.
func EBSSnapshots(s *fetch.Session) Table {
	return define(s, regional[types.Snapshot, snapshotsInput]{
		name:    "ebs_snapshots",
		aliases: []string{"aws_ebs_snapshot"},
		doc:     "EBS snapshots (DescribeSnapshots): the account's own, or those of owner_id / owner_alias, or any by snapshot_id",
		// Priced as what an unconstrained DescribeSnapshots returns, so that
		// a join looks snapshots up by id rather than scanning them.
		rows: 1e6,
		ops: []fetch.Operation{
			fetch.Read[ec2.DescribeSnapshotsOutput]("EC2", "DescribeSnapshots", "ec2:DescribeSnapshots"),
			fetch.Read[ec2.DescribeSnapshotAttributeOutput]("EC2", "DescribeSnapshotAttribute", "ec2:DescribeSnapshotAttribute"),
		},
		filters: func(in *snapshotsInput) *[]types.Filter { return &in.Filters },
		id:      func(v types.Snapshot) string { return aws.ToString(v.SnapshotId) },
		idReads: []string{"SnapshotId", "OwnerId"}, tagsReads: []string{"Tags"},
		project: project[ec2.DescribeSnapshotsOutput]("Snapshots"),
		// Both operations: create_volume_permissions needs the second.
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			client := fetch.Service(c, ec2.NewFromConfig)
			out, err := client.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}, MaxResults: aws.Int32(5)})
			if err != nil {
				return "", err
			}
			// The first snapshot's permissions, else those of a snapshot that
			// cannot exist: EC2 checks the permission before it looks the
			// snapshot up, so InvalidSnapshot.NotFound says the read is
			// allowed.
			id, detail := aws.String("snap-00000000000000000"), "no snapshot of its own to read the permissions of; the read is allowed"
			if len(out.Snapshots) > 0 {
				id = out.Snapshots[0].SnapshotId
				detail = "read the permissions of " + aws.ToString(id)
			}
			_, err = client.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: id,
				Attribute: types.SnapshotAttributeNameCreateVolumePermission})
			if err != nil && !fetch.IsCode(err, "InvalidSnapshot.NotFound") {
				return "", err
			}
			return detail, nil
		},
		// The owner's ARN: a public or shared snapshot is another account's.
		arn: func(v snapshotItem) string {
			return "arn:" + s.Partition() + ":ec2:" + v.Region + ":" + aws.ToString(v.Value.OwnerId) + ":snapshot/" + aws.ToString(v.Value.SnapshotId)
		},
		tags: func(v types.Snapshot) any { return v.Tags },
		columns: []col[types.Snapshot, snapshotsInput]{
			// Filters, not SnapshotIds or OwnerIds' ids alone: one id that
			// does not exist would fail the whole call. A list longer than a
			// call takes is a call per batch, never a scan of the account's
			// own, which would drop the others' rows.
			{Name: "snapshot_id", Type: vtab.Text, Doc: "any snapshot by id, whoever owns it", Field: "SnapshotId",
				Push: param("filter snapshot-id (whoever owns it)", ec2FilterValues, func(in *snapshotsInput, ids []string) {
					in.named = true
					in.Filters = append(in.Filters, types.Filter{Name: aws.String("snapshot-id"), Values: escapeEC2(ids)})
				}).selective(1e6).scoping()},
			{Name: "title", Type: vtab.Text, Doc: "the snapshot id, as Steampipe titles it", Field: "SnapshotId"},
			{Name: "state", Type: vtab.Text, Doc: "pending, completed, error, recoverable, recovering",
				Reads: []string{"State"}, Get: func(v *snapshotItem) any { return enum(&v.Value.State) }, Push: filter("status")},
			{Name: "volume_size", Type: vtab.Integer, Doc: "GiB", Field: "VolumeSize", Push: filter("volume-size")},
			{Name: "volume_id", Type: vtab.Text, Doc: "the volume it copies (vol-ffffffff for a copied snapshot)",
				Field: "VolumeId", Push: filter("volume-id")},
			{Name: "full_snapshot_size_in_bytes", Type: vtab.Integer, Nullable: true, Field: "FullSnapshotSizeInBytes"},
			{Name: "encrypted", Type: vtab.Bool, Field: "Encrypted", Push: filter("encrypted").values(ec2BoolValue)},
			{Name: "start_time", Type: vtab.Time, Field: "StartTime"},
			{Name: "restore_expiry_time", Type: vtab.Time, Nullable: true, Doc: "when a temporarily restored archived snapshot goes back to the archive",
				Field: "RestoreExpiryTime"},
			{Name: "description", Type: vtab.Text, Field: "Description", Push: filter("description")},
			{Name: "outpost_arn", Type: vtab.Text, Nullable: true, Doc: "on an Outpost only", Field: "OutpostArn"},
			{Name: "storage_tier", Type: vtab.Text, Doc: "standard or archive", Reads: []string{"StorageTier"}, Get: func(v *snapshotItem) any { return enum(&v.Value.StorageTier) },
				Push: filter("storage-tier")},
			{Name: "kms_key_id", Type: vtab.Text, Doc: "the KMS key's ARN, when encrypted", Field: "KmsKeyId"},
			{Name: "data_encryption_key_id", Type: vtab.Text, Doc: "shared by snapshots and volumes of one lineage, when encrypted",
				Field: "DataEncryptionKeyId"},
			{Name: "progress", Type: vtab.Text, Doc: "a percentage, e.g. 100%", Field: "Progress", Push: filter("progress")},
			{Name: "state_message", Type: vtab.Text, Nullable: true, Doc: "why a snapshot failed", Field: "StateMessage"},
			{Name: "owner_alias", Type: vtab.Text, Nullable: true, Doc: "amazon for Amazon's; NULL for an account's own",
				Field: "OwnerAlias",
				Push: param("filter owner-alias (whoever owns it)", ec2FilterValues, func(in *snapshotsInput, aliases []string) {
					in.named = true
					in.Filters = append(in.Filters, types.Filter{Name: aws.String("owner-alias"), Values: escapeEC2(aliases)})
				}).scoping()},
			{Name: "owner_id", Type: vtab.Text, Field: "OwnerId",
				Push: param("OwnerIds", ec2FilterValues, func(in *snapshotsInput, ids []string) {
					in.named = true
					in.OwnerIds = ids
				}).selective(100).values(accountID).scoping()},
			{Name: "create_volume_permissions", Type: vtab.JSON, Nullable: true,
				Doc: `who else may create volumes from it: [{"Group": "all"}] (public) or [{"UserId"}], [] for nobody; NULL for others' snapshots (DescribeSnapshotAttribute: a call per snapshot)`,
				Hydrate: func(ctx context.Context, c *fetch.Client, v types.Snapshot) (any, error) {
					// Only the owner may read a snapshot's attributes.
					if aws.ToString(v.OwnerId) != c.Account {
						return nil, nil
					}
					out, err := fetch.Service(c, ec2.NewFromConfig).DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{
						SnapshotId: v.SnapshotId, Attribute: types.SnapshotAttributeNameCreateVolumePermission})
					switch {
					case fetch.IsCode(err, "InvalidSnapshot.NotFound"):
						return nil, nil // deleted since it was listed
					case err != nil:
						return nil, err
					}
					return emptyList(out.CreateVolumePermissions), nil
				}},
		},
		list: func(ctx context.Context, c *fetch.Client, in *snapshotsInput, q *vtab.Query) iter.Seq2[[]types.Snapshot, error] {
			if !in.named {
				in.OwnerIds = []string{"self"}
			}
			in.MaxResults = aws.Int32(fetch.PageSize(q.Limit, 5, 1000))
			p := ec2.NewDescribeSnapshotsPaginator(fetch.Service(c, ec2.NewFromConfig), &in.DescribeSnapshotsInput)
			pages := fetch.Pages(ctx, p, func(out *ec2.DescribeSnapshotsOutput) []types.Snapshot { return out.Snapshots }, q.Limit)
			return fetch.NotFound(pages, "InvalidSnapshot.NotFound", "InvalidSnapshotID.Malformed")
		},
	})
}
