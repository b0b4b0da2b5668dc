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

type volumeItem = fetch.Item[types.Volume]

// EBSVolumes is ebs_volumes: DescribeVolumes; auto_enable_io and
// product_codes with a DescribeVolumeAttribute call per volume, made only
// when the statement reads them.
func EBSVolumes(s *fetch.Session) Table {
	return define(s, regional[types.Volume, ec2.DescribeVolumesInput]{
		name:    "ebs_volumes",
		aliases: []string{"aws_ebs_volume"},
		doc:     "EBS volumes (DescribeVolumes)",
		rows:    1e5,
		ops: []fetch.Operation{
			fetch.Read[ec2.DescribeVolumesOutput]("EC2", "DescribeVolumes", "ec2:DescribeVolumes"),
			fetch.Read[ec2.DescribeVolumeAttributeOutput]("EC2", "DescribeVolumeAttribute", "ec2:DescribeVolumeAttribute"),
		},
		filters: func(in *ec2.DescribeVolumesInput) *[]types.Filter { return &in.Filters },
		id:      func(v types.Volume) string { return aws.ToString(v.VolumeId) },
		idReads: []string{"VolumeId"}, tagsReads: []string{"Tags"},
		project: project[ec2.DescribeVolumesOutput]("Volumes"),
		// Both operations: the hydrated columns need the second.
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			client := fetch.Service(c, ec2.NewFromConfig)
			out, err := client.DescribeVolumes(ctx, &ec2.DescribeVolumesInput{MaxResults: aws.Int32(5)})
			if err != nil {
				return "", err
			}
			// The first volume's attribute, else one of a volume that cannot
			// exist: EC2 checks the permission before it looks the volume
			// up, so InvalidVolume.NotFound says the read is allowed.
			id, detail := aws.String("vol-00000000000000000"), "no volume to read the attributes of; the read is allowed"
			if len(out.Volumes) > 0 {
				id = out.Volumes[0].VolumeId
				detail = "read the attributes of " + aws.ToString(id)
			}
			_, err = client.DescribeVolumeAttribute(ctx, &ec2.DescribeVolumeAttributeInput{VolumeId: id, Attribute: types.VolumeAttributeNameAutoEnableIO})
			if err != nil && !fetch.IsCode(err, "InvalidVolume.NotFound") {
				return "", err
			}
			return detail, nil
		},
		arn: func(v volumeItem) string {
			return "arn:" + s.Partition() + ":ec2:" + v.Region + ":" + v.Account + ":volume/" + aws.ToString(v.Value.VolumeId)
		},
		title: func(v types.Volume) any { return nameTagOr(v.Tags, v.VolumeId) },
		tags:  func(v types.Volume) any { return v.Tags },
		columns: []col[types.Volume, ec2.DescribeVolumesInput]{
			// A filter, not VolumeIds: one id that does not exist would fail
			// the whole call, and an IN list may hold one.
			{Name: "volume_id", Type: vtab.Text, Field: "VolumeId", Push: filter("volume-id").selective(1e5)},
			{Name: "volume_type", Type: vtab.Text, Doc: "gp2, gp3, io1, io2, st1, sc1 or standard",
				Reads: []string{"VolumeType"}, Get: func(v *volumeItem) any { return enum(&v.Value.VolumeType) }, Push: filter("volume-type")},
			{Name: "state", Type: vtab.Text, Doc: "creating, available (attached to nothing), in-use, deleting, deleted, error",
				Reads: []string{"State"}, Get: func(v *volumeItem) any { return enum(&v.Value.State) }, Push: filter("status")},
			{Name: "create_time", Type: vtab.Time, Field: "CreateTime"},
			{Name: "auto_enable_io", Type: vtab.Bool, Doc: "I/O is resumed at once after a consistency check (DescribeVolumeAttribute: a call per volume)",
				Reads: []string{}, Hydrate: volumeAttribute(types.VolumeAttributeNameAutoEnableIO, func(out *ec2.DescribeVolumeAttributeOutput) any {
					if out.AutoEnableIO == nil {
						return nil
					}
					return out.AutoEnableIO.Value
				})},
			{Name: "availability_zone", Type: vtab.Text, Field: "AvailabilityZone", Push: filter("availability-zone")},
			{Name: "encrypted", Type: vtab.Bool, Field: "Encrypted", Push: filter("encrypted").values(ec2BoolValue)},
			{Name: "fast_restored", Type: vtab.Bool, Doc: "made from a snapshot with fast snapshot restore",
				Field: "FastRestored", Push: filter("fast-restored").values(ec2BoolValue)},
			{Name: "iops", Type: vtab.Integer, Field: "Iops"},
			{Name: "throughput", Type: vtab.Integer, Doc: "MiB/s (gp3)", Field: "Throughput"},
			{Name: "kms_key_id", Type: vtab.Text, Doc: "the KMS key's ARN, when encrypted", Field: "KmsKeyId"},
			{Name: "multi_attach_enabled", Type: vtab.Bool, Field: "MultiAttachEnabled",
				Push: filter("multi-attach-enabled").values(ec2BoolValue)},
			{Name: "outpost_arn", Type: vtab.Text, Nullable: true, Doc: "on an Outpost only", Field: "OutpostArn"},
			{Name: "size", Type: vtab.Integer, Doc: "GiB", Field: "Size", Push: filter("size")},
			{Name: "snapshot_id", Type: vtab.Text, Doc: "the snapshot it was made from; NULL when made empty",
				Reads: []string{"SnapshotId"}, Get: func(v *volumeItem) any { return emptyNull(v.Value.SnapshotId) }, Push: filter("snapshot-id")},
			{Name: "attachments", Type: vtab.JSON, Doc: `the instances it is attached to: [{"InstanceId", "Device", "State", "AttachTime", "DeleteOnTermination"}]; [] when none`,
				Reads: []string{"Attachments"}, Get: func(v *volumeItem) any { return emptyList(v.Value.Attachments) }},
			{Name: "product_codes", Type: vtab.JSON, Nullable: true, Doc: "Marketplace product codes (DescribeVolumeAttribute: a call per volume)",
				Reads: []string{}, Hydrate: volumeAttribute(types.VolumeAttributeNameProductCodes, func(out *ec2.DescribeVolumeAttributeOutput) any {
					return out.ProductCodes
				})},
		},
		list: func(ctx context.Context, c *fetch.Client, in *ec2.DescribeVolumesInput, q *vtab.Query) iter.Seq2[[]types.Volume, error] {
			in.MaxResults = aws.Int32(fetch.PageSize(q.Limit, 5, 500))
			p := ec2.NewDescribeVolumesPaginator(fetch.Service(c, ec2.NewFromConfig), in)
			pages := fetch.Pages(ctx, p, func(out *ec2.DescribeVolumesOutput) []types.Volume { return out.Volumes }, q.Limit)
			return fetch.NotFound(pages, "InvalidVolume.NotFound", "InvalidVolumeID.Malformed")
		},
	})
}

// volumeAttribute hydrates a column from one attribute of the volume; a
// volume deleted since it was listed has none.
func volumeAttribute(attr types.VolumeAttributeName, get func(*ec2.DescribeVolumeAttributeOutput) any) func(context.Context, *fetch.Client, types.Volume) (any, error) {
	return func(ctx context.Context, c *fetch.Client, v types.Volume) (any, error) {
		out, err := fetch.Service(c, ec2.NewFromConfig).DescribeVolumeAttribute(ctx, &ec2.DescribeVolumeAttributeInput{VolumeId: v.VolumeId, Attribute: attr})
		switch {
		case fetch.IsCode(err, "InvalidVolume.NotFound"):
			return nil, nil
		case err != nil:
			return nil, err
		}
		return get(out), nil
	}
}
