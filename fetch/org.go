package fetch

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultMemberRole is the role AWS Organizations creates in the accounts it
// creates.
const DefaultMemberRole = "OrganizationAccountAccessRole"

// How long an assumed session lasts: AWS caps chained sessions at an hour.
// The credentials cache renews a session this long before it ends, so a long
// query never signs with an expired one.
const (
	sessionDuration = time.Hour
	renewBefore     = time.Minute
)

var (
	// The role's path and name are 1 to 512 long (roleARN): spelled
	// {1,512} here, RE2 compiled 512 copies, 8 ms of every start.
	roleARNRE     = regexp.MustCompile(`^arn:(aws|aws-cn|aws-us-gov):iam::([0-9]{12}):role/([\w+=,.@/-]+)$`)
	accountRE     = regexp.MustCompile(`^[0-9]{12}$`)
	ouRE          = regexp.MustCompile(`^ou-([0-9a-z]+)-([a-z0-9]+)$`) // 4-32, 8-32 long: CheckOU
	externalIDRE  = regexp.MustCompile(`^[\w+=,.@:/-]+$`)              // 2 to 1224 long: RE2 repeats at most 1000
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]+$`)                // 2-64 long: CheckSessionName
	roleNameRE    = regexp.MustCompile(`^[\w+=,.@-]+$`)                // 1-64 long: CheckRoleName
	notSessionRE  = regexp.MustCompile(`[^\w+=,.@-]`)
)

// roleARN matches a role ARN: its account and its path and name.
func roleARN(arn string) (account string, ok bool) {
	m := roleARNRE.FindStringSubmatch(arn)
	if m == nil || len(m[3]) > 512 {
		return "", false
	}
	return m[2], true
}

// roleAccount is the account of a role ARN, "" when it is not one.
func roleAccount(arn string) string {
	account, _ := roleARN(arn)
	return account
}

// CheckRoleARN validates an IAM role ARN.
func CheckRoleARN(s string) error {
	if _, ok := roleARN(s); !ok {
		return fmt.Errorf("bad role ARN %q: write arn:aws:iam::123456789012:role/NAME", s)
	}
	return nil
}

// CheckAccountID validates an account id.
func CheckAccountID(s string) error {
	if !accountRE.MatchString(s) {
		return fmt.Errorf("bad account id %q: an account id is 12 digits", s)
	}
	return nil
}

// CheckOU validates an organizational unit id.
func CheckOU(s string) error {
	if m := ouRE.FindStringSubmatch(s); m == nil || len(m[1]) < 4 || len(m[1]) > 32 || len(m[2]) < 8 || len(m[2]) > 32 {
		return fmt.Errorf("bad OU id %q: an OU id looks like ou-ab12-cd34ef56", s)
	}
	return nil
}

// CheckExternalID validates an external id as STS does.
func CheckExternalID(s string) error {
	if len(s) < 2 || len(s) > 1224 || !externalIDRE.MatchString(s) {
		return fmt.Errorf("bad external ID: STS takes 2 to 1224 letters, digits and +=,.@:/-_")
	}
	return nil
}

// CheckSessionName validates a role session name as STS does.
func CheckSessionName(s string) error {
	if len(s) < 2 || len(s) > 64 || !sessionNameRE.MatchString(s) {
		return fmt.Errorf("bad role session name %q: STS takes 2 to 64 letters, digits and +=,.@-_", s)
	}
	return nil
}

// CheckRoleName validates a role name.
func CheckRoleName(s string) error {
	if len(s) > 64 || !roleNameRE.MatchString(s) {
		return fmt.Errorf("bad role name %q: up to 64 letters, digits and +=,.@-_", s)
	}
	return nil
}

// SessionName derives a valid role session name from the tool and a user.
func SessionName(user string) string {
	clean := notSessionRE.ReplaceAllString(user, "-")
	name := "awssql"
	if clean != "" {
		name += "-" + clean
	}
	if len(name) > 64 {
		name = name[:64]
	}
	return name
}

// hop is one role of the chain and the credentials it gives.
type hop struct {
	arn   string
	creds *aws.CredentialsCache
}

// assumeRole returns credentials of role, assumed with cfg's credentials and
// renewed before they expire. AssumeRole calls count under the role's
// account, and are made once until the session nears its end.
func (s *Session) assumeRole(cfg aws.Config, roleARN string) *aws.CredentialsCache {
	client := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.APIOptions = append(o.APIOptions, counting(roleAccount(roleARN)))
	})
	p := stscreds.NewAssumeRoleProvider(client, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = s.opts.RoleSessionName
		o.Duration = sessionDuration
		if s.opts.ExternalID != "" {
			o.ExternalID = aws.String(s.opts.ExternalID)
		}
	})
	return aws.NewCredentialsCache(p, func(o *aws.CredentialsCacheOptions) { o.ExpiryWindow = renewBefore })
}

// chainErr names the hop that failed.
func (s *Session) checkChain(ctx context.Context) error {
	for i, h := range s.chain {
		if _, err := h.creds.Retrieve(ctx); err != nil {
			_, code, msg := Describe(err)
			return &CredentialsError{Err: err, Detail: fmt.Sprintf("role chain hop %d (%s): %s: %s%s",
				i+1, h.arn, code, strings.TrimSpace(msg), s.trustHint(code, ""))}
		}
	}
	return nil
}

// Account is an account of the organization, or the caller's own.
type Account struct {
	ID, Name, Email, State, ARN, JoinedMethod string
	JoinedTimestamp                           *time.Time
}

// AccountList returns the accounts a scan covers: with ListAccounts the
// organization's ACTIVE accounts (under the given OUs, recursively, if
// any), otherwise the caller's own; less SkipAccounts. Listed once per
// process.
func (s *Session) AccountList(ctx context.Context) ([]Account, error) {
	return s.accountPages(ctx, nil)
}

// accountPages is AccountList that also hands the accounts to page, when
// page is not nil: page by page as the organization's pages arrive, if
// this call is the one listing them, else the whole list at once. A scan
// enters the accounts of the first page while the next are asked for: an
// organization of a thousand accounts has fifty pages, which only come
// one after another. After an error, page may have had some accounts.
func (s *Session) accountPages(ctx context.Context, page func([]Account)) ([]Account, error) {
	listed := false
	accts, err := s.accountList.get(struct{}{}, func() ([]Account, error) {
		listed = true
		var accts []Account
		keep := func(as []Account) {
			as = slices.DeleteFunc(as, func(a Account) bool { return slices.Contains(s.opts.SkipAccounts, a.ID) })
			if page != nil && len(as) > 0 {
				page(slices.Clone(as))
			}
			accts = append(accts, as...)
		}
		if !s.opts.ListAccounts {
			id, err := s.Identity(ctx)
			if err != nil {
				return nil, err
			}
			keep([]Account{{ID: id.Account}})
		} else {
			// The first page of accounts is asked for while
			// GetCallerIdentity is: neither needs the other. The listing's
			// calls wait for this attempt rather than make their own (the
			// disk cache's key, the counting): failed, the identity is not
			// kept, and each page would ask for it again. Failed, it stops
			// the listing, and its error comes first: a refused key fails
			// both, and it is the one that says why.
			a := &identityAttempt{done: make(chan struct{})}
			listCtx, cancel := context.WithCancel(context.WithValue(ctx, identityAttemptKey{}, a))
			defer cancel()
			go func() {
				a.id, a.err = s.Identity(ctx)
				close(a.done)
				if a.err != nil {
					cancel()
				}
			}()
			err := s.listOrganization(listCtx, keep)
			<-a.done
			if a.err != nil {
				return nil, a.err
			}
			if err != nil {
				return nil, err
			}
		}
		sort.Slice(accts, func(i, j int) bool { return accts[i].ID < accts[j].ID })
		return accts, nil
	})
	if err == nil && !listed && page != nil && len(accts) > 0 {
		page(accts)
	}
	return accts, err
}

// identityAttempt is the GetCallerIdentity that accountPages makes beside
// the organization's listing, which the listing's calls wait for.
type identityAttempt struct {
	done chan struct{}
	id   Identity
	err  error
}

type identityAttemptKey struct{}

// OrganizationError says that the organization's accounts could not be
// listed: the whole query depends on it.
type OrganizationError struct{ Err error }

func (e *OrganizationError) Error() string {
	op, code, msg := Describe(e.Err)
	hint := ""
	switch code {
	case "AccessDeniedException":
		hint = " (--list-accounts needs the management account or a delegated administrator, with organizations:ListAccounts)"
	case "AWSOrganizationsNotInUseException":
		hint = " (the account is in no organization: drop --list-accounts)"
	}
	return fmt.Sprintf("list the organization's accounts: %s: %s: %s%s", op, code, msg, hint)
}

func (e *OrganizationError) Unwrap() error { return e.Err }

// orgClient calls Organizations as the caller. Its calls are kept under
// no account (there is one caller) and counted under the caller's once
// GetCallerIdentity says which it is: listOrganization asks for the
// first page of accounts meanwhile.
func (s *Session) orgClient() *organizations.Client {
	caller := func(ctx context.Context) string {
		id, _ := s.Identity(ctx)
		return id.Account
	}
	known := func() (string, bool) {
		id, ok := s.identity.known(struct{}{})
		return id.Account, ok
	}
	return organizations.NewFromConfig(s.caller, func(o *organizations.Options) {
		o.APIOptions = append(o.APIOptions, append(s.cachingOnly(""), countingAs(caller, known))...)
	})
}

// listOrganization lists the organization's ACTIVE accounts (under the
// given OUs, each once), handing keep each page's.
func (s *Session) listOrganization(ctx context.Context, keep func([]Account)) error {
	c := s.orgClient()
	seen := map[string]bool{}
	add := func(raw []orgtypes.Account) {
		var accts []Account
		for _, a := range raw {
			// State, not the Status field AWS is retiring.
			if a.State != orgtypes.AccountStateActive || seen[aws.ToString(a.Id)] {
				continue
			}
			seen[aws.ToString(a.Id)] = true
			accts = append(accts, Account{
				ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Email: aws.ToString(a.Email),
				State: string(a.State), ARN: aws.ToString(a.Arn), JoinedMethod: string(a.JoinedMethod),
				JoinedTimestamp: a.JoinedTimestamp,
			})
		}
		keep(accts)
	}
	if len(s.opts.OUs) == 0 {
		p := organizations.NewListAccountsPaginator(c, &organizations.ListAccountsInput{})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx)
			if err != nil {
				return &OrganizationError{Err: err}
			}
			add(out.Accounts)
		}
		return nil
	}
	var walk func(parent string) error
	walk = func(parent string) error {
		ap := organizations.NewListAccountsForParentPaginator(c, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent)})
		for ap.HasMorePages() {
			out, err := ap.NextPage(ctx)
			if err != nil {
				return err
			}
			add(out.Accounts)
		}
		op := organizations.NewListOrganizationalUnitsForParentPaginator(c, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
		for op.HasMorePages() {
			out, err := op.NextPage(ctx)
			if err != nil {
				return err
			}
			for _, ou := range out.OrganizationalUnits {
				if err := walk(aws.ToString(ou.Id)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, ou := range s.opts.OUs {
		if err := walk(ou); err != nil {
			return &OrganizationError{Err: err}
		}
	}
	return nil
}

// Organization describes the caller's organization (DescribeOrganization,
// which any of its accounts may call), nil when the caller's account is in
// none. Every account a connection reads is in the caller's organization,
// if any: its accounts are listed from it.
func (s *Session) Organization(ctx context.Context) (*orgtypes.Organization, error) {
	if _, err := s.Identity(ctx); err != nil {
		return nil, err
	}
	out, err := s.orgClient().DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	switch {
	case IsCode(err, "AWSOrganizationsNotInUseException"):
		return nil, nil
	case err != nil:
		return nil, err
	}
	return out.Organization, nil
}

// Parent returns the id of an account's parent (an OU or the root).
func (s *Session) Parent(ctx context.Context, account string) (string, error) {
	out, err := s.orgClient().ListParents(ctx, &organizations.ListParentsInput{ChildId: aws.String(account)})
	if err != nil {
		return "", err
	}
	if len(out.Parents) == 0 {
		return "", nil
	}
	return aws.ToString(out.Parents[0].Id), nil
}

// MemberRoleARN is the role awssql assumes in a member account.
func (s *Session) MemberRoleARN(account string) string {
	return fmt.Sprintf("arn:%s:iam::%s:role/%s", s.Partition(), account, s.opts.MemberRole)
}

// callerAccount is the caller's account once known.
func (s *Session) callerAccount() string {
	id, _ := s.identity.peek(struct{}{})
	return id.Account
}

// configFor returns the configuration that reads an account: the caller's
// own credentials in its own account, the member role's elsewhere. The
// member role is assumed once per process and shared by every region.
func (s *Session) configFor(account string) aws.Config {
	if account == s.callerAccount() {
		return s.caller
	}
	cfg, _ := s.members.get(account, func() (aws.Config, error) {
		cfg := s.caller.Copy()
		cfg.Credentials = s.assumeRole(s.caller, s.MemberRoleARN(account))
		return cfg, nil
	})
	return cfg
}

// Reach makes sure awssql can read an account: for a member account it
// assumes the member role (once; later calls reuse the session). Call it
// before Client for an account: it learns who the caller is first, so that
// the caller's own account is read with the caller's credentials, whatever
// was asked before. The error names the role and what to check.
func (s *Session) Reach(ctx context.Context, account string) error {
	id, err := s.Identity(ctx)
	if err != nil {
		return err
	}
	if account == id.Account {
		return nil
	}
	if _, err := s.configFor(account).Credentials.Retrieve(ctx); err != nil {
		_, code, msg := Describe(err)
		return &TargetError{Account: account, Operation: "AssumeRole", Code: code, Err: err,
			Message: fmt.Sprintf("cannot assume %s: %s%s", s.MemberRoleARN(account), strings.TrimSpace(msg), s.trustHint(code, id.ARN))}
	}
	return nil
}

// trustHint says what to check when a role could not be assumed: the trust
// policy and the external ID, when STS refused (AccessDenied); nothing when
// the call failed otherwise (throttled, unreachable), which the role's
// configuration cannot cause.
func (s *Session) trustHint(code, principal string) string {
	if code != "AccessDenied" {
		return ""
	}
	ext := ""
	if s.opts.ExternalID != "" {
		ext = " and that it expects the external ID given"
	}
	if principal == "" {
		return fmt.Sprintf(" (check that the role exists and that its trust policy allows the previous identity%s)", ext)
	}
	return fmt.Sprintf(" (check that the role exists, that its trust policy allows %s%s)", principal, ext)
}
