package awsfake

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// RDS DescribeDBInstances over the awsQuery protocol.

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
