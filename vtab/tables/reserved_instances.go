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

var reservedFilters = map[string]string{
	"instance_state":      "state",
	"instance_type":       "instance-type",
	"availability_zone":   "availability-zone",
	"scope":               "scope",
	"product_description": "product-description",
}

// ReservedInstances is reserved_instances: DescribeReservedInstances, one
// unpaged call per target.
func ReservedInstances(s *fetch.Session) vtab.Def {
	return define(s, regional[types.ReservedInstances]{
		name: "reserved_instances",
		doc:  "EC2 reserved instances (DescribeReservedInstances)",
		rows: 1e3,
		push: pushes(reservedFilters, map[string]string{"reserved_instance_id": "ReservedInstancesIds", "offering_class": "OfferingClass", "offering_type": "OfferingType"}),
		id:   func(r types.ReservedInstances) string { return aws.ToString(r.ReservedInstancesId) },
		columns: []vtab.Column[reserved]{
			{Name: "reserved_instance_id", Type: vtab.Text, Key: vtab.Exact, Selectivity: 1e6, Get: func(r reserved) any { return r.Value.ReservedInstancesId }},
			{Name: "instance_type", Type: vtab.Text, Key: vtab.Exact, Get: func(r reserved) any { return str(r.Value.InstanceType) }},
			{Name: "instance_state", Type: vtab.Text, Key: vtab.Exact, Doc: "payment-pending, active, payment-failed, retired, queued, queued-deleted",
				Get: func(r reserved) any { return str(r.Value.State) }},
			{Name: "availability_zone", Type: vtab.Text, Key: vtab.Exact, Nullable: true, Doc: "NULL for a regional reservation",
				Get: func(r reserved) any { return r.Value.AvailabilityZone }},
			{Name: "scope", Type: vtab.Text, Key: vtab.Exact, Doc: "Region or Availability Zone", Get: func(r reserved) any { return str(r.Value.Scope) }},
			{Name: "instance_count", Type: vtab.Integer, Get: func(r reserved) any { return r.Value.InstanceCount }},
			{Name: "start_time", Type: vtab.Time, Get: func(r reserved) any { return r.Value.Start }},
			{Name: "end_time", Type: vtab.Time, Get: func(r reserved) any { return r.Value.End }},
			{Name: "duration", Type: vtab.Integer, Doc: "seconds", Get: func(r reserved) any { return r.Value.Duration }},
			{Name: "fixed_price", Type: vtab.Real, Get: func(r reserved) any { return r.Value.FixedPrice }},
			{Name: "usage_price", Type: vtab.Real, Get: func(r reserved) any { return r.Value.UsagePrice }},
			{Name: "recurring_charges", Type: vtab.JSON, Get: func(r reserved) any { return r.Value.RecurringCharges }},
			{Name: "currency_code", Type: vtab.Text, Get: func(r reserved) any { return str(r.Value.CurrencyCode) }},
			{Name: "offering_class", Type: vtab.Text, Key: vtab.Exact, Get: func(r reserved) any { return str(r.Value.OfferingClass) }},
			{Name: "offering_type", Type: vtab.Text, Key: vtab.Exact, Get: func(r reserved) any { return str(r.Value.OfferingType) }},
			{Name: "product_description", Type: vtab.Text, Key: vtab.Exact, Get: func(r reserved) any { return str(r.Value.ProductDescription) }},
			{Name: "instance_tenancy", Type: vtab.Text, Get: func(r reserved) any { return str(r.Value.InstanceTenancy) }},
			{Name: "tags", Type: vtab.JSON, Get: func(r reserved) any { return ec2Tags(r.Value.Tags) }},
		},
		list: func(ctx context.Context, c *fetch.Client, q *vtab.Query) iter.Seq2[[]types.ReservedInstances, error] {
			filters, ok := ec2Filters(q, reservedFilters)
			if !ok {
				return done[types.ReservedInstances]()
			}
			in := &ec2.DescribeReservedInstancesInput{Filters: filters}
			if id, ok := q.String("reserved_instance_id"); ok {
				in.ReservedInstancesIds = []string{id}
			}
			// OfferingClass and OfferingType are request parameters that take
			// only their enum's values; any other value matches nothing.
			if v, ok := q.String("offering_class"); ok {
				if !isEnum(types.OfferingClassType(v)) {
					return done[types.ReservedInstances]()
				}
				in.OfferingClass = types.OfferingClassType(v)
			}
			if v, ok := q.String("offering_type"); ok {
				if !isEnum(types.OfferingTypeValues(v)) {
					return done[types.ReservedInstances]()
				}
				in.OfferingType = types.OfferingTypeValues(v)
			}
			call := fetch.One(ctx, func(ctx context.Context) ([]types.ReservedInstances, error) {
				out, err := c.EC2.DescribeReservedInstances(ctx, in)
				if err != nil {
					return nil, err
				}
				return out.ReservedInstances, nil
			})
			return fetch.NotFound(call, "InvalidReservedInstancesId", "InvalidReservedInstancesID.NotFound", "InvalidReservedInstancesID.Malformed")
		},
	})
}

// isEnum reports whether v is one of the values the SDK lists for its type.
func isEnum[E interface {
	~string
	Values() []E
}](v E) bool {
	for _, e := range v.Values() {
		if e == v {
			return true
		}
	}
	return false
}
