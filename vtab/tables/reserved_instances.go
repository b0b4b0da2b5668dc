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

// ReservedInstances is reserved_instances: DescribeReservedInstances, one
// unpaged call per target.
func ReservedInstances(s *fetch.Session) Table {
	return define(s, regional[types.ReservedInstances, ec2.DescribeReservedInstancesInput]{
		name:    "reserved_instances",
		doc:     "EC2 reserved instances (DescribeReservedInstances)",
		rows:    1e3,
		ops:     []fetch.Operation{fetch.Read[ec2.DescribeReservedInstancesOutput]("EC2", "DescribeReservedInstances", "ec2:DescribeReservedInstances")},
		filters: func(in *ec2.DescribeReservedInstancesInput) *[]types.Filter { return &in.Filters },
		id:      func(r types.ReservedInstances) string { return aws.ToString(r.ReservedInstancesId) },
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			_, err := fetch.Service(c, ec2.NewFromConfig).DescribeReservedInstances(ctx, &ec2.DescribeReservedInstancesInput{})
			return "", err
		},
		columns: []col[types.ReservedInstances, ec2.DescribeReservedInstancesInput]{
			{Name: "reserved_instance_id", Type: vtab.Text, Get: func(r reserved) any { return r.Value.ReservedInstancesId },
				// A filter, not ReservedInstancesIds: one id that does not
				// exist would fail the whole call.
				Push: filter("reserved-instances-id").selective(1e6)},
			{Name: "instance_type", Type: vtab.Text, Push: filter("instance-type"), Get: func(r reserved) any { return str(r.Value.InstanceType) }},
			{Name: "instance_state", Type: vtab.Text, Push: filter("state"), Doc: "payment-pending, active, payment-failed, retired, queued, queued-deleted",
				Get: func(r reserved) any { return str(r.Value.State) }},
			{Name: "availability_zone", Type: vtab.Text, Push: filter("availability-zone"), Nullable: true, Doc: "NULL for a regional reservation",
				Get: func(r reserved) any { return r.Value.AvailabilityZone }},
			{Name: "scope", Type: vtab.Text, Push: filter("scope"), Doc: "Region or Availability Zone", Get: func(r reserved) any { return str(r.Value.Scope) }},
			{Name: "instance_count", Type: vtab.Integer, Get: func(r reserved) any { return r.Value.InstanceCount }},
			{Name: "start_time", Type: vtab.Time, Get: func(r reserved) any { return r.Value.Start }},
			{Name: "end_time", Type: vtab.Time, Get: func(r reserved) any { return r.Value.End }},
			{Name: "duration", Type: vtab.Integer, Doc: "seconds", Get: func(r reserved) any { return r.Value.Duration }},
			{Name: "fixed_price", Type: vtab.Real, Get: func(r reserved) any { return r.Value.FixedPrice }},
			{Name: "usage_price", Type: vtab.Real, Get: func(r reserved) any { return r.Value.UsagePrice }},
			{Name: "recurring_charges", Type: vtab.JSON, Get: func(r reserved) any { return r.Value.RecurringCharges }},
			{Name: "currency_code", Type: vtab.Text, Get: func(r reserved) any { return str(r.Value.CurrencyCode) }},
			// Request parameters of one value each, which take only their
			// enum's values: any other value matches nothing.
			{Name: "offering_class", Type: vtab.Text, Get: func(r reserved) any { return str(r.Value.OfferingClass) },
				Push: param("the OfferingClass parameter", 1, func(in *ec2.DescribeReservedInstancesInput, v []string) {
					in.OfferingClass = types.OfferingClassType(v[0])
				}).values(oneOf(enumValues[types.OfferingClassType]()...))},
			{Name: "offering_type", Type: vtab.Text, Get: func(r reserved) any { return str(r.Value.OfferingType) },
				Push: param("the OfferingType parameter", 1, func(in *ec2.DescribeReservedInstancesInput, v []string) {
					in.OfferingType = types.OfferingTypeValues(v[0])
				}).values(oneOf(enumValues[types.OfferingTypeValues]()...))},
			{Name: "product_description", Type: vtab.Text, Push: filter("product-description"), Get: func(r reserved) any { return str(r.Value.ProductDescription) }},
			{Name: "instance_tenancy", Type: vtab.Text, Get: func(r reserved) any { return str(r.Value.InstanceTenancy) }},
			{Name: "tags", Type: vtab.JSON, Get: func(r reserved) any { return ec2Tags(r.Value.Tags) }},
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
