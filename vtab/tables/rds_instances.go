package tables

import (
	"context"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

type dbInstance = fetch.Item[types.DBInstance]

// RDS filters are pushed but re-checked: DBInstanceIdentifier matches
// case-insensitively, and the filters' matching is not documented as exact.
var dbFilters = map[string]string{
	"engine":                "engine",
	"db_cluster_identifier": "db-cluster-id",
	"resource_id":           "dbi-resource-id",
}

// RDSInstances is rds_instances: DescribeDBInstances.
func RDSInstances(s *fetch.Session) vtab.Def {
	return define(s, regional[types.DBInstance]{
		name: "rds_instances",
		doc:  "RDS database instances (DescribeDBInstances)",
		rows: 1e3,
		push: pushes(dbFilters, map[string]string{"db_instance_identifier": "DBInstanceIdentifier"}),
		id:   func(d types.DBInstance) string { return aws.ToString(d.DBInstanceArn) },
		columns: []vtab.Column[dbInstance]{
			{Name: "db_instance_identifier", Type: vtab.Text, Key: vtab.Pushed, Selectivity: 1e3, Get: func(d dbInstance) any { return d.Value.DBInstanceIdentifier }},
			{Name: "arn", Type: vtab.Text, Get: func(d dbInstance) any { return d.Value.DBInstanceArn }},
			{Name: "resource_id", Type: vtab.Text, Key: vtab.Pushed, Selectivity: 1e3, Get: func(d dbInstance) any { return d.Value.DbiResourceId }},
			{Name: "db_cluster_identifier", Type: vtab.Text, Key: vtab.Pushed, Nullable: true, Get: func(d dbInstance) any { return d.Value.DBClusterIdentifier }},
			{Name: "class", Type: vtab.Text, Get: func(d dbInstance) any { return d.Value.DBInstanceClass }},
			{Name: "engine", Type: vtab.Text, Key: vtab.Pushed, Get: func(d dbInstance) any { return d.Value.Engine }},
			{Name: "engine_version", Type: vtab.Text, Get: func(d dbInstance) any { return d.Value.EngineVersion }},
			{Name: "status", Type: vtab.Text, Get: func(d dbInstance) any { return d.Value.DBInstanceStatus }},
			{Name: "allocated_storage", Type: vtab.Integer, Doc: "GiB", Get: func(d dbInstance) any { return d.Value.AllocatedStorage }},
			{Name: "max_allocated_storage", Type: vtab.Integer, Doc: "GiB; NULL without storage autoscaling", Get: func(d dbInstance) any { return d.Value.MaxAllocatedStorage }},
			{Name: "storage_type", Type: vtab.Text, Get: func(d dbInstance) any { return d.Value.StorageType }},
			{Name: "iops", Type: vtab.Integer, Get: func(d dbInstance) any { return d.Value.Iops }},
			{Name: "storage_encrypted", Type: vtab.Bool, Get: func(d dbInstance) any { return d.Value.StorageEncrypted }},
			{Name: "kms_key_id", Type: vtab.Text, Get: func(d dbInstance) any { return d.Value.KmsKeyId }},
			{Name: "multi_az", Type: vtab.Bool, Get: func(d dbInstance) any { return d.Value.MultiAZ }},
			{Name: "availability_zone", Type: vtab.Text, Get: func(d dbInstance) any { return d.Value.AvailabilityZone }},
			{Name: "publicly_accessible", Type: vtab.Bool, Get: func(d dbInstance) any { return d.Value.PubliclyAccessible }},
			{Name: "endpoint_address", Type: vtab.Text, Get: func(d dbInstance) any {
				if d.Value.Endpoint == nil {
					return nil
				}
				return d.Value.Endpoint.Address
			}},
			{Name: "endpoint_port", Type: vtab.Integer, Get: func(d dbInstance) any {
				if d.Value.Endpoint == nil {
					return nil
				}
				return d.Value.Endpoint.Port
			}},
			{Name: "db_name", Type: vtab.Text, Get: func(d dbInstance) any { return d.Value.DBName }},
			{Name: "master_user_name", Type: vtab.Text, Get: func(d dbInstance) any { return d.Value.MasterUsername }},
			{Name: "vpc_id", Type: vtab.Text, Get: func(d dbInstance) any {
				if d.Value.DBSubnetGroup == nil {
					return nil
				}
				return d.Value.DBSubnetGroup.VpcId
			}},
			{Name: "db_subnet_group_name", Type: vtab.Text, Get: func(d dbInstance) any {
				if d.Value.DBSubnetGroup == nil {
					return nil
				}
				return d.Value.DBSubnetGroup.DBSubnetGroupName
			}},
			{Name: "create_time", Type: vtab.Time, Get: func(d dbInstance) any { return d.Value.InstanceCreateTime }},
			{Name: "backup_retention_period", Type: vtab.Integer, Doc: "days; 0 means no automated backups", Get: func(d dbInstance) any { return d.Value.BackupRetentionPeriod }},
			{Name: "deletion_protection", Type: vtab.Bool, Get: func(d dbInstance) any { return d.Value.DeletionProtection }},
			{Name: "iam_database_authentication_enabled", Type: vtab.Bool, Get: func(d dbInstance) any { return d.Value.IAMDatabaseAuthenticationEnabled }},
			{Name: "auto_minor_version_upgrade", Type: vtab.Bool, Get: func(d dbInstance) any { return d.Value.AutoMinorVersionUpgrade }},
			{Name: "ca_certificate_identifier", Type: vtab.Text, Get: func(d dbInstance) any { return d.Value.CACertificateIdentifier }},
			{Name: "performance_insights_enabled", Type: vtab.Bool, Get: func(d dbInstance) any { return d.Value.PerformanceInsightsEnabled }},
			{Name: "vpc_security_groups", Type: vtab.JSON, Get: func(d dbInstance) any { return d.Value.VpcSecurityGroups }},
			{Name: "tags", Type: vtab.JSON, Get: func(d dbInstance) any { return rdsTags(d.Value.TagList) }},
		},
		list: func(ctx context.Context, c *fetch.Client, q *vtab.Query) iter.Seq2[[]types.DBInstance, error] {
			in := &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(fetch.PageSize(q.Limit, 20, 100))}
			for col, name := range dbFilters {
				if v, ok := q.String(col); ok {
					in.Filters = append(in.Filters, types.Filter{Name: aws.String(name), Values: []string{v}})
				}
			}
			id, byID := q.String("db_instance_identifier")
			if byID {
				in.DBInstanceIdentifier = aws.String(id)
			}
			p := rds.NewDescribeDBInstancesPaginator(c.RDS, in)
			pages := fetch.Pages(ctx, p, func(out *rds.DescribeDBInstancesOutput) []types.DBInstance { return out.DBInstances }, q.Limit)
			if byID {
				// An identifier RDS finds malformed matches nothing either.
				return fetch.NotFound(pages, "DBInstanceNotFound", "DBInstanceNotFoundFault", "InvalidParameterValue")
			}
			return pages
		},
	})
}
