package tables

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

type dbInstance = fetch.Item[*types.DBInstance]

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

// RDSInstances is rds_instances (Steampipe's aws_rds_db_instance):
// DescribeDBInstances, and three columns that need a call of their own per
// instance, made only when read: certificate (DescribeCertificates, shared
// by the instances of one CA), pending_maintenance_actions
// (DescribePendingMaintenanceActions) and, when the instance keeps its
// class's defaults, processor_features (DescribeOrderableDBInstanceOptions,
// shared by the instances of one engine, version and class).
func RDSInstances(s *fetch.Session) Table {
	type dbCol = col[*types.DBInstance, rds.DescribeDBInstancesInput]
	return define(s, regional[*types.DBInstance, rds.DescribeDBInstancesInput]{
		name:    "rds_instances",
		aliases: []string{"aws_rds_db_instance"},
		doc:     "RDS database instances (DescribeDBInstances)",
		rows:    1e3,
		ops: []fetch.Operation{
			fetch.Read[rds.DescribeDBInstancesOutput]("RDS", "DescribeDBInstances", "rds:DescribeDBInstances"),
			fetch.Read[rds.DescribeCertificatesOutput]("RDS", "DescribeCertificates", "rds:DescribeCertificates"),
			fetch.Read[rds.DescribePendingMaintenanceActionsOutput]("RDS", "DescribePendingMaintenanceActions", "rds:DescribePendingMaintenanceActions"),
			fetch.Read[rds.DescribeOrderableDBInstanceOptionsOutput]("RDS", "DescribeOrderableDBInstanceOptions", "rds:DescribeOrderableDBInstanceOptions"),
		},
		id:      func(d *types.DBInstance) string { return aws.ToString(d.DBInstanceArn) },
		idReads: []string{"DBInstanceArn"}, tagsReads: []string{"TagList", "DBInstanceIdentifier"},
		project: project[rds.DescribeDBInstancesOutput]("DBInstances"),
		probe:   probeRDS,
		arn:     func(d dbInstance) string { return aws.ToString(d.Value.DBInstanceArn) },
		title:   func(d *types.DBInstance) any { return d.DBInstanceIdentifier },
		tags:    func(d *types.DBInstance) any { return d.TagList },
		columns: []dbCol{
			{Name: "db_instance_identifier", Type: vtab.Text, Push: rdsFilter("db-instance-id").selective(1e3), Field: "DBInstanceIdentifier"},
			// The hydrated columns come early: SQLite tells which columns a
			// statement reads only for a table's first 63.
			{Name: "certificate", Type: vtab.JSON, Nullable: true, Doc: "the CA certificate (DescribeCertificates); NULL when RDS no longer has it",
				Hydrate: rdsCertificate},
			{Name: "pending_maintenance_actions", Type: vtab.JSON, Nullable: true, Doc: "maintenance RDS has scheduled (DescribePendingMaintenanceActions)",
				Hydrate: rdsPendingMaintenance},
			{Name: "processor_features", Type: vtab.JSON, Nullable: true,
				Doc:     "cores and threads per core: the instance's own, else its class's defaults (DescribeOrderableDBInstanceOptions); Oracle, SQL Server and Db2",
				Hydrate: rdsProcessorFeatures},
			{Name: "resource_id", Type: vtab.Text, Doc: "the region-unique, immutable id (DbiResourceId)", Push: rdsFilter("dbi-resource-id").selective(1e3), Field: "DbiResourceId"},
			{Name: "db_cluster_identifier", Type: vtab.Text, Push: rdsFilter("db-cluster-id"), Nullable: true, Field: "DBClusterIdentifier"},
			{Name: "class", Type: vtab.Text, Field: "DBInstanceClass"},
			{Name: "engine", Type: vtab.Text, Push: rdsFilter("engine"), Field: "Engine"},
			{Name: "engine_version", Type: vtab.Text, Field: "EngineVersion"},
			{Name: "status", Type: vtab.Text, Field: "DBInstanceStatus"},
			{Name: "allocated_storage", Type: vtab.Integer, Doc: "GiB", Field: "AllocatedStorage"},
			{Name: "max_allocated_storage", Type: vtab.Integer, Doc: "GiB; NULL without storage autoscaling", Field: "MaxAllocatedStorage"},
			{Name: "storage_type", Type: vtab.Text, Field: "StorageType"},
			{Name: "iops", Type: vtab.Integer, Field: "Iops"},
			{Name: "storage_throughput", Type: vtab.Integer, Doc: "MiB/s (gp3)", Field: "StorageThroughput"},
			{Name: "storage_encrypted", Type: vtab.Bool, Field: "StorageEncrypted"},
			{Name: "kms_key_id", Type: vtab.Text, Field: "KmsKeyId"},
			{Name: "multi_az", Type: vtab.Bool, Field: "MultiAZ"},
			{Name: "availability_zone", Type: vtab.Text, Field: "AvailabilityZone"},
			{Name: "secondary_availability_zone", Type: vtab.Text, Doc: "the standby's zone (Multi-AZ)", Field: "SecondaryAvailabilityZone"},
			{Name: "publicly_accessible", Type: vtab.Bool, Field: "PubliclyAccessible"},
			{Name: "endpoint_address", Type: vtab.Text, Field: "Endpoint.Address"},
			{Name: "endpoint_port", Type: vtab.Integer, Field: "Endpoint.Port"},
			{Name: "endpoint_hosted_zone_id", Type: vtab.Text, Field: "Endpoint.HostedZoneId"},
			{Name: "port", Type: vtab.Integer, Doc: "the instance's own port when it differs from its cluster's (DbInstancePort), else 0", Field: "DbInstancePort"},
			{Name: "db_name", Type: vtab.Text, Field: "DBName"},
			{Name: "master_user_name", Type: vtab.Text, Field: "MasterUsername"},
			{Name: "character_set_name", Type: vtab.Text, Nullable: true, Doc: "Oracle and SQL Server", Field: "CharacterSetName"},
			{Name: "nchar_character_set_name", Type: vtab.Text, Nullable: true, Doc: "Oracle", Field: "NcharCharacterSetName"},
			{Name: "timezone", Type: vtab.Text, Nullable: true, Doc: "SQL Server, when chosen at creation", Field: "Timezone"},
			{Name: "license_model", Type: vtab.Text, Field: "LicenseModel"},
			{Name: "vpc_id", Type: vtab.Text, Field: "DBSubnetGroup.VpcId"},
			{Name: "db_subnet_group_name", Type: vtab.Text, Field: "DBSubnetGroup.DBSubnetGroupName"},
			{Name: "db_subnet_group_arn", Type: vtab.Text, Field: "DBSubnetGroup.DBSubnetGroupArn"},
			{Name: "db_subnet_group_description", Type: vtab.Text, Field: "DBSubnetGroup.DBSubnetGroupDescription"},
			{Name: "db_subnet_group_status", Type: vtab.Text, Field: "DBSubnetGroup.SubnetGroupStatus"},
			{Name: "subnets", Type: vtab.JSON, Doc: "the subnet group's subnets", Field: "DBSubnetGroup.Subnets"},
			{Name: "create_time", Type: vtab.Time, Field: "InstanceCreateTime"},
			{Name: "latest_restorable_time", Type: vtab.Time, Nullable: true, Doc: "the latest point-in-time restore", Field: "LatestRestorableTime"},
			{Name: "backup_retention_period", Type: vtab.Integer, Doc: "days; 0 means no automated backups", Field: "BackupRetentionPeriod"},
			{Name: "preferred_backup_window", Type: vtab.Text, Doc: "UTC, hh24:mi-hh24:mi", Field: "PreferredBackupWindow"},
			{Name: "preferred_maintenance_window", Type: vtab.Text, Doc: "UTC, ddd:hh24:mi-ddd:hh24:mi", Field: "PreferredMaintenanceWindow"},
			{Name: "copy_tags_to_snapshot", Type: vtab.Bool, Field: "CopyTagsToSnapshot"},
			{Name: "deletion_protection", Type: vtab.Bool, Field: "DeletionProtection"},
			{Name: "iam_database_authentication_enabled", Type: vtab.Bool, Field: "IAMDatabaseAuthenticationEnabled"},
			{Name: "auto_minor_version_upgrade", Type: vtab.Bool, Field: "AutoMinorVersionUpgrade"},
			{Name: "customer_owned_ip_enabled", Type: vtab.Bool, Doc: "RDS on Outposts", Field: "CustomerOwnedIpEnabled"},
			{Name: "ca_certificate_identifier", Type: vtab.Text, Field: "CACertificateIdentifier"},
			{Name: "performance_insights_enabled", Type: vtab.Bool, Field: "PerformanceInsightsEnabled"},
			{Name: "performance_insights_kms_key_id", Type: vtab.Text, Nullable: true, Field: "PerformanceInsightsKMSKeyId"},
			{Name: "performance_insights_retention_period", Type: vtab.Integer, Nullable: true, Doc: "days", Field: "PerformanceInsightsRetentionPeriod"},
			{Name: "monitoring_interval", Type: vtab.Integer, Doc: "seconds between Enhanced Monitoring points; 0: off", Field: "MonitoringInterval"},
			{Name: "monitoring_role_arn", Type: vtab.Text, Nullable: true, Field: "MonitoringRoleArn"},
			{Name: "enhanced_monitoring_resource_arn", Type: vtab.Text, Nullable: true, Doc: "the CloudWatch Logs stream of Enhanced Monitoring", Field: "EnhancedMonitoringResourceArn"},
			{Name: "promotion_tier", Type: vtab.Integer, Nullable: true, Doc: "Aurora: the order replicas are promoted in", Field: "PromotionTier"},
			{Name: "read_replica_source_db_instance_identifier", Type: vtab.Text, Nullable: true, Field: "ReadReplicaSourceDBInstanceIdentifier"},
			{Name: "read_replica_db_instance_identifiers", Type: vtab.JSON, Nullable: true, Field: "ReadReplicaDBInstanceIdentifiers"},
			{Name: "read_replica_db_cluster_identifiers", Type: vtab.JSON, Nullable: true, Field: "ReadReplicaDBClusterIdentifiers"},
			{Name: "replica_mode", Type: vtab.Text, Nullable: true, Doc: "Oracle replicas: open-read-only or mounted",
				Reads: []string{"ReplicaMode"}, Get: func(d *dbInstance) any { return enum(&d.Value.ReplicaMode) }},
			{Name: "tde_credential_arn", Type: vtab.Text, Nullable: true, Doc: "Oracle and SQL Server TDE", Field: "TdeCredentialArn"},
			{Name: "status_infos", Type: vtab.JSON, Nullable: true, Doc: "a read replica's replication status", Field: "StatusInfos"},
			{Name: "pending_modified_values", Type: vtab.JSON, Nullable: true, Doc: "changes waiting for the maintenance window", Field: "PendingModifiedValues"},
			{Name: "enabled_cloudwatch_logs_exports", Type: vtab.JSON, Nullable: true, Field: "EnabledCloudwatchLogsExports"},
			{Name: "associated_roles", Type: vtab.JSON, Nullable: true, Doc: "IAM roles the instance uses (S3 integration, ...)", Field: "AssociatedRoles"},
			{Name: "domain_memberships", Type: vtab.JSON, Nullable: true, Doc: "Active Directory domains joined", Field: "DomainMemberships"},
			{Name: "db_parameter_groups", Type: vtab.JSON, Field: "DBParameterGroups"},
			{Name: "option_group_memberships", Type: vtab.JSON, Field: "OptionGroupMemberships"},
			{Name: "db_security_groups", Type: vtab.JSON, Nullable: true, Doc: "EC2-Classic security groups", Field: "DBSecurityGroups"},
			{Name: "vpc_security_groups", Type: vtab.JSON, Field: "VpcSecurityGroups"},
		},
		list: func(ctx context.Context, c *fetch.Client, in *rds.DescribeDBInstancesInput, q *vtab.Query) iter.Seq2[[]*types.DBInstance, error] {
			in.MaxRecords = aws.Int32(fetch.PageSize(q.Limit, 20, 100))
			p := rds.NewDescribeDBInstancesPaginator(fetch.Service(c, rds.NewFromConfig), in)
			return fetch.Pages(ctx, p, func(out *rds.DescribeDBInstancesOutput) []*types.DBInstance { return pointers(out.DBInstances) }, q.Limit)
		},
	})
}

// probeRDS makes one small call of each operation the table may make, so
// that check finds a refused one whether or not the account has instances.
func probeRDS(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
	client, page := fetch.Service(c, rds.NewFromConfig), aws.Int32(20)
	out, err := client.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{MaxRecords: page})
	if err != nil {
		return "", err
	}
	if _, err := client.DescribeCertificates(ctx, &rds.DescribeCertificatesInput{MaxRecords: page}); err != nil {
		return "", err
	}
	if _, err := client.DescribePendingMaintenanceActions(ctx, &rds.DescribePendingMaintenanceActionsInput{MaxRecords: page}); err != nil {
		return "", err
	}
	if _, err := client.DescribeOrderableDBInstanceOptions(ctx, &rds.DescribeOrderableDBInstanceOptionsInput{Engine: aws.String("mysql"), MaxRecords: page}); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d instances in the first page", len(out.DBInstances)), nil
}

// rdsCertificate is the instance's CA certificate. Instances of one CA
// share the call; a CA RDS has retired (rds-ca-2019) is no certificate.
func rdsCertificate(ctx context.Context, c *fetch.Client, d *types.DBInstance) (any, error) {
	if d.CACertificateIdentifier == nil {
		return nil, nil
	}
	out, err := fetch.Service(c, rds.NewFromConfig).DescribeCertificates(ctx,
		&rds.DescribeCertificatesInput{CertificateIdentifier: d.CACertificateIdentifier},
		func(o *rds.Options) {
			o.APIOptions = append(o.APIOptions, fetch.Absent[rds.DescribeCertificatesOutput]("CertificateNotFound"))
		})
	if err != nil || len(out.Certificates) == 0 {
		return nil, err
	}
	return out.Certificates[0], nil
}

// rdsPendingMaintenance lists the maintenance actions scheduled on the
// instance.
func rdsPendingMaintenance(ctx context.Context, c *fetch.Client, d *types.DBInstance) (any, error) {
	p := rds.NewDescribePendingMaintenanceActionsPaginator(fetch.Service(c, rds.NewFromConfig), &rds.DescribePendingMaintenanceActionsInput{
		Filters: []types.Filter{{Name: aws.String("db-instance-id"), Values: []string{aws.ToString(d.DBInstanceIdentifier)}}},
	})
	var all []types.ResourcePendingMaintenanceActions
	for page, err := range fetch.Pages(ctx, p, func(out *rds.DescribePendingMaintenanceActionsOutput) []types.ResourcePendingMaintenanceActions {
		return out.PendingMaintenanceActions
	}, 0) {
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
	}
	return all, nil
}

// processorEngines are the engines whose instances can have their cores
// and threads chosen; the others have no processor features to read.
var processorEngines = []string{"oracle-", "custom-oracle-", "sqlserver-", "custom-sqlserver-", "db2-"}

// rdsProcessorFeatures is the instance's cores and threads per core:
// DescribeDBInstances names them only when they differ from the class's
// defaults, which the options RDS sells for the engine, version, class and
// license say, for the instance's storage type and zone.
func rdsProcessorFeatures(ctx context.Context, c *fetch.Client, d *types.DBInstance) (any, error) {
	engine := aws.ToString(d.Engine)
	if len(d.ProcessorFeatures) > 0 || !slices.ContainsFunc(processorEngines, func(p string) bool { return strings.HasPrefix(engine, p) }) {
		return d.ProcessorFeatures, nil
	}
	p := rds.NewDescribeOrderableDBInstanceOptionsPaginator(fetch.Service(c, rds.NewFromConfig), &rds.DescribeOrderableDBInstanceOptionsInput{
		Engine: d.Engine, EngineVersion: d.EngineVersion, DBInstanceClass: d.DBInstanceClass, LicenseModel: d.LicenseModel,
	})
	for page, err := range fetch.Pages(ctx, p, func(out *rds.DescribeOrderableDBInstanceOptionsOutput) []types.OrderableDBInstanceOption {
		return out.OrderableDBInstanceOptions
	}, 0) {
		if err != nil {
			return nil, err
		}
		for _, o := range page {
			if aws.ToString(o.StorageType) != aws.ToString(d.StorageType) ||
				!slices.ContainsFunc(o.AvailabilityZones, func(z types.AvailabilityZone) bool { return aws.ToString(z.Name) == aws.ToString(d.AvailabilityZone) }) {
				continue
			}
			var features []types.ProcessorFeature
			for _, f := range o.AvailableProcessorFeatures {
				features = append(features, types.ProcessorFeature{Name: f.Name, Value: f.DefaultValue})
			}
			return features, nil
		}
	}
	return nil, nil
}
