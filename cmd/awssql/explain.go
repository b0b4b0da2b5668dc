package main

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab"
	"github.com/awssql/awssql/vtab/tables"
)

var (
	eqpTableRE = regexp.MustCompile(`^(SCAN|SEARCH) (\S+)(?: AS (\S+))?`)
	eqpPlanRE  = regexp.MustCompile(`VIRTUAL TABLE INDEX -?\d+:(.*?)(?: LEFT-JOIN)?$`)
)

func (a *app) explainCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "explain 'SQL'",
		Short: "Show how a statement would call AWS, without calling any resource API",
		Long: `For each table of the statement: which WHERE constraints go into the API call
(as which parameter or filter), which SQLite checks itself, whether LIMIT is pushed,
and the targets (accounts x regions) a run would call. It calls no resource API: it
asks AWS only who the caller is, the organization's accounts (--list-accounts), and
each account's enabled regions (assuming its member role).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			given, err := parseParams(a.opts.params)
			if err != nil {
				return err
			}
			params, err := bindParams(given, nil)
			if err != nil {
				return err
			}
			stmts := splitStatements(args[0])
			if len(stmts) == 0 {
				return usageErrorf("no SQL statement to explain")
			}
			for i, st := range stmts {
				if err := bindable(st, params); err != nil {
					return err
				}
				if len(stmts) > 1 {
					fmt.Fprintf(a.io.out, "statement %d: %s\n", i+1, oneLine(st))
				}
				if err := a.explain(cmd.Context(), st, params); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&a.opts.params, "param", nil, "bind a named parameter :name, as name=value (repeatable)")
	return cmd
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return s
}

// tablePlan is one table of a statement's plan.
type tablePlan struct {
	alias string
	verb  string // SCAN or SEARCH
	info  vtab.PlanInfo
	calls []vtab.FilterInfo // what a dry run would have asked
}

func (a *app) explain(ctx context.Context, stmt string, params map[string]any) error {
	eng, db, err := a.engine(ctx)
	if err != nil {
		return err
	}
	var plans []*tablePlan
	byPlan := map[string]*tablePlan{}
	if err := func() error {
		st := eng.Begin(ctx)
		defer st.End()
		rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+stmt, namedArgs(stmt, params)...)
		if err != nil {
			return explainSQLError(st.Cause(err), stmt)
		}
		defer rows.Close()
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				return err
			}
			m := eqpPlanRE.FindStringSubmatch(detail)
			if m == nil {
				continue
			}
			info, ok := eng.ExplainPlan(m[1])
			if !ok {
				continue
			}
			tp := &tablePlan{info: info, verb: "SCAN", alias: info.Table}
			if t := eqpTableRE.FindStringSubmatch(detail); t != nil {
				tp.verb, tp.alias = t[1], t[2]
			}
			plans = append(plans, tp)
			byPlan[m[1]] = tp
		}
		return st.Cause(rows.Err())
	}(); err != nil {
		return err
	}
	// A dry run tells the values the outer tables would pass.
	st := eng.BeginDryRun(ctx, func(fi vtab.FilterInfo) {
		if tp := byPlan[fi.Plan]; tp != nil {
			tp.calls = append(tp.calls, fi)
		}
	})
	rows, err := db.QueryContext(ctx, stmt, namedArgs(stmt, params)...)
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
		rows.Close()
	}
	st.End()
	if err != nil {
		return st.Cause(err)
	}
	if len(plans) == 0 {
		fmt.Fprintln(a.io.out, "no AWS table: nothing is called")
		return nil
	}
	for _, tp := range plans {
		if err := a.explainTable(ctx, tp); err != nil {
			return err
		}
	}
	return nil
}

func (a *app) explainTable(ctx context.Context, tp *tablePlan) error {
	out := a.io.out
	name := tp.info.Table
	if tp.alias != name {
		name += " AS " + tp.alias
	}
	fmt.Fprintf(out, "%s (%s)\n", name, strings.ToLower(tp.verb))
	if tp.info.MissingRequired {
		fmt.Fprintln(out, "  missing a required value: the statement fails")
	}
	// Values a dry run saw; a table read once per outer row has none.
	values := map[string][]string{}
	scanned := map[string]bool{}
	for _, c := range tp.calls {
		for col, vs := range c.Pushed {
			for _, v := range vs {
				if !slices.Contains(values[col], v) {
					values[col] = append(values[col], v)
				}
			}
		}
		for _, col := range c.Scanned {
			scanned[col] = true
		}
	}
	if len(tp.info.Pushed) == 0 {
		fmt.Fprintln(out, "  pushed into the call: nothing (every target is listed whole)")
	} else {
		fmt.Fprintln(out, "  pushed into the call:")
	}
	for _, c := range tp.info.Pushed {
		op := "="
		if c.In {
			op = "IN"
		}
		v := quoteAll(values[c.Name])
		switch {
		case scanned[c.Name]:
			v = "(values that do not narrow the call: more than one call takes, or not text)"
		case len(tp.calls) == 0:
			v = "(a value from another table, per row)"
		case v == "":
			v = "?"
		}
		check := "exact"
		if !c.Exact {
			check = "SQLite re-checks each row"
		}
		fmt.Fprintf(out, "    %s %s %s -> %s (%s)\n", c.Name, op, v, c.Push, check)
	}
	if len(tp.info.Rest) > 0 {
		fmt.Fprintf(out, "  checked by SQLite: %s\n", strings.Join(tp.info.Rest, ", "))
	}
	if tp.info.Limit {
		fmt.Fprintln(out, "  LIMIT: pushed (paging stops once enough rows came)")
	} else {
		fmt.Fprintln(out, "  LIMIT: not pushed")
	}
	return a.explainTargets(ctx, tp, values)
}

func quoteAll(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	if len(q) > 5 {
		return strings.Join(q[:5], ", ") + fmt.Sprintf(", ... (%d values)", len(q))
	}
	return strings.Join(q, ", ")
}

// explainTargets counts the targets a run would call, from the table's
// declared scope: the connection's accounts (or those of account_id), and
// for a regional table each account's own enabled regions (one
// DescribeRegions per account) under --regions (or region).
func (a *app) explainTargets(ctx context.Context, tp *tablePlan, values map[string][]string) error {
	t, ok := tables.Find(a.tables, tp.info.Table)
	if !ok {
		return fmt.Errorf("explain: no table %s", tp.info.Table)
	}
	// A dry run reads every table as empty, so a table read once per row
	// of another was never asked anything.
	perRow := len(tp.calls) == 0 && len(tp.info.Pushed) > 0
	pushed := func(col string) bool {
		return slices.ContainsFunc(tp.info.Pushed, func(c vtab.PushedInfo) bool { return c.Name == col })
	}
	if perRow && pushed("account_id") && (pushed("region") || t.Scope != tables.PerRegion) {
		fmt.Fprintln(a.io.out, "  targets: one (account, region) per row of the outer table, each looked up once")
		return nil
	}
	sess, err := a.session(ctx)
	if err != nil {
		return err
	}
	sc := fetch.Scope{Global: t.Scope != tables.PerRegion, Accounts: values["account_id"]}
	if t.Scope == tables.PerRegion {
		sc.Regions = values["region"]
	}
	per := ""
	if perRow {
		per = ", per row of the outer table"
	}
	switch t.Scope {
	case tables.PerConnection:
		// Columns read with a call in each account make a target of each.
		if read := slices.DeleteFunc(slices.Clone(t.Hydrated), func(c string) bool { return !slices.Contains(tp.info.Used, c) }); len(read) > 0 {
			targets, failures, err := sess.Targets(ctx, fetch.Scope{Global: true, Accounts: values["account_id"]})
			if err != nil {
				return err
			}
			fmt.Fprintf(a.io.out, "  targets: %d (one per account, in the home region, for %s)\n", len(targets)+len(failures), strings.Join(read, ", "))
			return nil
		}
		accounts, err := sess.Accounts(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.io.out, "  targets: none; the connection's %d accounts are listed (a member role is assumed only when reachable or error is read)\n", len(accounts))
		return nil
	case tables.PerBucket:
		// A run lists each bucket once per value of its other IN lists
		// (key, prefix, start_after): a target each, as the dry run saw.
		n, buckets := max(len(tp.calls), 1), max(len(values["bucket_name"]), 1)
		each := ""
		if n > buckets {
			each = ", a listing per value of an IN list"
		}
		fmt.Fprintf(a.io.out, "  targets: %d (one per bucket, in the bucket's region%s%s)\n", n, each, per)
		return nil
	}
	targets, failures, err := sess.Targets(ctx, sc)
	if err != nil {
		return err
	}
	accounts := map[string]bool{}
	regions := map[string]bool{}
	for _, t := range targets {
		accounts[t.Account] = true
		regions[t.Region] = true
	}
	for _, f := range failures {
		accounts[f.Account] = true
	}
	shown := slices.Sorted(maps.Keys(regions))
	list := strings.Join(shown, ", ")
	if len(shown) > 6 {
		list = strings.Join(shown[:6], ", ") + ", ..."
	}
	fail := ""
	if len(failures) > 0 {
		fail = fmt.Sprintf("; %d of them cannot be read: an account awssql cannot enter, or a region named that is not enabled", len(failures))
	}
	total, err := fanOuts(ctx, sess, tp, sc, len(targets)+len(failures))
	if err != nil {
		return err
	}
	if len(tp.calls) > 1 {
		fail += fmt.Sprintf("; %d fan-outs, each over its own targets: a call per value of an IN list, or per term of an OR", len(tp.calls))
	}
	if t.Scope == tables.PerAccount {
		fmt.Fprintf(a.io.out, "  targets: %d (one per account, in the home region%s%s)\n", total, per, fail)
		return nil
	}
	fmt.Fprintf(a.io.out, "  targets: %d (%d accounts, each in its own enabled regions: %s%s)%s\n",
		total, len(accounts), list, per, fail)
	return nil
}

// fanOuts counts the targets of a run when the dry run saw several Filter
// calls: each is a fan-out of its own (an IN list that takes a call per
// value, an OR plan), over the accounts and regions it pushed. n is the
// count for one call of the union's scope.
func fanOuts(ctx context.Context, sess *fetch.Session, tp *tablePlan, union fetch.Scope, n int) (int, error) {
	if len(tp.calls) < 2 {
		return n, nil
	}
	total := 0
	for _, c := range tp.calls {
		sc := union
		sc.Accounts = c.Pushed["account_id"]
		if !sc.Global {
			sc.Regions = c.Pushed["region"]
		}
		targets, failures, err := sess.Targets(ctx, sc)
		if err != nil {
			return 0, err
		}
		total += len(targets) + len(failures)
	}
	return total, nil
}
