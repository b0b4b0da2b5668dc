package main

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awssql/awssql/vtab"
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
and the targets (accounts x regions) a run would call. It asks AWS only who the
caller is, the organization's accounts (--list-accounts) and the caller's regions.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			params, err := parseParams(a.opts.params)
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

func (a *app) explain(ctx context.Context, stmt string, params map[string]string) error {
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
			return st.Cause(err)
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
	for _, c := range tp.calls {
		for col, v := range c.Pushed {
			s := fmt.Sprintf("'%v'", v)
			if !slices.Contains(values[col], s) {
				values[col] = append(values[col], s)
			}
		}
	}
	if len(tp.info.Pushed) == 0 {
		fmt.Fprintln(out, "  pushed into the call: nothing (every target is listed whole)")
	} else {
		fmt.Fprintln(out, "  pushed into the call:")
	}
	for _, c := range tp.info.Pushed {
		v := strings.Join(values[c.Name], ", ")
		switch {
		case v == "" && len(tp.calls) == 0:
			v = "(a value from another table, per row)"
		case v == "":
			v = "?"
		}
		check := "exact"
		if c.Key == vtab.Pushed {
			check = "re-checked by SQLite"
		}
		fmt.Fprintf(out, "    %s = %s -> %s (%s)\n", c.Name, v, c.Push, check)
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

// explainTargets counts the targets a run would call: accounts from the
// connection (or account_id), regions from --regions as enabled in the
// caller's account (or region).
func (a *app) explainTargets(ctx context.Context, tp *tablePlan, values map[string][]string) error {
	perRow := func(col string) bool {
		for _, c := range tp.info.Pushed {
			if c.Name == col {
				return len(values[col]) == 0
			}
		}
		return false
	}
	if perRow("account_id") && (perRow("region") || tp.info.Table == "accounts" || tp.info.Table == "regions") {
		fmt.Fprintln(a.io.out, "  targets: one (account, region) per row of the outer table, each looked up once")
		return nil
	}
	sess, err := a.session(ctx)
	if err != nil {
		return err
	}
	accounts, err := sess.Accounts(ctx)
	if err != nil {
		return err
	}
	if v, ok := values["account_id"]; ok {
		accounts = slices.DeleteFunc(slices.Clone(accounts), func(acct string) bool { return !slices.Contains(v, "'"+acct+"'") })
	}
	if tp.info.Table == "accounts" || tp.info.Table == "regions" {
		fmt.Fprintf(a.io.out, "  targets: %d accounts\n", len(accounts))
		return nil
	}
	id, err := sess.Identity(ctx)
	if err != nil {
		return err
	}
	regions, _, err := sess.TargetRegions(ctx, id.Account)
	if err != nil {
		return err
	}
	if v, ok := values["region"]; ok {
		regions = slices.DeleteFunc(slices.Clone(regions), func(r string) bool { return !slices.Contains(v, "'"+r+"'") })
	}
	sort.Strings(regions)
	shown := strings.Join(regions, ", ")
	if len(regions) > 6 {
		shown = strings.Join(regions[:6], ", ") + ", ..."
	}
	per := ""
	if len(tp.calls) == 0 && tp.verb == "SEARCH" {
		per = ", per row of the outer table"
	}
	fmt.Fprintf(a.io.out, "  targets: %d accounts x %d regions = %d%s (%s)\n",
		len(accounts), len(regions), len(accounts)*len(regions), per, shown)
	return nil
}
