package fetch

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Step is one result of Check: what was tried, and what went wrong.
type Step struct {
	Name   string
	Detail string // what it found, when it worked
	Err    error
	// Action is the IAM action that was refused, when the error says so.
	Action string
}

// Probe is one cheap read of a table's API, as check makes it in every
// account: each table declares its own.
type Probe struct {
	Table   string
	Actions []string // the IAM actions the probe exercises
	// Call reads a little through the account's client in the home region;
	// detail says what it found.
	Call func(ctx context.Context, s *Session, c *Client) (detail string, err error)
}

// Check walks the connection step by step, the way an administrator sets
// up an inventory connector, and reports each step as it completes: the
// base identity, each hop of the role chain, the organization, each member
// role, DescribeRegions per account, then one read of each table's API per
// account in the home region (probes, one per table). It makes every call
// fresh (no cache).
func (s *Session) Check(ctx context.Context, probes []Probe, report func(Step)) {
	step := func(name string, err error, detail string) bool {
		st := Step{Name: name, Err: err, Detail: detail}
		if err != nil {
			op, _, _ := Describe(err)
			st.Action = s.Action(op)
		}
		report(st)
		return err == nil
	}
	base, err := sts.NewFromConfig(s.base).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		step("base credentials (sts:GetCallerIdentity)", &CredentialsError{Err: err, Profile: s.opts.Profile}, "")
		return
	}
	step("base credentials (sts:GetCallerIdentity)", nil, aws.ToString(base.Arn))
	for i, h := range s.chain {
		_, err := h.creds.Retrieve(ctx)
		if err != nil {
			err = fmt.Errorf("%w; check that the role's trust policy allows the previous identity, and the external ID", err)
		}
		if !step(fmt.Sprintf("role chain hop %d: assume %s (sts:AssumeRole)", i+1, h.arn), err, "") {
			return
		}
	}
	id, err := s.Identity(ctx)
	if !step("caller identity", err, id.ARN) {
		return
	}
	if s.opts.ListAccounts {
		org, err := s.orgClient().DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		detail := ""
		if err == nil && org.Organization != nil {
			detail = fmt.Sprintf("%s, management account %s", aws.ToString(org.Organization.Id), aws.ToString(org.Organization.MasterAccountId))
		}
		if !step("organization (organizations:DescribeOrganization)", err, detail) {
			return
		}
	}
	accts, err := s.AccountList(ctx)
	name := "accounts"
	if s.opts.ListAccounts {
		name = "organization accounts (organizations:ListAccounts)"
		if len(s.opts.OUs) > 0 {
			name = "accounts under the OUs (organizations:ListOrganizationalUnitsForParent, ListAccountsForParent)"
		}
	}
	if !step(name, err, fmt.Sprintf("%d active accounts", len(accts))) {
		return
	}
	if s.opts.ListAccounts && len(accts) > 0 {
		_, err := s.Parent(ctx, accts[0].ID)
		step("account placement (organizations:ListParents)", err, "")
	}
	for _, a := range accts {
		if a.ID != id.Account {
			if !step(fmt.Sprintf("account %s: assume %s (sts:AssumeRole)", a.ID, s.MemberRoleARN(a.ID)), s.Reach(ctx, a.ID), "") {
				continue
			}
		}
		c := s.HomeClient(a.ID)
		out, err := Service(c, ec2.NewFromConfig).DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
		n := 0
		if err == nil {
			for _, r := range out.Regions {
				if enabled(r) {
					n++
				}
			}
		}
		step(fmt.Sprintf("account %s: regions (ec2:DescribeRegions)", a.ID), err, fmt.Sprintf("%d enabled", n))
		for _, p := range probes {
			detail, err := p.Call(ctx, s, c)
			step(fmt.Sprintf("account %s, %s: %s (%s)", a.ID, s.opts.HomeRegion, p.Table, strings.Join(p.Actions, ", ")), err, detail)
		}
	}
}
