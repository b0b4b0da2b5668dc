package tables

import (
	"context"
	"errors"
	"iter"
	"slices"
	"sync"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
)

// accountRow is an account and, when the query asks, what is known of
// reaching it and of its place in the organization.
type accountRow struct {
	fetch.Account
	parent    *string
	reachable *bool
	err       *string
}

// Accounts is accounts: the accounts a query covers. Assuming the member
// roles (reachable, error) and ListParents (parent_id) happen only for a
// query that reads those columns.
func Accounts(s *fetch.Session) Table {
	opt := func(v string) any {
		if v == "" {
			return nil
		}
		return v
	}
	def := &vtab.Table[accountRow]{
		Name: "accounts",
		Doc:  "the accounts queried: the organization's with --list-accounts, else the caller's",
		Rows: 100,
		Columns: []vtab.Column[accountRow]{
			{Name: "account_id", Type: vtab.Text, Key: vtab.Exact, Selectivity: 100, Push: "the accounts listed", Batch: 1 << 20, Get: func(a accountRow) any { return a.ID }},
			{Name: "region", Type: vtab.Text, Nullable: true, Doc: "always NULL: accounts are global", Get: func(accountRow) any { return nil }},
			{Name: "name", Type: vtab.Text, Nullable: true, Doc: "NULL without --list-accounts", Get: func(a accountRow) any { return opt(a.Name) }},
			{Name: "email", Type: vtab.Text, Nullable: true, Get: func(a accountRow) any { return opt(a.Email) }},
			{Name: "state", Type: vtab.Text, Nullable: true, Get: func(a accountRow) any { return opt(a.State) }},
			{Name: "arn", Type: vtab.Text, Nullable: true, Get: func(a accountRow) any { return opt(a.ARN) }},
			{Name: "joined_method", Type: vtab.Text, Nullable: true, Get: func(a accountRow) any { return opt(a.JoinedMethod) }},
			{Name: "joined_timestamp", Type: vtab.Time, Nullable: true, Get: func(a accountRow) any { return a.JoinedTimestamp }},
			{Name: "parent_id", Type: vtab.Text, Nullable: true, Doc: "the OU or root (ListParents, only when read)", Get: func(a accountRow) any { return a.parent }},
			{Name: "reachable", Type: vtab.Bool, Doc: "awssql could assume the member role (checked only when read)", Get: func(a accountRow) any { return a.reachable }},
			{Name: "error", Type: vtab.Text, Nullable: true, Doc: "why not, when not reachable", Get: func(a accountRow) any { return a.err }},
		},
		ID: func(a accountRow) string { return a.ID },
		List: func(ctx context.Context, q *vtab.Query) iter.Seq2[accountRow, error] {
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
						rows = append(rows, accountRow{Account: a})
					}
				}
				reach := q.Uses("reachable") || q.Uses("error")
				parents := q.Uses("parent_id") && s.Options().ListAccounts
				if reach || parents {
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
					if parentErr != nil {
						yield(accountRow{}, parentErr)
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
	// Its calls are fetch's own (organizations, AssumeRole), on the
	// allowlist whatever the tables.
	return Table{Name: "accounts", Def: def, Scope: PerConnection}
}
