package awsfake_test

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

func (e endpoint) org(creds aws.CredentialsProvider) *organizations.Client {
	return organizations.NewFromConfig(e.as(creds, "us-east-1"))
}

// The demo organization as AWS would describe it, written out by hand.
const (
	demoOrg  = fakedata.DemoOrganizationID
	demoRoot = fakedata.DemoRootID
	prodOU   = "ou-d3m0-prod0001"
	webOU    = "ou-d3m0-web00001"
	sboxOU   = "ou-d3m0-sbox0001"
)

func demoOrgARN(resource string) *string {
	return aws.String("arn:aws:organizations::123456789012:" + resource)
}

// demoAccounts are the demo organization's accounts in ListAccounts order,
// with the fields that come from the data set taken from it.
func demoAccounts(t *testing.T) []orgtypes.Account {
	t.Helper()
	paths := map[string]string{
		"123456789012":             demoOrg + "/" + demoRoot + "/123456789012/",
		"210987654321":             demoOrg + "/" + demoRoot + "/" + prodOU + "/" + webOU + "/210987654321/",
		"345678901234":             demoOrg + "/" + demoRoot + "/" + prodOU + "/345678901234/",
		"456789012345":             demoOrg + "/" + demoRoot + "/" + sboxOU + "/456789012345/",
		fakedata.DemoNoRoleAccount: demoOrg + "/" + demoRoot + "/" + sboxOU + "/" + fakedata.DemoNoRoleAccount + "/",
		"678901234567":             demoOrg + "/" + demoRoot + "/678901234567/",
	}
	var out []orgtypes.Account
	for _, a := range fakedata.Demo().Accounts {
		state, status := orgtypes.AccountStateActive, orgtypes.AccountStatusActive
		if a.State == "SUSPENDED" {
			state, status = orgtypes.AccountStateSuspended, orgtypes.AccountStatusSuspended
		}
		if paths[a.ID] == "" {
			t.Fatalf("no path for %s", a.ID)
		}
		out = append(out, orgtypes.Account{
			Id:              aws.String(a.ID),
			Arn:             demoOrgARN("account/" + demoOrg + "/" + a.ID),
			Email:           aws.String(a.Email),
			Name:            aws.String(a.Name),
			Status:          status,
			State:           state,
			Paths:           []string{paths[a.ID]},
			JoinedMethod:    orgtypes.AccountJoinedMethod(a.JoinedMethod),
			JoinedTimestamp: aws.Time(a.JoinedTimestamp),
		})
	}
	if len(out) != 6 {
		t.Fatalf("%d demo accounts", len(out))
	}
	return out
}

func demoOUs() map[string]orgtypes.OrganizationalUnit {
	ou := func(id, name, path string) orgtypes.OrganizationalUnit {
		return orgtypes.OrganizationalUnit{Id: aws.String(id), Arn: demoOrgARN("ou/" + demoOrg + "/" + id), Name: aws.String(name),
			Path: aws.String(demoOrg + "/" + demoRoot + "/" + path)}
	}
	return map[string]orgtypes.OrganizationalUnit{
		prodOU: ou(prodOU, "Production", prodOU+"/"),
		webOU:  ou(webOU, "Web", prodOU+"/"+webOU+"/"),
		sboxOU: ou(sboxOU, "Sandbox", sboxOU+"/"),
	}
}

func listAllAccounts(t *testing.T, c *organizations.Client, max *int32) ([]orgtypes.Account, error) {
	t.Helper()
	var out []orgtypes.Account
	p := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{MaxResults: max})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			return out, err
		}
		out = append(out, page.Accounts...)
	}
	return out, nil
}

func TestDescribeOrganization(t *testing.T) {
	e := demoEndpoint(t)
	want := &orgtypes.Organization{
		Id:                   aws.String(demoOrg),
		Arn:                  demoOrgARN("organization/" + demoOrg),
		FeatureSet:           orgtypes.OrganizationFeatureSetAll,
		MasterAccountArn:     demoOrgARN("account/" + demoOrg + "/123456789012"),
		MasterAccountId:      aws.String(fakedata.DemoManagementAccount),
		MasterAccountEmail:   aws.String("aws-demo@example.com"),
		AvailablePolicyTypes: []orgtypes.PolicyTypeSummary{{Type: orgtypes.PolicyTypeServiceControlPolicy, Status: orgtypes.PolicyTypeStatusEnabled}},
	}
	// The management account, and a member: any account of the
	// organization may describe it.
	hop2 := e.chain(e.base(), fakedata.DemoExternalID, fakedata.DemoRoleChain()...)
	member := e.chain(hop2, fakedata.DemoExternalID, "arn:aws:iam::456789012345:role/"+fakedata.DemoMemberRole)
	for name, creds := range map[string]aws.CredentialsProvider{"user": e.base(), "last hop": hop2, "member": member} {
		out, err := e.org(creds).DescribeOrganization(ctx(t), &organizations.DescribeOrganizationInput{})
		if err != nil {
			t.Fatal(name, err)
		}
		if d := cmp.Diff(want, out.Organization, cmpOpts...); d != "" {
			t.Errorf("%s: (-want +got):\n%s", name, d)
		}
	}
}

func TestListAccounts(t *testing.T) {
	e := demoEndpoint(t)
	want := demoAccounts(t)
	for _, max := range []int32{1, 2, 5, 6, 20, 0} {
		t.Run(fmt.Sprint(max), func(t *testing.T) {
			e.srv.Reset()
			var mr *int32
			if max > 0 {
				mr = aws.Int32(max)
			}
			got, err := listAllAccounts(t, e.org(e.base()), mr)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(want, got, cmpOpts...); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			pages := 1
			if max > 0 {
				pages = (len(want) + int(max) - 1) / int(max)
			}
			if n := e.srv.Count("ListAccounts", fakedata.DemoAccountID, "us-east-1"); n != pages {
				t.Errorf("%d requests, want %d", n, pages)
			}
		})
	}
	// The JSON request's members are recorded as Params.
	e.srv.Reset()
	if _, err := listAllAccounts(t, e.org(e.base()), aws.Int32(4)); err != nil {
		t.Fatal(err)
	}
	reqs := e.srv.Requests()
	if reqs[0].Service != "organizations" || reqs[0].Params.Get("MaxResults") != "4" || reqs[0].Params.Get("NextToken") != "" ||
		reqs[1].Params.Get("NextToken") == "" {
		t.Errorf("recorded %+v / %+v", reqs[0], reqs[1])
	}
}

// ListAccounts pages through a generated organization too, by the default
// page of 20.
func TestListAccountsPaging(t *testing.T) {
	e, ds := genEndpoint(t, fakedata.GenOptions{Accounts: 45, Seed: 4})
	got, err := listAllAccounts(t, e.org(e.base()), nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range got {
		ids = append(ids, *a.Id)
	}
	var want []string
	for _, a := range ds.Accounts {
		want = append(want, a.ID)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("got %d accounts, want %d", len(ids), len(want))
	}
	if n := e.srv.Count("ListAccounts", "", ""); n != 3 {
		t.Errorf("%d pages, want 3", n)
	}
}

// node is one root or OU of a walk down the organization.
type node struct {
	Accounts []string
	OUs      []string
}

// walk lists the tree below parent with ListOrganizationalUnitsForParent and
// ListAccountsForParent, as awssql would, and checks each OU record.
func walk(t *testing.T, c *organizations.Client, parent string, max *int32, tree map[string]node, ous map[string]orgtypes.OrganizationalUnit) {
	t.Helper()
	var n node
	ap := organizations.NewListAccountsForParentPaginator(c, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent), MaxResults: max})
	for ap.HasMorePages() {
		page, err := ap.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.Accounts {
			n.Accounts = append(n.Accounts, *a.Id)
		}
	}
	op := organizations.NewListOrganizationalUnitsForParentPaginator(c, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent), MaxResults: max})
	for op.HasMorePages() {
		page, err := op.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, ou := range page.OrganizationalUnits {
			n.OUs = append(n.OUs, *ou.Id)
			ous[*ou.Id] = ou
		}
	}
	tree[parent] = n
	for _, ou := range n.OUs {
		walk(t, c, ou, max, tree, ous)
	}
}

func TestOrganizationTree(t *testing.T) {
	e := demoEndpoint(t)
	c := e.org(e.chain(e.base(), fakedata.DemoExternalID, fakedata.DemoRoleChain()...))

	roots, err := c.ListRoots(ctx(t), &organizations.ListRootsInput{})
	if err != nil {
		t.Fatal(err)
	}
	wantRoots := []orgtypes.Root{{Id: aws.String(demoRoot), Arn: demoOrgARN("root/" + demoOrg + "/" + demoRoot), Name: aws.String("Root"),
		PolicyTypes: []orgtypes.PolicyTypeSummary{{Type: orgtypes.PolicyTypeServiceControlPolicy, Status: orgtypes.PolicyTypeStatusEnabled}}}}
	if d := cmp.Diff(wantRoots, roots.Roots, cmpOpts...); d != "" || roots.NextToken != nil {
		t.Errorf("roots (-want +got):\n%s", d)
	}

	wantTree := map[string]node{
		demoRoot: {Accounts: []string{"123456789012", "678901234567"}, OUs: []string{prodOU, sboxOU}},
		prodOU:   {Accounts: []string{"345678901234"}, OUs: []string{webOU}},
		webOU:    {Accounts: []string{"210987654321"}},
		sboxOU:   {Accounts: []string{"456789012345", fakedata.DemoNoRoleAccount}},
	}
	for _, max := range []*int32{nil, aws.Int32(1)} {
		tree, ous := map[string]node{}, map[string]orgtypes.OrganizationalUnit{}
		walk(t, c, demoRoot, max, tree, ous)
		if d := cmp.Diff(wantTree, tree, cmpOpts...); d != "" {
			t.Errorf("tree (-want +got):\n%s", d)
		}
		if d := cmp.Diff(demoOUs(), ous, cmpOpts...); d != "" {
			t.Errorf("OUs (-want +got):\n%s", d)
		}
	}

	// ListParents, for every account and OU.
	parents := map[string]orgtypes.Parent{
		"123456789012":             {Id: aws.String(demoRoot), Type: orgtypes.ParentTypeRoot},
		"678901234567":             {Id: aws.String(demoRoot), Type: orgtypes.ParentTypeRoot},
		"345678901234":             {Id: aws.String(prodOU), Type: orgtypes.ParentTypeOrganizationalUnit},
		"210987654321":             {Id: aws.String(webOU), Type: orgtypes.ParentTypeOrganizationalUnit},
		"456789012345":             {Id: aws.String(sboxOU), Type: orgtypes.ParentTypeOrganizationalUnit},
		fakedata.DemoNoRoleAccount: {Id: aws.String(sboxOU), Type: orgtypes.ParentTypeOrganizationalUnit},
		prodOU:                     {Id: aws.String(demoRoot), Type: orgtypes.ParentTypeRoot},
		sboxOU:                     {Id: aws.String(demoRoot), Type: orgtypes.ParentTypeRoot},
		webOU:                      {Id: aws.String(prodOU), Type: orgtypes.ParentTypeOrganizationalUnit},
	}
	for child, want := range parents {
		out, err := c.ListParents(ctx(t), &organizations.ListParentsInput{ChildId: aws.String(child)})
		if err != nil {
			t.Fatal(child, err)
		}
		if d := cmp.Diff([]orgtypes.Parent{want}, out.Parents, cmpOpts...); d != "" || out.NextToken != nil {
			t.Errorf("parents of %s (-want +got):\n%s", child, d)
		}
	}
}

// Generate nests its OUs two deep and deals the members over them; every
// member's role trusts the management account.
func TestGeneratedOrganization(t *testing.T) {
	e, ds := genEndpoint(t, fakedata.GenOptions{Accounts: 10, OUs: 4, ExternalID: "ext-id-1", Seed: 2})
	c := e.org(e.base())
	tree, ous := map[string]node{}, map[string]orgtypes.OrganizationalUnit{}
	walk(t, c, ds.Org.RootID, nil, tree, ous)
	o := ds.Org.OUs
	id := fakedata.GenAccountID
	want := map[string]node{
		ds.Org.RootID: {Accounts: []string{id(0)}, OUs: []string{o[0].ID, o[1].ID}},
		o[0].ID:       {Accounts: []string{id(1), id(5), id(9)}, OUs: []string{o[2].ID}},
		o[1].ID:       {Accounts: []string{id(2), id(6)}, OUs: []string{o[3].ID}},
		o[2].ID:       {Accounts: []string{id(3), id(7)}},
		o[3].ID:       {Accounts: []string{id(4), id(8)}},
	}
	if d := cmp.Diff(want, tree, cmpOpts...); d != "" {
		t.Errorf("tree (-want +got):\n%s", d)
	}
	if got := *ous[o[3].ID].Path; got != ds.Org.ID+"/"+ds.Org.RootID+"/"+o[1].ID+"/"+o[3].ID+"/" {
		t.Errorf("path %s", got)
	}
	role := memberRoleARN(id(7))
	_, err := e.assume(t, e.base(), &sts.AssumeRoleInput{RoleArn: aws.String(role)})
	apiError(t, err, "AccessDenied")
	if _, err := e.assume(t, e.base(), &sts.AssumeRoleInput{RoleArn: aws.String(role), ExternalId: aws.String("ext-id-1")}); err != nil {
		t.Error(err)
	}
	// Members have keys of their own, but may not list the organization.
	key, secret := e.srv.Credentials(id(3))
	_, err = e.org(credentials.NewStaticCredentialsProvider(key, secret, "")).ListRoots(ctx(t), &organizations.ListRootsInput{})
	apiError(t, err, "AccessDeniedException")
}

func TestOrganizationsErrors(t *testing.T) {
	e := demoEndpoint(t)
	mgmt := e.org(e.chain(e.base(), fakedata.DemoExternalID, fakedata.DemoRoleChain()...))
	hop2 := e.chain(e.base(), fakedata.DemoExternalID, fakedata.DemoRoleChain()...)
	member := e.org(e.chain(hop2, fakedata.DemoExternalID, "arn:aws:iam::210987654321:role/"+fakedata.DemoMemberRole))

	// Not in any organization: a data set without one, and an account left
	// out of one.
	none := fakedata.Generate(fakedata.GenOptions{Accounts: 2, Seed: 1})
	none.Org = nil
	outside := fakedata.Generate(fakedata.GenOptions{Accounts: 2, Seed: 1})
	outside.Accounts[1].Parent = ""
	notInUse := func(ds *fakedata.Dataset, account string) *organizations.Client {
		srv, url := awsfaketest.NewServer(t, ds)
		key, secret := srv.Credentials(account)
		return endpoint{srv: srv, url: url, key: key, secret: secret}.org(credentials.NewStaticCredentialsProvider(key, secret, ""))
	}

	type check struct {
		code, msg string
		status    int
		reason    orgtypes.InvalidInputExceptionReason
	}
	denied := check{"AccessDeniedException", "You don't have permissions to access this resource.", 403, ""}
	pattern := check{"InvalidInputException", "You provided a value that does not match the required pattern.", 400, orgtypes.InvalidInputExceptionReasonInvalidPattern}
	tests := []struct {
		name string
		call func() error
		want check
	}{
		{"member lists accounts", func() error {
			_, err := member.ListAccounts(ctx(t), &organizations.ListAccountsInput{})
			return err
		}, denied},
		{"member lists roots", func() error { _, err := member.ListRoots(ctx(t), &organizations.ListRootsInput{}); return err }, denied},
		{"member lists OUs", func() error {
			_, err := member.ListOrganizationalUnitsForParent(ctx(t), &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(demoRoot)})
			return err
		}, denied},
		{"no organization", func() error {
			_, err := notInUse(none, fakedata.GenAccountID(0)).DescribeOrganization(ctx(t), &organizations.DescribeOrganizationInput{})
			return err
		}, check{"AWSOrganizationsNotInUseException", "Your account is not a member of an organization.", 404, ""}},
		{"account outside the organization", func() error {
			_, err := notInUse(outside, fakedata.GenAccountID(1)).ListAccounts(ctx(t), &organizations.ListAccountsInput{})
			return err
		}, check{"AWSOrganizationsNotInUseException", "Your account is not a member of an organization.", 404, ""}},
		{"no such parent", func() error {
			_, err := mgmt.ListAccountsForParent(ctx(t), &organizations.ListAccountsForParentInput{ParentId: aws.String("ou-d3m0-zzzzzzzz")})
			return err
		}, check{"ParentNotFoundException", "We can't find a root or OU with the ParentId that you specified.", 404, ""}},
		{"bad parent id", func() error {
			_, err := mgmt.ListOrganizationalUnitsForParent(ctx(t), &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String("Production")})
			return err
		}, pattern},
		{"no such child", func() error {
			_, err := mgmt.ListParents(ctx(t), &organizations.ListParentsInput{ChildId: aws.String("999999999999")})
			return err
		}, check{"ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.", 404, ""}},
		{"bad child id", func() error {
			_, err := mgmt.ListParents(ctx(t), &organizations.ListParentsInput{ChildId: aws.String("r-d3m0")})
			return err
		}, pattern},
		{"MaxResults 0", func() error {
			_, err := mgmt.ListAccounts(ctx(t), &organizations.ListAccountsInput{MaxResults: aws.Int32(0)})
			return err
		}, check{"InvalidInputException", "You provided a numeric parameter that has a smaller value than allowed.", 400, orgtypes.InvalidInputExceptionReasonMinValueExceeded}},
		{"MaxResults 21", func() error {
			_, err := mgmt.ListAccounts(ctx(t), &organizations.ListAccountsInput{MaxResults: aws.Int32(21)})
			return err
		}, check{"InvalidInputException", "You provided a numeric parameter that has a larger value than allowed.", 400, orgtypes.InvalidInputExceptionReasonMaxValueExceeded}},
		{"bogus NextToken", func() error {
			_, err := mgmt.ListAccounts(ctx(t), &organizations.ListAccountsInput{NextToken: aws.String("bogus")})
			return err
		}, check{"InvalidInputException", "You specified an invalid value for nextToken.", 400, orgtypes.InvalidInputExceptionReasonInvalidPaginationToken}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if ae := apiError(t, err, tc.want.code); ae.ErrorMessage() != tc.want.msg {
				t.Errorf("message %q, want %q", ae.ErrorMessage(), tc.want.msg)
			}
			if s := statusOf(t, err); s != tc.want.status {
				t.Errorf("status %d, want %d", s, tc.want.status)
			}
			var ie *orgtypes.InvalidInputException
			if errors.As(err, &ie) && ie.Reason != tc.want.reason {
				t.Errorf("reason %q, want %q", ie.Reason, tc.want.reason)
			}
		})
	}
	// A NextToken of one parent's listing does not page another's.
	page, err := mgmt.ListAccountsForParent(ctx(t), &organizations.ListAccountsForParentInput{ParentId: aws.String(demoRoot), MaxResults: aws.Int32(1)})
	if err != nil || page.NextToken == nil {
		t.Fatal(err, page.NextToken)
	}
	_, err = mgmt.ListAccountsForParent(ctx(t), &organizations.ListAccountsForParentInput{ParentId: aws.String(sboxOU), NextToken: page.NextToken})
	apiError(t, err, "InvalidInputException")
}

// TooManyRequestsException is a throttle to the SDK: the standard retryer
// backs off and retries it, and the request log shows every attempt.
func TestOrganizationsThrottling(t *testing.T) {
	e := demoEndpoint(t)
	e.srv.AddFault(awsfake.Fault{Service: "organizations", Operation: "ListAccounts", Code: "TooManyRequestsException", Times: 2})

	_, err := e.org(e.base()).ListAccounts(ctx(t), &organizations.ListAccountsInput{})
	var tm *orgtypes.TooManyRequestsException
	if !errors.As(err, &tm) || tm.ErrorMessage() == "" {
		t.Fatalf("want TooManyRequestsException, got %v", err)
	}
	if s := statusOf(t, err); s != http.StatusTooManyRequests {
		t.Errorf("status %d", s)
	}
	if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) != aws.TrueTernary {
		t.Errorf("not a throttle to the SDK: %v", err)
	}

	cfg := e.config("us-east-1")
	cfg.Retryer, cfg.RetryMaxAttempts = fastRetries(3), 0
	start := time.Now()
	out, err := organizations.NewFromConfig(cfg).ListAccounts(ctx(t), &organizations.ListAccountsInput{})
	if err != nil || len(out.Accounts) != 6 {
		t.Fatalf("with retries: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("slow retries")
	}
	var codes []string
	for _, r := range e.srv.Requests() {
		codes = append(codes, r.Code)
	}
	if want := []string{"TooManyRequestsException", "TooManyRequestsException", ""}; !slices.Equal(codes, want) {
		t.Errorf("answers %q, want %q", codes, want)
	}
}

// The walk --demo makes: the role chain, the organization's accounts, each
// active member through its role in every demo region, the management
// account with the last hop's own credentials. Every member but one is
// readable and holds what the data set says; the one without the role
// answers AccessDenied; nothing is asked of the suspended account.
func TestDemoOrganizationWalk(t *testing.T) {
	e := demoEndpoint(t)
	ds := fakedata.Demo()
	hop2 := e.chain(e.base(), fakedata.DemoExternalID, fakedata.DemoRoleChain()...)
	accounts, err := listAllAccounts(t, e.org(hop2), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) < 5 {
		t.Fatalf("%d accounts, want the management account and at least four members", len(accounts))
	}
	data := map[string]*fakedata.Account{}
	for _, a := range ds.Accounts {
		data[a.ID] = a
	}
	var read, denied []string
	for _, a := range accounts {
		if a.State != orgtypes.AccountStateActive {
			continue
		}
		creds := hop2
		if *a.Id != fakedata.DemoManagementAccount {
			creds = e.chain(hop2, fakedata.DemoExternalID, "arn:aws:iam::"+*a.Id+":role/"+fakedata.DemoMemberRole)
		}
		n := 0
		for _, region := range fakedata.DemoRegions() {
			var got []string
			p := ec2.NewDescribeInstancesPaginator(ec2.NewFromConfig(e.as(creds, region)), &ec2.DescribeInstancesInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx(t))
				if err != nil {
					apiError(t, err, "AccessDenied")
					denied = append(denied, *a.Id)
					break
				}
				for _, r := range page.Reservations {
					got = append(got, instanceIDs(r.Instances)...)
				}
			}
			if slices.Contains(denied, *a.Id) {
				break
			}
			var want []string
			if r := data[*a.Id].Regions[region]; r != nil {
				want = instanceIDs(r.Instances)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s in %s: %q, want %q", *a.Id, region, got, want)
			}
			n += len(got)
		}
		if n > 0 {
			read = append(read, *a.Id)
		}
	}
	if want := []string{"123456789012", "210987654321", "345678901234", "456789012345"}; !slices.Equal(read, want) {
		t.Errorf("read instances of %q, want %q", read, want)
	}
	if !slices.Equal(denied, []string{fakedata.DemoNoRoleAccount}) {
		t.Errorf("denied %q", denied)
	}
	if n := e.srv.Count("", "678901234567", ""); n != 0 {
		t.Errorf("%d calls for the suspended account", n)
	}
	// Every member was assumed exactly once: the credentials are cached.
	for _, id := range []string{"210987654321", "345678901234", "456789012345"} {
		if n := e.srv.Count("AssumeRole", id, ""); n != 1 {
			t.Errorf("%d AssumeRole into %s", n, id)
		}
	}
}
