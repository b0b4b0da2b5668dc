package fetch

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
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

// probes are one cheap read of each table's API, as `check` makes them in
// every account.
var probes = []struct {
	op   string
	call func(ctx context.Context, c *Client) error
}{
	{"DescribeInstances", func(ctx context.Context, c *Client) error {
		_, err := c.EC2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(5)})
		return err
	}},
	{"DescribeImages", func(ctx context.Context, c *Client) error {
		_, err := c.EC2.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"self"}, MaxResults: aws.Int32(5)})
		return err
	}},
	{"DescribeReservedInstances", func(ctx context.Context, c *Client) error {
		_, err := c.EC2.DescribeReservedInstances(ctx, &ec2.DescribeReservedInstancesInput{})
		return err
	}},
	{"DescribeDBInstances", func(ctx context.Context, c *Client) error {
		_, err := c.RDS.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{MaxRecords: aws.Int32(20)})
		return err
	}},
}

// action returns the IAM action of an SDK operation name.
func action(op string) string {
	for _, o := range operations {
		if o.Name == op {
			return o.Action
		}
	}
	return op
}

// Check walks the connection step by step, the way an administrator sets
// up an inventory connector, and reports each step as it completes: the
// base identity, each hop of the role chain, the organization, each member
// role, DescribeRegions per account, then one read of each table's API per
// account in the home region. It makes every call fresh (no cache).
func (s *Session) Check(ctx context.Context, report func(Step)) {
	step := func(name string, err error, detail string) bool {
		st := Step{Name: name, Err: err, Detail: detail}
		if err != nil {
			op, _, _ := Describe(err)
			st.Action = action(op)
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
		out, err := c.EC2.DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
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
			step(fmt.Sprintf("account %s, %s: %s", a.ID, s.opts.HomeRegion, action(p.op)), p.call(ctx, c), "")
		}
		s.checkS3(ctx, a.ID, step)
	}
}

// checkS3 lists the account's buckets and reads from the first one.
func (s *Session) checkS3(ctx context.Context, account string, step func(string, error, string) bool) {
	c := s.HomeClient(account)
	out, err := c.S3.ListBuckets(ctx, &s3.ListBucketsInput{})
	n := 0
	if err == nil {
		n = len(out.Buckets)
	}
	if !step(fmt.Sprintf("account %s: buckets (s3:ListAllMyBuckets)", account), err, fmt.Sprintf("%d buckets", n)) || n == 0 {
		return
	}
	bucket := aws.ToString(out.Buckets[0].Name)
	region, err := s.BucketRegion(ctx, account, bucket)
	if !step(fmt.Sprintf("account %s: bucket %s (s3:ListBucket)", account, bucket), err, region) {
		return
	}
	bc := s.Client(Target{Account: account, Region: region})
	list, err := bc.S3.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), MaxKeys: aws.Int32(1)})
	if !step(fmt.Sprintf("account %s: objects of %s (s3:ListBucket)", account, bucket), err, "") || len(list.Contents) == 0 {
		return
	}
	// The body is not read: closing the stream after the headers is enough
	// to know that reading is allowed.
	obj, err := bc.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: list.Contents[0].Key})
	if err == nil {
		obj.Body.Close()
	}
	step(fmt.Sprintf("account %s: read s3://%s/%s (s3:GetObject)", account, bucket, aws.ToString(list.Contents[0].Key)), err, "")
}
