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

var imageFilters = map[string]string{
	"name":         "name",
	"state":        "state",
	"architecture": "architecture",
}

// The owner aliases DescribeImages takes in Owners.
var ownerAliases = map[string]bool{"amazon": true, "aws-marketplace": true, "aws-backup-vault": true}

// Images is images: DescribeImages. Unconstrained, DescribeImages would
// return about 100,000 public AMIs, so the table lists the account's own
// images unless the query names an owner or an image id.
func Images(s *fetch.Session) vtab.Def {
	return define(s, regional[types.Image]{
		name: "images",
		doc:  "AMIs (DescribeImages): the account's own, or those of owner_id / image_owner_alias, or any by image_id",
		// Priced as what an unconstrained DescribeImages returns, so that a
		// join looks images up by id rather than scanning them.
		rows: 1e6,
		push: pushes(imageFilters, map[string]string{"image_id": "ImageIds (whoever owns it)", "owner_id": "Owners", "image_owner_alias": "Owners", "public": "filter is-public"}),
		id:   func(i types.Image) string { return aws.ToString(i.ImageId) },
		columns: []vtab.Column[image]{
			{Name: "image_id", Type: vtab.Text, Key: vtab.Exact, Selectivity: 1e6, Get: func(i image) any { return i.Value.ImageId }},
			{Name: "name", Type: vtab.Text, Key: vtab.Exact, Selectivity: 1e3, Get: func(i image) any { return i.Value.Name }},
			{Name: "description", Type: vtab.Text, Get: func(i image) any { return i.Value.Description }},
			{Name: "state", Type: vtab.Text, Key: vtab.Exact, Get: func(i image) any { return str(i.Value.State) }},
			{Name: "image_type", Type: vtab.Text, Get: func(i image) any { return str(i.Value.ImageType) }},
			{Name: "image_location", Type: vtab.Text, Get: func(i image) any { return i.Value.ImageLocation }},
			{Name: "owner_id", Type: vtab.Text, Key: vtab.Exact, Selectivity: 100, Get: func(i image) any { return i.Value.OwnerId }},
			{Name: "image_owner_alias", Type: vtab.Text, Key: vtab.Exact, Nullable: true, Doc: "amazon, aws-marketplace, aws-backup-vault; NULL for an account's own",
				Get: func(i image) any { return i.Value.ImageOwnerAlias }},
			{Name: "creation_date", Type: vtab.Time, Get: func(i image) any { return isoTime(i.Value.CreationDate) }},
			{Name: "deprecation_time", Type: vtab.Time, Get: func(i image) any { return isoTime(i.Value.DeprecationTime) }},
			{Name: "architecture", Type: vtab.Text, Key: vtab.Exact, Get: func(i image) any { return str(i.Value.Architecture) }},
			{Name: "platform", Type: vtab.Text, Nullable: true, Doc: "windows, or NULL", Get: func(i image) any { return str(i.Value.Platform) }},
			{Name: "platform_details", Type: vtab.Text, Get: func(i image) any { return i.Value.PlatformDetails }},
			{Name: "public", Type: vtab.Bool, Key: vtab.Exact, Get: func(i image) any { return i.Value.Public }},
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
		list: func(ctx context.Context, c *fetch.Client, q *vtab.Query) iter.Seq2[[]types.Image, error] {
			filters, ok := ec2Filters(q, imageFilters)
			if !ok {
				return done[types.Image]()
			}
			if v, pushed := q.Eq("public"); pushed {
				switch v {
				case int64(1):
					filters = append(filters, types.Filter{Name: aws.String("is-public"), Values: []string{"true"}})
				case int64(0):
					filters = append(filters, types.Filter{Name: aws.String("is-public"), Values: []string{"false"}})
				default:
					return done[types.Image]()
				}
			}
			in := &ec2.DescribeImagesInput{Filters: filters, IncludeDeprecated: aws.Bool(true)}
			owner, byOwner := q.String("owner_id")
			alias, byAlias := q.String("image_owner_alias")
			id, byID := q.String("image_id")
			switch {
			case byOwner && fetch.CheckAccountID(owner) != nil, byAlias && !ownerAliases[alias]:
				return done[types.Image]() // no image has such an owner
			case byOwner && byAlias:
				in.Owners = []string{owner}
				in.Filters = append(in.Filters, types.Filter{Name: aws.String("owner-alias"), Values: []string{alias}})
			case byOwner:
				in.Owners = []string{owner}
				in.IncludeDisabled = aws.Bool(owner == c.Account)
			case byAlias:
				in.Owners = []string{alias}
			case byID:
				// Whoever owns it: an instance's AMI is often Amazon's.
			default:
				in.Owners = []string{"self"}
				in.IncludeDisabled = aws.Bool(true)
			}
			if byID {
				// EC2 refuses MaxResults with ImageIds.
				in.ImageIds = []string{id}
			} else {
				in.MaxResults = aws.Int32(fetch.PageSize(q.Limit, 5, 1000))
			}
			p := ec2.NewDescribeImagesPaginator(c.EC2, in)
			pages := fetch.Pages(ctx, p, func(out *ec2.DescribeImagesOutput) []types.Image { return out.Images }, q.Limit)
			return fetch.NotFound(pages, "InvalidAMIID.NotFound", "InvalidAMIID.Malformed")
		},
	})
}

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
