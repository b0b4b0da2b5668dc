package awsfake

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// RDS DescribeDBInstances over the awsQuery protocol. Element names are the
// Smithy member names of the RDS model, with the list members' @xmlName
// (DBInstance, Tag, VpcSecurityGroupMembership, ...) as the SDK's schema
// (rds v1.133.0, schemas.DBInstance) declares them.

type describeDBInstancesResponse struct {
	XMLName  xml.Name                  `xml:"http://rds.amazonaws.com/doc/2014-10-31/ DescribeDBInstancesResponse"`
	Result   describeDBInstancesResult `xml:"DescribeDBInstancesResult"`
	Metadata responseMetadata          `xml:"ResponseMetadata"`
}

type describeDBInstancesResult struct {
	DBInstances []rdsDBInstance `xml:"DBInstances>DBInstance"`
	Marker      string          `xml:"Marker,omitempty"`
}

type rdsDBInstance struct {
	DBInstanceIdentifier                  *string                `xml:"DBInstanceIdentifier"`
	DBInstanceClass                       *string                `xml:"DBInstanceClass"`
	Engine                                *string                `xml:"Engine"`
	DBInstanceStatus                      *string                `xml:"DBInstanceStatus"`
	MasterUsername                        *string                `xml:"MasterUsername"`
	DBName                                *string                `xml:"DBName"`
	Endpoint                              *rdsEndpoint           `xml:"Endpoint"`
	AllocatedStorage                      *int32                 `xml:"AllocatedStorage"`
	InstanceCreateTime                    string                 `xml:"InstanceCreateTime,omitempty"`
	PreferredBackupWindow                 *string                `xml:"PreferredBackupWindow"`
	BackupRetentionPeriod                 *int32                 `xml:"BackupRetentionPeriod"`
	VpcSecurityGroups                     []rdsVpcSecurityGroup  `xml:"VpcSecurityGroups>VpcSecurityGroupMembership"`
	DBParameterGroups                     []rdsParameterGroup    `xml:"DBParameterGroups>DBParameterGroup"`
	AvailabilityZone                      *string                `xml:"AvailabilityZone"`
	DBSubnetGroup                         *rdsDBSubnetGroup      `xml:"DBSubnetGroup"`
	PreferredMaintenanceWindow            *string                `xml:"PreferredMaintenanceWindow"`
	LatestRestorableTime                  string                 `xml:"LatestRestorableTime,omitempty"`
	MultiAZ                               *bool                  `xml:"MultiAZ"`
	EngineVersion                         *string                `xml:"EngineVersion"`
	AutoMinorVersionUpgrade               *bool                  `xml:"AutoMinorVersionUpgrade"`
	ReadReplicaSourceDBInstanceIdentifier *string                `xml:"ReadReplicaSourceDBInstanceIdentifier"`
	ReadReplicaDBInstanceIdentifiers      []string               `xml:"ReadReplicaDBInstanceIdentifiers>ReadReplicaDBInstanceIdentifier"`
	LicenseModel                          *string                `xml:"LicenseModel"`
	Iops                                  *int32                 `xml:"Iops"`
	StorageThroughput                     *int32                 `xml:"StorageThroughput"`
	OptionGroupMemberships                []rdsOptionGroup       `xml:"OptionGroupMemberships>OptionGroupMembership"`
	SecondaryAvailabilityZone             *string                `xml:"SecondaryAvailabilityZone"`
	PubliclyAccessible                    *bool                  `xml:"PubliclyAccessible"`
	StorageType                           *string                `xml:"StorageType"`
	DbInstancePort                        *int32                 `xml:"DbInstancePort"`
	DBClusterIdentifier                   *string                `xml:"DBClusterIdentifier"`
	StorageEncrypted                      *bool                  `xml:"StorageEncrypted"`
	KmsKeyID                              *string                `xml:"KmsKeyId"`
	DbiResourceID                         *string                `xml:"DbiResourceId"`
	CACertificateIdentifier               *string                `xml:"CACertificateIdentifier"`
	CopyTagsToSnapshot                    *bool                  `xml:"CopyTagsToSnapshot"`
	MonitoringInterval                    *int32                 `xml:"MonitoringInterval"`
	MonitoringRoleArn                     *string                `xml:"MonitoringRoleArn"`
	PromotionTier                         *int32                 `xml:"PromotionTier"`
	DBInstanceArn                         *string                `xml:"DBInstanceArn"`
	IAMDatabaseAuthenticationEnabled      *bool                  `xml:"IAMDatabaseAuthenticationEnabled"`
	PerformanceInsightsEnabled            *bool                  `xml:"PerformanceInsightsEnabled"`
	PerformanceInsightsKMSKeyID           *string                `xml:"PerformanceInsightsKMSKeyId"`
	PerformanceInsightsRetentionPeriod    *int32                 `xml:"PerformanceInsightsRetentionPeriod"`
	EnabledCloudwatchLogsExports          []string               `xml:"EnabledCloudwatchLogsExports>member"`
	DeletionProtection                    *bool                  `xml:"DeletionProtection"`
	MaxAllocatedStorage                   *int32                 `xml:"MaxAllocatedStorage"`
	TagList                               []rdsTag               `xml:"TagList>Tag"`
	CustomerOwnedIPEnabled                *bool                  `xml:"CustomerOwnedIpEnabled"`
	NetworkType                           *string                `xml:"NetworkType"`
	CertificateDetails                    *rdsCertificateDetails `xml:"CertificateDetails"`
	BackupTarget                          *string                `xml:"BackupTarget"`
	DedicatedLogVolume                    *bool                  `xml:"DedicatedLogVolume"`
	EngineLifecycleSupport                *string                `xml:"EngineLifecycleSupport"`
	DatabaseInsightsMode                  string                 `xml:"DatabaseInsightsMode,omitempty"`
}

type rdsEndpoint struct {
	Address      *string `xml:"Address"`
	Port         *int32  `xml:"Port"`
	HostedZoneID *string `xml:"HostedZoneId"`
}

type rdsVpcSecurityGroup struct {
	VpcSecurityGroupID *string `xml:"VpcSecurityGroupId"`
	Status             *string `xml:"Status"`
}

type rdsParameterGroup struct {
	DBParameterGroupName *string `xml:"DBParameterGroupName"`
	ParameterApplyStatus *string `xml:"ParameterApplyStatus"`
}

type rdsOptionGroup struct {
	OptionGroupName *string `xml:"OptionGroupName"`
	Status          *string `xml:"Status"`
}

type rdsDBSubnetGroup struct {
	DBSubnetGroupName        *string     `xml:"DBSubnetGroupName"`
	DBSubnetGroupDescription *string     `xml:"DBSubnetGroupDescription"`
	VpcID                    *string     `xml:"VpcId"`
	SubnetGroupStatus        *string     `xml:"SubnetGroupStatus"`
	Subnets                  []rdsSubnet `xml:"Subnets>Subnet"`
	DBSubnetGroupArn         *string     `xml:"DBSubnetGroupArn"`
}

type rdsSubnet struct {
	SubnetIdentifier       *string `xml:"SubnetIdentifier"`
	SubnetAvailabilityZone *rdsAZ  `xml:"SubnetAvailabilityZone"`
	SubnetStatus           *string `xml:"SubnetStatus"`
}

type rdsAZ struct {
	Name *string `xml:"Name"`
}

type rdsTag struct {
	Key   *string `xml:"Key"`
	Value *string `xml:"Value"`
}

type rdsCertificateDetails struct {
	CAIdentifier *string `xml:"CAIdentifier"`
	ValidTill    string  `xml:"ValidTill,omitempty"`
}

func toRDSDBInstance(in *rdstypes.DBInstance) rdsDBInstance {
	out := rdsDBInstance{
		DBInstanceIdentifier:                  in.DBInstanceIdentifier,
		DBInstanceClass:                       in.DBInstanceClass,
		Engine:                                in.Engine,
		DBInstanceStatus:                      in.DBInstanceStatus,
		MasterUsername:                        in.MasterUsername,
		DBName:                                in.DBName,
		AllocatedStorage:                      in.AllocatedStorage,
		InstanceCreateTime:                    ec2Time(in.InstanceCreateTime),
		PreferredBackupWindow:                 in.PreferredBackupWindow,
		BackupRetentionPeriod:                 in.BackupRetentionPeriod,
		AvailabilityZone:                      in.AvailabilityZone,
		PreferredMaintenanceWindow:            in.PreferredMaintenanceWindow,
		LatestRestorableTime:                  ec2Time(in.LatestRestorableTime),
		MultiAZ:                               in.MultiAZ,
		EngineVersion:                         in.EngineVersion,
		AutoMinorVersionUpgrade:               in.AutoMinorVersionUpgrade,
		ReadReplicaSourceDBInstanceIdentifier: in.ReadReplicaSourceDBInstanceIdentifier,
		ReadReplicaDBInstanceIdentifiers:      in.ReadReplicaDBInstanceIdentifiers,
		LicenseModel:                          in.LicenseModel,
		Iops:                                  in.Iops,
		StorageThroughput:                     in.StorageThroughput,
		SecondaryAvailabilityZone:             in.SecondaryAvailabilityZone,
		PubliclyAccessible:                    in.PubliclyAccessible,
		StorageType:                           in.StorageType,
		DbInstancePort:                        in.DbInstancePort,
		DBClusterIdentifier:                   in.DBClusterIdentifier,
		StorageEncrypted:                      in.StorageEncrypted,
		KmsKeyID:                              in.KmsKeyId,
		DbiResourceID:                         in.DbiResourceId,
		CACertificateIdentifier:               in.CACertificateIdentifier,
		CopyTagsToSnapshot:                    in.CopyTagsToSnapshot,
		MonitoringInterval:                    in.MonitoringInterval,
		MonitoringRoleArn:                     in.MonitoringRoleArn,
		PromotionTier:                         in.PromotionTier,
		DBInstanceArn:                         in.DBInstanceArn,
		IAMDatabaseAuthenticationEnabled:      in.IAMDatabaseAuthenticationEnabled,
		PerformanceInsightsEnabled:            in.PerformanceInsightsEnabled,
		PerformanceInsightsKMSKeyID:           in.PerformanceInsightsKMSKeyId,
		PerformanceInsightsRetentionPeriod:    in.PerformanceInsightsRetentionPeriod,
		EnabledCloudwatchLogsExports:          in.EnabledCloudwatchLogsExports,
		DeletionProtection:                    in.DeletionProtection,
		MaxAllocatedStorage:                   in.MaxAllocatedStorage,
		CustomerOwnedIPEnabled:                in.CustomerOwnedIpEnabled,
		NetworkType:                           in.NetworkType,
		BackupTarget:                          in.BackupTarget,
		DedicatedLogVolume:                    in.DedicatedLogVolume,
		EngineLifecycleSupport:                in.EngineLifecycleSupport,
		DatabaseInsightsMode:                  string(in.DatabaseInsightsMode),
	}
	if e := in.Endpoint; e != nil {
		out.Endpoint = &rdsEndpoint{Address: e.Address, Port: e.Port, HostedZoneID: e.HostedZoneId}
	}
	for _, g := range in.VpcSecurityGroups {
		out.VpcSecurityGroups = append(out.VpcSecurityGroups, rdsVpcSecurityGroup{VpcSecurityGroupID: g.VpcSecurityGroupId, Status: g.Status})
	}
	for _, g := range in.DBParameterGroups {
		out.DBParameterGroups = append(out.DBParameterGroups, rdsParameterGroup{DBParameterGroupName: g.DBParameterGroupName, ParameterApplyStatus: g.ParameterApplyStatus})
	}
	for _, g := range in.OptionGroupMemberships {
		out.OptionGroupMemberships = append(out.OptionGroupMemberships, rdsOptionGroup{OptionGroupName: g.OptionGroupName, Status: g.Status})
	}
	if g := in.DBSubnetGroup; g != nil {
		sg := &rdsDBSubnetGroup{
			DBSubnetGroupName: g.DBSubnetGroupName, DBSubnetGroupDescription: g.DBSubnetGroupDescription,
			VpcID: g.VpcId, SubnetGroupStatus: g.SubnetGroupStatus, DBSubnetGroupArn: g.DBSubnetGroupArn,
		}
		for _, s := range g.Subnets {
			w := rdsSubnet{SubnetIdentifier: s.SubnetIdentifier, SubnetStatus: s.SubnetStatus}
			if s.SubnetAvailabilityZone != nil {
				w.SubnetAvailabilityZone = &rdsAZ{Name: s.SubnetAvailabilityZone.Name}
			}
			sg.Subnets = append(sg.Subnets, w)
		}
		out.DBSubnetGroup = sg
	}
	for _, t := range in.TagList {
		out.TagList = append(out.TagList, rdsTag{Key: t.Key, Value: t.Value})
	}
	if d := in.CertificateDetails; d != nil {
		out.CertificateDetails = &rdsCertificateDetails{CAIdentifier: d.CAIdentifier, ValidTill: ec2Time(d.ValidTill)}
	}
	return out
}

// rdsFilterValues maps the DescribeDBInstances filter names to what a DB
// instance matches. RDS filters are exact (no wildcards); identifiers are
// matched case-insensitively and may be given as ARNs.
func (c *call) rdsFilterValues(name string, db *rdstypes.DBInstance) ([]string, bool) {
	switch name {
	case "db-instance-id":
		return []string{strings.ToLower(deref(db.DBInstanceIdentifier)), deref(db.DBInstanceArn)}, true
	case "db-cluster-id":
		if db.DBClusterIdentifier == nil {
			return nil, true
		}
		id := strings.ToLower(*db.DBClusterIdentifier)
		return []string{id, fmt.Sprintf("arn:%s:rds:%s:%s:cluster:%s", partition(c.s.ds), c.region, c.account.ID, id)}, true
	case "engine":
		return []string{deref(db.Engine)}, true
	case "dbi-resource-id":
		return []string{deref(db.DbiResourceId)}, true
	}
	return nil, false
}

func (c *call) describeDBInstances() (any, *apiError) {
	maxRecords := 100
	if v := c.params.Get("MaxRecords"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 20 || n > 100 {
			return nil, invalidParameterValue("Invalid value %s for MaxRecords. Must be between 20 and 100", v)
		}
		maxRecords = n
	}
	filters := rdsFilters(c.params)
	for _, f := range filters {
		if _, ok := c.rdsFilterValues(f.name, &rdstypes.DBInstance{}); !ok {
			return nil, invalidParameterValue("Unrecognized filter name: %s", f.name)
		}
	}
	all := resources(c.account, c.region).DBInstances
	id := c.params.Get("DBInstanceIdentifier")
	var matched []*rdstypes.DBInstance
	for i := range all {
		db := &all[i]
		if id != "" && !strings.EqualFold(deref(db.DBInstanceIdentifier), id) {
			continue
		}
		if c.rdsMatches(filters, db) {
			matched = append(matched, db)
		}
	}
	if id != "" && len(matched) == 0 {
		// Only a missing instance is an error; one that exists but is
		// filtered out is an empty answer.
		exists := false
		for i := range all {
			exists = exists || strings.EqualFold(deref(all[i].DBInstanceIdentifier), id)
		}
		if !exists {
			return nil, errorf(http.StatusNotFound, "DBInstanceNotFound", "DBInstance %s not found.", id)
		}
	}
	offset := 0
	if m := c.params.Get("Marker"); m != "" {
		var ok bool
		if offset, ok = decodeToken(c, m); !ok {
			return nil, invalidParameterValue("The parameter Marker is not a valid marker: %s", m)
		}
	}
	lo, hi, more := pageBounds(len(matched), offset, c.s.capPage(maxRecords))
	resp := describeDBInstancesResponse{Metadata: responseMetadata{RequestID: c.requestID}}
	if more {
		resp.Result.Marker = encodeToken(c, hi)
	}
	for _, db := range matched[lo:hi] {
		resp.Result.DBInstances = append(resp.Result.DBInstances, toRDSDBInstance(db))
	}
	return resp, nil
}

func (c *call) rdsMatches(filters []filter, db *rdstypes.DBInstance) bool {
	for _, f := range filters {
		have, _ := c.rdsFilterValues(f.name, db)
		ok := false
		for _, want := range f.values {
			for _, h := range have {
				if h != "" && (h == want || (f.name == "db-instance-id" || f.name == "db-cluster-id") && strings.EqualFold(h, want)) {
					ok = true
				}
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
