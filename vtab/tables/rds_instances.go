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

// rdsFilterValues is how many values RDS takes in one filter.
const rdsFilterValues = 100

// rdsFilter pushes a column as an RDS filter. RDS's filters are pushed but
// re-checked: their matching is not documented as exact (identifiers match
// case-insensitively).
func rdsFilter(name string) *push {
	return param("filter "+name, rdsFilterValues, func(in *rds.DescribeDBInstancesInput, vals []string) {
		in.Filters = append(in.Filters, types.Filter{Name: aws.String(name), Values: vals})
	}).loose()
}

// RDSInstances is rds_instances: DescribeDBInstances.
func RDSInstances(s *fetch.Session) Table {
	return define(s, regional[types.DBInstance, rds.DescribeDBInstancesInput]{
		name: "rds_instances",
		doc:  "RDS database instances (DescribeDBInstances)",
		rows: 1e3,
		ops:  []fetch.Operation{fetch.Read[rds.DescribeDBInstancesOutput]("RDS", "DescribeDBInstances", "rds:DescribeDBInstances")},
		id:   func(d types.DBInstance) string { return aws.ToString(d.DBInstanceArn) },
		probe: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
			_, err := fetch.Service(c, rds.NewFromConfig).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(20)})
			return "", err
		},
		columns: []col[types.DBInstance, rds.DescribeDBInstancesInput]{
			{Name: "db_instance_identifier", Type: vtab.Text, Push: rdsFilter("db-instance-id").selective(1e3), Get: func(d dbInstance) any { return d.Value.DBInstanceIdentifier }},
			{Name: "arn", Type: vtab.Text, Get: func(d dbInstance) any { return d.Value.DBInstanceArn }},
			{Name: "resource_id", Type: vtab.Text, Push: rdsFilter("dbi-resource-id").selective(1e3), Get: func(d dbInstance) any { return d.Value.DbiResourceId }},
			{Name: "db_cluster_identifier", Type: vtab.Text, Push: rdsFilter("db-cluster-id"), Nullable: true, Get: func(d dbInstance) any { return d.Value.DBClusterIdentifier }},
			{Name: "class", Type: vtab.Text, Get: func(d dbInstance) any { return d.Value.DBInstanceClass }},
			{Name: "engine", Type: vtab.Text, Push: rdsFilter("engine"), Get: func(d dbInstance) any { return d.Value.Engine }},
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
		list: func(ctx context.Context, c *fetch.Client, in *rds.DescribeDBInstancesInput, q *vtab.Query) iter.Seq2[[]types.DBInstance, error] {
			in.MaxRecords = aws.Int32(fetch.PageSize(q.Limit, 20, 100))
			p := rds.NewDescribeDBInstancesPaginator(fetch.Service(c, rds.NewFromConfig), in)
			return fetch.Pages(ctx, p, func(out *rds.DescribeDBInstancesOutput) []types.DBInstance { return out.DBInstances }, q.Limit)
		},
	})
}
