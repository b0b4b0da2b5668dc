package fakedata

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// What RDS answers the same in every account: its CA certificates and the
// instance options it sells. They are facts of the region, not records of
// an account, so they are made here rather than kept in a Dataset.

// RDSDefaultCertificate is the CA RDS gives new instances.
const RDSDefaultCertificate = "rds-ca-rsa2048-g1"

// RDSCertificates returns the CA certificates of a region as
// DescribeCertificates lists them. rds-ca-2019, which expired in 2024, is
// gone: an instance still naming it finds no certificate.
func RDSCertificates(partition, region string) []rdstypes.Certificate {
	cert := func(id, thumb string, from time.Time, years int) rdstypes.Certificate {
		return rdstypes.Certificate{
			CertificateArn:        aws.String(fmt.Sprintf("arn:%s:rds:%s::cert:%s", partition, region, id)),
			CertificateIdentifier: aws.String(id),
			CertificateType:       aws.String("CA"),
			CustomerOverride:      aws.Bool(false),
			Thumbprint:            aws.String(thumb),
			ValidFrom:             aws.Time(from),
			ValidTill:             aws.Time(from.AddDate(years, 0, 0)),
		}
	}
	from := time.Date(2021, 5, 25, 23, 34, 57, 0, time.UTC)
	return []rdstypes.Certificate{
		cert("rds-ca-ecc384-g1", hexDigest("cert:ecc384:"+region, 40), from.Add(time.Minute), 100),
		cert(RDSDefaultCertificate, hexDigest("cert:rsa2048:"+region, 40), from, 40),
		cert("rds-ca-rsa4096-g1", hexDigest("cert:rsa4096:"+region, 40), from.Add(2*time.Minute), 100),
	}
}

// rdsEngineVersions are the versions of each engine RDS offers here.
var rdsEngineVersions = map[string][]string{
	"aurora-mysql":      {"8.0.mysql_aurora.3.05.2", "8.0.mysql_aurora.3.07.1"},
	"aurora-postgresql": {"15.4", "16.4"},
	"mariadb":           {"10.11.9", "11.4.3"},
	"mysql":             {"5.7.44", "8.0.39", "8.4.3"},
	"oracle-se2":        {"19.0.0.0.ru-2024-10.rur-2024-10.r1"},
	"postgres":          {"15.8", "16.4", "17.2"},
	"sqlserver-se":      {"15.00.4395.2.v1", "16.00.4155.4.v1"},
}

// rdsClassCPUs are the vCPUs of the instance classes RDS offers here.
var rdsClassCPUs = map[string]int32{
	"db.t3.micro": 2, "db.t3.small": 2, "db.t3.medium": 2, "db.t4g.medium": 2,
	"db.m5.large": 2, "db.m5.xlarge": 4, "db.r6g.large": 2, "db.r6g.xlarge": 4,
}

// RDSOrderableOptions returns what DescribeOrderableDBInstanceOptions
// lists for an engine in a region: each version, class, license model and
// storage type, in the region's three zones. Only Oracle and SQL Server on
// classes other than the burstable db.t ones let the cores and threads be
// chosen (AvailableProcessorFeatures, with the class's defaults).
func RDSOrderableOptions(region, engine string) []rdstypes.OrderableDBInstanceOption {
	var out []rdstypes.OrderableDBInstanceOption
	aurora := strings.HasPrefix(engine, "aurora")
	storages := []string{"gp2", "gp3", "io1"}
	if aurora {
		storages = []string{"aurora"}
	}
	licenses := []string{"general-public-license"}
	switch {
	case strings.Contains(engine, "postgres"):
		licenses = []string{"postgresql-license"}
	case strings.HasPrefix(engine, "oracle"):
		licenses = []string{"bring-your-own-license", "license-included"}
	case strings.HasPrefix(engine, "sqlserver"):
		licenses = []string{"license-included"}
	}
	var zones []rdstypes.AvailabilityZone
	for _, z := range "abc" {
		zones = append(zones, rdstypes.AvailabilityZone{Name: aws.String(region + string(z))})
	}
	for _, version := range rdsEngineVersions[engine] {
		for _, class := range slices.Sorted(maps.Keys(rdsClassCPUs)) {
			for _, license := range licenses {
				for _, storage := range storages {
					o := rdstypes.OrderableDBInstanceOption{
						Engine:                      aws.String(engine),
						EngineVersion:               aws.String(version),
						DBInstanceClass:             aws.String(class),
						LicenseModel:                aws.String(license),
						StorageType:                 aws.String(storage),
						AvailabilityZones:           zones,
						MultiAZCapable:              aws.Bool(!strings.HasPrefix(class, "db.t3.micro")),
						Vpc:                         aws.Bool(true),
						SupportsStorageEncryption:   aws.Bool(class != "db.t3.micro"),
						SupportsIops:                aws.Bool(storage == "io1" || storage == "gp3"),
						SupportsPerformanceInsights: aws.Bool(!strings.HasPrefix(class, "db.t3.micro")),
					}
					if (strings.HasPrefix(engine, "oracle") || strings.HasPrefix(engine, "sqlserver")) && !strings.HasPrefix(class, "db.t") {
						cpus := rdsClassCPUs[class]
						o.AvailableProcessorFeatures = []rdstypes.AvailableProcessorFeature{
							{Name: aws.String("coreCount"), DefaultValue: aws.String(fmt.Sprint(cpus / 2)), AllowedValues: aws.String(allowed(cpus / 2))},
							{Name: aws.String("threadsPerCore"), DefaultValue: aws.String("2"), AllowedValues: aws.String("1,2")},
						}
					}
					out = append(out, o)
				}
			}
		}
	}
	return out
}

func allowed(n int32) string {
	var vals []string
	for i := int32(1); i <= n; i++ {
		vals = append(vals, fmt.Sprint(i))
	}
	return strings.Join(vals, ",")
}
