package tables

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

// accountRow is an account and, when the query asks, what is known of
// reaching it, of its place in the organization and of its aliases.
type accountRow struct {
	fetch.Account
	partition string
	parent    *string
	reachable *bool
	err       *string
	aliases   []string
	org       *orgtypes.Organization
}

// arn is the account's ARN as Steampipe writes it: arn:aws:::123456789012.
func (a accountRow) arn() string { return "arn:" + a.partition + ":::" + a.ID }

// The columns that cost calls, made only when a statement reads them.
var (
	// aliasColumns read iam ListAccountAliases in each account: a target
	// per account, as a regional table's region is.
	aliasColumns = []string{"account_aliases", "title"}
	// orgColumns read the caller's DescribeOrganization, once.
	orgColumns = []string{"organization_id", "organization_arn", "organization_feature_set", "organization_master_account_arn",
		"organization_master_account_email", "organization_master_account_id", "organization_available_policy_types"}
)

// Accounts is accounts, Steampipe's aws_account: the accounts a query
// covers. Assuming the member roles (reachable, error), ListParents
// (parent_id), ListAccountAliases in each account (account_aliases, title)
// and DescribeOrganization (organization_*) happen only for a query that
// reads those columns.
func Accounts(s *fetch.Session) Table {
	opt := func(v string) any {
		if v == "" {
			return nil
		}
		return v
	}
	org := func(get func(*orgtypes.Organization) any) func(*accountRow) any {
		return func(a *accountRow) any {
			if a.org == nil {
				return nil
			}
			return get(a.org)
		}
	}
	def := &vtab.Table[accountRow]{
		Name:    "accounts",
		Aliases: []string{"aws_account"},
		Doc:     "the accounts queried: the organization's with --list-accounts, else the caller's",
		Rows:    100,
		Columns: []vtab.Column[accountRow]{
			{Name: "account_id", Type: vtab.Text, Key: vtab.Exact, Selectivity: 100, Push: "the accounts listed", Batch: 1 << 20, Get: func(a *accountRow) any { return a.ID }},
			{Name: "region", Type: vtab.Text, Doc: "always global: accounts are, as Steampipe says", Get: func(*accountRow) any { return "global" }},
			{Name: "name", Type: vtab.Text, Nullable: true, Doc: "NULL without --list-accounts", Get: func(a *accountRow) any { return opt(a.Name) }},
			{Name: "email", Type: vtab.Text, Nullable: true, Get: func(a *accountRow) any { return opt(a.Email) }},
			{Name: "state", Type: vtab.Text, Nullable: true, Get: func(a *accountRow) any { return opt(a.State) }},
			{Name: "arn", Type: vtab.Text, Doc: "arn:aws:::ACCOUNT, as Steampipe writes it", Get: func(a *accountRow) any { return a.arn() }},
			{Name: "akas", Type: vtab.JSON, Doc: "the account's ARN as a list, as Steampipe names it", Get: func(a *accountRow) any { return []string{a.arn()} }},
			{Name: "partition", Type: vtab.Text, Doc: "aws, aws-cn or aws-us-gov", Get: func(a *accountRow) any { return a.partition }},
			{Name: "organization_account_arn", Type: vtab.Text, Nullable: true, Doc: "the account's ARN in AWS Organizations; NULL without --list-accounts",
				Get: func(a *accountRow) any { return opt(a.ARN) }},
			{Name: "joined_method", Type: vtab.Text, Nullable: true, Get: func(a *accountRow) any { return opt(a.JoinedMethod) }},
			{Name: "joined_timestamp", Type: vtab.Time, Nullable: true, Get: func(a *accountRow) any { return a.JoinedTimestamp }},
			{Name: "parent_id", Type: vtab.Text, Nullable: true, Doc: "the OU or root (ListParents, only when read)", Get: func(a *accountRow) any { return a.parent }},
			{Name: "reachable", Type: vtab.Bool, Doc: "awssql could assume the member role (checked only when read)", Get: func(a *accountRow) any { return a.reachable }},
			{Name: "error", Type: vtab.Text, Nullable: true, Doc: "why not, when not reachable", Get: func(a *accountRow) any { return a.err }},
			{Name: "account_aliases", Hidden: true, Type: vtab.JSON, Nullable: true,
				Doc: "the account's IAM aliases (ListAccountAliases in each account, only when read; an account that cannot be read is a failed target)",
				Get: func(a *accountRow) any { return a.aliases }},
			{Name: "title", Hidden: true, Type: vtab.Text, Doc: "the account's first alias, else its id (ListAccountAliases, as account_aliases)", Get: func(a *accountRow) any {
				if len(a.aliases) > 0 {
					return a.aliases[0]
				}
				return a.ID
			}},
			{Name: "organization_id", Type: vtab.Text, Nullable: true, Doc: "NULL when the account is in no organization (DescribeOrganization, once, only when read)",
				Get: org(func(o *orgtypes.Organization) any { return o.Id })},
			{Name: "organization_arn", Type: vtab.Text, Nullable: true, Get: org(func(o *orgtypes.Organization) any { return o.Arn })},
			{Name: "organization_feature_set", Type: vtab.Text, Nullable: true, Doc: "ALL or CONSOLIDATED_BILLING",
				Get: org(func(o *orgtypes.Organization) any { return str(o.FeatureSet) })},
			{Name: "organization_master_account_arn", Type: vtab.Text, Nullable: true, Doc: "the management account's",
				Get: org(func(o *orgtypes.Organization) any { return o.MasterAccountArn })},
			{Name: "organization_master_account_email", Type: vtab.Text, Nullable: true, Get: org(func(o *orgtypes.Organization) any { return o.MasterAccountEmail })},
			{Name: "organization_master_account_id", Type: vtab.Text, Nullable: true, Get: org(func(o *orgtypes.Organization) any { return o.MasterAccountId })},
			{Name: "organization_available_policy_types", Type: vtab.JSON, Nullable: true, Doc: "the policy types enabled on the root, and their status",
				Get: org(func(o *orgtypes.Organization) any { return o.AvailablePolicyTypes })},
		},
		ID: func(a accountRow) string { return a.ID },
		List: func(ctx context.Context, q *vtab.Query) iter.Seq2[accountRow, error] {
			ctx = mayAskAgain(ctx, q)
			return func(yield func(accountRow, error) bool) {
				accts, err := s.AccountList(ctx)
				if err != nil {
					yield(accountRow{}, err)
					return
				}
				want, byID := q.Values("account_id")
				var rows []accountRow
				for _, a := range accts {
					if !byID || slices.Contains(want, a.ID) {
						rows = append(rows, accountRow{Account: a, partition: s.Partition()})
					}
				}
				if err := reachAndPlace(ctx, s, q, rows); err != nil {
					yield(accountRow{}, err)
					return
				}
				if slices.ContainsFunc(orgColumns, q.Uses) {
					o, err := s.Organization(ctx)
					if err != nil {
						yield(accountRow{}, fmt.Errorf("accounts: the organization columns: %w", err))
						return
					}
					for i := range rows {
						rows[i].org = o
					}
				}
				if slices.ContainsFunc(aliasColumns, q.Uses) && len(rows) > 0 {
					if rows, err = withAliases(ctx, s, rows); err != nil {
						yield(accountRow{}, err)
						return
					}
				}
				for _, r := range rows {
					if !yield(r, nil) {
						return
					}
				}
			}
		},
	}
	return Table{
		Name: "accounts", Aliases: []string{"aws_account"}, Def: def, Scope: PerConnection, Hydrated: slices.Clone(aliasColumns),
		// The rest of its calls are fetch's own (ListAccounts, ListParents,
		// AssumeRole), on the allowlist whatever the tables.
		Ops: []fetch.Operation{fetch.Read[iam.ListAccountAliasesOutput]("IAM", "ListAccountAliases", "iam:ListAccountAliases"), describeOrganization()},
		Probe: fetch.Probe{Table: "accounts", Actions: []string{"iam:ListAccountAliases"},
			Call: func(ctx context.Context, _ *fetch.Session, c *fetch.Client) (string, error) {
				out, err := fetch.Service(c, iam.NewFromConfig).ListAccountAliases(ctx, &iam.ListAccountAliasesInput{})
				if err != nil {
					return "", err
				}
				if len(out.AccountAliases) == 0 {
					return "no alias", nil
				}
				return "alias " + out.AccountAliases[0], nil
			}},
	}
}

// describeOrganization is the call of the organization's columns, which
// the caller makes (fetch's own, as listing the organization is).
func describeOrganization() fetch.Operation {
	op := fetch.Read[organizations.DescribeOrganizationOutput]("Organizations", "DescribeOrganization", "organizations:DescribeOrganization")
	op.Caller = true
	return op
}

// reachAndPlace assumes the member roles (reachable, error) and reads the
// accounts' parents (parent_id) when the statement reads those columns.
func reachAndPlace(ctx context.Context, s *fetch.Session, q *vtab.Query, rows []accountRow) error {
	reach := q.Uses("reachable") || q.Uses("error")
	parents := q.Uses("parent_id") && s.Options().ListAccounts
	if !reach && !parents {
		return nil
	}
	sem := make(chan struct{}, s.Options().Concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var parentErr error
	for i := range rows {
		wg.Add(1)
		sem <- struct{}{}
		go func(r *accountRow) {
			defer func() { <-sem; wg.Done() }()
			if reach {
				ok := true
				if err := s.Reach(ctx, r.ID); err != nil {
					ok = false
					_, code, msg := fetch.Describe(err)
					var te *fetch.TargetError
					if errors.As(err, &te) {
						code, msg = te.Code, te.Message
					}
					text := code + ": " + msg
					r.err = &text
				}
				r.reachable = &ok
			}
			if parents {
				p, err := s.Parent(ctx, r.ID)
				if err != nil {
					mu.Lock()
					parentErr = err
					mu.Unlock()
				} else if p != "" {
					r.parent = &p
				}
			}
		}(&rows[i])
	}
	wg.Wait()
	return parentErr
}

// withAliases reads each account's aliases, in the account, as a scan with
// one target per account: an account whose aliases cannot be read (its
// member role, iam:ListAccountAliases refused) is a failed target, reported
// and counted as a regional table's are, and has no row.
func withAliases(ctx context.Context, s *fetch.Session, rows []accountRow) ([]accountRow, error) {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	type aliases struct{ names []string }
	got := map[string][]string{}
	for item, err := range fetch.Scan(ctx, s, fetch.Scope{Global: true, Accounts: ids}, func(ctx context.Context, c *fetch.Client) iter.Seq2[[]aliases, error] {
		return func(yield func([]aliases, error) bool) {
			p := iam.NewListAccountAliasesPaginator(fetch.Service(c, iam.NewFromConfig), &iam.ListAccountAliasesInput{})
			var names []string
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					yield(nil, err)
					return
				}
				names = append(names, out.AccountAliases...)
			}
			yield([]aliases{{names}}, nil)
		}
	}) {
		if err != nil {
			return nil, err
		}
		got[item.Account] = item.Value.names
	}
	var out []accountRow
	for _, r := range rows {
		if names, ok := got[r.ID]; ok {
			r.aliases = names
			out = append(out, r)
		}
	}
	return out, nil
}
