package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/vtab/tables"
)

type statement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal,omitempty"`
	Action    any            `json:"Action"`
	Resource  any            `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
}

type policyDoc struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

// readerPolicy allows every operation that reads a table's resources.
func readerPolicy() policyDoc {
	var actions []string
	for _, op := range fetch.Allowlist(tables.Operations()) {
		if !op.Caller && !slices.Contains(actions, op.Action) {
			actions = append(actions, op.Action)
		}
	}
	return policyDoc{Version: "2012-10-17", Statement: []statement{
		{Sid: "AwssqlReadTables", Effect: "Allow", Action: actions, Resource: "*"},
	}}
}

// callerPolicy allows what the identity awssql starts from does: who am
// I, list the organization, assume the member role.
func callerPolicy(partition, memberRole string) policyDoc {
	var actions []string
	for _, op := range fetch.Allowlist(tables.Operations()) {
		if op.Caller && op.Action != "sts:AssumeRole" {
			actions = append(actions, op.Action)
		}
	}
	return policyDoc{Version: "2012-10-17", Statement: []statement{
		{Sid: "AwssqlListOrganization", Effect: "Allow", Action: actions, Resource: "*"},
		{Sid: "AwssqlAssumeMemberRole", Effect: "Allow", Action: "sts:AssumeRole",
			Resource: fmt.Sprintf("arn:%s:iam::*:role/%s", partition, memberRole)},
	}}
}

// trustPolicy lets the caller assume the member role, with the external ID.
func trustPolicy(principal, externalID string) policyDoc {
	st := statement{Effect: "Allow", Principal: map[string]any{"AWS": principal}, Action: "sts:AssumeRole"}
	if externalID != "" {
		st.Condition = map[string]any{"StringEquals": map[string]any{"sts:ExternalId": externalID}}
	}
	return policyDoc{Version: "2012-10-17", Statement: []statement{st}}
}

func (a *app) policyCommand() *cobra.Command {
	var caller, trust bool
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Print the IAM policy awssql needs (derived from the operations it may call)",
		Long: `Print an IAM policy document.

  awssql policy            the read-only policy of the role awssql reads each account with
                           (the member role, and the caller when its own account is read)
  awssql policy --caller   the policy of the identity that lists the organization's
                           accounts and assumes the member roles
  awssql policy --trust    the trust policy of the member role: who may assume it, and the
                           external ID it requires (--external-id)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if caller && trust {
				return usageErrorf("--caller and --trust print different documents: give one")
			}
			fo, err := a.fetchOptions()
			if err != nil {
				return err
			}
			partition := "aws"
			if n := len(fo.RoleChain); n > 0 {
				partition = strings.Split(fo.RoleChain[n-1], ":")[1]
			}
			var doc policyDoc
			switch {
			case caller:
				doc = callerPolicy(partition, fo.MemberRole)
			case trust:
				principal := "arn:" + partition + ":iam::CALLER_ACCOUNT_ID:root"
				if n := len(fo.RoleChain); n > 0 {
					principal = fo.RoleChain[n-1]
				}
				doc = trustPolicy(principal, fo.ExternalID)
			default:
				doc = readerPolicy()
			}
			enc := json.NewEncoder(a.io.out)
			enc.SetIndent("", "  ")
			return enc.Encode(doc)
		},
	}
	cmd.Flags().BoolVar(&caller, "caller", false, "the policy of the identity that lists accounts and assumes member roles")
	cmd.Flags().BoolVar(&trust, "trust", false, "the member role's trust policy, with the external-ID condition")
	return cmd
}

func (a *app) checkCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Walk the connection step by step and say what works and what does not",
		Long: `Check the connection as an administrator sets up an inventory connector: the base
identity, each hop of the role chain, the organization listing, each member role,
DescribeRegions per account, then one read of each table's API per account in the
home region. A failure names the IAM action that was refused or the trust problem.
Exit status 0 only when every step passed, else 1.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.opts.noCache = true // every step is asked of AWS, now
			sess, err := a.session(cmd.Context())
			if err != nil {
				return err
			}
			var failures []checkFailure
			sess.Check(cmd.Context(), tables.Probes(tables.All(sess)), func(st fetch.Step) {
				if st.Err == nil {
					line := "ok    " + st.Name
					if st.Detail != "" {
						line += ": " + st.Detail
					}
					fmt.Fprintln(a.io.out, line)
					return
				}
				failures = append(failures, checkFailure{name: st.Name, why: checkWhy(st)})
			})
			printCheckFailures(a.io.out, failures)
			failed := len(failures)
			if failed > 0 {
				return fmt.Errorf("check: %d steps failed", failed)
			}
			return nil
		},
	}
}

// checkWhy says why a step failed: the refused action, or the trust
// problem, or AWS's own words.
func checkWhy(st fetch.Step) string {
	op, code, msg := fetch.Describe(st.Err)
	var why string
	switch {
	case strings.Contains(st.Err.Error(), "AssumeRole") || op == "AssumeRole":
		why = fmt.Sprintf("%s: %s", code, msg)
	case code == "UnauthorizedOperation" || strings.HasPrefix(code, "AccessDenied"):
		why = fmt.Sprintf("%s is not allowed (%s: %s)", st.Action, code, msg)
	default:
		why = fmt.Sprintf("%s: %s", code, msg)
	}
	var ce *fetch.CredentialsError
	var te *fetch.TargetError
	switch {
	case errors.As(st.Err, &ce):
		why = ce.Error()
	case errors.As(st.Err, &te):
		why = te.Code + ": " + te.Message
	}
	return why
}

type checkFailure struct{ name, why string }

var (
	accountIDRE   = regexp.MustCompile(`\b\d{12}\b`)
	stepAccountRE = regexp.MustCompile(`^account (\d{12})(, [a-z0-9-]+)?: `)
)

// printCheckFailures lists the failed steps after the walk: each one when
// there are ten or fewer, else a step that failed alike in many accounts
// (a member role's name, a permission the StackSet lacks) as one line with
// the count and a few of the accounts, as query failures are grouped.
func printCheckFailures(w io.Writer, failures []checkFailure) {
	const listAll = 10
	if len(failures) <= listAll {
		for _, f := range failures {
			fmt.Fprintf(w, "FAIL  %s: %s\n", f.name, f.why)
		}
		return
	}
	type group struct {
		step     string // the step, its account left out
		accounts []string
		first    checkFailure
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, f := range failures {
		step, account := f.name, ""
		if m := stepAccountRE.FindStringSubmatch(f.name); m != nil {
			account = m[1]
			step = "account <id>" + m[2] + ": " + f.name[len(m[0]):]
		}
		key := accountIDRE.ReplaceAllString(step+"\x00"+f.why, "<id>")
		g := byKey[key]
		if g == nil {
			g = &group{step: accountIDRE.ReplaceAllString(step, "<id>"), first: f}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.accounts = append(g.accounts, account)
	}
	for _, g := range groups {
		if len(g.accounts) == 1 {
			fmt.Fprintf(w, "FAIL  %s: %s\n", g.first.name, g.first.why)
			continue
		}
		shown := g.accounts[:min(3, len(g.accounts))]
		more := ""
		if len(g.accounts) > len(shown) {
			more = ", ..."
		}
		fmt.Fprintf(w, "FAIL  %s, in %d accounts (%s%s): %s\n", g.step, len(g.accounts), strings.Join(shown, ", "), more, g.first.why)
	}
}

func (a *app) cacheCommand() *cobra.Command {
	cache := &cobra.Command{
		Use:   "cache",
		Short: "Manage the disk cache (--cache-ttl)",
	}
	cache.AddCommand(&cobra.Command{
		Use:   "clear",
		Short: "Remove every answer kept on disk",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir := a.cacheDir()
			if dir == "" {
				return usageErrorf("no cache directory (set XDG_CACHE_HOME)")
			}
			if err := fetch.ClearCache(dir); err != nil {
				return fmt.Errorf("cache clear: %w", err)
			}
			fmt.Fprintln(a.io.out, "cleared "+dir)
			return nil
		},
	})
	return cache
}
