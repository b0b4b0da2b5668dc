// Command awsfake serves a generated AWS Organization over the real AWS
// wire protocols (internal/awsfake) on a local port, so that awssql, or any
// AWS SDK, can be run and measured against it from outside the process.
//
//	awsfake --accounts 50 --regions 16 --instances 20 --page-size 100 --latency 25ms
//
// It prints three lines on stdout, then serves until SIGINT or SIGTERM:
//
//	http://127.0.0.1:PORT
//	--endpoint-url http://127.0.0.1:PORT --access-key-id KEY --home-region us-east-1 --list-accounts ...
//	export AWS_SECRET_ACCESS_KEY=...
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1 // cannot listen or serve
	exitUsage = 2 // a bad flag
)

const homeRegion = "us-east-1"

// options are the parsed flags.
type options struct {
	listen                       string
	accounts, regions, instances int
	images, dbs, reserved, ous   int
	buckets, objects             int
	seed                         int64
	externalID                   string
	pageSize                     int
	latency                      time.Duration
	throttle                     float64
	fails                        []awsfake.Fault
	failSpecs                    []string
	maxRegions                   int
	instancesTotal               int
	help                         bool
}

const usageHead = `Usage: awsfake [flags]

awsfake serves a generated AWS Organization on a local port, speaking the real
AWS wire protocols (EC2, RDS and STS query XML, Organizations JSON 1.1, S3
REST; SigV4 signatures checked), for running and measuring awssql, or any AWS
SDK, against an organization of any size without an AWS account.

Account 0 (100000000000) is the management account; every other account has
the member role OrganizationAccountAccessRole, trusting it. Each account has
the same regions (the first --regions regions that need no opt-in, from
us-east-1), each holding --instances instances, --images AMIs, --dbs RDS
instances, --reserved reserved instances and --buckets S3 buckets of --objects
objects, generated deterministically from --seed.

Once it serves, awsfake prints three lines on stdout, each flushed:
  1. the endpoint URL, http://HOST:PORT
  2. the awssql flags that connect to the organization, to paste after awssql:
     --endpoint-url URL --access-key-id KEY --home-region us-east-1
     --list-accounts --member-role OrganizationAccountAccessRole --regions r1,r2,...
  3. export AWS_SECRET_ACCESS_KEY=SECRET (the management account's key secret;
     awssql reads it from the environment). It is a fake secret, valid only
     against this awsfake, derived from --seed: not a credential.
It logs what it generated to stderr, serves until SIGINT or SIGTERM, prints the
requests it answered per operation to stderr and exits 0. Every request is kept
in memory (for that summary), about 2 KB each: restart it between long runs.

Flags:
`

const usageTail = `
--fail ACCOUNT/REGION/OPERATION=CODE makes every matching request answer the
AWS error CODE. ACCOUNT is the 12-digit account the request concerns (for
sts:AssumeRole, the account of the role), REGION the region it is signed for
(Organizations: us-east-1), OPERATION e.g. DescribeInstances or AssumeRole;
each may be * for any. The HTTP status follows the code: 403 for
UnauthorizedOperation and AccessDenied*, 401 for AuthFailure, 500 for
InternalError, InternalFailure and InternalServerError, 503 for
ServiceUnavailable, Unavailable and RequestLimitExceeded, else 400.
  awsfake --fail '100000000003/*/*=AccessDenied' --fail '*/eu-west-1/DescribeInstances=UnauthorizedOperation'

--throttle P answers each request, with probability P, with its service's
throttling error, which the AWS SDKs retry with backoff: EC2
RequestLimitExceeded (503), RDS and STS Throttling (400), Organizations
TooManyRequestsException (400), S3 SlowDown (503). The draws are deterministic
for --seed; a retried request draws anew.

Exit status: 0 after SIGINT or SIGTERM; 1 when it cannot listen; 2 for a bad flag.
`

// flags declares the flags on fs, parsing into o.
func flags(fs *pflag.FlagSet, o *options) {
	fs.StringVar(&o.listen, "listen", "127.0.0.1:0", "`address` to listen on; port 0 picks a free port")
	fs.IntVar(&o.accounts, "accounts", 50, "accounts in the organization, the management account included")
	fs.IntVar(&o.regions, "regions", 16, fmt.Sprintf("regions per account, 1 to %d (those that need no opt-in, from us-east-1)", o.maxRegions))
	fs.IntVar(&o.instances, "instances", 20, "EC2 instances per account and region")
	fs.IntVar(&o.images, "images", 2, "AMIs owned per account and region (Amazon's public AMIs are always there)")
	fs.IntVar(&o.dbs, "dbs", 1, "RDS DB instances per account and region")
	fs.IntVar(&o.reserved, "reserved", 1, "EC2 reserved instances per account and region")
	fs.IntVar(&o.buckets, "buckets", 0, "S3 buckets per account and region")
	fs.IntVar(&o.objects, "objects", 0, "objects per S3 bucket (small JSON documents)")
	fs.IntVar(&o.ous, "ous", 0, "organizational units the members are dealt over (0: all under the root)")
	fs.StringVar(&o.externalID, "external-id", "", "external `ID` the member roles require on AssumeRole (line 2 then passes it)")
	fs.Int64Var(&o.seed, "seed", 1, "seed of the generated data, the fake secret and the --throttle draws")
	fs.IntVar(&o.pageSize, "page-size", 0, "the most items one page holds, whatever MaxResults/MaxRecords asks: the EC2 Describe* listings, DescribeDBInstances, Organizations List* (0: what MaxResults asks)")
	fs.DurationVar(&o.latency, "latency", 0, "`duration` every request waits before it is answered, e.g. 25ms")
	fs.Float64Var(&o.throttle, "throttle", 0, "`probability` (0 to 1) that a request is answered with its service's throttling error")
	fs.StringArrayVar(&o.failSpecs, "fail", nil, "matching requests always answer the error CODE; each part may be * (repeatable; see below)")
	fs.BoolVarP(&o.help, "help", "h", false, "print this help")
}

func usage(w io.Writer, fs *pflag.FlagSet) {
	io.WriteString(w, usageHead)
	io.WriteString(w, fs.FlagUsagesWrapped(100))
	io.WriteString(w, usageTail)
}

// genRegions are the regions Generate fills for n: the first n that need no
// opt-in, in awsfake's order.
func genRegions(n int) []string {
	var out []string
	for _, r := range fakedata.Regions() {
		if !slices.Contains(fakedata.OptInRegions(), r) && len(out) < n {
			out = append(out, r)
		}
	}
	return out
}

var (
	accountPattern   = regexp.MustCompile(`^[0-9]{12}$`)
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	operationPattern = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)
	codePattern      = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9.]*$`)
)

// parseFail reads ACCOUNT/REGION/OPERATION=CODE.
func parseFail(spec string) (awsfake.Fault, error) {
	bad := func(why string) (awsfake.Fault, error) {
		return awsfake.Fault{}, fmt.Errorf("--fail %q: %s (want ACCOUNT/REGION/OPERATION=CODE, each part an id, a name or *)", spec, why)
	}
	target, code, ok := strings.Cut(spec, "=")
	if !ok {
		return bad("no =CODE")
	}
	parts := strings.Split(target, "/")
	if len(parts) != 3 {
		return bad(fmt.Sprintf("%d parts before =, want 3", len(parts)))
	}
	star := func(s string) string {
		if s == "*" {
			return ""
		}
		return s
	}
	f := awsfake.Fault{Account: star(parts[0]), Region: star(parts[1]), Operation: star(parts[2]), Code: code}
	switch {
	case f.Account != "" && !accountPattern.MatchString(f.Account):
		return bad(fmt.Sprintf("account %q is not 12 digits", parts[0]))
	case f.Region != "" && !regionPattern.MatchString(f.Region):
		return bad(fmt.Sprintf("region %q is not a region name", parts[1]))
	case f.Operation != "" && !operationPattern.MatchString(f.Operation):
		return bad(fmt.Sprintf("operation %q is not an operation name such as DescribeInstances", parts[2]))
	case !codePattern.MatchString(code):
		return bad(fmt.Sprintf("error code %q is not a code such as UnauthorizedOperation", code))
	}
	f.Status = failStatus(code)
	return f, nil
}

// failStatus is the HTTP status AWS answers with an error code.
func failStatus(code string) int {
	switch {
	case code == "UnauthorizedOperation" || strings.HasPrefix(code, "AccessDenied"):
		return http.StatusForbidden
	case code == "AuthFailure":
		return http.StatusUnauthorized
	case code == "InternalError" || code == "InternalFailure" || code == "InternalServerError":
		return http.StatusInternalServerError
	case code == "ServiceUnavailable" || code == "Unavailable" || code == "RequestLimitExceeded":
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}

// parse reads and checks the flags; o.help says --help was asked.
func parse(args []string) (*options, error) {
	o := &options{maxRegions: len(genRegions(math.MaxInt))}
	fs := pflag.NewFlagSet("awsfake", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	flags(fs, o)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			o.help = true
			return o, nil
		}
		return nil, err
	}
	if o.help {
		return o, nil
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q: awsfake takes flags only", fs.Arg(0))
	}
	switch {
	case o.accounts < 1:
		return nil, fmt.Errorf("--accounts %d: want at least 1", o.accounts)
	case o.regions < 1 || o.regions > o.maxRegions:
		return nil, fmt.Errorf("--regions %d: want 1 to %d (the regions that need no opt-in)", o.regions, o.maxRegions)
	case o.instances < 0, o.images < 0, o.dbs < 0, o.reserved < 0, o.ous < 0, o.buckets < 0, o.objects < 0:
		return nil, fmt.Errorf("--instances, --images, --dbs, --reserved, --buckets, --objects and --ous cannot be negative")
	case o.pageSize < 0:
		return nil, fmt.Errorf("--page-size %d: want 0 (no cap) or more", o.pageSize)
	case o.latency < 0:
		return nil, fmt.Errorf("--latency %s: cannot be negative", o.latency)
	case math.IsNaN(o.throttle) || o.throttle < 0 || o.throttle > 1:
		return nil, fmt.Errorf("--throttle %v: want a probability from 0 to 1", o.throttle)
	}
	for _, spec := range o.failSpecs {
		f, err := parseFail(spec)
		if err != nil {
			return nil, err
		}
		o.fails = append(o.fails, f)
	}
	o.instancesTotal = o.accounts * o.regions * o.instances
	return o, nil
}

// flagError rewrites pflag's messages into one line naming the flag as
// users type it.
func flagError(err error) string {
	msg := err.Error()
	msg = strings.ReplaceAll(msg, "strconv.ParseFloat: parsing ", "")
	msg = strings.ReplaceAll(msg, "strconv.ParseInt: parsing ", "")
	msg = strings.ReplaceAll(msg, "strconv.ParseUint: parsing ", "")
	msg = strings.ReplaceAll(msg, "\n", " ")
	return msg
}

// run is the command: parse, generate, listen, print the three lines,
// serve until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "awsfake: %s (see awsfake --help)\n", flagError(err))
		return exitUsage
	}
	if o.help {
		fs := pflag.NewFlagSet("awsfake", pflag.ContinueOnError)
		flags(fs, &options{maxRegions: o.maxRegions})
		usage(stdout, fs)
		return exitOK
	}

	start := time.Now()
	// Generating is allocation-bound (about 3 KB in a few dozen objects per
	// instance): collecting less often while it runs, then once after,
	// takes a million instances from 18 s to 14 s on a 2-core machine
	// (steady RSS 3.5 GB, 4.8 GB at the peak).
	gc := debug.SetGCPercent(400)
	ds := fakedata.Generate(fakedata.GenOptions{
		Accounts:             o.accounts,
		Regions:              o.regions,
		InstancesPerRegion:   o.instances,
		ImagesPerRegion:      o.images,
		DBInstancesPerRegion: o.dbs,
		ReservedPerRegion:    o.reserved,
		BucketsPerRegion:     o.buckets,
		ObjectsPerBucket:     o.objects,
		Seed:                 o.seed,
		OUs:                  o.ous,
		ExternalID:           o.externalID,
	})
	debug.SetGCPercent(gc)
	debug.FreeOSMemory()
	regions := genRegions(o.regions)
	for _, r := range regions {
		if ds.Accounts[0].Regions[r] == nil {
			fmt.Fprintf(stderr, "awsfake: internal error: Generate left region %s empty\n", r)
			return exitError
		}
	}
	fmt.Fprintf(stderr, "awsfake: generated %d accounts x %d regions x %d instances = %d instances in %s\n",
		o.accounts, o.regions, o.instances, o.instancesTotal, time.Since(start).Round(time.Millisecond))

	opts := []awsfake.Option{awsfake.WithSeed(o.seed)}
	if o.pageSize > 0 {
		opts = append(opts, awsfake.WithPageSize(o.pageSize))
	}
	srv := awsfake.New(ds, opts...)
	if o.latency > 0 {
		srv.AddFault(awsfake.Fault{Latency: o.latency})
	}
	// --fail before --throttle: the first firing fault with a code
	// decides, so a failing target fails at once rather than after
	// throttled retries.
	for _, f := range o.fails {
		srv.AddFault(f)
	}
	for _, f := range awsfake.Throttle(o.throttle) {
		srv.AddFault(f)
	}

	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		fmt.Fprintf(stderr, "awsfake: %v\n", err)
		return exitError
	}
	url := "http://" + ln.Addr().String()
	key, secret := srv.Credentials(fakedata.GenAccountID(0))
	connect := []string{"--endpoint-url", url, "--access-key-id", key, "--home-region", homeRegion,
		"--list-accounts", "--member-role", fakedata.GenMemberRole, "--regions", strings.Join(regions, ",")}
	if o.externalID != "" {
		connect = append(connect, "--external-id", shellQuote(o.externalID))
	}

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: time.Minute}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	// One write per line, unbuffered (os.Stdout is), so a reader waiting
	// for line 1 gets it at once.
	for _, line := range []string{url, strings.Join(connect, " "), "export AWS_SECRET_ACCESS_KEY=" + secret} {
		if _, err := io.WriteString(stdout, line+"\n"); err != nil {
			hs.Close()
			fmt.Fprintf(stderr, "awsfake: stdout: %v\n", err)
			return exitError
		}
	}
	fmt.Fprintf(stderr, "awsfake: serving on %s (page size %s, latency %s, throttle %v, %d --fail)\n",
		url, pageSizeText(o.pageSize), o.latency, o.throttle, len(o.fails))

	select {
	case err := <-served:
		fmt.Fprintf(stderr, "awsfake: %v\n", err)
		return exitError
	case <-ctx.Done():
	}
	// Requests held by --latency end with the client or the timeout.
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
	}
	summary(stderr, srv)
	return exitOK
}

func pageSizeText(n int) string {
	if n == 0 {
		return "as asked"
	}
	return fmt.Sprint(n)
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// summary prints the requests answered per operation, with the errors
// answered among them.
func summary(w io.Writer, srv *awsfake.Server) {
	type count struct{ n, errs int }
	per := map[string]*count{}
	total := 0
	for _, r := range srv.Requests() {
		k := r.Operation
		if k == "" {
			k = "(none)"
		}
		c := per[k]
		if c == nil {
			c = &count{}
			per[k] = c
		}
		c.n++
		total++
		if r.Code != "" || r.Canceled {
			c.errs++
		}
	}
	names := make([]string, 0, len(per))
	for k := range per {
		names = append(names, k)
	}
	sort.Strings(names)
	var parts []string
	for _, k := range names {
		parts = append(parts, fmt.Sprintf("%s %d (%d errors)", k, per[k].n, per[k].errs))
	}
	if total == 0 {
		fmt.Fprintln(w, "awsfake: answered no requests")
		return
	}
	fmt.Fprintf(w, "awsfake: answered %d requests: %s\n", total, strings.Join(parts, ", "))
}
