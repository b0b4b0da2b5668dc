package awsfake

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// Systems Manager over the JSON 1.1 protocol: DescribeInstanceInformation
// (the managed nodes, with its filters), GetInventorySchema (the inventory
// types: AWS's own and the custom types the region's nodes reported) and
// ListInventoryEntries (one node's inventory of one type). Not modelled:
// ListInventoryEntries' Filters and GetInventorySchema's Aggregator and
// SubType, answered 400 rather than guessed.

// ssmTarget prefixes X-Amz-Target: AmazonSSM.DescribeInstanceInformation.
const ssmTarget = "AmazonSSM"

var (
	ssmInstanceIDPattern = regexp.MustCompile(`(^i-(\w{8}|\w{17})$)|(^mi-\w{17}$)`)
	ssmTypeNamePattern   = regexp.MustCompile(`^(AWS|Custom):.*$`)
)

func errSSMValidation(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "ValidationException", format, args...)
}

// ssmMaxResults reads MaxResults within [lo, hi], def when absent.
func (c *call) ssmMaxResults(lo, hi, def int) (int, *apiError) {
	v := c.params.Get("MaxResults")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		return 0, errorf(http.StatusBadRequest, "SerializationException", "STRING_VALUE can not be converted to an Integer")
	case n < lo:
		return 0, errSSMValidation("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to %d", n, lo)
	case n > hi:
		return 0, errSSMValidation("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to %d", n, hi)
	}
	return n, nil
}

// ssmOffset reads NextToken.
func (c *call) ssmOffset() (int, *apiError) {
	tok := c.params.Get("NextToken")
	if tok == "" {
		return 0, nil
	}
	off, ok := decodeToken(c, tok)
	if !ok {
		return 0, errorf(http.StatusBadRequest, "InvalidNextToken", "The specified token isn't valid.")
	}
	return off, nil
}

// instanceFilter is one filter of DescribeInstanceInformation, from either
// list (Filters, or the legacy InstanceInformationFilterList).
type instanceFilter struct {
	key    string
	values []string
}

// The filter keys of DescribeInstanceInformation, and the values of those
// that take only some.
var (
	instanceFilterKeys = []string{"ActivationIds", "AgentVersion", "AssociationStatus", "IamRole", "InstanceIds", "PingStatus",
		"PlatformTypes", "ResourceType", "SourceIds", "SourceTypes"}
	instanceFilterEnums = map[string][]string{
		"AssociationStatus": {"Success", "Pending", "Failed"},
		"PingStatus":        {"Online", "ConnectionLost", "Inactive"},
		"PlatformTypes":     {"Windows", "Linux", "MacOS"},
		"ResourceType":      {"EC2Instance", "ManagedInstance"},
		"SourceTypes":       {"AWS::EC2::Instance", "AWS::SSM::ManagedInstance", "AWS::IoT::Thing", "Microsoft.Compute/virtualMachines"},
	}
)

// instanceFilters reads and checks the filters of a DescribeInstanceInformation.
func (c *call) instanceFilters() ([]instanceFilter, *apiError) {
	var filters []instanceFilter
	if raw := c.params.Get("Filters"); raw != "" {
		var list []struct {
			Key    string
			Values []string
		}
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			return nil, errorf(http.StatusBadRequest, "SerializationException", "Start of list found where not expected")
		}
		for _, f := range list {
			filters = append(filters, instanceFilter{key: f.Key, values: f.Values})
		}
	}
	if raw := c.params.Get("InstanceInformationFilterList"); raw != "" {
		if len(filters) > 0 {
			return nil, errorf(http.StatusBadRequest, "InvalidInstanceInformationFilterValue", "InstanceInformationFilterList and Filters cannot be used together.")
		}
		var list []struct {
			Key      string `json:"key"`
			ValueSet []string
		}
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			return nil, errorf(http.StatusBadRequest, "SerializationException", "Start of list found where not expected")
		}
		for _, f := range list {
			if f.Key == "SourceIds" || f.Key == "SourceTypes" || !slices.Contains(instanceFilterKeys, f.Key) {
				return nil, errSSMValidation("1 validation error detected: Value '%s' at 'instanceInformationFilterList.1.member.key' failed to satisfy constraint: Member must satisfy enum value set", f.Key)
			}
			filters = append(filters, instanceFilter{key: f.Key, values: f.ValueSet})
		}
	}
	tags := 0
	for _, f := range filters {
		isTag := f.key == "tag-key" || (strings.HasPrefix(f.key, "tag:") && len(f.key) > len("tag:"))
		if isTag {
			tags++
		} else if !slices.Contains(instanceFilterKeys, f.key) {
			return nil, errorf(http.StatusBadRequest, "InvalidFilterKey", "")
		}
		if len(f.values) < 1 || len(f.values) > 100 {
			return nil, errSSMValidation("1 validation error detected: Value at 'filters.1.member.values' failed to satisfy constraint: Member must have length between 1 and 100")
		}
		if f.key == "ResourceType" && len(f.values) > 1 {
			return nil, errorf(http.StatusBadRequest, "InvalidInstanceInformationFilterValue", "ResourceType filter may contain only one value.")
		}
		if enum, ok := instanceFilterEnums[f.key]; ok {
			for _, v := range f.values {
				if !slices.Contains(enum, v) {
					return nil, errorf(http.StatusBadRequest, "InvalidInstanceInformationFilterValue", "%s is not a valid value for the %s filter.", v, f.key)
				}
			}
		}
	}
	if tags > 0 && tags < len(filters) {
		return nil, errorf(http.StatusBadRequest, "InvalidInstanceInformationFilterValue", "Tag filters can't be combined with other filter types.")
	}
	return filters, nil
}

// instanceFilterValues are what a managed node matches for a filter key.
func (c *call) instanceFilterValues(key string, i *ssmtypes.InstanceInformation) []string {
	switch key {
	case "ActivationIds":
		return []string{aws.ToString(i.ActivationId)}
	case "AgentVersion":
		return []string{aws.ToString(i.AgentVersion)}
	case "AssociationStatus":
		return []string{aws.ToString(i.AssociationStatus)}
	case "IamRole":
		return []string{aws.ToString(i.IamRole)}
	case "InstanceIds":
		return []string{aws.ToString(i.InstanceId)}
	case "PingStatus":
		return []string{string(i.PingStatus)}
	case "PlatformTypes":
		return []string{string(i.PlatformType)}
	case "ResourceType":
		return []string{string(i.ResourceType)}
	case "SourceIds":
		return []string{aws.ToString(i.SourceId)}
	case "SourceTypes":
		return []string{string(i.SourceType)}
	}
	// Tag filters: the tags of the EC2 instance the node runs on.
	var out []string
	for _, inst := range resources(c.account, c.region).Instances {
		if aws.ToString(inst.InstanceId) != aws.ToString(i.InstanceId) {
			continue
		}
		for _, t := range inst.Tags {
			if key == "tag-key" {
				out = append(out, aws.ToString(t.Key))
			} else if "tag:"+aws.ToString(t.Key) == key {
				out = append(out, aws.ToString(t.Value))
			}
		}
	}
	return out
}

func (c *call) describeInstanceInformation() (any, *apiError) {
	max, aerr := c.ssmMaxResults(5, 50, 10)
	if aerr != nil {
		return nil, aerr
	}
	filters, aerr := c.instanceFilters()
	if aerr != nil {
		return nil, aerr
	}
	all := resources(c.account, c.region).ManagedInstances
	// Every node an InstanceIds filter names must be a managed node of the
	// account here: AWS answers InvalidInstanceId otherwise.
	for _, f := range filters {
		if f.key != "InstanceIds" {
			continue
		}
		for _, id := range f.values {
			if !slices.ContainsFunc(all, func(i ssmtypes.InstanceInformation) bool { return aws.ToString(i.InstanceId) == id }) {
				return nil, errorf(http.StatusBadRequest, "InvalidInstanceId", "Instance id %s is not a managed node of account %s in %s.", id, c.account.ID, c.region)
			}
		}
	}
	var matched []ssmtypes.InstanceInformation
	for i := range all {
		ok := true
		for _, f := range filters {
			ok = ok && slices.ContainsFunc(c.instanceFilterValues(f.key, &all[i]), func(v string) bool { return v != "" && slices.Contains(f.values, v) })
		}
		if ok {
			matched = append(matched, all[i])
		}
	}
	offset, aerr := c.ssmOffset()
	if aerr != nil {
		return nil, aerr
	}
	lo, hi, more := pageBounds(len(matched), offset, c.s.capPage(max))
	out := &ssm.DescribeInstanceInformationOutput{InstanceInformationList: append([]ssmtypes.InstanceInformation{}, matched[lo:hi]...)}
	if more {
		out.NextToken = aws.String(encodeToken(c, hi))
	}
	return out, nil
}

// inventorySchemas are the inventory types of the account's region: AWS's
// own and the custom ones its nodes reported, whose attributes are the
// keys of their entries.
func (c *call) inventorySchemas() []ssmtypes.InventoryItemSchema {
	schemas := fakedata.InventorySchemas()
	custom := map[string]map[string]bool{}
	for _, item := range resources(c.account, c.region).Inventory {
		if !strings.HasPrefix(item.TypeName, "Custom:") {
			continue
		}
		if custom[item.TypeName] == nil {
			custom[item.TypeName] = map[string]bool{}
		}
		for _, e := range item.Entries {
			for k := range e {
				custom[item.TypeName][k] = true
			}
		}
	}
	var names []string
	for n := range custom {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := ssmtypes.InventoryItemSchema{TypeName: aws.String(n), Version: aws.String("1.0")}
		var attrs []string
		for a := range custom[n] {
			attrs = append(attrs, a)
		}
		sort.Strings(attrs)
		for _, a := range attrs {
			s.Attributes = append(s.Attributes, ssmtypes.InventoryItemAttribute{Name: aws.String(a), DataType: ssmtypes.InventoryAttributeDataTypeString})
		}
		schemas = append(schemas, s)
	}
	return schemas
}

func (c *call) getInventorySchema() (any, *apiError) {
	if c.params.Get("Aggregator") == "true" || c.params.Get("SubType") == "true" {
		return nil, errSSMValidation("awsfake does not model GetInventorySchema's Aggregator and SubType")
	}
	max, aerr := c.ssmMaxResults(50, 200, 200)
	if aerr != nil {
		return nil, aerr
	}
	schemas := c.inventorySchemas()
	if name := c.params.Get("TypeName"); name != "" {
		i := slices.IndexFunc(schemas, func(s ssmtypes.InventoryItemSchema) bool { return aws.ToString(s.TypeName) == name })
		if i < 0 {
			return nil, errorf(http.StatusBadRequest, "InvalidTypeNameException", "The parameter type name is not valid.")
		}
		schemas = schemas[i : i+1]
	}
	offset, aerr := c.ssmOffset()
	if aerr != nil {
		return nil, aerr
	}
	lo, hi, more := pageBounds(len(schemas), offset, c.s.capPage(max))
	out := &ssm.GetInventorySchemaOutput{Schemas: append([]ssmtypes.InventoryItemSchema{}, schemas[lo:hi]...)}
	if more {
		out.NextToken = aws.String(encodeToken(c, hi))
	}
	return out, nil
}

func (c *call) listInventoryEntries() (any, *apiError) {
	id, typ := c.params.Get("InstanceId"), c.params.Get("TypeName")
	switch {
	case id == "":
		return nil, errSSMValidation("1 validation error detected: Value null at 'instanceId' failed to satisfy constraint: Member must not be null")
	case typ == "":
		return nil, errSSMValidation("1 validation error detected: Value null at 'typeName' failed to satisfy constraint: Member must not be null")
	case !ssmInstanceIDPattern.MatchString(id):
		return nil, errSSMValidation("1 validation error detected: Value '%s' at 'instanceId' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", id, ssmInstanceIDPattern)
	case len(typ) > 100 || !ssmTypeNamePattern.MatchString(typ):
		return nil, errSSMValidation("1 validation error detected: Value '%s' at 'typeName' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", typ, ssmTypeNamePattern)
	case c.params.Get("Filters") != "":
		return nil, errorf(http.StatusBadRequest, "InvalidFilter", "awsfake does not model ListInventoryEntries' Filters")
	}
	max, aerr := c.ssmMaxResults(1, 50, 50)
	if aerr != nil {
		return nil, aerr
	}
	r := resources(c.account, c.region)
	if !slices.ContainsFunc(r.ManagedInstances, func(i ssmtypes.InstanceInformation) bool { return aws.ToString(i.InstanceId) == id }) {
		return nil, errorf(http.StatusBadRequest, "InvalidInstanceId", "Instance id %s is not a managed node of account %s in %s.", id, c.account.ID, c.region)
	}
	if !slices.ContainsFunc(c.inventorySchemas(), func(s ssmtypes.InventoryItemSchema) bool { return aws.ToString(s.TypeName) == typ }) {
		return nil, errorf(http.StatusBadRequest, "InvalidTypeNameException", "The parameter type name is not valid.")
	}
	out := &ssm.ListInventoryEntriesOutput{InstanceId: aws.String(id), TypeName: aws.String(typ), Entries: []map[string]string{}}
	i := slices.IndexFunc(r.Inventory, func(item fakedata.InventoryItem) bool { return item.InstanceID == id && item.TypeName == typ })
	if i < 0 {
		return out, nil // a type the node did not report: no entries
	}
	item := r.Inventory[i]
	out.SchemaVersion = aws.String(item.SchemaVersion)
	out.CaptureTime = aws.String(fakedata.InventoryCaptureTime(item.CaptureTime))
	offset, aerr := c.ssmOffset()
	if aerr != nil {
		return nil, aerr
	}
	lo, hi, more := pageBounds(len(item.Entries), offset, c.s.capPage(max))
	out.Entries = append(out.Entries, item.Entries[lo:hi]...)
	if more {
		out.NextToken = aws.String(encodeToken(c, hi))
	}
	return out, nil
}
