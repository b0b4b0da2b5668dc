// Package fakedata is what awsfake serves: the Dataset (accounts, their
// credentials, roles and organization, and their resources as the SDK's own
// types), the demo estate (Demo) and generated ones of any size (Generate).
// It knows nothing of the wire: awsfake serves it, tests compare what a
// client decodes with it.
package fakedata

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// Dataset is everything the fake serves. Records are the SDK's own types so a
// test can compare what a client decodes with what went in. The server only
// reads a Dataset: do not change one after passing it to awsfake.New.
type Dataset struct {
	Partition string // "aws" when empty
	Accounts  []*Account
	// PublicImages holds, per region, the public AMIs of Amazon (OwnerId
	// "137112412989", ImageOwnerAlias "amazon") and of Marketplace sellers
	// (ImageOwnerAlias "aws-marketplace"). Every account sees them.
	PublicImages map[string][]ec2types.Image
	// PublicSnapshots holds, per region, public EBS snapshots that no
	// account of the data set owns (Amazon's, OwnerAlias "amazon", and a
	// Marketplace seller's): those behind PublicImages. Every account sees
	// them.
	PublicSnapshots map[string][]ec2types.Snapshot
	// InstanceTypes holds, per region, the instance types the region
	// offers (DescribeInstanceTypes): the same for every account.
	InstanceTypes map[string][]ec2types.InstanceTypeInfo
	// Org is the AWS Organization the accounts belong to; nil: none, and
	// every Organizations call answers AWSOrganizationsNotInUseException.
	Org *Organization
}

// Organization is an AWS Organization: its management account, its root and
// its organizational units. Member accounts name their place in it with
// Account.Parent.
type Organization struct {
	ID                string // o- and 10 to 32 lower-case letters or digits
	ManagementAccount string // account id; the only account that may list the organization
	RootID            string // r- and 4 to 32 lower-case letters or digits
	OUs               []OU
	// FeatureSet is "ALL" (the default when empty) or "CONSOLIDATED_BILLING".
	FeatureSet string
	// PolicyTypes are the policy types enabled on the root, e.g.
	// "SERVICE_CONTROL_POLICY".
	PolicyTypes []string
}

// OU is an organizational unit.
type OU struct {
	ID     string // ou-<root's suffix>-<8 to 32 lower-case letters or digits>
	Name   string
	Parent string // the organization's RootID or another OU's ID
}

// Role is an IAM role that STS AssumeRole can assume.
type Role struct {
	Name string // without a path: the role ARN is arn:aws:iam::ACCOUNT:role/NAME
	// TrustedPrincipals may assume the role: principal ARNs (a user, or a
	// role, whose sessions may then assume it), or an account id or
	// "arn:aws:iam::ID:root" for any principal of that account.
	TrustedPrincipals []string
	ExternalID        string // "" = none required; else AssumeRole must pass exactly this
	// MaxSessionDuration caps DurationSeconds; 0 means one hour, AWS's
	// default.
	MaxSessionDuration time.Duration
}

// Account is one AWS account: its IAM user keys, its opt-in regions and its
// resources per region.
type Account struct {
	ID          string // 12 digits
	Name, Email string // for Organizations
	Keys        []Key  // long-term credentials of IAM users in this account
	// OptIn maps an opt-in region to "opted-in". Opt-in regions not listed
	// are "not-opted-in"; regions that need no opt-in are always enabled.
	OptIn   map[string]string
	Regions map[string]*Region // resources per region; absent = none
	Roles   []Role             // IAM roles that STS AssumeRole can assume
	// Aliases are the account's IAM aliases (iam ListAccountAliases): AWS
	// allows one at most.
	Aliases []string

	// The account in the organization (Dataset.Org). Parent is the root's
	// or an OU's id; "" keeps the account out of the organization, except
	// the management account, which is always in it (under the root when
	// Parent is "").
	Parent string
	// State is "ACTIVE" (the default when empty), "SUSPENDED",
	// "PENDING_CLOSURE", "PENDING_ACTIVATION" or "CLOSED".
	State           string
	JoinedMethod    string // "CREATED" or "INVITED"
	JoinedTimestamp time.Time
}

// Key is a long-term access key of an IAM user.
type Key struct{ ID, Secret, UserName string }

// Region holds one account's resources in one region.
type Region struct {
	Instances         []ec2types.Instance
	Images            []ec2types.Image // owned by the account (OwnerId = account ID)
	ReservedInstances []ec2types.ReservedInstances
	DBInstances       []rdstypes.DBInstance
	Buckets           []Bucket                       // S3 buckets owned by the account in this region (s3.go)
	Functions         []Function                     // Lambda functions (lambda.go)
	ManagedInstances  []ssmtypes.InstanceInformation // SSM managed nodes (ssm.go)
	Inventory         []InventoryItem                // SSM inventory of the managed nodes (ssm.go)

	// The network and storage (network.go), owned by the account.
	Vpcs           []ec2types.Vpc
	Subnets        []ec2types.Subnet
	SecurityGroups []ec2types.SecurityGroup
	Volumes        []ec2types.Volume
	// VolumeAttributes are what DescribeVolumeAttribute answers, by
	// volume id.
	VolumeAttributes map[string]VolumeAttributes
	Snapshots        []ec2types.Snapshot
	// SnapshotPermissions say who else may create volumes from a snapshot,
	// by snapshot id: an account (UserId), or everyone (Group "all": the
	// snapshot is public). DescribeSnapshots shows other accounts the
	// snapshots they may use.
	SnapshotPermissions map[string][]ec2types.CreateVolumePermission

	// What EC2 keeps of the account's instances and images beyond their
	// Describe records, and the changes made to its reservations
	// (ec2details.go).
	InstanceDetails                map[string]InstanceDetails // by instance id; absent: EC2's defaults
	ImageLaunchPermissions         map[string][]ec2types.LaunchPermission
	ReservedInstancesModifications []ec2types.ReservedInstancesModification

	// PendingMaintenance are the maintenance actions RDS has scheduled on
	// the DB instances (DescribePendingMaintenanceActions).
	PendingMaintenance []rdstypes.ResourcePendingMaintenanceActions
}

// VolumeAttributes are a volume's attributes that DescribeVolumes leaves
// out.
type VolumeAttributes struct {
	AutoEnableIO bool
	ProductCodes []ec2types.ProductCode
}

// AmazonOwnerID is the account that owns Amazon's public AMIs.
const AmazonOwnerID = "137112412989"

// ReferenceTime is the fixed "now" of the data: every timestamp in Demo and
// Generate lies before it, and the server judges AMI deprecation against it
// (see awsfake.WithDataTime), so output never depends on the wall clock.
// Credential expiry, which the SDK also checks, uses the wall clock.
func ReferenceTime() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }

// hexDigest returns n lower-case hex digits derived from s: stable ids
// (reservations, generated resources) without a random source.
func hexDigest(s string, n int) string {
	h := sha256.Sum256([]byte(s))
	x := hex.EncodeToString(h[:])
	for len(x) < n {
		h = sha256.Sum256(h[:])
		x += hex.EncodeToString(h[:])
	}
	return x[:n]
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
