package tables

import (
	"context"
	"iter"
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

// Images is images: DescribeImages. Unconstrained, DescribeImages would
// return about 100,000 public AMIs, so the table lists the account's own
// images unless the query names an owner or an image id.
func Images(s *fetch.Session) Table {
	return define(s, regional[types.Image, imagesInput]{
		name: "images",
		doc:  "AMIs (DescribeImages): the account's own, or those of owner_id / image_owner_alias, or any by image_id",
		// Priced as what an unconstrained DescribeImages returns, so that a
		// join looks images up by id rather than scanning them.
		rows:    1e6,
		ops:     []fetch.Operation{fetch.Read[ec2.DescribeImagesOutput]("EC2", "DescribeImages", "ec2:DescribeImages")},
		filters: func(in *imagesInput) *[]types.Filter { return &in.Filters },
		id:      func(i types.Image) string { return aws.ToString(i.ImageId) },
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			_, err := fetch.Service(c, ec2.NewFromConfig).DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}, MaxResults: aws.Int32(5)})
			return "", err
		},
		columns: []col[types.Image, imagesInput]{
			{Name: "image_id", Type: vtab.Text, Doc: "any image by id, whoever owns it", Get: func(i image) any { return i.Value.ImageId },
				// A filter, not ImageIds: one id that does not exist would
				// fail the whole call, and an IN list may hold one.
				Push: param("filter image-id (whoever owns it)", ec2FilterValues, func(in *imagesInput, ids []string) {
					in.byID = true
					in.Filters = append(in.Filters, types.Filter{Name: aws.String("image-id"), Values: escapeEC2(ids)})
				}).selective(1e6)},
			{Name: "name", Type: vtab.Text, Push: filter("name").selective(1e3), Get: func(i image) any { return i.Value.Name }},
			{Name: "description", Type: vtab.Text, Get: func(i image) any { return i.Value.Description }},
			{Name: "state", Type: vtab.Text, Push: filter("state"), Get: func(i image) any { return str(i.Value.State) }},
			{Name: "image_type", Type: vtab.Text, Get: func(i image) any { return str(i.Value.ImageType) }},
			{Name: "image_location", Type: vtab.Text, Get: func(i image) any { return i.Value.ImageLocation }},
			{Name: "owner_id", Type: vtab.Text, Get: func(i image) any { return i.Value.OwnerId },
				Push: param("Owners", 1000, func(in *imagesInput, ids []string) { in.Owners = ids }).selective(100).values(accountID)},
			{Name: "image_owner_alias", Type: vtab.Text, Nullable: true, Doc: "amazon, aws-marketplace, aws-backup-vault; NULL for an account's own",
				Get: func(i image) any { return i.Value.ImageOwnerAlias },
				Push: param("filter owner-alias (and Owners, alone)", ec2FilterValues, func(in *imagesInput, aliases []string) {
					in.aliases = aliases
					in.Filters = append(in.Filters, types.Filter{Name: aws.String("owner-alias"), Values: aliases})
				}).values(oneOf(ownerAliases...))},
			{Name: "creation_date", Type: vtab.Time, Get: func(i image) any { return isoTime(i.Value.CreationDate) }},
			{Name: "deprecation_time", Type: vtab.Time, Get: func(i image) any { return isoTime(i.Value.DeprecationTime) }},
			{Name: "architecture", Type: vtab.Text, Push: filter("architecture"), Get: func(i image) any { return str(i.Value.Architecture) }},
			{Name: "platform", Type: vtab.Text, Nullable: true, Doc: "windows, or NULL", Get: func(i image) any { return str(i.Value.Platform) }},
			{Name: "platform_details", Type: vtab.Text, Get: func(i image) any { return i.Value.PlatformDetails }},
			{Name: "public", Type: vtab.Bool, Get: func(i image) any { return i.Value.Public },
				Push: filter("is-public").values(func(v string) (string, bool) {
					b, ok := map[string]string{"1": "true", "0": "false"}[v]
					return b, ok
				})},
			{Name: "root_device_type", Type: vtab.Text, Get: func(i image) any { return str(i.Value.RootDeviceType) }},
			{Name: "root_device_name", Type: vtab.Text, Get: func(i image) any { return i.Value.RootDeviceName }},
			{Name: "virtualization_type", Type: vtab.Text, Get: func(i image) any { return str(i.Value.VirtualizationType) }},
			{Name: "hypervisor", Type: vtab.Text, Get: func(i image) any { return str(i.Value.Hypervisor) }},
			{Name: "ena_support", Type: vtab.Bool, Get: func(i image) any { return i.Value.EnaSupport }},
			{Name: "boot_mode", Type: vtab.Text, Get: func(i image) any { return str(i.Value.BootMode) }},
			{Name: "usage_operation", Type: vtab.Text, Get: func(i image) any { return i.Value.UsageOperation }},
			{Name: "block_device_mappings", Type: vtab.JSON, Get: func(i image) any { return i.Value.BlockDeviceMappings }},
			{Name: "product_codes", Type: vtab.JSON, Get: func(i image) any { return i.Value.ProductCodes }},
			{Name: "tags", Type: vtab.JSON, Get: func(i image) any { return ec2Tags(i.Value.Tags) }},
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
