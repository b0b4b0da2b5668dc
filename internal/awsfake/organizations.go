package awsfake

import (
	"net/http"
	"regexp"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// Organizations over the JSON 1.1 protocol: DescribeOrganization,
// ListRoots, ListAccounts, ListAccountsForParent,
// ListOrganizationalUnitsForParent and ListParents. Any account of the
// organization may describe it; only the management account may list it.

// organizationsTarget prefixes X-Amz-Target: AWSOrganizationsV20161128.ListAccounts.
const organizationsTarget = "AWSOrganizationsV20161128"

// Page sizes of the List operations: MaxResults may be 1 to 20.
const (
	orgMinResults = 1
	orgMaxResults = 20
)

var (
	parentIDPattern = regexp.MustCompile(`^(?:r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`)
	childIDPattern  = regexp.MustCompile(`^(?:\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$`)
)

// The errors Organizations answers, with AWS's messages and the statuses of
// the service model's httpError traits.

func errOrgNotInUse() *apiError {
	return errorf(http.StatusNotFound, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")
}

func errOrgAccessDenied() *apiError {
	return errorf(http.StatusForbidden, "AccessDeniedException", "You don't have permissions to access this resource.")
}

func errInvalidInput(reason, message string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "InvalidInputException", Message: message, Reason: reason}
}

// org is the organization view of one call: the organization, if the
// caller's account is in it.
type org struct {
	*fakedata.Organization
	ds *fakedata.Dataset
}

// organization returns the caller's organization, or
// AWSOrganizationsNotInUseException when the caller's account is in none.
func (c *call) organization() (org, *apiError) {
	o := org{c.s.ds.Org, c.s.ds}
	if o.Organization == nil || !o.contains(c.account) {
		return org{}, errOrgNotInUse()
	}
	return o, nil
}

// managedOrganization is organization for the operations that only the
// management account may call.
func (c *call) managedOrganization() (org, *apiError) {
	o, aerr := c.organization()
	if aerr == nil && c.account.ID != o.ManagementAccount {
		aerr = errOrgAccessDenied()
	}
	return o, aerr
}

func (o org) contains(a *fakedata.Account) bool { return a.ID == o.ManagementAccount || a.Parent != "" }

// parentOf is the root or OU an account of the organization is in.
func (o org) parentOf(a *fakedata.Account) string {
	if a.Parent == "" {
		return o.RootID
	}
	return a.Parent
}

func (o org) accounts() []*fakedata.Account {
	var out []*fakedata.Account
	for _, a := range o.ds.Accounts {
		if o.contains(a) {
			out = append(out, a)
		}
	}
	return out
}

func (o org) ou(id string) *fakedata.OU {
	for i := range o.OUs {
		if o.OUs[i].ID == id {
			return &o.OUs[i]
		}
	}
	return nil
}

func (o org) arn(resource string) string {
	return "arn:" + partition(o.ds) + ":organizations::" + o.ManagementAccount + ":" + resource
}

// path is the entity path of a root or OU: o-.../r-.../ou-.../ with every
// OU from the root down to id.
func (o org) path(id string) string {
	var chain []string
	for depth := 0; id != o.RootID && depth <= len(o.OUs); depth++ {
		ou := o.ou(id)
		if ou == nil {
			break
		}
		chain = append(chain, ou.ID)
		id = ou.Parent
	}
	p := o.ID + "/" + o.RootID + "/"
	for i := len(chain) - 1; i >= 0; i-- {
		p += chain[i] + "/"
	}
	return p
}

func (o org) account(a *fakedata.Account) orgtypes.Account {
	state := a.State
	if state == "" {
		state = "ACTIVE"
	}
	// Status is the older field, with fewer values.
	status := "ACTIVE"
	switch state {
	case "SUSPENDED", "CLOSED":
		status = "SUSPENDED"
	case "PENDING_CLOSURE":
		status = "PENDING_CLOSURE"
	}
	out := orgtypes.Account{
		Id:           aws.String(a.ID),
		Arn:          aws.String(o.arn("account/" + o.ID + "/" + a.ID)),
		Email:        optional(a.Email),
		Name:         optional(a.Name),
		Status:       orgtypes.AccountStatus(status),
		State:        orgtypes.AccountState(state),
		Paths:        []string{o.path(o.parentOf(a)) + a.ID + "/"},
		JoinedMethod: orgtypes.AccountJoinedMethod(a.JoinedMethod),
	}
	if !a.JoinedTimestamp.IsZero() {
		out.JoinedTimestamp = aws.Time(a.JoinedTimestamp)
	}
	return out
}

func (o org) unit(ou *fakedata.OU) orgtypes.OrganizationalUnit {
	return orgtypes.OrganizationalUnit{
		Id:   aws.String(ou.ID),
		Arn:  aws.String(o.arn("ou/" + o.ID + "/" + ou.ID)),
		Name: aws.String(ou.Name),
		Path: aws.String(o.path(ou.ID)),
	}
}

func (o org) policyTypes() []orgtypes.PolicyTypeSummary {
	out := []orgtypes.PolicyTypeSummary{}
	for _, t := range o.PolicyTypes {
		out = append(out, orgtypes.PolicyTypeSummary{Type: orgtypes.PolicyType(t), Status: orgtypes.PolicyTypeStatusEnabled})
	}
	return out
}

// orgPage cuts the page MaxResults and NextToken ask for out of n items.
func (c *call) orgPage(n int) (lo, hi int, next string, aerr *apiError) {
	max := orgMaxResults
	if v := c.params.Get("MaxResults"); v != "" {
		m, err := strconv.Atoi(v)
		switch {
		case err != nil || m < orgMinResults:
			return 0, 0, "", errInvalidInput("MIN_VALUE_EXCEEDED", "You provided a numeric parameter that has a smaller value than allowed.")
		case m > orgMaxResults:
			return 0, 0, "", errInvalidInput("MAX_VALUE_EXCEEDED", "You provided a numeric parameter that has a larger value than allowed.")
		}
		max = m
	}
	offset := 0
	if tok := c.params.Get("NextToken"); tok != "" {
		var ok bool
		if offset, ok = decodeToken(c, tok); !ok {
			return 0, 0, "", errInvalidInput("INVALID_NEXT_TOKEN", "You specified an invalid value for nextToken.")
		}
	}
	lo, hi, more := pageBounds(n, offset, c.s.capPage(max))
	if more {
		next = encodeToken(c, hi)
	}
	return lo, hi, next, nil
}

// idParam reads a required id parameter that must match pattern.
func (c *call) idParam(name string, pattern *regexp.Regexp) (string, *apiError) {
	id, ok := c.params[name]
	switch {
	case !ok:
		return "", errInvalidInput("INPUT_REQUIRED", "You must specify a value for "+name+".")
	case !pattern.MatchString(id[0]):
		return "", errInvalidInput("INVALID_PATTERN", "You provided a value that does not match the required pattern.")
	}
	return id[0], nil
}

// parentParam reads ParentId, which must name the root or an OU.
func (c *call) parentParam(o org) (string, *apiError) {
	id, aerr := c.idParam("ParentId", parentIDPattern)
	if aerr != nil {
		return "", aerr
	}
	if id != o.RootID && o.ou(id) == nil {
		return "", errorf(http.StatusNotFound, "ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.")
	}
	return id, nil
}

func (c *call) describeOrganization() (any, *apiError) {
	o, aerr := c.organization()
	if aerr != nil {
		return nil, aerr
	}
	email := ""
	if m := c.s.accounts[o.ManagementAccount]; m != nil {
		email = m.Email
	}
	feature := o.FeatureSet
	if feature == "" {
		feature = "ALL"
	}
	return &organizations.DescribeOrganizationOutput{Organization: &orgtypes.Organization{
		Id:                   aws.String(o.ID),
		Arn:                  aws.String(o.arn("organization/" + o.ID)),
		FeatureSet:           orgtypes.OrganizationFeatureSet(feature),
		MasterAccountArn:     aws.String(o.arn("account/" + o.ID + "/" + o.ManagementAccount)),
		MasterAccountId:      aws.String(o.ManagementAccount),
		MasterAccountEmail:   optional(email),
		AvailablePolicyTypes: o.policyTypes(),
	}}, nil
}

func (c *call) listRoots() (any, *apiError) {
	o, aerr := c.managedOrganization()
	if aerr != nil {
		return nil, aerr
	}
	roots := []orgtypes.Root{{
		Id:          aws.String(o.RootID),
		Arn:         aws.String(o.arn("root/" + o.ID + "/" + o.RootID)),
		Name:        aws.String("Root"),
		PolicyTypes: o.policyTypes(),
	}}
	lo, hi, next, aerr := c.orgPage(len(roots))
	if aerr != nil {
		return nil, aerr
	}
	return &organizations.ListRootsOutput{Roots: roots[lo:hi], NextToken: optional(next)}, nil
}

func (c *call) listAccounts() (any, *apiError) {
	o, aerr := c.managedOrganization()
	if aerr != nil {
		return nil, aerr
	}
	page, next, aerr := c.accountsPage(o, o.accounts())
	if aerr != nil {
		return nil, aerr
	}
	return &organizations.ListAccountsOutput{Accounts: page, NextToken: next}, nil
}

func (c *call) listAccountsForParent() (any, *apiError) {
	o, aerr := c.managedOrganization()
	if aerr != nil {
		return nil, aerr
	}
	parent, aerr := c.parentParam(o)
	if aerr != nil {
		return nil, aerr
	}
	var in []*fakedata.Account
	for _, a := range o.accounts() {
		if o.parentOf(a) == parent {
			in = append(in, a)
		}
	}
	page, next, aerr := c.accountsPage(o, in)
	if aerr != nil {
		return nil, aerr
	}
	return &organizations.ListAccountsForParentOutput{Accounts: page, NextToken: next}, nil
}

// accountsPage is the page of accounts that MaxResults and NextToken ask
// for, and the token of the next page.
func (c *call) accountsPage(o org, accounts []*fakedata.Account) ([]orgtypes.Account, *string, *apiError) {
	lo, hi, next, aerr := c.orgPage(len(accounts))
	if aerr != nil {
		return nil, nil, aerr
	}
	page := []orgtypes.Account{}
	for _, a := range accounts[lo:hi] {
		page = append(page, o.account(a))
	}
	return page, optional(next), nil
}

func (c *call) listOrganizationalUnitsForParent() (any, *apiError) {
	o, aerr := c.managedOrganization()
	if aerr != nil {
		return nil, aerr
	}
	parent, aerr := c.parentParam(o)
	if aerr != nil {
		return nil, aerr
	}
	var in []*fakedata.OU
	for i := range o.OUs {
		if o.OUs[i].Parent == parent {
			in = append(in, &o.OUs[i])
		}
	}
	lo, hi, next, aerr := c.orgPage(len(in))
	if aerr != nil {
		return nil, aerr
	}
	out := &organizations.ListOrganizationalUnitsForParentOutput{OrganizationalUnits: []orgtypes.OrganizationalUnit{}, NextToken: optional(next)}
	for _, ou := range in[lo:hi] {
		out.OrganizationalUnits = append(out.OrganizationalUnits, o.unit(ou))
	}
	return out, nil
}

func (c *call) listParents() (any, *apiError) {
	o, aerr := c.managedOrganization()
	if aerr != nil {
		return nil, aerr
	}
	child, aerr := c.idParam("ChildId", childIDPattern)
	if aerr != nil {
		return nil, aerr
	}
	parent := ""
	if ou := o.ou(child); ou != nil {
		parent = ou.Parent
	} else if a := c.s.accounts[child]; a != nil && o.contains(a) {
		parent = o.parentOf(a)
	}
	if parent == "" {
		return nil, errorf(http.StatusNotFound, "ChildNotFoundException",
			"We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
	}
	typ := "ORGANIZATIONAL_UNIT"
	if parent == o.RootID {
		typ = "ROOT"
	}
	parents := []orgtypes.Parent{{Id: aws.String(parent), Type: orgtypes.ParentType(typ)}}
	lo, hi, next, aerr := c.orgPage(len(parents))
	if aerr != nil {
		return nil, aerr
	}
	return &organizations.ListParentsOutput{Parents: parents[lo:hi], NextToken: optional(next)}, nil
}
