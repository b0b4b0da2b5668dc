package tables

import (
	"context"
	"fmt"
	"iter"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

// inventoryEntry is one entry of a managed node's inventory of one type
// (one installed application, one network interface, ...), with what
// ListInventoryEntries says of the whole list.
type inventoryEntry struct {
	InstanceID, TypeName, SchemaVersion, CaptureTime *string
	Entry                                            map[string]string
	n                                                int // the entry's place in the list, for the row's identity
}

type inventoryItem = fetch.Item[inventoryEntry]

// inventoryInput is what the query named: nodes and inventory types, each
// pair one ListInventoryEntries. Without nodes the region's managed nodes
// are listed (DescribeInstanceInformation); without types, the types the
// region knows (GetInventorySchema: AWS's own and the custom ones).
type inventoryInput struct {
	instances, types []string
}

// inventoryTypeRE is an inventory type's name as SSM takes it.
var inventoryTypeRE = regexp.MustCompile(`^(AWS|Custom):.{1,95}$`)

func inventoryType(v string) (string, bool) { return v, inventoryTypeRE.MatchString(v) }

// SSMInventoryEntries is ssm_inventory_entries (Steampipe's
// aws_ssm_inventory_entry): the inventory SSM collected on managed nodes,
// one row per entry. instance_id and type_name each make one
// ListInventoryEntries a value. Neither is required: without instance_id
// the region's managed nodes are listed first, without type_name every
// inventory type of the region is read, so Steampipe's queries run as they
// are; the cheap form names both, as a join from ssm_managed_instances on
// instance_id with type_name = 'AWS:Application' does.
func SSMInventoryEntries(s *fetch.Session) Table {
	return define(s, regional[inventoryEntry, inventoryInput]{
		name:    "ssm_inventory_entries",
		aliases: []string{"aws_ssm_inventory_entry"},
		doc:     "inventory of managed nodes, one row per entry: applications (AWS:Application), network, updates, custom types (ListInventoryEntries)",
		// Priced as every entry of every node, so that a join reads it by
		// node rather than scanning it.
		rows: 1e6,
		ops: []fetch.Operation{
			fetch.Read[ssm.ListInventoryEntriesOutput]("SSM", "ListInventoryEntries", "ssm:ListInventoryEntries"),
			fetch.Read[ssm.DescribeInstanceInformationOutput]("SSM", "DescribeInstanceInformation", "ssm:DescribeInstanceInformation"),
			fetch.Read[ssm.GetInventorySchemaOutput]("SSM", "GetInventorySchema", "ssm:GetInventorySchema"),
		},
		id: func(e inventoryEntry) string {
			return fmt.Sprintf("%s/%s/%d", aws.ToString(e.InstanceID), aws.ToString(e.TypeName), e.n)
		},
		title: func(e inventoryEntry) any { return e.InstanceID },
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			client := fetch.Service(c, ssm.NewFromConfig)
			out, err := client.DescribeInstanceInformation(ctx, &ssm.DescribeInstanceInformationInput{MaxResults: aws.Int32(5)})
			if err != nil {
				return "", err
			}
			if _, err := client.GetInventorySchema(ctx, &ssm.GetInventorySchemaInput{MaxResults: aws.Int32(50)}); err != nil {
				return "", err
			}
			// The first node's inventory, else a node that cannot exist:
			// SSM checks the permission first, so InvalidInstanceId says
			// the read is allowed.
			id, detail := aws.String("i-00000000000000000"), "no managed node to read"
			if len(out.InstanceInformationList) > 0 {
				id = out.InstanceInformationList[0].InstanceId
				detail = "read the inventory of " + aws.ToString(id)
			}
			_, err = client.ListInventoryEntries(ctx, &ssm.ListInventoryEntriesInput{InstanceId: id, TypeName: aws.String("AWS:InstanceInformation")})
			if err != nil && !fetch.IsCode(err, "InvalidInstanceId") {
				return "", err
			}
			return detail, nil
		},
		columns: []col[inventoryEntry, inventoryInput]{
			{Name: "instance_id", Type: vtab.Text, Get: from[inventoryEntry]("InstanceID"),
				Push: param("ListInventoryEntries InstanceId", 1, func(in *inventoryInput, ids []string) { in.instances = ids }).
					perCall().values(ssmInstanceID).selective(1e4)},
			{Name: "type_name", Type: vtab.Text, Doc: "AWS:Application, AWS:Network, AWS:WindowsUpdate, ..., or Custom:...",
				Get: from[inventoryEntry]("TypeName"),
				Push: param("ListInventoryEntries TypeName", 1, func(in *inventoryInput, types []string) { in.types = types }).
					perCall().values(inventoryType).selective(10)},
			{Name: "capture_time", Type: vtab.Time, Get: func(e *inventoryItem) any { return inventoryTime(e.Value.CaptureTime) }},
			{Name: "schema_version", Type: vtab.Text, Get: from[inventoryEntry]("SchemaVersion")},
			{Name: "entries", Type: vtab.JSON, Doc: `the entry: {"Name": ..., "Version": ...} for an application`, Get: from[inventoryEntry]("Entry")},
		},
		list: listInventory,
	})
}

func listInventory(ctx context.Context, c *fetch.Client, in *inventoryInput, q *vtab.Query) iter.Seq2[[]inventoryEntry, error] {
	client := fetch.Service(c, ssm.NewFromConfig)
	return func(yield func([]inventoryEntry, error) bool) {
		instances := in.instances
		if len(instances) == 0 {
			p := ssm.NewDescribeInstanceInformationPaginator(client, &ssm.DescribeInstanceInformationInput{MaxResults: aws.Int32(50)})
			for page, err := range fetch.Pages(ctx, p, func(out *ssm.DescribeInstanceInformationOutput) []string {
				var ids []string
				for _, i := range out.InstanceInformationList {
					ids = append(ids, aws.ToString(i.InstanceId))
				}
				return ids
			}, 0) {
				if err != nil {
					yield(nil, err)
					return
				}
				instances = append(instances, page...)
			}
		}
		types := in.types
		if len(types) == 0 && len(instances) > 0 {
			p := ssm.NewGetInventorySchemaPaginator(client, &ssm.GetInventorySchemaInput{MaxResults: aws.Int32(200)})
			for page, err := range fetch.Pages(ctx, p, func(out *ssm.GetInventorySchemaOutput) []string {
				var names []string
				for _, s := range out.Schemas {
					names = append(names, aws.ToString(s.TypeName))
				}
				return names
			}, 0) {
				if err != nil {
					yield(nil, err)
					return
				}
				types = append(types, page...)
			}
		}
		for _, id := range instances {
			for _, typ := range types {
				p := &inventoryPager{client: client, in: ssm.ListInventoryEntriesInput{InstanceId: aws.String(id), TypeName: aws.String(typ),
					MaxResults: aws.Int32(fetch.PageSize(q.Limit, 1, 50))}}
				pages := fetch.Pages(ctx, p, inventoryEntries, q.Limit)
				// A node that is not managed here, or a type the region
				// does not know: no rows, not a failure.
				for page, err := range fetch.NotFound(pages, "InvalidInstanceId", "InvalidTypeNameException") {
					if !yield(page, err) || err != nil {
						return
					}
				}
			}
		}
	}
}

// inventoryEntries are the rows of one ListInventoryEntries answer.
func inventoryEntries(p *inventoryPage) []inventoryEntry {
	out := make([]inventoryEntry, len(p.Entries))
	for i, e := range p.Entries {
		out[i] = inventoryEntry{InstanceID: p.InstanceId, TypeName: p.TypeName, SchemaVersion: p.SchemaVersion, CaptureTime: p.CaptureTime,
			Entry: e, n: p.first + i}
	}
	return out
}

// inventoryPage is an answer and the place of its first entry in the list.
type inventoryPage struct {
	*ssm.ListInventoryEntriesOutput
	first int
}

// inventoryPager pages ListInventoryEntries, for which the SDK has no
// paginator.
type inventoryPager struct {
	client *ssm.Client
	in     ssm.ListInventoryEntriesInput
	seen   int
	done   bool
}

func (p *inventoryPager) HasMorePages() bool { return !p.done }

func (p *inventoryPager) NextPage(ctx context.Context, optFns ...func(*ssm.Options)) (*inventoryPage, error) {
	out, err := p.client.ListInventoryEntries(ctx, &p.in, optFns...)
	if err != nil {
		return nil, err
	}
	page := &inventoryPage{ListInventoryEntriesOutput: out, first: p.seen}
	p.seen += len(out.Entries)
	p.in.NextToken = out.NextToken
	p.done = out.NextToken == nil || aws.ToString(out.NextToken) == ""
	return page, nil
}

// inventoryTime reads an inventory's capture time, "2026-10-31T06:00:00Z".
func inventoryTime(s *string) any {
	if s == nil || *s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, *s)
	if err != nil {
		return *s
	}
	return t
}
