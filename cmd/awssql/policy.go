package main

import (
	"encoding/json"
	"errors"
	"fmt"
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
			failed := 0
			sess.Check(cmd.Context(), tables.Probes(tables.All(sess)), func(st fetch.Step) {
				if st.Err == nil {
					line := "ok    " + st.Name
					if st.Detail != "" {
						line += ": " + st.Detail
					}
					fmt.Fprintln(a.io.out, line)
					return
				}
				failed++
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
				fmt.Fprintf(a.io.out, "FAIL  %s: %s\n", st.Name, why)
			})
			if failed > 0 {
				return fmt.Errorf("check: %d steps failed", failed)
			}
			return nil
		},
	}
}

func (a *app) cacheCommand() *cobra.Command {
	cache := &cobra.Command{
		Use:   "cache",
		Short: "Manage the disk cache (--cache-ttl)",
		Args:  cobra.NoArgs,
		// Without a subcommand cobra would print the help and exit 0.
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageErrorf("awssql cache needs a subcommand: awssql cache clear")
		},
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
