package tables

import (
	"context"
	"iter"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

type image = fetch.Item[types.Image]

// imagesInput is DescribeImages' input and what decides whose images it
// lists: image ids (anyone's), or the owner aliases the query named, which
// become Owners when no owner id narrows the call.
type imagesInput struct {
	ec2.DescribeImagesInput
	byID    bool
	aliases []string
}

// The owner aliases DescribeImages takes in Owners.
var ownerAliases = []string{"amazon", "aws-marketplace", "aws-backup-vault"}

// The owner aliases of image_owner_alias: self, for the account's own
// images, as Steampipe says, and those DescribeImages takes in Owners.
var imageOwnerAliases = append([]string{"self"}, ownerAliases...)

// Images is images, Steampipe's aws_ec2_ami: DescribeImages. Unconstrained,
// DescribeImages would return about 100,000 public AMIs, so the table lists
// the account's own images (as Steampipe's does) unless the query names an
// owner or an image id.
func Images(s *fetch.Session) Table {
	type column = col[types.Image, imagesInput]
	return define(s, regional[types.Image, imagesInput]{
		name:    "images",
		aliases: []string{"aws_ec2_ami"},
		doc:     "AMIs (DescribeImages): the account's own, or those of owner_id / image_owner_alias, or any by image_id",
		// Priced as what an unconstrained DescribeImages returns, so that a
		// join looks images up by id rather than scanning them.
		rows: 1e6,
		ops: []fetch.Operation{
			fetch.Read[ec2.DescribeImagesOutput]("EC2", "DescribeImages", "ec2:DescribeImages"),
			fetch.Read[ec2.DescribeImageAttributeOutput]("EC2", "DescribeImageAttribute", "ec2:DescribeImageAttribute"),
		},
		title: func(i types.Image) any {
			if i.Name != nil {
				return i.Name
			}
			return i.ImageId
		},
		tags:    func(i types.Image) any { return i.Tags },
		filters: func(in *imagesInput) *[]types.Filter { return &in.Filters },
		id:      func(i types.Image) string { return aws.ToString(i.ImageId) },
		idReads: []string{"ImageId"}, tagsReads: []string{"Tags", "Name"},
		project: project[ec2.DescribeImagesOutput]("Images"),
		// DescribeImages, then launch_permissions' call on one of the
		// account's images, or on one that does not exist: EC2 checks the
		// permission first, so InvalidAMIID.NotFound says it is allowed.
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			svc := fetch.Service(c, ec2.NewFromConfig)
			out, err := svc.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}, MaxResults: aws.Int32(5)})
			if err != nil {
				return "", err
			}
			id := aws.String("ami-00000000000000000")
			if len(out.Images) > 0 {
				id = out.Images[0].ImageId
			}
			_, err = svc.DescribeImageAttribute(ctx, &ec2.DescribeImageAttributeInput{ImageId: id, Attribute: types.ImageAttributeNameLaunchPermission})
			if err != nil && !fetch.IsCode(err, "InvalidAMIID.NotFound") {
				return "", err
			}
			return "", nil
		},
		columns: []column{
			{Name: "image_id", Type: vtab.Text, Doc: "any image by id, whoever owns it", Reads: []string{"ImageId"}, Get: func(i *image) any { return i.Value.ImageId },
				// A filter, not ImageIds: one id that does not exist would
				// fail the whole call, and an IN list may hold one.
				Push: param("filter image-id (whoever owns it)", ec2FilterValues, func(in *imagesInput, ids []string) {
					in.byID = true
					in.Filters = append(in.Filters, types.Filter{Name: aws.String("image-id"), Values: escapeEC2(ids)})
				}).selective(1e6).scoping()},
			{Name: "name", Type: vtab.Text, Push: filter("name").selective(1e3), Reads: []string{"Name"}, Get: func(i *image) any { return i.Value.Name }},
			{Name: "description", Type: vtab.Text, Reads: []string{"Description"}, Get: func(i *image) any { return i.Value.Description }},
			{Name: "state", Type: vtab.Text, Push: filter("state"), Reads: []string{"State"}, Get: func(i *image) any { return enum(&i.Value.State) }},
			{Name: "image_type", Type: vtab.Text, Reads: []string{"ImageType"}, Get: func(i *image) any { return enum(&i.Value.ImageType) }},
			{Name: "image_location", Type: vtab.Text, Reads: []string{"ImageLocation"}, Get: func(i *image) any { return i.Value.ImageLocation }},
			// A list longer than a call takes is a call per batch, never a
			// scan, which lists only the account's own and would drop the
			// others' images (as ebs_snapshots).
			{Name: "owner_id", Type: vtab.Text, Reads: []string{"OwnerId"}, Get: func(i *image) any { return i.Value.OwnerId },
				Push: param("Owners", 1000, func(in *imagesInput, ids []string) { in.Owners = ids }).selective(100).values(accountID).scoping()},
			// self is no owner alias to EC2: its filter cannot say "the
			// account's own, or Amazon's", so with self the call is
			// narrowed by Owners only and SQLite re-checks.
			{Name: "image_owner_alias", Type: vtab.Text, Nullable: true,
				Doc: "amazon, aws-marketplace, aws-backup-vault; self for the account's own (as Steampipe says); NULL for another account's",
				Get: func(i *image) any { return imageOwnerAlias(*i) },
				Push: param("filter owner-alias (and Owners, alone)", ec2FilterValues, func(in *imagesInput, aliases []string) {
					in.aliases = aliases
					if !slices.Contains(aliases, "self") {
						in.Filters = append(in.Filters, types.Filter{Name: aws.String("owner-alias"), Values: aliases})
					}
				}).values(oneOf(imageOwnerAliases...)).loose().scoping()},
			{Name: "creation_date", Type: vtab.Time, Reads: []string{"CreationDate"}, Get: func(i *image) any { return isoTime(i.Value.CreationDate) }},
			{Name: "deprecation_time", Type: vtab.Time, Reads: []string{"DeprecationTime"}, Get: func(i *image) any { return isoTime(i.Value.DeprecationTime) }},
			{Name: "architecture", Type: vtab.Text, Push: filter("architecture"), Reads: []string{"Architecture"}, Get: func(i *image) any { return enum(&i.Value.Architecture) }},
			{Name: "platform", Type: vtab.Text, Nullable: true, Doc: "windows, or NULL", Reads: []string{"Platform"}, Get: func(i *image) any { return enum(&i.Value.Platform) }},
			{Name: "platform_details", Type: vtab.Text, Reads: []string{"PlatformDetails"}, Get: func(i *image) any { return i.Value.PlatformDetails }},
			{Name: "public", Type: vtab.Bool, Reads: []string{"Public"}, Get: func(i *image) any { return i.Value.Public },
				Push: filter("is-public").values(func(v string) (string, bool) {
					b, ok := map[string]string{"1": "true", "0": "false"}[v]
					return b, ok
				})},
			{Name: "root_device_type", Type: vtab.Text, Reads: []string{"RootDeviceType"}, Get: func(i *image) any { return enum(&i.Value.RootDeviceType) }},
			{Name: "root_device_name", Type: vtab.Text, Reads: []string{"RootDeviceName"}, Get: func(i *image) any { return i.Value.RootDeviceName }},
			{Name: "virtualization_type", Type: vtab.Text, Reads: []string{"VirtualizationType"}, Get: func(i *image) any { return enum(&i.Value.VirtualizationType) }},
			{Name: "hypervisor", Type: vtab.Text, Reads: []string{"Hypervisor"}, Get: func(i *image) any { return enum(&i.Value.Hypervisor) }},
			{Name: "ena_support", Type: vtab.Bool, Reads: []string{"EnaSupport"}, Get: func(i *image) any { return i.Value.EnaSupport }},
			{Name: "boot_mode", Type: vtab.Text, Reads: []string{"BootMode"}, Get: func(i *image) any { return enum(&i.Value.BootMode) }},
			{Name: "usage_operation", Type: vtab.Text, Reads: []string{"UsageOperation"}, Get: func(i *image) any { return i.Value.UsageOperation }},
			{Name: "block_device_mappings", Type: vtab.JSON, Reads: []string{"BlockDeviceMappings"}, Get: func(i *image) any { return i.Value.BlockDeviceMappings }},
			{Name: "product_codes", Type: vtab.JSON, Reads: []string{"ProductCodes"}, Get: func(i *image) any { return i.Value.ProductCodes }},
			{Name: "state_reason", Type: vtab.JSON, Field: "StateReason"},
			{Name: "source_instance_id", Type: vtab.Text, Doc: "the instance the image was made from (CreateImage)", Field: "SourceInstanceId"},
			{Name: "source_image_id", Type: vtab.Text, Doc: "the image this one was copied or made from", Field: "SourceImageId"},
			{Name: "source_image_region", Type: vtab.Text, Field: "SourceImageRegion"},
			{Name: "kernel_id", Type: vtab.Text, Doc: "a paravirtual image's kernel", Field: "KernelId"},
			{Name: "ramdisk_id", Type: vtab.Text, Doc: "a paravirtual image's RAM disk", Field: "RamdiskId"},
			{Name: "sriov_net_support", Type: vtab.Text, Field: "SriovNetSupport"},
			{Name: "tpm_support", Type: vtab.Text, Field: "TpmSupport"},
			{Name: "imds_support", Type: vtab.Text, Doc: "v2.0: instances launched from it require IMDSv2", Field: "ImdsSupport"},
			{Name: "deregistration_protection", Type: vtab.Text, Field: "DeregistrationProtection"},
			{Name: "last_launched_time", Type: vtab.Time, Doc: "the owner's last launch from it, a day late", Reads: []string{"LastLaunchedTime"}, Get: func(i *image) any { return isoTime(i.Value.LastLaunchedTime) }},
			{Name: "free_tier_eligible", Type: vtab.Bool, Field: "FreeTierEligible"},
			{Name: "image_allowed", Type: vtab.Bool, Doc: "the account's Allowed AMIs settings let it be used; NULL when they are off", Field: "ImageAllowed"},
			// Only an image's owner may read its launch permissions: for
			// anyone else's (Amazon's, a shared one) AWS answers AuthFailure,
			// so those are NULL without a call.
			{Name: "launch_permissions", Hidden: true, Type: vtab.JSON,
				Doc: "who may launch the image: accounts, organizations, OUs, or the group all; the account's own images only (DescribeImageAttribute, a call per image when read)",
				Hydrate: func(ctx context.Context, c *fetch.Client, v types.Image) (any, error) {
					if aws.ToString(v.OwnerId) != c.Account {
						return nil, nil
					}
					out, err := fetch.Service(c, ec2.NewFromConfig).DescribeImageAttribute(ctx, &ec2.DescribeImageAttributeInput{
						ImageId: v.ImageId, Attribute: types.ImageAttributeNameLaunchPermission})
					if err != nil {
						return nil, err
					}
					return out.LaunchPermissions, nil
				}},
			// Steampipe's AMI has no arn: AWS's has no account in it
			// (arn:aws:ec2:REGION::image/ID); Steampipe's akas has the owner's.
			{Name: "akas", Type: vtab.JSON, Doc: "the image's ARN as Steampipe writes it, with its owner's account, as a list",
				Get: func(i *image) any {
					return []string{"arn:" + s.Partition() + ":ec2:" + i.Region + ":" + aws.ToString(i.Value.OwnerId) + ":image/" + aws.ToString(i.Value.ImageId)}
				}},
		},
		list: func(ctx context.Context, c *fetch.Client, in *imagesInput, q *vtab.Query) iter.Seq2[[]types.Image, error] {
			// Deprecated and disabled images too (only their owner sees the
			// disabled ones): the table lists what exists.
			in.IncludeDeprecated, in.IncludeDisabled = aws.Bool(true), aws.Bool(true)
			switch {
			case len(in.Owners) > 0:
			case in.byID:
				// Whoever owns it: an instance's AMI is often Amazon's.
			case len(in.aliases) > 0:
				in.Owners = in.aliases
			default:
				in.Owners = []string{"self"}
			}
			in.MaxResults = aws.Int32(fetch.PageSize(q.Limit, 5, 1000))
			p := ec2.NewDescribeImagesPaginator(fetch.Service(c, ec2.NewFromConfig), &in.DescribeImagesInput)
			pages := fetch.Pages(ctx, p, func(out *ec2.DescribeImagesOutput) []types.Image { return out.Images }, q.Limit)
			return fetch.NotFound(pages, "InvalidAMIID.NotFound", "InvalidAMIID.Malformed")
		},
	})
}

// imageOwnerAlias is the owner's alias: EC2's (amazon, aws-marketplace,
// aws-backup-vault), else self for the account's own image, as Steampipe
// says it; NULL for another account's.
func imageOwnerAlias(i image) any {
	switch {
	case i.Value.ImageOwnerAlias != nil:
		return i.Value.ImageOwnerAlias
	case aws.ToString(i.Value.OwnerId) == i.Account:
		return "self"
	}
	return nil
}

// accountID accepts only account ids: no image has another owner.
func accountID(v string) (string, bool) { return v, fetch.CheckAccountID(v) == nil }

// isoTime normalises the ISO 8601 text some EC2 fields carry
// ("2026-01-02T03:04:05.000Z") to the table's RFC 3339 UTC form.
func isoTime(s *string) any {
	if s == nil || *s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return *s
	}
	return t
}
