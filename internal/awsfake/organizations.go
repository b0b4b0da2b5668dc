package awsfake

import (
	"net/http"
	"regexp"
	"strconv"
	"time"

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

// epochSeconds is how JSON 1.1 sends a timestamp: seconds since the epoch,
// as a number with the milliseconds in its fraction.
type epochSeconds time.Time

func (t epochSeconds) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(time.Time(t).UnixMilli())/1000, 'f', -1, 64), nil
}

type orgAccountJSON struct {
	ID              string        `json:"Id"`
	Arn             string        `json:"Arn"`
	Email           string        `json:"Email,omitempty"`
	Name            string        `json:"Name,omitempty"`
	Status          string        `json:"Status"`
	State           string        `json:"State"`
	Paths           []string      `json:"Paths"`
	JoinedMethod    string        `json:"JoinedMethod,omitempty"`
	JoinedTimestamp *epochSeconds `json:"JoinedTimestamp,omitempty"`
}

type orgUnitJSON struct {
	ID   string `json:"Id"`
	Arn  string `json:"Arn"`
	Name string `json:"Name"`
	Path string `json:"Path"`
}

type policyTypeJSON struct {
	Type   string `json:"Type"`
	Status string `json:"Status"`
}

type rootJSON struct {
	ID          string           `json:"Id"`
	Arn         string           `json:"Arn"`
	Name        string           `json:"Name"`
	PolicyTypes []policyTypeJSON `json:"PolicyTypes"`
}

type parentJSON struct {
	ID   string `json:"Id"`
	Type string `json:"Type"`
}

type organizationJSON struct {
	ID                   string           `json:"Id"`
	Arn                  string           `json:"Arn"`
	FeatureSet           string           `json:"FeatureSet"`
	MasterAccountArn     string           `json:"MasterAccountArn"`
	MasterAccountID      string           `json:"MasterAccountId"`
	MasterAccountEmail   string           `json:"MasterAccountEmail,omitempty"`
	AvailablePolicyTypes []policyTypeJSON `json:"AvailablePolicyTypes"`
}

type describeOrganizationJSON struct {
	Organization organizationJSON `json:"Organization"`
}

type listAccountsJSON struct {
	Accounts  []orgAccountJSON `json:"Accounts"`
	NextToken string           `json:"NextToken,omitempty"`
}

type listOUsJSON struct {
	OrganizationalUnits []orgUnitJSON `json:"OrganizationalUnits"`
	NextToken           string        `json:"NextToken,omitempty"`
}

type listRootsJSON struct {
	Roots     []rootJSON `json:"Roots"`
	NextToken string     `json:"NextToken,omitempty"`
}

type listParentsJSON struct {
	Parents   []parentJSON `json:"Parents"`
	NextToken string       `json:"NextToken,omitempty"`
}

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

func (o org) accountJSON(a *fakedata.Account) orgAccountJSON {
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
	out := orgAccountJSON{
		ID:           a.ID,
		Arn:          o.arn("account/" + o.ID + "/" + a.ID),
		Email:        a.Email,
		Name:         a.Name,
		Status:       status,
		State:        state,
		Paths:        []string{o.path(o.parentOf(a)) + a.ID + "/"},
		JoinedMethod: a.JoinedMethod,
	}
	if !a.JoinedTimestamp.IsZero() {
		t := epochSeconds(a.JoinedTimestamp)
		out.JoinedTimestamp = &t
	}
	return out
}

func (o org) ouJSON(ou *fakedata.OU) orgUnitJSON {
	return orgUnitJSON{ID: ou.ID, Arn: o.arn("ou/" + o.ID + "/" + ou.ID), Name: ou.Name, Path: o.path(ou.ID)}
}

func (o org) policyTypes() []policyTypeJSON {
	out := []policyTypeJSON{}
	for _, t := range o.PolicyTypes {
		out = append(out, policyTypeJSON{Type: t, Status: "ENABLED"})
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
	return describeOrganizationJSON{Organization: organizationJSON{
		ID:                   o.ID,
		Arn:                  o.arn("organization/" + o.ID),
		FeatureSet:           feature,
		MasterAccountArn:     o.arn("account/" + o.ID + "/" + o.ManagementAccount),
		MasterAccountID:      o.ManagementAccount,
		MasterAccountEmail:   email,
		AvailablePolicyTypes: o.policyTypes(),
	}}, nil
}

func (c *call) listRoots() (any, *apiError) {
	o, aerr := c.managedOrganization()
	if aerr != nil {
		return nil, aerr
	}
	roots := []rootJSON{{ID: o.RootID, Arn: o.arn("root/" + o.ID + "/" + o.RootID), Name: "Root", PolicyTypes: o.policyTypes()}}
	lo, hi, next, aerr := c.orgPage(len(roots))
	if aerr != nil {
		return nil, aerr
	}
	return listRootsJSON{Roots: roots[lo:hi], NextToken: next}, nil
}

func (c *call) listAccounts() (any, *apiError) {
	o, aerr := c.managedOrganization()
	if aerr != nil {
		return nil, aerr
	}
	return c.accountsPage(o, o.accounts())
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
	return c.accountsPage(o, in)
}

func (c *call) accountsPage(o org, accounts []*fakedata.Account) (any, *apiError) {
	lo, hi, next, aerr := c.orgPage(len(accounts))
	if aerr != nil {
		return nil, aerr
	}
	out := listAccountsJSON{Accounts: []orgAccountJSON{}, NextToken: next}
	for _, a := range accounts[lo:hi] {
		out.Accounts = append(out.Accounts, o.accountJSON(a))
	}
	return out, nil
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
	out := listOUsJSON{OrganizationalUnits: []orgUnitJSON{}, NextToken: next}
	for _, ou := range in[lo:hi] {
		out.OrganizationalUnits = append(out.OrganizationalUnits, o.ouJSON(ou))
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
	parents := []parentJSON{{ID: parent, Type: typ}}
	lo, hi, next, aerr := c.orgPage(len(parents))
	if aerr != nil {
		return nil, aerr
	}
	return listParentsJSON{Parents: parents[lo:hi], NextToken: next}, nil
}
