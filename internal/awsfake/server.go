// Package awsfake is a local AWS endpoint for tests, benchmarks and demos.
//
// A Server is an http.Handler that serves a deterministic fakedata.Dataset
// over the real AWS wire protocols (EC2, RDS, STS and IAM query protocols with
// XML answers, Organizations and SSM JSON 1.1, Lambda REST-JSON, S3 REST),
// so the real aws-sdk-go-v2
// clients, pointed at it with BaseEndpoint and static credentials, sign,
// page, retry and decode errors exactly as they do against AWS. Requests are
// routed by their SigV4 credential scope (service, region) and access key
// (account), the signature is verified, and every request is recorded. STS
// AssumeRole checks the role's trust and external id and issues session
// credentials that the server then accepts until they expire, so role chains
// and organization-wide fan-out run as they do against AWS. Faults (errors,
// throttling, latency) can be injected per operation, account and region,
// and a test can hold requests (Fault.Hold).
// Tests start one with awsfaketest.NewServer.
package awsfake

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// Server serves a Dataset. It is safe for concurrent use.
type Server struct {
	ds       *fakedata.Dataset
	seed     int64
	dataTime time.Time        // "now" for data semantics (AMI deprecation)
	wallTime func() time.Time // "now" for credential expiry
	// maxSession caps the lifetime of the session credentials AssumeRole
	// issues; 0: no cap beyond the role's.
	maxSession time.Duration
	pageSize   int // the most items in one page of a paged listing; 0: no cap (WithPageSize)
	accounts   map[string]*fakedata.Account
	routes     map[string]handler
	rest       []restRoute // the REST-JSON routes' methods and paths (restjson.go)
	ec2        *ec2Encoder
	signer     *v4.Signer // for verifying signatures; safe for concurrent use
	s3Signer   *v4.Signer // for verifying S3's (newS3Signer)

	mu       sync.Mutex
	creds    map[string]Principal // access key id -> who signs with it
	requests []Request
	faults   []*faultState
	repeats  map[uint64]int // how often each distinct request was seen, for fault draws
	seq      uint64         // request counter, for request ids
	gen      int            // bumped by Reset, so in-flight requests do not write into a new log

	s3 s3Cache // the buckets by name, built on the first S3 request (s3data.go)
}

// Option configures a Server.
type Option func(*Server)

// WithSeed sets the seed of the pseudo-random fault draws and request ids.
func WithSeed(seed int64) Option { return func(s *Server) { s.seed = seed } }

// WithDataTime sets the time the server judges the data against (an AMI is
// deprecated when its DeprecationTime is before it). Default: ReferenceTime.
func WithDataTime(t time.Time) Option { return func(s *Server) { s.dataTime = t } }

// WithWallClock sets the clock used for session credential expiry. Default:
// time.Now, because the SDK checks expiry against the wall clock too.
func WithWallClock(now func() time.Time) Option { return func(s *Server) { s.wallTime = now } }

// WithMaxSessionDuration caps the lifetime of the session credentials that
// AssumeRole issues, whatever DurationSeconds asked for, so that a test can
// watch credentials expire in the middle of a query. The Expiration
// AssumeRole reports is the capped one, in whole seconds as AWS gives it.
func WithMaxSessionDuration(d time.Duration) Option { return func(s *Server) { s.maxSession = d } }

// New returns a Server for ds. The server reads ds; it must not change
// afterwards.
func New(ds *fakedata.Dataset, opts ...Option) *Server {
	s := &Server{
		ds:       ds,
		dataTime: fakedata.ReferenceTime(),
		wallTime: time.Now,
		accounts: map[string]*fakedata.Account{},
		routes:   routes(),
		ec2:      newEC2Encoder(ec2Names()),
		signer:   v4.NewSigner(),
		s3Signer: newS3Signer(),
		creds:    map[string]Principal{},
		repeats:  map[uint64]int{},
	}
	s.rest = restRoutes(s.routes)
	for _, o := range opts {
		o(s)
	}
	for _, a := range ds.Accounts {
		s.accounts[a.ID] = a
		for _, k := range a.Keys {
			s.creds[k.ID] = Principal{
				Account: a.ID,
				Secret:  k.Secret,
				ARN:     fmt.Sprintf("arn:%s:iam::%s:user/%s", partition(ds), a.ID, k.UserName),
				UserID:  userID(k.ID),
			}
		}
	}
	return s
}

// Request is the record of one request the server received.
type Request struct {
	Service, Operation, Region string
	// Account is the account the request concerns: the caller's own, except
	// for sts:AssumeRole, which concerns the account of the role it names
	// (so "no call for account X" includes the AssumeRole into X). Faults
	// match on it too. "" when the request was not authenticated.
	Account string
	// Caller is the account of the credentials that signed the request and
	// CallerARN their principal (an IAM user, or an assumed-role session).
	Caller, CallerARN string
	// Params holds the request's parameters: the decoded form of the query
	// protocols, or the top-level members of a JSON request (numbers and
	// booleans as text, objects and arrays as JSON text).
	Params url.Values
	Status int    // HTTP status answered; 0 when Canceled
	Code   string // AWS error code answered, "" on success
	// Canceled: the client went away (its context ended) during injected
	// latency, before an answer was written.
	Canceled bool
}

// Requests returns a copy of the requests received, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		r.Params = cloneValues(r.Params)
		out[i] = r
	}
	return out
}

// Count counts the requests for an operation (e.g. "DescribeInstances"),
// account and region; "" matches any. Failed requests count too.
func (s *Server) Count(operation, account, region string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if match(operation, r.Operation) && match(account, r.Account) && match(region, r.Region) {
			n++
		}
	}
	return n
}

// Operations returns the distinct "service:Operation" pairs seen, sorted,
// e.g. "ec2:DescribeInstances". Tests compare it with the allowlist of
// operations the tool may call.
func (s *Server) Operations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	for _, r := range s.requests {
		seen[r.Service+":"+r.Operation] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Reset forgets the requests received (and the repetition counts that
// probabilistic faults draw on). Faults stay; see ClearFaults.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.repeats = map[uint64]int{}
	s.gen++
}

// Credentials returns the first access key of the account, for building a
// client; "" when the account is unknown or has no key.
func (s *Server) Credentials(account string) (accessKeyID, secret string) {
	a := s.accounts[account]
	if a == nil || len(a.Keys) == 0 {
		return "", ""
	}
	return a.Keys[0].ID, a.Keys[0].Secret
}

func match(want, got string) bool { return want == "" || want == got }

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// call is one request being answered: who asked what, where.
type call struct {
	s         *Server
	service   string
	action    string
	region    string
	requestID string
	account   *fakedata.Account // the caller's
	subject   string            // the account the request concerns; see Request.Account
	principal Principal
	params    url.Values
	badInput  *apiError // a body that does not parse, answered once authenticated
}

// handler answers one operation with the SDK's output value, or with an
// error.
type handler func(*call) (any, *apiError)

// Service versions and XML namespaces of the query protocols served.
const (
	ec2Version   = "2016-11-15"
	ec2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"
	rdsVersion   = "2014-10-31"
	rdsNamespace = "http://rds.amazonaws.com/doc/2014-10-31/"
	stsVersion   = "2011-06-15"
	stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/"
)

func serviceNamespace(service string) string {
	switch service {
	case "ec2":
		return ec2Namespace
	case "rds":
		return rdsNamespace
	case "sts":
		return stsNamespace
	case "iam":
		return iamNamespace
	}
	return ""
}

func serviceVersion(service string) string {
	switch service {
	case "ec2":
		return ec2Version
	case "rds":
		return rdsVersion
	case "sts":
		return stsVersion
	case "iam":
		return iamVersion
	}
	return ""
}

// serviceFromVersion guesses the service of an unsigned request (which has
// no credential scope) so its error is at least in the right protocol.
func serviceFromVersion(version string) string {
	for _, svc := range []string{"ec2", "rds", "sts", "iam"} {
		if serviceVersion(svc) == version {
			return svc
		}
	}
	return ""
}

// routes is the table of operations served, by "service:Action". Only read
// operations exist: the fake cannot change its data set. A handler answers
// with the SDK's own output type (*ec2.DescribeInstancesOutput, ...), which
// the protocol's encoder writes (wire.go); the round-trip test decodes the
// answer of every route with the real client.
func routes() map[string]handler {
	return map[string]handler{
		"ec2:DescribeRegions":                            (*call).describeRegions,
		"ec2:DescribeInstances":                          (*call).describeInstances,
		"ec2:DescribeImages":                             (*call).describeImages,
		"ec2:DescribeReservedInstances":                  (*call).describeReservedInstances,
		"ec2:DescribeVpcs":                               (*call).describeVpcs,
		"ec2:DescribeSubnets":                            (*call).describeSubnets,
		"ec2:DescribeSecurityGroups":                     (*call).describeSecurityGroups,
		"ec2:DescribeVolumes":                            (*call).describeVolumes,
		"ec2:DescribeVolumeAttribute":                    (*call).describeVolumeAttribute,
		"ec2:DescribeSnapshots":                          (*call).describeSnapshots,
		"ec2:DescribeSnapshotAttribute":                  (*call).describeSnapshotAttribute,
		"ec2:DescribeInstanceTypes":                      (*call).describeInstanceTypes,
		"ec2:DescribeInstanceAttribute":                  (*call).describeInstanceAttribute,
		"ec2:GetLaunchTemplateData":                      (*call).getLaunchTemplateData,
		"ec2:DescribeInstanceStatus":                     (*call).describeInstanceStatus,
		"ec2:DescribeImageAttribute":                     (*call).describeImageAttribute,
		"ec2:DescribeReservedInstancesModifications":     (*call).describeReservedInstancesModifications,
		"iam:ListAccountAliases":                         (*call).listAccountAliases,
		"rds:DescribeDBInstances":                        (*call).describeDBInstances,
		"rds:DescribeCertificates":                       (*call).describeCertificates,
		"rds:DescribePendingMaintenanceActions":          (*call).describePendingMaintenanceActions,
		"rds:DescribeOrderableDBInstanceOptions":         (*call).describeOrderableDBInstanceOptions,
		"sts:GetCallerIdentity":                          (*call).getCallerIdentity,
		"sts:AssumeRole":                                 (*call).assumeRole,
		"organizations:DescribeOrganization":             (*call).describeOrganization,
		"organizations:ListRoots":                        (*call).listRoots,
		"organizations:ListAccounts":                     (*call).listAccounts,
		"organizations:ListAccountsForParent":            (*call).listAccountsForParent,
		"organizations:ListOrganizationalUnitsForParent": (*call).listOrganizationalUnitsForParent,
		"organizations:ListParents":                      (*call).listParents,
		"lambda:ListFunctions":                           (*call).listFunctions,
		"lambda:GetFunction":                             (*call).getFunction,
		"lambda:GetPolicy":                               (*call).getPolicy,
		"lambda:GetFunctionUrlConfig":                    (*call).getFunctionURLConfig,
		"ssm:DescribeInstanceInformation":                (*call).describeInstanceInformation,
		"ssm:GetInventorySchema":                         (*call).getInventorySchema,
		"ssm:ListInventoryEntries":                       (*call).listInventoryEntries,
	}
}

// jsonService reports whether service speaks a JSON protocol (X-Amz-Target
// names the operation) rather than a query protocol (Action in the form).
func jsonService(service string) bool { return service == "organizations" || service == "ssm" }

// globalService reports whether service has one endpoint for the partition
// (signed for us-east-1): it answers whatever region the request was signed
// for, opt-in or not.
func globalService(service string) bool { return service == "organizations" || service == "iam" }

// serviceFromTarget names the service of an unsigned JSON request from the
// prefix of its X-Amz-Target.
func serviceFromTarget(prefix string) string {
	switch prefix {
	case organizationsTarget:
		return "organizations"
	case ssmTarget:
		return "ssm"
	}
	return ""
}

// ServeHTTP answers one AWS request in its service's protocol: a form body
// naming the Action (EC2, RDS, STS), or a JSON body with X-Amz-Target
// naming the operation (Organizations).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.serveRESTHook(w, r) { // Lambda speaks REST-JSON (restjson.go)
		return
	}
	if s.serveS3Hook(w, r) { // S3 speaks REST (s3.go)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	auth, signed := parseAuthorization(r.Header.Get("Authorization"))
	c := &call{s: s, service: auth.service, region: auth.region}
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		prefix, op, _ := strings.Cut(target, ".")
		c.action = op
		if !signed {
			c.service = serviceFromTarget(prefix)
		}
		c.params, c.badInput = jsonParams(body)
	} else {
		params, err := url.ParseQuery(string(body))
		if err != nil {
			params = url.Values{}
		}
		for k, v := range r.URL.Query() {
			params[k] = append(params[k], v...)
		}
		c.action, c.params = params.Get("Action"), params
		if !signed {
			c.service = serviceFromVersion(params.Get("Version"))
		}
	}
	idx, gen := s.arrive(c)

	resp, aerr, canceled := s.answer(r, body, auth, signed, c)
	if canceled {
		s.finish(idx, gen, c, 0, "", true)
		return
	}
	status, code := http.StatusOK, ""
	if aerr != nil {
		status, code = aerr.Status, aerr.Code
	}
	// Record before answering, so a client that has its answer also finds
	// the request in the log.
	s.finish(idx, gen, c, status, code, false)

	s.write(w, c, status, resp, aerr)
}

// write answers the call in its service's protocol: resp, or the error.
func (s *Server) write(w http.ResponseWriter, c *call, status int, resp any, aerr *apiError) {
	if restJSONService(c.service) {
		s.writeREST(w, c, status, resp, aerr)
		return
	}
	var body []byte
	var err error
	switch {
	case aerr != nil && jsonService(c.service):
		body, err = json.Marshal(jsonErrorBody(aerr))
	case aerr != nil:
		body, err = xml.Marshal(errorBody(c.service, aerr, c.requestID))
		body = append([]byte(xml.Header), body...)
	default:
		body, err = s.answerBody(c, resp)
	}
	if err != nil {
		http.Error(w, "awsfake: "+err.Error(), http.StatusInternalServerError)
		return
	}
	switch {
	case jsonService(c.service):
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-Requestid", c.requestID)
	case c.service == "ec2":
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	default:
		w.Header().Set("Content-Type", "text/xml")
		w.Header().Set("X-Amzn-Requestid", c.requestID)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// jsonParams flattens the top-level members of a JSON request body into
// Params: strings as they are, numbers and booleans as their text, objects
// and arrays as JSON text. A body that is not a JSON object is AWS's
// SerializationException.
func jsonParams(body []byte) (url.Values, *apiError) {
	params := url.Values{}
	if len(bytes.TrimSpace(body)) == 0 {
		return params, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return params, errorf(http.StatusBadRequest, "SerializationException", "Start of structure or map found where not expected.")
	}
	for k, v := range m {
		switch v := v.(type) {
		case nil:
		case string:
			params.Set(k, v)
		case json.Number:
			params.Set(k, v.String())
		case bool:
			params.Set(k, strconv.FormatBool(v))
		default:
			b, _ := json.Marshal(v)
			params.Set(k, string(b))
		}
	}
	return params, nil
}

// answer authenticates the call, applies faults and runs the operation. It
// reports canceled when the client went away during injected latency.
func (s *Server) answer(r *http.Request, body []byte, auth authorization, signed bool, c *call) (any, *apiError, bool) {
	if !signed {
		return nil, errMissingAuth(c.service), false
	}
	p, aerr := s.authenticate(r, body, auth)
	if aerr != nil {
		return nil, aerr, false
	}
	c.principal = p
	c.account = s.accounts[p.Account]
	if c.account == nil {
		// A principal of an account outside the data set (possible once
		// other code adds credentials) is as good as an unknown key.
		return nil, errUnknownKey(c.service), false
	}
	c.subject = c.subjectAccount()
	if !globalService(c.service) && !regionEnabled(c.account, c.region) {
		return nil, errRegionDisabled(c.service), false
	}
	if c.badInput != nil {
		return nil, c.badInput, false
	}
	h := s.routes[c.service+":"+c.action]
	if h == nil {
		return nil, errInvalidAction(c.service, c.action, serviceVersion(c.service)), false
	}
	if aerr, canceled := s.injectFaults(r.Context(), c); canceled || aerr != nil {
		return nil, aerr, canceled
	}
	resp, aerr := h(c)
	return resp, aerr, false
}

// subjectAccount is the account the call concerns: the caller's own, except
// for sts:AssumeRole, which concerns the account of the role it names (when
// the RoleArn names one at all).
func (c *call) subjectAccount() string {
	if c.service == "sts" && c.action == "AssumeRole" {
		if id := arnAccount(c.params.Get("RoleArn")); id != "" {
			return id
		}
	}
	return c.principal.Account
}

// arrive records the request in arrival order and gives it a request id.
func (s *Server) arrive(c *call) (idx, gen int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	c.requestID = requestID(s.seed, s.seq)
	s.requests = append(s.requests, Request{
		Service:   c.service,
		Operation: c.action,
		Region:    c.region,
		Params:    cloneValues(c.params),
	})
	return len(s.requests) - 1, s.gen
}

// finish completes the request's record with who asked and the answer given.
func (s *Server) finish(idx, gen int, c *call, status int, code string, canceled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.gen {
		return // Reset while in flight
	}
	r := &s.requests[idx]
	r.Account, r.Caller, r.CallerARN = c.subject, c.principal.Account, c.principal.ARN
	r.Status, r.Code, r.Canceled = status, code, canceled
}

// requestID derives a UUID-shaped request id from the seed and the request's
// sequence number, so that runs with the same seed answer the same ids.
func requestID(seed int64, seq uint64) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(seed))
	binary.BigEndian.PutUint64(b[8:], seq)
	h := sha256.Sum256(b[:])
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// sleep waits d or until ctx ends; it reports whether ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() != nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return false
	case <-ctx.Done():
		return true
	}
}
