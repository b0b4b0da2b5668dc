package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/internal/faultproxy"
)

// The fault suite: awssql's promise is that exit 0 means the whole, exact
// answer. Every fault a proxy in front of awsfake can make is made on each
// protocol awssql reads and under each output format, once (a transient
// fault, which must end in the complete answer) and on every attempt (a
// persistent one, which must be named on stderr with its account, region,
// operation and code, and exit non-zero). Whatever is printed is compared
// with the same query's answer without faults: rows are never invented,
// and a run that exits 0 printed all of them.

// faultFake is a two-account organization, two regions each and two pages
// of instances a region (small: decoding EC2's XML is most of a run's
// CPU), served behind a fault proxy.
type faultFake struct {
	*fake
	proxy *faultproxy.Proxy
}

// faultData is the organization every fault test reads; deterministic, so
// a fresh fake serves the same answer.
func faultData() *fakedata.Dataset {
	return fakedata.Generate(fakedata.GenOptions{Accounts: 2, Regions: 2, InstancesPerRegion: 7, DBInstancesPerRegion: 3,
		BucketsPerRegion: 1, ObjectsPerBucket: 4, Seed: 7,
		FunctionsPerRegion: 7, ManagedPerRegion: 2})
}

// faultCallTimeout is short so that a hanging target is reported within
// seconds, and long enough that a loaded machine answers well within it.
const faultCallTimeout = "1s"

func newFaultFake(t *testing.T) *faultFake {
	t.Helper()
	f := newFake(t, faultData(), awsfake.WithPageSize(5))
	p, err := faultproxy.New(f.url)
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(p)
	t.Cleanup(func() {
		p.Close() // releases hanging requests, so that the server can close
		front.Close()
	})
	if f.args[0] != "--endpoint-url" {
		t.Fatalf("the harness's arguments changed: %v", f.args)
	}
	f.args[1] = front.URL
	// A glob, not the two names: regions named that every account has
	// enabled need no DescribeRegions, whose faults are tested too.
	f.args = append(f.args, "--list-accounts", "--regions", "us-east-*", "--call-timeout", faultCallTimeout)
	return &faultFake{fake: f, proxy: p}
}

// run runs awssql through the proxy and checks what holds for every run:
// no secret in the output.
func (ff *faultFake) run(ctx context.Context, args ...string) result {
	ff.t.Helper()
	r := ff.runIO(ctx, "", false, args...)
	if secret := ff.env["AWS_SECRET_ACCESS_KEY"]; strings.Contains(r.stdout+r.stderr, secret) {
		ff.t.Errorf("the secret access key is in the output:\n%s\n%s", r.stdout, r.stderr)
	}
	return r
}

// answer is a statement's output read back: its header and its rows,
// sorted (targets answer in any order), whatever the format.
type answer struct {
	header string
	rows   []string
}

// readAnswer parses the output of a format; an output that does not parse
// (a JSON array left open, a CSV record cut) is an error.
func readAnswer(format, out string) (answer, error) {
	var a answer
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if out == "" {
		lines = nil
	}
	canonical := func(line string) (string, error) {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			return "", fmt.Errorf("%q: %w", line, err)
		}
		b, _ := json.Marshal(m) // keys sorted
		return string(b), nil
	}
	cells := func(line, sep string) string {
		parts := strings.Split(strings.Trim(strings.TrimSpace(line), sep), sep)
		for i, p := range parts {
			parts[i] = strings.TrimSpace(p)
		}
		return strings.Join(parts, "\x1f")
	}
	switch format {
	case "csv":
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			return a, err
		}
		for i, rec := range recs {
			if i == 0 {
				a.header = strings.Join(rec, "\x1f")
				continue
			}
			a.rows = append(a.rows, strings.Join(rec, "\x1f"))
		}
	case "tsv":
		for i, l := range lines {
			if i == 0 {
				a.header = l
				continue
			}
			a.rows = append(a.rows, l)
		}
	case "jsonl":
		for _, l := range lines {
			row, err := canonical(l)
			if err != nil {
				return a, err
			}
			a.rows = append(a.rows, row)
		}
	case "json":
		var v []map[string]any
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			return a, fmt.Errorf("not a JSON array: %w", err)
		}
		for _, m := range v {
			b, _ := json.Marshal(m)
			a.rows = append(a.rows, string(b))
		}
	case "table":
		for _, l := range lines {
			if !strings.HasPrefix(l, "│") {
				continue // borders
			}
			if a.header == "" {
				a.header = cells(l, "│")
				continue
			}
			a.rows = append(a.rows, cells(l, "│"))
		}
	case "markdown":
		for i, l := range lines {
			switch {
			case !strings.HasPrefix(l, "|"):
				return a, fmt.Errorf("line %d is not a table row: %q", i+1, l)
			case i == 0:
				a.header = cells(l, "|")
			case i == 1 && strings.HasPrefix(l, "|:-"):
			default:
				a.rows = append(a.rows, cells(l, "|"))
			}
		}
	default:
		return a, fmt.Errorf("no reader for format %q", format)
	}
	sort.Strings(a.rows)
	return a, nil
}

// baselines are the answers without faults, by query and format, computed
// once (a fresh fake serves the same data).
type baselines struct {
	mu   sync.Mutex
	want map[string]answer
}

func (b *baselines) get(t *testing.T, format string, args ...string) answer {
	t.Helper()
	key := format + "\x00" + strings.Join(args, "\x00")
	b.mu.Lock()
	defer b.mu.Unlock()
	if a, ok := b.want[key]; ok {
		return a
	}
	ff := newFaultFake(t)
	r := ff.run(context.Background(), append([]string{"-o", format}, args...)...)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("without faults: exit %d, stderr %q", r.code, r.stderr)
	}
	a, err := readAnswer(format, r.stdout)
	if err != nil || len(a.rows) == 0 {
		t.Fatalf("without faults, %s output %q: %v", format, r.stdout, err)
	}
	if b.want == nil {
		b.want = map[string]answer{}
	}
	b.want[key] = a
	return a
}

// checkComplete: exit 0, nothing on stderr, and exactly the answer.
func checkComplete(t *testing.T, r result, format string, want answer) {
	t.Helper()
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q: want the complete answer and exit 0", r.code, r.stderr)
	}
	got, err := readAnswer(format, r.stdout)
	if err != nil {
		t.Fatalf("%s output does not read back: %v\n%s", format, err, r.stdout)
	}
	if got.header != want.header || !slices.Equal(got.rows, want.rows) {
		t.Fatalf("exit 0 with a different answer: %d rows, want %d\n%s", len(got.rows), len(want.rows), r.stdout)
	}
}

// checkPart: whatever was printed reads back and is part of the answer,
// and not all of it (the failure cost rows).
func checkPart(t *testing.T, r result, format string, want answer) {
	t.Helper()
	if got := checkRows(t, r, format, want); len(got.rows) >= len(want.rows) {
		t.Errorf("%d rows of %d printed though a target failed", len(got.rows), len(want.rows))
	}
}

// checkRows checks that the output reads back and that each of its rows
// is one of the answer's.
func checkRows(t *testing.T, r result, format string, want answer) answer {
	t.Helper()
	got, err := readAnswer(format, r.stdout)
	if err != nil {
		t.Fatalf("%s output does not read back after a failure: %v\n%s", format, err, r.stdout)
	}
	if got.header != "" && got.header != want.header {
		t.Errorf("header %q, want %q", got.header, want.header)
	}
	for _, row := range got.rows {
		if _, found := slices.BinarySearch(want.rows, row); !found {
			t.Errorf("row %q is not in the answer", row)
		}
	}
	return got
}

// codeOf is the code awssql names each persistent fault with.
var codeOf = map[faultproxy.Fault]string{
	faultproxy.Hang:                    "Timeout",
	faultproxy.DropBeforeHeaders:       "NetworkError",
	faultproxy.DropMidBody:             "IncompleteAnswer",
	faultproxy.TruncateBody:            "IncompleteAnswer",
	faultproxy.TruncateBodyWrongLength: "IncompleteAnswer",
	faultproxy.GarbleBody:              "BadAnswer",
	faultproxy.HTML500:                 "HTTP500",
	faultproxy.Empty200:                "IncompleteAnswer",
	faultproxy.Throttle:                "", // the service's own code
}

// faultArgs are the arguments a fault needs to fail within seconds: a
// throttled call backs off for up to 20 s between up to --max-attempts.
func faultArgs(fault faultproxy.Fault, persistent bool) []string {
	if fault == faultproxy.Throttle && persistent {
		return []string{"--max-attempts", "2"}
	}
	return nil
}

var formatsUnderTest = []string{"csv", "tsv", "json", "jsonl", "table", "markdown"}

// ec2Page2 matches the second page of DescribeInstances in us-east-2: by
// then the first page's rows have streamed.
func ec2Page2(r faultproxy.Request) bool {
	return r.Operation == "DescribeInstances" && r.Region == "us-east-2" && r.Form.Get("NextToken") != ""
}

const streamingQuery = "SELECT account_id, region, instance_id, instance_type FROM ec2_instances"

// TestFaultsEveryFormat makes every fault on the second page of one
// region's instances, once and on every attempt, under every format.
func TestFaultsEveryFormat(t *testing.T) {
	t.Parallel()
	type tcase struct {
		fault      faultproxy.Fault
		persistent bool
		format     string
	}
	var cases []tcase
	for _, fault := range faultproxy.Faults() {
		for _, persistent := range []bool{false, true} {
			for _, format := range formatsUnderTest {
				cases = append(cases, tcase{fault, persistent, format})
			}
		}
	}
	var base baselines
	for _, format := range formatsUnderTest {
		base.get(t, format, streamingQuery)
	}
	runCases(t, len(cases), func(i int) string {
		c := cases[i]
		return fmt.Sprintf("%s/%s/%s", c.fault, map[bool]string{false: "once", true: "always"}[c.persistent], c.format)
	}, func(t *testing.T, i int) {
		fault, persistent, format := cases[i].fault, cases[i].persistent, cases[i].format
		want := base.get(t, format, streamingQuery)
		ff := newFaultFake(t)
		rule := faultproxy.Rule{Fault: fault, Match: ec2Page2, Delay: 300 * time.Millisecond}
		if !persistent {
			rule.Times = 1
		}
		fired := ff.proxy.Add(rule)
		r := ff.run(context.Background(), append(faultArgs(fault, persistent), "-o", format, streamingQuery)...)
		if fired.Fired() == 0 {
			t.Fatal("the fault never fired: the test proves nothing")
		}
		if !persistent || fault == faultproxy.Slow {
			checkComplete(t, r, format, want)
			return
		}
		if r.code != 3 {
			t.Fatalf("exit %d, want 3 (the other region answered); stderr %q", r.code, r.stderr)
		}
		// Both accounts' us-east-2 failed, each named.
		line := regexp.MustCompile(`(?m)^awssql: account (\d{12}), region us-east-2: DescribeInstances: ` + regexp.QuoteMeta(codeOf[fault]) + `\w*: \S`)
		if m := line.FindAllStringSubmatch(r.stderr, -1); len(m) != 2 || m[0][1] == m[1][1] {
			t.Errorf("stderr %q: want both accounts' us-east-2 named with DescribeInstances and %s", r.stderr, codeOf[fault])
		}
		checkPart(t, r, format, want)
	})
}

// TestFaultsEveryProtocol makes every fault on one operation of each
// protocol awssql reads: the query protocol's XML (EC2, RDS, STS), the
// JSON 1.1 protocol (Organizations, SSM), Lambda's REST-JSON and S3's REST
// XML.
func TestFaultsEveryProtocol(t *testing.T) {
	t.Parallel()
	const member = "100000000001"
	bucket := "gen-100000000000-us-east-1-00"
	objects := "SELECT key, size, body FROM s3_objects WHERE bucket_name = '" + bucket + "'"
	tests := []struct {
		name  string
		query string
		match func(faultproxy.Request) bool
		// A persistent fault: the exit status and what stderr says.
		code   int
		stderr string // a regexp; %s is the fault's code
		// codes where they differ from codeOf: a streamed S3 object is
		// checked against its checksum, which a cut or garble fails.
		codes map[faultproxy.Fault]string
		// unsure: the call that failed says which targets there are, so
		// every row may have been read; the answer is still not known
		// to be whole.
		unsure bool
	}{
		{"sts GetCallerIdentity", streamingQuery,
			func(r faultproxy.Request) bool { return r.Operation == "GetCallerIdentity" },
			1, `^awssql: ec2_instances: GetCallerIdentity: %s`, nil, false},
		{"sts AssumeRole", streamingQuery,
			func(r faultproxy.Request) bool {
				return r.Operation == "AssumeRole" && strings.Contains(r.Form.Get("RoleArn"), member)
			},
			3, `(?m)^awssql: account ` + member + `: AssumeRole: %s\w*: cannot assume arn:aws:iam::` + member + `:role/OrganizationAccountAccessRole`, nil, false},
		{"organizations ListAccounts", streamingQuery,
			func(r faultproxy.Request) bool { return r.Operation == "ListAccounts" },
			1, `^awssql: ec2_instances: list the organization's accounts: ListAccounts: %s`, nil, false},
		// Partial, not a failure: the regions every account has enabled
		// are read without waiting for DescribeRegions.
		{"ec2 DescribeRegions", streamingQuery,
			func(r faultproxy.Request) bool { return r.Operation == "DescribeRegions" },
			3, `(?m)^awssql: account \d{12}: DescribeRegions: %s`, nil, true},
		{"rds DescribeDBInstances", "SELECT account_id, region, db_instance_identifier, engine FROM rds_instances",
			func(r faultproxy.Request) bool {
				return r.Operation == "DescribeDBInstances" && r.Region == "us-east-2"
			},
			3, `(?m)^awssql: account \d{12}, region us-east-2: DescribeDBInstances: %s`, nil, false},
		// Lambda's REST-JSON: the listing's second page, and a
		// per-function read (hydrated tags).
		{"lambda ListFunctions", "SELECT account_id, region, name, runtime FROM lambda_functions",
			func(r faultproxy.Request) bool {
				return r.Operation == "ListFunctions" && r.Region == "us-east-2" && r.Query.Get("Marker") != ""
			},
			3, `(?m)^awssql: account \d{12}, region us-east-2: ListFunctions: %s`, nil, false},
		{"lambda GetFunction", "SELECT account_id, region, name, tags FROM lambda_functions",
			func(r faultproxy.Request) bool {
				return r.Operation == "GetFunction" && r.Region == "us-east-2" && strings.HasSuffix(r.Path, "/gen-fn-0003")
			},
			3, `(?m)^awssql: account \d{12}, region us-east-2: GetFunction: %s`, nil, false},
		// SSM's JSON 1.1: each node's inventory.
		{"ssm ListInventoryEntries", "SELECT account_id, region, instance_id, entries FROM ssm_inventory_entries WHERE type_name = 'AWS:Application'",
			func(r faultproxy.Request) bool {
				return r.Operation == "ListInventoryEntries" && r.Region == "us-east-2"
			},
			3, `(?m)^awssql: account \d{12}, region us-east-2: ListInventoryEntries: %s`, nil, false},
		{"s3 ListObjectsV2", objects,
			func(r faultproxy.Request) bool { return r.Operation == "ListObjectsV2" },
			1, `^awssql: s3_objects: bucket "` + bucket + `": ListObjectsV2: %s`, nil, false},
		{"s3 GetObject", objects,
			func(r faultproxy.Request) bool {
				return r.Operation == "GetObject" && strings.HasSuffix(r.Path, "obj-00002.json")
			},
			1, `^awssql: s3_objects: bucket "` + bucket + `": GetObject: %s`,
			map[faultproxy.Fault]string{faultproxy.TruncateBody: "BadAnswer", faultproxy.Empty200: "BadAnswer"}, false},
	}
	type tcase struct {
		test       int
		fault      faultproxy.Fault
		persistent bool
	}
	var cases []tcase
	for i := range tests {
		for _, fault := range faultproxy.Faults() {
			for _, persistent := range []bool{false, true} {
				cases = append(cases, tcase{i, fault, persistent})
			}
		}
	}
	var base baselines
	for _, tt := range tests {
		base.get(t, "csv", tt.query)
	}
	runCases(t, len(cases), func(i int) string {
		c := cases[i]
		return fmt.Sprintf("%s/%s/%s", tests[c.test].name, c.fault, map[bool]string{false: "once", true: "always"}[c.persistent])
	}, func(t *testing.T, i int) {
		tt, fault, persistent := tests[cases[i].test], cases[i].fault, cases[i].persistent
		want := base.get(t, "csv", tt.query)
		ff := newFaultFake(t)
		rule := faultproxy.Rule{Fault: fault, Match: tt.match, Delay: 300 * time.Millisecond}
		if !persistent {
			rule.Times = 1
		}
		fired := ff.proxy.Add(rule)
		r := ff.run(context.Background(), append(faultArgs(fault, persistent), "-o", "csv", tt.query)...)
		if fired.Fired() == 0 {
			t.Fatal("the fault never fired: the test proves nothing")
		}
		if !persistent || fault == faultproxy.Slow {
			checkComplete(t, r, "csv", want)
			return
		}
		if r.code != tt.code {
			t.Fatalf("exit %d, want %d; stderr %q", r.code, tt.code, r.stderr)
		}
		code := codeOf[fault]
		if c, ok := tt.codes[fault]; ok {
			code = c
		}
		if fault == faultproxy.Throttle {
			code = `(RequestLimitExceeded|Throttling|ThrottlingException|TooManyRequestsException|SlowDown)`
		}
		if !regexp.MustCompile(fmt.Sprintf(tt.stderr, code)).MatchString(r.stderr) {
			t.Errorf("stderr %q: want it to match %s", r.stderr, fmt.Sprintf(tt.stderr, code))
		}
		if strings.Contains(r.stderr, "credentials refused") || (fault == faultproxy.Throttle && strings.Contains(r.stderr, "trust policy")) {
			t.Errorf("stderr %q blames the credentials or the trust policy for a %s", r.stderr, fault)
		}
		switch {
		case r.code == 3 && tt.unsure:
			checkRows(t, r, "csv", want)
		case r.code == 3:
			checkPart(t, r, "csv", want)
		}
	})
}

// A statement cut short by Ctrl-C or --timeout while one region hangs and
// the others' rows stream: the rows printed are part of the answer, the
// exit status says it was cut, and stderr says the answer is incomplete.
func TestFaultsCutWhileStreaming(t *testing.T) {
	t.Parallel()
	type tcase struct{ cut, format string }
	var cases []tcase
	for _, cut := range []string{"interrupt", "timeout"} {
		for _, format := range formatsUnderTest {
			cases = append(cases, tcase{cut, format})
		}
	}
	var base baselines
	for _, format := range formatsUnderTest {
		base.get(t, format, streamingQuery)
	}
	runCases(t, len(cases), func(i int) string { return cases[i].cut + "/" + cases[i].format }, func(t *testing.T, i int) {
		cut, format := cases[i].cut, cases[i].format
		want := base.get(t, format, streamingQuery)
		ff := newFaultFake(t)
		hang := ff.proxy.Add(faultproxy.Rule{Fault: faultproxy.Hang, Match: ec2Page2})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		args := []string{"--call-timeout", "30s", "-o", format, streamingQuery}
		code, says := 130, "interrupted"
		if cut == "timeout" {
			// Long enough for the other regions' rows to come on a busy machine.
			args = append([]string{"--timeout", "3s"}, args...)
			code, says = 124, "statement timed out after 3s (--timeout) waiting for account 1000000000"
		} else {
			// Ctrl-C once a region hangs and the others' rows came.
			afterFired(hang, 300*time.Millisecond, cancel)
		}
		start := time.Now()
		r := ff.run(ctx, args...)
		if took := time.Since(start); took > 6*time.Second {
			t.Errorf("took %v to stop", took)
		}
		if r.code != code || !strings.Contains(r.stderr, says) || !strings.Contains(r.stderr, "printed: the answer is incomplete") {
			t.Fatalf("exit %d, stderr %q: want %d, %q and that the answer is incomplete", r.code, r.stderr, code, says)
		}
		if cut == "timeout" && !strings.Contains(r.stderr, "region us-east-2") {
			t.Errorf("stderr %q does not name the region it waited for", r.stderr)
		}
		checkPart(t, r, format, want)
	})
}

// Retries stay within the statement: cut while a throttled call backs off
// between attempts, awssql stops at once and makes no call after.
func TestFaultsCutWhileRetrying(t *testing.T) {
	t.Parallel()
	for _, cut := range []string{"interrupt", "timeout"} {
		t.Run(cut, func(t *testing.T) {
			t.Parallel()
			ff := newFaultFake(t)
			throttled := ff.proxy.Add(faultproxy.Rule{Fault: faultproxy.Throttle, Match: ec2Page2})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			args := []string{"--max-attempts", "10", streamingQuery}
			code, cutAt := 130, time.Now()
			if cut == "timeout" {
				args = append([]string{"--timeout", "2s"}, args...)
				code, cutAt = 124, cutAt.Add(2*time.Second)
			} else {
				// Ctrl-C while the throttled call backs off for its second retry.
				afterFired(throttled, 0, func() {
					for throttled.Fired() < 2 {
						time.Sleep(10 * time.Millisecond)
					}
					time.Sleep(50 * time.Millisecond)
					cutAt = time.Now()
					cancel()
				})
			}
			r := ff.run(ctx, args...)
			returned := time.Now()
			if r.code != code {
				t.Errorf("exit %d, want %d; stderr %q", r.code, code, r.stderr)
			}
			if late := returned.Sub(cutAt); late > 500*time.Millisecond {
				t.Errorf("returned %v after the cut: a backoff outlived the statement", late)
			}
			if throttled.Fired() < 2 {
				t.Errorf("throttled %d times: the cut did not fall between retries", throttled.Fired())
			}
			// A request on its way when awssql returned lands within moments;
			// a retry after the cut would come later.
			time.Sleep(100 * time.Millisecond)
			made := throttled.Fired()
			time.Sleep(2 * time.Second)
			if n := throttled.Fired(); n != made {
				t.Errorf("%d attempts made after awssql returned", n-made)
			}
		})
	}
}

// runCases runs the subtests a few at a time, whatever -parallel says:
// they mostly wait (on hangs, backoffs and call timeouts), so GOMAXPROCS
// at a time (t.Parallel's default) would take a minute for seconds of
// work, and all at once would starve the machine until answers miss
// --call-timeout.
func runCases(t *testing.T, n int, name func(int) string, run func(*testing.T, int)) {
	t.Helper()
	const atOnce = 8
	sem := make(chan struct{}, atOnce)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			t.Run(name(i), func(t *testing.T) { run(t, i) })
		}()
	}
	wg.Wait()
}

// afterFired calls f once the rule has fired and then d has passed.
func afterFired(rule *faultproxy.Installed, d time.Duration, f func()) {
	go func() {
		for rule.Fired() == 0 {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(d)
		f()
	}()
}
