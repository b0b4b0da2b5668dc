package fetch

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
)

// Options is how to connect. The zero value uses the SDK's default
// credential chain and every enabled region.
type Options struct {
	Profile         string
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	// HomeRegion receives STS and DescribeRegions calls. Default: the SDK's
	// configured region, else us-east-1.
	HomeRegion  string
	EndpointURL string
	// Regions are names and globs (ParseRegions); empty means every region
	// enabled for the account.
	Regions []string
	// Concurrency bounds the targets fetched at once by one scan.
	Concurrency int
	// MaxAttempts bounds the attempts of a throttled call (other failures
	// get at most 3).
	MaxAttempts int
	// CallTimeout bounds each attempt of a call.
	CallTimeout time.Duration
	// IgnoreErrors are AWS error codes (globs) that make a target's
	// failure an empty result: regions or services a service-control
	// policy denies, say.
	IgnoreErrors []string
	// Strict makes the first target failure end the scan with that error.
	Strict bool
	// Isolated builds the configuration from these options alone, ignoring
	// the environment, shared config files and instance metadata (--demo).
	Isolated bool
	// CacheBytes bounds the heap the in-process call cache holds.
	CacheBytes int64
	// CacheTTL > 0 keeps answers on disk under CacheDir for that long, in
	// at most CacheMax bytes (default DefaultCacheMax), oldest out first.
	CacheTTL   time.Duration
	CacheDir   string
	CacheMax   int64
	HTTPClient aws.HTTPClient
	// Logger receives the SDK's own log (its warnings, and retries);
	// nil discards it: awssql reports every failure itself, once.
	Logger logging.Logger

	// RoleChain are roles assumed one after another from the base
	// credentials; the last one's credentials are the caller's.
	RoleChain []string
	// ExternalID is passed on every AssumeRole: the chain's and the
	// member roles'.
	ExternalID string
	// RoleSessionName names the sessions (default: awssql).
	RoleSessionName string
	// ListAccounts reads every ACTIVE account of the organization (under
	// OUs, when given), assuming MemberRole in each but the caller's own.
	ListAccounts bool
	OUs          []string
	MemberRole   string
	SkipAccounts []string
	// MaxObjectBytes caps what s3_objects.body reads of one object.
	MaxObjectBytes int64
	// MFATokenProvider answers a profile's mfa_serial prompt.
	MFATokenProvider func() (string, error)
	// Operations are what the tables may call (each table declares its
	// own); with fetch's own they are the allowlist, and nothing else is
	// ever sent.
	Operations []Operation
	// Decoder says which decoder reads the answers of the operations
	// awssql can decode itself (Decoders): DecoderAWSSQL (the default)
	// or DecoderSDK.
	Decoder string
}

// Defaults.
const (
	DefaultConcurrency = 32
	DefaultCacheBytes  = 32 << 20
	DefaultCacheMax    = 512 << 20
	// DefaultMaxObjectBytes caps an S3 object's body read by a query.
	DefaultMaxObjectBytes = 1 << 20
	DefaultHomeRegion     = "us-east-1"
)

// Session is a connection: base credentials, identity, regions per account
// and the clients of every target, shared by all statements of a process.
type Session struct {
	opts   Options
	base   aws.Config // the base credentials
	caller aws.Config // after the role chain: who lists accounts and assumes member roles
	chain  []hop
	cache  *callCache
	disk   *diskCache  // nil: no cache across runs
	ops    []Operation // the allowlist

	identity    memo[struct{}, Identity]
	accountList memo[struct{}, []Account]
	regions     memo[string, []ec2types.Region]
	members     memo[string, aws.Config]
	cacheID     memo[struct{}, string]

	mu      sync.Mutex
	clients map[Target]*Client
}

// Identity is who the base credentials are.
type Identity struct {
	Account   string
	ARN       string
	UserID    string
	Partition string
}

// Target is one (account, region). Region is the home region for
// account-wide reads.
type Target struct {
	Account string
	Region  string
}

// Client is one target's configuration (credentials, region, the
// session's middleware) and the SDK clients made from it.
type Client struct {
	Target
	cfg aws.Config
	// pathStyle: a custom endpoint (LocalStack, awsfake) has no per-bucket
	// host names.
	pathStyle bool

	mu       sync.Mutex
	services map[reflect.Type]any
}

// Service returns the target's client of one AWS service, made once per
// target from the service's own constructor:
//
//	ec2c := fetch.Service(c, ec2.NewFromConfig)
func Service[C, O any](c *Client, newClient func(aws.Config, ...func(*O)) *C, optFns ...func(*O)) *C {
	t := reflect.TypeFor[C]()
	c.mu.Lock()
	defer c.mu.Unlock()
	if svc, ok := c.services[t].(*C); ok {
		return svc
	}
	svc := newClient(c.cfg, optFns...)
	c.services[t] = svc
	return svc
}

// S3 returns the target's S3 client, with path-style addressing at a
// custom endpoint.
func S3(c *Client) *s3.Client {
	return Service(c, s3.NewFromConfig, func(o *s3.Options) { o.UsePathStyle = c.pathStyle })
}

// NewSession loads the configuration. It makes no call: credentials are
// resolved at the first one.
func NewSession(ctx context.Context, opts Options) (*Session, error) {
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = DefaultCallTimeout
	}
	if opts.CacheBytes <= 0 {
		opts.CacheBytes = DefaultCacheBytes
	}
	if opts.CacheMax <= 0 {
		opts.CacheMax = DefaultCacheMax
	}
	if opts.MaxObjectBytes <= 0 {
		opts.MaxObjectBytes = DefaultMaxObjectBytes
	}
	if opts.MemberRole == "" {
		opts.MemberRole = DefaultMemberRole
	}
	if opts.RoleSessionName == "" {
		opts.RoleSessionName = SessionName("")
	}
	switch opts.Decoder {
	case "":
		opts.Decoder = DecoderAWSSQL
	case DecoderAWSSQL, DecoderSDK, DecoderFloor:
	default:
		return nil, fmt.Errorf("unknown decoder %q: use %s or %s", opts.Decoder, DecoderAWSSQL, DecoderSDK)
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = newHTTPClient(opts.Concurrency)
	}
	cfg, err := loadConfig(ctx, opts)
	if err != nil {
		return nil, err
	}
	if opts.HomeRegion == "" {
		opts.HomeRegion = cfg.Region
	}
	if opts.HomeRegion == "" {
		opts.HomeRegion = DefaultHomeRegion
	}
	cfg.Region = opts.HomeRegion
	cfg.HTTPClient = RaceFree(cfg.HTTPClient)
	// awssql reports every failure itself, once, where the user reads it;
	// the SDK's own warnings (e.g. about a response cut short by a
	// cancelled query) would only add noise on stderr.
	cfg.Logger = sdkLogger(opts)
	if opts.Logger != nil {
		cfg.ClientLogMode |= aws.LogRetries
	}
	maxAttempts := opts.MaxAttempts
	cfg.Retryer = func() aws.Retryer { return newRetryer(maxAttempts) }
	if opts.EndpointURL != "" {
		cfg.BaseEndpoint = aws.String(opts.EndpointURL)
	}
	s := &Session{
		opts:    opts,
		cache:   newCallCache(opts.CacheBytes),
		ops:     Allowlist(opts.Operations),
		clients: map[Target]*Client{},
	}
	if err := CheckReadOnly(s.ops); err != nil {
		return nil, err
	}
	cfg.APIOptions = append(cfg.APIOptions[:len(cfg.APIOptions):len(cfg.APIOptions)], s.readOnly, attemptTimeout(opts.CallTimeout), boundCalls)
	s.base, s.caller = cfg, cfg
	if opts.CacheTTL > 0 && opts.CacheDir != "" {
		s.disk = newDiskCache(opts.CacheDir, opts.CacheTTL, opts.CacheMax)
	}
	// Each hop is assumed with the credentials of the one before, once per
	// process, and renewed before its session ends.
	for _, arn := range opts.RoleChain {
		h := hop{arn: arn, creds: s.assumeRole(s.caller, arn)}
		s.chain = append(s.chain, h)
		s.caller = s.caller.Copy()
		s.caller.Credentials = h.creds
	}
	return s, nil
}

func loadConfig(ctx context.Context, opts Options) (aws.Config, error) {
	var static aws.CredentialsProvider
	if opts.AccessKeyID != "" {
		if opts.SecretAccessKey == "" {
			return aws.Config{}, errors.New("an access key id needs its secret: set AWS_SECRET_ACCESS_KEY")
		}
		static = credentials.NewStaticCredentialsProvider(opts.AccessKeyID, opts.SecretAccessKey, opts.SessionToken)
	}
	if opts.Isolated {
		if static == nil {
			return aws.Config{}, errors.New("isolated configuration needs explicit credentials")
		}
		return aws.Config{
			Region:      opts.HomeRegion,
			Credentials: aws.NewCredentialsCache(static),
			HTTPClient:  opts.HTTPClient,
		}, nil
	}
	var lo []func(*config.LoadOptions) error
	// The credential chain logs while it is built and used (instance
	// metadata's "falling back to IMDSv1"): its logger is set here.
	lo = append(lo, config.WithHTTPClient(opts.HTTPClient), config.WithLogger(sdkLogger(opts)))
	if opts.HomeRegion != "" {
		lo = append(lo, config.WithRegion(opts.HomeRegion))
	}
	if opts.Profile != "" {
		lo = append(lo, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.MFATokenProvider != nil {
		lo = append(lo, config.WithAssumeRoleCredentialOptions(func(o *stscreds.AssumeRoleOptions) {
			o.TokenProvider = opts.MFATokenProvider
		}))
	}
	if static != nil {
		lo = append(lo, config.WithCredentialsProvider(static))
	}
	cfg, err := config.LoadDefaultConfig(ctx, lo...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	return cfg, nil
}

// sdkLogger is where the SDK logs: Options.Logger, else nowhere.
func sdkLogger(opts Options) logging.Logger {
	if opts.Logger != nil {
		return opts.Logger
	}
	return logging.Nop{}
}

// Options returns the session's options with defaults applied.
func (s *Session) Options() Options { return s.opts }

// Identity calls GetCallerIdentity once per process, with the caller's
// credentials (after the role chain).
func (s *Session) Identity(ctx context.Context) (Identity, error) {
	if a, ok := ctx.Value(identityAttemptKey{}).(*identityAttempt); ok {
		select {
		case <-a.done:
			return a.id, a.err
		case <-ctx.Done():
			return Identity{}, ctx.Err()
		}
	}
	return s.identity.get(struct{}{}, func() (Identity, error) {
		if _, err := s.base.Credentials.Retrieve(ctx); err != nil {
			return Identity{}, &CredentialsError{Err: err, Profile: s.opts.Profile}
		}
		if err := s.checkChain(ctx); err != nil {
			return Identity{}, err
		}
		account := ""
		if n := len(s.opts.RoleChain); n > 0 {
			account = roleAccount(s.opts.RoleChain[n-1])
		}
		out, err := sts.NewFromConfig(s.caller, func(o *sts.Options) {
			o.APIOptions = append(o.APIOptions, counting(account))
		}).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return Identity{}, &CredentialsError{Err: err}
		}
		id := Identity{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn), UserID: aws.ToString(out.UserId)}
		if a, err := arn.Parse(id.ARN); err == nil {
			id.Partition = a.Partition
		}
		return id, nil
	})
}

// CredentialsError says the base credentials could not be found or were
// refused, or a role of the chain could not be assumed. Its message never
// includes the secret.
type CredentialsError struct {
	Err     error
	Profile string
	Detail  string // what failed, when more is known than Err says
}

func (e *CredentialsError) Error() string {
	if e.Detail != "" {
		return e.Detail
	}
	raw := e.Err.Error()
	if strings.Contains(raw, "SSO session has expired") || strings.Contains(raw, "refresh cached SSO token failed") ||
		strings.Contains(raw, "read cached SSO token") {
		profile := e.Profile
		if profile == "" {
			profile = "NAME"
		}
		return "the SSO session has expired or is not logged in: run aws sso login --profile " + profile
	}
	op, code, msg := Describe(e.Err)
	switch {
	case code == "Error" || code == "":
		msg = e.Err.Error()
		if strings.Contains(msg, "no EC2 IMDS role found") || strings.Contains(msg, "failed to retrieve credentials") ||
			strings.Contains(msg, "failed to refresh cached credentials") {
			return "no AWS credentials found: set AWS_PROFILE or --profile, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, " +
				"or log in with aws sso login; or try awssql --demo"
		}
		return "AWS credentials: " + msg
	case refusal(e.Err):
		return fmt.Sprintf("AWS credentials refused: %s: %s", code, msg)
	}
	// Not a refusal: the credentials could not be checked at all (the
	// endpoint unreachable, TLS, a timeout, throttling, a 5xx or a page
	// that is not AWS's). Say that, not that they were refused.
	if op == "" {
		op = "checking the credentials"
	}
	return fmt.Sprintf("%s: %s: %s", op, code, msg)
}

func (e *CredentialsError) Unwrap() error { return e.Err }

// Accounts returns the ids of the accounts a scan covers (AccountList).
func (s *Session) Accounts(ctx context.Context) ([]string, error) {
	accts, err := s.AccountList(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(accts))
	for i, a := range accts {
		ids[i] = a.ID
	}
	return ids, nil
}

// Client returns the clients of a target, made once.
func (s *Session) Client(t Target) *Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.clients[t]; ok {
		return c
	}
	cfg := s.configFor(t.Account).Copy()
	cfg.Region = t.Region
	cfg.APIOptions = append(cfg.APIOptions[:len(cfg.APIOptions):len(cfg.APIOptions)], s.caching(t.Account)...)
	c := &Client{Target: t, cfg: cfg, pathStyle: s.opts.EndpointURL != "", services: map[reflect.Type]any{}}
	s.clients[t] = c
	return c
}

// caching is the middleware that counts an account's calls, answers them
// from the caches first, and decodes the answers.
func (s *Session) caching(account string) []func(*middleware.Stack) error {
	return append(s.cachingOnly(account), counting(account))
}

// cachingOnly is caching without the counting, for a client that counts
// its calls otherwise.
func (s *Session) cachingOnly(account string) []func(*middleware.Stack) error {
	mws := []func(*middleware.Stack) error{s.cache.middleware(account, s.outputType), s.decoding}
	if s.disk != nil {
		mws = append(mws, s.disk.middleware(s))
	}
	return mws
}

// HomeClient returns the clients of an account in the home region, for
// account-wide calls.
func (s *Session) HomeClient(account string) *Client {
	return s.Client(Target{Account: account, Region: s.opts.HomeRegion})
}

// AllRegions returns DescribeRegions(AllRegions) for an account, called
// once per account per process.
func (s *Session) AllRegions(ctx context.Context, account string) ([]ec2types.Region, error) {
	return s.regions.get(account, func() ([]ec2types.Region, error) {
		out, err := Service(s.HomeClient(account), ec2.NewFromConfig).DescribeRegions(ctx, &ec2.DescribeRegionsInput{AllRegions: aws.Bool(true)})
		if err != nil {
			return nil, err
		}
		return out.Regions, nil
	})
}

// memo computes a value per key once; an error is not kept, so the next
// statement tries again.
type memo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]*memoEntry[V]
}

type memoEntry[V any] struct {
	mu   sync.Mutex
	done bool
	v    V
}

func (m *memo[K, V]) get(k K, f func() (V, error)) (V, error) {
	m.mu.Lock()
	if m.m == nil {
		m.m = map[K]*memoEntry[V]{}
	}
	e, ok := m.m[k]
	if !ok {
		e = &memoEntry[V]{}
		m.m[k] = e
	}
	m.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.done {
		return e.v, nil
	}
	v, err := f()
	if err != nil {
		return v, err
	}
	e.v, e.done = v, true
	return v, nil
}

// Partition is the caller's partition (aws, aws-cn, aws-us-gov), for the
// ARNs awssql builds; "aws" until the identity is known.
func (s *Session) Partition() string {
	if id, ok := s.identity.peek(struct{}{}); ok && id.Partition != "" {
		return id.Partition
	}
	return "aws"
}

// reset forgets every value.
func (m *memo[K, V]) reset() {
	m.mu.Lock()
	m.m = nil
	m.mu.Unlock()
}

// ForgetAnswers drops what this process fetched: the answers kept in
// memory, the organization's accounts and each account's regions, so the
// next statement asks AWS again (the shell's .cache clear). Credentials and
// assumed roles are kept; the disk cache is the disk's. It returns how many
// answers were dropped.
func (s *Session) ForgetAnswers() int {
	s.accountList.reset()
	s.regions.reset()
	return s.cache.clear()
}

func (m *memo[K, V]) peek(k K) (V, bool) {
	m.mu.Lock()
	e, ok := m.m[k]
	m.mu.Unlock()
	var zero V
	if !ok {
		return zero, false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.v, e.done
}

// known is peek without waiting: false while the value is being had.
func (m *memo[K, V]) known(k K) (V, bool) {
	m.mu.Lock()
	e, ok := m.m[k]
	m.mu.Unlock()
	var zero V
	if !ok || !e.mu.TryLock() {
		return zero, false
	}
	defer e.mu.Unlock()
	return e.v, e.done
}
