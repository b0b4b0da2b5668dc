package awsfake

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// RDS over the awsQuery protocol: DescribeDBInstances, and what the
// instances' other columns read (certificates, pending maintenance,
// orderable options).

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
	resp := &rds.DescribeDBInstancesOutput{DBInstances: []rdstypes.DBInstance{}}
	if more {
		resp.Marker = aws.String(encodeToken(c, hi))
	}
	for _, db := range matched[lo:hi] {
		resp.DBInstances = append(resp.DBInstances, *db)
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

// describeCertificates answers DescribeCertificates: the region's CA
// certificates, or the one named; a name RDS does not have (rds-ca-2019,
// retired) is CertificateNotFound.
func (c *call) describeCertificates() (any, *apiError) {
	maxRecords, aerr := rdsMaxRecords(c, 100)
	if aerr != nil {
		return nil, aerr
	}
	all := fakedata.RDSCertificates(partition(c.s.ds), c.region)
	if id := c.params.Get("CertificateIdentifier"); id != "" {
		i := slices.IndexFunc(all, func(cert rdstypes.Certificate) bool { return strings.EqualFold(deref(cert.CertificateIdentifier), id) })
		if i < 0 {
			return nil, errorf(http.StatusNotFound, "CertificateNotFound", "Certificate %s not found.", id)
		}
		all = all[i : i+1]
	}
	lo, hi, more, aerr := rdsPage(c, len(all), maxRecords)
	if aerr != nil {
		return nil, aerr
	}
	out := &rds.DescribeCertificatesOutput{Certificates: all[lo:hi], DefaultCertificateForNewLaunches: aws.String(fakedata.RDSDefaultCertificate)}
	if more {
		out.Marker = aws.String(encodeToken(c, hi))
	}
	return out, nil
}

// describePendingMaintenanceActions answers DescribePendingMaintenanceActions:
// the region's pending actions, of one resource (ResourceIdentifier, an
// ARN) or of the instances a db-instance-id filter names (identifiers or
// ARNs).
func (c *call) describePendingMaintenanceActions() (any, *apiError) {
	maxRecords, aerr := rdsMaxRecords(c, 100)
	if aerr != nil {
		return nil, aerr
	}
	r := resources(c.account, c.region)
	// Each filter, and ResourceIdentifier, must match (RDS ANDs them).
	var tests []func(arn string) bool
	for _, f := range rdsFilters(c.params) {
		switch f.name {
		case "db-instance-id":
			var arns []string
			for _, v := range f.values {
				for _, db := range r.DBInstances {
					if strings.EqualFold(deref(db.DBInstanceIdentifier), v) || deref(db.DBInstanceArn) == v {
						arns = append(arns, deref(db.DBInstanceArn))
					}
				}
			}
			tests = append(tests, func(arn string) bool { return slices.Contains(arns, arn) })
		case "db-cluster-id":
			tests = append(tests, func(string) bool { return false }) // the fake has no clusters
		default:
			return nil, invalidParameterValue("Unrecognized filter name: %s", f.name)
		}
	}
	if id := c.params.Get("ResourceIdentifier"); id != "" {
		tests = append(tests, func(arn string) bool { return arn == id })
	}
	var matched []rdstypes.ResourcePendingMaintenanceActions
	for _, p := range r.PendingMaintenance {
		if !slices.ContainsFunc(tests, func(test func(string) bool) bool { return !test(deref(p.ResourceIdentifier)) }) {
			matched = append(matched, p)
		}
	}
	lo, hi, more, aerr := rdsPage(c, len(matched), maxRecords)
	if aerr != nil {
		return nil, aerr
	}
	out := &rds.DescribePendingMaintenanceActionsOutput{PendingMaintenanceActions: append([]rdstypes.ResourcePendingMaintenanceActions{}, matched[lo:hi]...)}
	if more {
		out.Marker = aws.String(encodeToken(c, hi))
	}
	return out, nil
}

// describeOrderableDBInstanceOptions answers
// DescribeOrderableDBInstanceOptions: what RDS sells for an engine in the
// region, narrowed by version, class, license model and VPC.
func (c *call) describeOrderableDBInstanceOptions() (any, *apiError) {
	maxRecords, aerr := rdsMaxRecordsUpTo(c, 100, 1000)
	if aerr != nil {
		return nil, aerr
	}
	engine := c.params.Get("Engine")
	if engine == "" {
		return nil, errorf(http.StatusBadRequest, "MissingParameter", "The request must contain the parameter Engine")
	}
	var matched []rdstypes.OrderableDBInstanceOption
	for _, o := range fakedata.RDSOrderableOptions(c.region, engine) {
		if v := c.params.Get("EngineVersion"); v != "" && v != deref(o.EngineVersion) ||
			c.params.Get("DBInstanceClass") != "" && c.params.Get("DBInstanceClass") != deref(o.DBInstanceClass) ||
			c.params.Get("LicenseModel") != "" && c.params.Get("LicenseModel") != deref(o.LicenseModel) ||
			c.params.Get("Vpc") == "false" {
			continue
		}
		matched = append(matched, o)
	}
	lo, hi, more, aerr := rdsPage(c, len(matched), maxRecords)
	if aerr != nil {
		return nil, aerr
	}
	out := &rds.DescribeOrderableDBInstanceOptionsOutput{OrderableDBInstanceOptions: append([]rdstypes.OrderableDBInstanceOption{}, matched[lo:hi]...)}
	if more {
		out.Marker = aws.String(encodeToken(c, hi))
	}
	return out, nil
}

// rdsMaxRecords reads MaxRecords, which RDS takes from 20 to 100.
func rdsMaxRecords(c *call, def int) (int, *apiError) { return rdsMaxRecordsUpTo(c, def, 100) }

func rdsMaxRecordsUpTo(c *call, def, max int) (int, *apiError) {
	v := c.params.Get("MaxRecords")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 20 || n > max {
		return 0, invalidParameterValue("Invalid value %s for MaxRecords. Must be between 20 and %d", v, max)
	}
	return n, nil
}

// rdsPage is the page of n items that Marker and MaxRecords ask for.
func rdsPage(c *call, n, maxRecords int) (lo, hi int, more bool, aerr *apiError) {
	offset := 0
	if m := c.params.Get("Marker"); m != "" {
		var ok bool
		if offset, ok = decodeToken(c, m); !ok {
			return 0, 0, false, invalidParameterValue("The parameter Marker is not a valid marker: %s", m)
		}
	}
	lo, hi, more = pageBounds(n, offset, c.s.capPage(maxRecords))
	return lo, hi, more, nil
}
