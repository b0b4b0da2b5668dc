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

type reserved = fetch.Item[types.ReservedInstances]

// ReservedInstances is reserved_instances, Steampipe's
// aws_ec2_reserved_instance: DescribeReservedInstances, one unpaged call per
// target, and the reservation's modifications with a call per reservation,
// made only when read.
func ReservedInstances(s *fetch.Session) Table {
	return define(s, regional[types.ReservedInstances, ec2.DescribeReservedInstancesInput]{
		name:    "reserved_instances",
		aliases: []string{"aws_ec2_reserved_instance"},
		doc:     "EC2 reserved instances (DescribeReservedInstances)",
		rows:    1e3,
		ops: []fetch.Operation{
			fetch.Read[ec2.DescribeReservedInstancesOutput]("EC2", "DescribeReservedInstances", "ec2:DescribeReservedInstances"),
			fetch.Read[ec2.DescribeReservedInstancesModificationsOutput]("EC2", "DescribeReservedInstancesModifications", "ec2:DescribeReservedInstancesModifications"),
		},
		arn: func(r reserved) string {
			return "arn:" + s.Partition() + ":ec2:" + r.Region + ":" + r.Account + ":reserved-instances/" + aws.ToString(r.Value.ReservedInstancesId)
		},
		title:   func(r types.ReservedInstances) any { return r.ReservedInstancesId },
		tags:    func(r types.ReservedInstances) any { return r.Tags },
		filters: func(in *ec2.DescribeReservedInstancesInput) *[]types.Filter { return &in.Filters },
		id:      func(r types.ReservedInstances) string { return aws.ToString(r.ReservedInstancesId) },
		idReads: []string{"ReservedInstancesId"}, tagsReads: []string{"Tags"},
		project: project[ec2.DescribeReservedInstancesOutput]("ReservedInstances"),
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			svc := fetch.Service(c, ec2.NewFromConfig)
			if _, err := svc.DescribeReservedInstances(ctx, &ec2.DescribeReservedInstancesInput{}); err != nil {
				return "", err
			}
			// A filter that matches nothing: the permission, not the
			// account's whole history of modifications.
			_, err := svc.DescribeReservedInstancesModifications(ctx, &ec2.DescribeReservedInstancesModificationsInput{
				Filters: []types.Filter{{Name: aws.String("reserved-instances-id"), Values: []string{"awssql-check"}}}})
			return "", err
		},
		columns: []col[types.ReservedInstances, ec2.DescribeReservedInstancesInput]{
			{Name: "reserved_instance_id", Type: vtab.Text, Reads: []string{"ReservedInstancesId"}, Get: func(r *reserved) any { return r.Value.ReservedInstancesId },
				// A filter, not ReservedInstancesIds: one id that does not
				// exist would fail the whole call.
				Push: filter("reserved-instances-id").selective(1e6)},
			{Name: "instance_type", Type: vtab.Text, Push: filter("instance-type"), Reads: []string{"InstanceType"}, Get: func(r *reserved) any { return enum(&r.Value.InstanceType) }},
			{Name: "instance_state", Type: vtab.Text, Push: filter("state"), Doc: "payment-pending, active, payment-failed, retired, queued, queued-deleted",
				Reads: []string{"State"}, Get: func(r *reserved) any { return enum(&r.Value.State) }},
			{Name: "availability_zone", Type: vtab.Text, Push: filter("availability-zone"), Nullable: true, Doc: "NULL for a regional reservation",
				Reads: []string{"AvailabilityZone"}, Get: func(r *reserved) any { return r.Value.AvailabilityZone }},
			{Name: "scope", Type: vtab.Text, Push: filter("scope"), Doc: "Region or Availability Zone", Reads: []string{"Scope"}, Get: func(r *reserved) any { return enum(&r.Value.Scope) }},
			{Name: "instance_count", Type: vtab.Integer, Reads: []string{"InstanceCount"}, Get: func(r *reserved) any { return r.Value.InstanceCount }},
			{Name: "start_time", Type: vtab.Time, Reads: []string{"Start"}, Get: func(r *reserved) any { return r.Value.Start }},
			{Name: "end_time", Type: vtab.Time, Reads: []string{"End"}, Get: func(r *reserved) any { return r.Value.End }},
			{Name: "duration", Type: vtab.Integer, Doc: "seconds", Reads: []string{"Duration"}, Get: func(r *reserved) any { return r.Value.Duration }},
			{Name: "fixed_price", Type: vtab.Real, Reads: []string{"FixedPrice"}, Get: func(r *reserved) any { return r.Value.FixedPrice }},
			{Name: "usage_price", Type: vtab.Real, Reads: []string{"UsagePrice"}, Get: func(r *reserved) any { return r.Value.UsagePrice }},
			{Name: "recurring_charges", Type: vtab.JSON, Reads: []string{"RecurringCharges"}, Get: func(r *reserved) any { return r.Value.RecurringCharges }},
			{Name: "currency_code", Type: vtab.Text, Reads: []string{"CurrencyCode"}, Get: func(r *reserved) any { return enum(&r.Value.CurrencyCode) }},
			// Request parameters of one value each, which take only their
			// enum's values: any other value matches nothing.
			{Name: "offering_class", Type: vtab.Text, Reads: []string{"OfferingClass"}, Get: func(r *reserved) any { return enum(&r.Value.OfferingClass) },
				Push: param("the OfferingClass parameter", 1, func(in *ec2.DescribeReservedInstancesInput, v []string) {
					in.OfferingClass = types.OfferingClassType(v[0])
				}).values(oneOf(enumValues[types.OfferingClassType]()...))},
			{Name: "offering_type", Type: vtab.Text, Reads: []string{"OfferingType"}, Get: func(r *reserved) any { return enum(&r.Value.OfferingType) },
				Push: param("the OfferingType parameter", 1, func(in *ec2.DescribeReservedInstancesInput, v []string) {
					in.OfferingType = types.OfferingTypeValues(v[0])
				}).values(oneOf(enumValues[types.OfferingTypeValues]()...))},
			{Name: "product_description", Type: vtab.Text, Push: filter("product-description"), Reads: []string{"ProductDescription"}, Get: func(r *reserved) any { return enum(&r.Value.ProductDescription) }},
			{Name: "instance_tenancy", Type: vtab.Text, Reads: []string{"InstanceTenancy"}, Get: func(r *reserved) any { return enum(&r.Value.InstanceTenancy) }},
			{Name: "reserved_instances_modifications", Hidden: true, Type: vtab.JSON,
				Doc: "the changes made to the reservation (DescribeReservedInstancesModifications, a call per reservation when read)",
				Hydrate: func(ctx context.Context, c *fetch.Client, v types.ReservedInstances) (any, error) {
					// The reservations a modification changed, not the
					// ones it made (modification-result.reserved-instances-id),
					// as Steampipe reads them.
					p := ec2.NewDescribeReservedInstancesModificationsPaginator(fetch.Service(c, ec2.NewFromConfig),
						&ec2.DescribeReservedInstancesModificationsInput{Filters: []types.Filter{{
							Name: aws.String("reserved-instances-id"), Values: escapeEC2([]string{aws.ToString(v.ReservedInstancesId)})}}})
					var mods []types.ReservedInstancesModification
					for p.HasMorePages() {
						out, err := p.NextPage(ctx)
						if err != nil {
							return nil, err
						}
						mods = append(mods, out.ReservedInstancesModifications...)
					}
					return mods, nil
				}},
		},
		list: func(ctx context.Context, c *fetch.Client, in *ec2.DescribeReservedInstancesInput, _ *vtab.Query) iter.Seq2[[]types.ReservedInstances, error] {
			call := fetch.One(ctx, func(ctx context.Context) ([]types.ReservedInstances, error) {
				out, err := fetch.Service(c, ec2.NewFromConfig).DescribeReservedInstances(ctx, in)
				if err != nil {
					return nil, err
				}
				return out.ReservedInstances, nil
			})
			return fetch.NotFound(call, "InvalidReservedInstancesId", "InvalidReservedInstancesID.NotFound", "InvalidReservedInstancesID.Malformed")
		},
	})
}
