package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/awssql/awssql/queries"
	"github.com/awssql/awssql/vtab"
)

func (a *app) tablesCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "tables",
		Short: "List the tables with a one-line description",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			eng, err := catalog()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.io.out, 0, 4, 2, ' ', 0)
			for _, t := range eng.Tables() {
				fmt.Fprintf(tw, "%s\t%s\n", t.Name, t.Doc)
			}
			return tw.Flush()
		},
	}
}

func (a *app) schemaCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "schema TABLE",
		Short: "Show a table's columns, their types, and which push down into the API call",
		Args:  cobra.ExactArgs(1),
		ValidArgsFunction: func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
			eng, err := catalog()
			if err != nil {
				return nil, cobra.ShellCompDirectiveError
			}
			var names []string
			for _, t := range eng.Tables() {
				if strings.HasPrefix(t.Name, prefix) {
					names = append(names, t.Name)
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := catalog()
			if err != nil {
				return err
			}
			t, ok := eng.Table(args[0])
			if !ok {
				var names []string
				for _, t := range eng.Tables() {
					names = append(names, t.Name)
				}
				return usageErrorf("no table %q: the tables are %s", args[0], strings.Join(names, ", "))
			}
			fmt.Fprintf(a.io.out, "%s: %s\n\n", t.Name, t.Doc)
			tw := tabwriter.NewWriter(a.io.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "column\ttype\tpushdown\tnotes")
			for _, c := range t.Columns {
				notes := c.Doc
				if c.Hidden {
					notes = strings.TrimSpace("hidden; " + notes)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Name, c.Type, pushdown(c), notes)
			}
			return tw.Flush()
		},
	}
}

func pushdown(c vtab.ColumnInfo) string {
	switch c.Key {
	case vtab.Exact:
		return "= IN"
	case vtab.Pushed:
		return "= IN (re-checked)"
	case vtab.Required:
		return "= IN (required)"
	}
	return ""
}

// savedQueries returns the embedded queries and the user's, the user's
// winning on a name clash.
func (a *app) savedQueries() ([]queries.Query, error) {
	builtin, err := queries.Builtin()
	if err != nil {
		return nil, err
	}
	byName := map[string]queries.Query{}
	for _, q := range builtin {
		byName[q.Name] = q
	}
	if dir := a.userQueryDir(); dir != "" {
		if _, err := os.Stat(dir); err == nil {
			user, err := queries.Dir(os.DirFS(dir), dir)
			if err != nil {
				return nil, err
			}
			for _, q := range user {
				byName[q.Name] = q
			}
		}
	}
	out := make([]queries.Query, 0, len(byName))
	for _, q := range byName {
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// userQueryDir is the user's saved queries: $XDG_CONFIG_HOME/awssql/queries,
// else the platform's user config directory's.
func (a *app) userQueryDir() string {
	if x := a.io.getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "awssql", "queries")
	}
	return a.io.userQuery
}

func (a *app) queriesCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "queries",
		Short: "List the saved queries: name, description and parameters",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			qs, err := a.savedQueries()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.io.out, 0, 4, 2, ' ', 0)
			for _, q := range qs {
				var ps []string
				for _, p := range q.Params {
					switch {
					case p.Required:
						ps = append(ps, p.Name+" (required)")
					case p.Default == "":
						ps = append(ps, p.Name+"=''")
					default:
						ps = append(ps, p.Name+"="+p.Default)
					}
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", q.Name, q.Description, strings.Join(ps, " "))
			}
			return tw.Flush()
		},
	}
}

func (a *app) runCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run NAME|FILE.sql",
		Short: "Run a saved query (see awssql queries) or a .sql file",
		Args:  cobra.ExactArgs(1),
		ValidArgsFunction: func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
			qs, err := a.savedQueries()
			if err != nil {
				return nil, cobra.ShellCompDirectiveError
			}
			var names []string
			for _, q := range qs {
				if strings.HasPrefix(q.Name, prefix) {
					names = append(names, q.Name+"\t"+q.Description)
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			q, err := a.findQuery(args[0])
			if err != nil {
				return err
			}
			return a.runScripts(cmd.Context(), []script{{source: q.Source, sql: q.SQL}}, q.Params, "saved query "+q.Name)
		},
	}
	a.queryFlags(cmd.Flags())
	cmd.Flags().MarkHidden("file")
	return cmd
}

func (a *app) findQuery(name string) (queries.Query, error) {
	if strings.HasSuffix(name, ".sql") || strings.ContainsRune(name, filepath.Separator) {
		b, err := os.ReadFile(name)
		if err != nil {
			return queries.Query{}, usageErrorf("run: %v", err)
		}
		q, err := queries.Parse(strings.TrimSuffix(filepath.Base(name), ".sql"), name, string(b))
		if err != nil && !errors.Is(err, queries.ErrNoDescription) {
			return q, usageErrorf("run %s: %v", name, err)
		}
		return q, nil // a file of one's own needs no description
	}
	qs, err := a.savedQueries()
	if err != nil {
		return queries.Query{}, err
	}
	var names []string
	for _, q := range qs {
		if q.Name == name {
			return q, nil
		}
		names = append(names, q.Name)
	}
	return queries.Query{}, usageErrorf("no saved query %q: awssql queries lists %s", name, strings.Join(names, ", "))
}
