package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

func TestExitStatus(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // a part of the one error line
	}{
		{"success", []string{"SELECT count(*) FROM ec2_instances"}, 0, ""},
		{"bad SQL", []string{"SELEC 1"}, 1, `near "SELEC": syntax error`},
		{"unknown table", []string{"SELECT * FROM ec2_instance"}, 1, "no such table: ec2_instance"},
		{"unknown column", []string{"SELECT instance_name FROM ec2_instances"}, 1, "no such column: instance_name"},
		{"bad output format", []string{"-o", "xml", "SELECT 1"}, 2, `unknown output format "xml"`},
		{"unknown flag", []string{"--regoins", "us-east-1", "SELECT 1"}, 2, "unknown flag: --regoins"},
		{"malformed region", []string{"--regions", "us_east_1", "SELECT 1"}, 2, `bad region "us_east_1"`},
		{"region that does not exist", []string{"--regions", "xx-west-1", "SELECT count(*) FROM ec2_instances"}, 2, "no such region: xx-west-1"},
		{"bad concurrency", []string{"--concurrency", "0", "SELECT 1"}, 2, "--concurrency must be at least 1"},
		{"unbound parameter", []string{"SELECT :days"}, 2, "parameter :days has no value"},
		{"bad param", []string{"--param", "x", "SELECT 1"}, 2, `--param "x"`},
		{"SQL twice", []string{"-f", "x.sql", "SELECT 1"}, 2, "not both"},
		{"a command without its argument", []string{"schema"}, 2, "awssql schema: accepts 1 arg(s), received 0 (usage: awssql schema TABLE [flags])"},
		{"a command with too many", []string{"tables", "x"}, 2, `awssql tables: unknown command "x" for "awssql tables"`},
		{"a group without its command", []string{"cache"}, 2, "awssql cache needs a subcommand: clear"},
		{"completion without its shell", []string{"completion"}, 2, "awssql completion needs a subcommand: bash, fish, powershell or zsh"},
		{"completion of a shell that is not", []string{"completion", "bsh"}, 2, `unknown command "bsh" for awssql completion: did you mean bash`},
		{"SQL in two arguments", []string{"SELECT", "1"}, 2, "2 arguments: give the SQL as one argument, in quotes"},
		{"--stats with another value", []string{"--stats=xml", "SELECT 1"}, 2, "--stats takes text or json"},
	}
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, Seed: 1})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.run(tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d; stderr %q", r.code, tt.code, r.stderr)
			}
			if tt.stderr == "" {
				if r.stderr != "" {
					t.Errorf("stderr %q, want nothing", r.stderr)
				}
				return
			}
			// One line, and for an error in the SQL the place it is at.
			lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
			if !strings.Contains(lines[0], tt.stderr) || !strings.HasPrefix(lines[0], "awssql: ") {
				t.Errorf("stderr %q: want one line with %q", r.stderr, tt.stderr)
			}
			for _, l := range lines[1:] {
				if !strings.HasPrefix(l, "  ") || len(lines) != 3 {
					t.Errorf("stderr %q: want one line, and at most the statement and a caret under it", r.stderr)
				}
			}
			if strings.Contains(r.stderr, "SQL logic error") || strings.Contains(r.stderr, "goroutine") {
				t.Errorf("stderr %q leaks internals", r.stderr)
			}
		})
	}
}

func TestExitStatusCredentials(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, Seed: 1})
	f.env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret-0123456789"
	r := f.run("SELECT count(*) FROM ec2_instances")
	if r.code != 1 || !strings.Contains(r.stderr, "AWS credentials refused") {
		t.Errorf("exit %d, stderr %q: want 1 and the refusal", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "not-the-secret") {
		t.Errorf("the secret is on stderr: %q", r.stderr)
	}
}

// failOnPage2 makes one region answer its second DescribeInstances page
// with a non-retryable error.
func failOnPage2(f *fake, region string) {
	f.srv.AddFault(awsfake.Fault{
		Operation: "DescribeInstances", Region: region,
		Match:   func(r awsfake.Request) bool { return r.Params.Get("NextToken") != "" },
		Code:    "InvalidParameterValue",
		Status:  400,
		Message: "X marks the failing page",
	})
}

func TestPartialFailure(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 1200, Seed: 2})
	failOnPage2(f, "us-east-2")
	r := f.run("SELECT instance_id FROM ec2_instances")
	if r.code != 3 {
		t.Errorf("exit %d, want 3; stderr %q", r.code, r.stderr)
	}
	want := "awssql: account 100000000000, region us-east-2: DescribeInstances: InvalidParameterValue: X marks the failing page\n"
	if r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	// Three whole regions, and the first page of the failing one.
	if n := len(records(t, r.stdout)) - 1; n != 3*1200+1000 {
		t.Errorf("%d rows, want %d", n, 3*1200+1000)
	}

	for _, q := range []string{"SELECT instance_id FROM ec2_instances", "SELECT count(*) FROM ec2_instances"} {
		r = f.run("--strict", q)
		if r.code != 1 || !strings.Contains(r.stderr, "X marks the failing page") || !strings.Contains(r.stderr, "us-east-2") {
			t.Errorf("--strict %s: exit %d, stderr %q: want 1 with the message", q, r.code, r.stderr)
		}
	}
}

func TestEveryTargetFailed(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, Seed: 2})
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Code: "UnauthorizedOperation", Status: 403, Message: "You are not authorized to perform this operation."})
	r := f.run("SELECT count(*) FROM ec2_instances")
	if r.code != 1 {
		t.Errorf("exit %d, want 1; stderr %q", r.code, r.stderr)
	}
	if n := strings.Count(r.stderr, "UnauthorizedOperation"); n != 4 {
		t.Errorf("stderr names %d failures, want 4:\n%s", n, r.stderr)
	}
}

func TestInterrupted(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, Seed: 2})
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Latency: 10 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	r := f.runIO(ctx, "", false, "SELECT * FROM ec2_instances")
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("took %v to stop", took)
	}
	if r.code != 130 {
		t.Errorf("exit %d, want 130; stderr %q", r.code, r.stderr)
	}
	// Every call in flight was cancelled, not left to finish, and none
	// was made after.
	made := len(f.srv.Requests())
	time.Sleep(300 * time.Millisecond)
	if n := len(f.srv.Requests()); n != made {
		t.Errorf("%d calls made after awssql returned", n-made)
	}
	reqs := f.requestsOf("DescribeInstances")
	if len(reqs) == 0 {
		t.Error("no call was in flight: the test proves nothing")
	}
	for _, q := range reqs {
		if !q.Canceled {
			t.Errorf("call in %s was not cancelled", q.Region)
		}
	}
}

func TestClosedStdout(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 2500, Seed: 2}) // 3 pages a region
	var errOut bytes.Buffer
	code := run(context.Background(), append(f.args, "SELECT instance_id FROM ec2_instances"), streams{
		in: strings.NewReader(""), out: &failingWriter{n: 100, err: syscall.EPIPE}, errOut: &errOut,
		getenv: func(k string) string { return f.env[k] },
	})
	// The rest of the answer was not delivered: not a success.
	if msg := errOut.String(); code != exitInterrupted || !strings.HasPrefix(msg, "awssql: the output was closed before the end; ") ||
		!strings.HasSuffix(msg, " printed: the answer is incomplete\n") {
		t.Errorf("exit %d, stderr %q: want %d and the answer said incomplete", code, errOut.String(), exitInterrupted)
	}
	// It stopped fetching: a region may have had its second page in
	// flight when stdout closed, but none asked for a third.
	perRegion := map[string]int{}
	for _, q := range f.requestsOf("DescribeInstances") {
		perRegion[q.Region]++
	}
	for region, n := range perRegion {
		if n > 2 {
			t.Errorf("%d pages fetched in %s: fetching went on after stdout closed", n, region)
		}
	}
}

// TestStdoutWriteFails: stdout that fails otherwise than by closing (a full
// disk, an I/O error) is an error of its own, exit 1 with the write's
// message, in every format: not "interrupted" (exit 130), nothing being
// interrupted, and never exit 0, which would say the answer was delivered.
// The table formats write only at the end, through a library that must
// not swallow the error.
func TestStdoutWriteFails(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, Seed: 2})
	for _, format := range formats {
		for _, n := range []int{0, 100} { // the first write fails; a later one
			t.Run(fmt.Sprintf("%s after %d bytes", format, n), func(t *testing.T) {
				var errOut bytes.Buffer
				code := run(context.Background(), append(slices.Clone(f.args), "-o", format, "SELECT instance_id FROM ec2_instances"), streams{
					in: strings.NewReader(""), out: &failingWriter{n: n, err: syscall.ENOSPC}, errOut: &errOut,
					getenv: func(k string) string { return f.env[k] },
				})
				if code != exitError || !strings.Contains(errOut.String(), "no space left on device") || strings.Contains(errOut.String(), "interrupted") {
					t.Errorf("exit %d, stderr %q: want %d and the write's error", code, errOut.String(), exitError)
				}
			})
		}
	}
}

func TestStatsJSON(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, Seed: 2})
	failOnPage2(f, "none")
	f.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Region: "us-west-1", Code: "UnauthorizedOperation", Status: 403, Message: "no"})
	r := f.run("--stats=json", "SELECT count(*) FROM ec2_instances")
	if r.code != 3 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	var st map[string]json.RawMessage
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &st); err != nil {
		t.Fatalf("last stderr line is not JSON: %v\n%s", err, r.stderr)
	}
	for _, k := range []string{"calls", "pages", "retries", "throttles", "targets", "failures", "rows", "first_row_ms", "wall_ms"} {
		if _, ok := st[k]; !ok {
			t.Errorf("stats lack %q: %s", k, lines[len(lines)-1])
		}
	}
	var calls map[string]map[string]map[string]int
	json.Unmarshal(st["calls"], &calls)
	if calls["DescribeInstances"]["100000000000"]["us-east-1"] != 1 {
		t.Errorf("calls %v", calls)
	}
	if string(st["targets"]) != `{"planned":4,"ok":3,"failed":1,"ignored":0}` {
		t.Errorf("targets %s", st["targets"])
	}
	if !strings.Contains(string(st["failures"]), `"region":"us-west-1","operation":"DescribeInstances","code":"UnauthorizedOperation","message":"no"`) {
		t.Errorf("failures %s", st["failures"])
	}
}

func TestCredentialMessages(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	os.WriteFile(cfg, []byte(`[profile dev]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = ReadOnly
region = us-east-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
`), 0o600)
	t.Setenv("AWS_CONFIG_FILE", cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("HOME", dir)
	for _, k := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
	}
	r := runCLI(context.Background(), nil, "", false, "--profile", "dev", "SELECT count(*) FROM ec2_instances")
	if r.code != 1 || !strings.Contains(r.stderr, "run aws sso login --profile dev") {
		t.Errorf("expired SSO: exit %d %q", r.code, r.stderr)
	}
	r = runCLI(context.Background(), nil, "", false, "SELECT count(*) FROM ec2_instances")
	if r.code != 1 || !strings.Contains(r.stderr, "no AWS credentials found") || !strings.Contains(r.stderr, "--demo") {
		t.Errorf("no credentials: exit %d %q", r.code, r.stderr)
	}
}

// A statement cut short while rows stream must not end as a success: the
// rows that came are printed, the exit status says it was cut, and the
// message says the answer is incomplete. Every page after the first waits,
// so the cut always falls in the middle of the stream.
func TestCutWhileStreaming(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		cancel bool
		code   int
		says   string
	}{
		{"timeout", []string{"--timeout", "700ms"}, false, 124, "timed out"},
		{"interrupt", nil, true, 130, "interrupted"},
	} {
		for _, format := range []string{"csv", "jsonl", "json", "table"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				f := newFake(t, fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 4, InstancesPerRegion: 30, Seed: 2}), awsfake.WithPageSize(10))
				f.args = append(f.args, "--regions", strings.Join(genRegions, ","))
				f.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Latency: 10 * time.Second,
					Match: func(r awsfake.Request) bool { return r.Params.Get("NextToken") != "" }})
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if tc.cancel {
					time.AfterFunc(700*time.Millisecond, cancel)
				}
				args := append(slices.Clone(tc.args), "-o", format, "SELECT account_id, region, instance_id FROM ec2_instances")
				r := f.runIO(ctx, "", false, args...)
				if r.code != tc.code {
					t.Fatalf("exit %d, want %d; stderr %q", r.code, tc.code, r.stderr)
				}
				if !strings.Contains(r.stderr, tc.says) || !strings.Contains(r.stderr, "40 rows were printed: the answer is incomplete") {
					t.Errorf("stderr %q: want %q and that 40 rows were printed of an incomplete answer", r.stderr, tc.says)
				}
				if format == "json" {
					var v []map[string]any
					if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || len(v) != 40 {
						t.Errorf("json output is not a closed array of 40 rows (%v):\n%s", err, r.stdout)
					}
				}
			})
		}
	}
}

// A statement writes no file unless --allow-attach: ATTACH and VACUUM INTO
// are how sqlite3 users save results, and a saved query or an -f file must
// not write anywhere unasked.
func TestAttachNeedsAFlag(t *testing.T) {
	dir := t.TempDir()
	for _, stmt := range []string{"ATTACH '" + dir + "/a.db' AS a", "VACUUM INTO '" + dir + "/b.db'"} {
		r := runCLI(context.Background(), nil, "", false, "--demo", stmt)
		if r.code != 1 || !strings.Contains(r.stderr, "--allow-attach") {
			t.Errorf("%s: exit %d, stderr %q: want 1 and a word on --allow-attach", stmt, r.code, r.stderr)
		}
	}
	if files, _ := os.ReadDir(dir); len(files) != 0 {
		t.Errorf("files written: %v", files)
	}
	r := runCLI(context.Background(), nil, "", false, "--demo", "--allow-attach",
		"ATTACH '"+dir+"/a.db' AS a; CREATE TABLE a.t AS SELECT 1 AS x; SELECT count(*) FROM a.t")
	if r.code != 0 || r.stdout != "count(*)\n1\n" {
		t.Errorf("--allow-attach: exit %d, %q %s", r.code, r.stdout, r.stderr)
	}
}

// An account awssql cannot enter is named once per statement, however many
// of the statement's scans meet it.
func TestFailureNamedOnce(t *testing.T) {
	r := runCLI(context.Background(), nil, "", false, "--demo",
		"SELECT count(*) FROM ec2_instances i JOIN reserved_instances r USING (account_id, region, instance_type)")
	if r.code != 3 || strings.Count(r.stderr, "AssumeRole: AccessDenied") != 1 {
		t.Errorf("exit %d, stderr %q: want 3 and the account named once", r.code, r.stderr)
	}
}

// TestNilArgsAreNoArgs: run(nil) must not read the process's own
// arguments, which under `go test -update` are the test binary's flags.
func TestNilArgsAreNoArgs(t *testing.T) {
	saved := os.Args
	os.Args = []string{"awssql.test", "-update", "-test.run=TestNilArgsAreNoArgs"}
	t.Cleanup(func() { os.Args = saved })
	var out, errOut bytes.Buffer
	code := run(context.Background(), nil, streams{in: strings.NewReader("SELECT 1 AS a"), out: &out, errOut: &errOut,
		getenv: func(string) string { return "" }})
	if code != 0 || out.String() != "a\n1\n" {
		t.Errorf("exit %d %q %s: want the statement from stdin, and no flag of the test binary", code, out.String(), errOut.String())
	}
}

// TestStatsJSONListsAreArrays: failures and ignored are arrays whether or
// not anything failed, so that jq '.failures[]' reads every statement's
// statistics, not only those of statements that met a failure.
func TestStatsJSONListsAreArrays(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 1, Seed: 2})
	for _, stmt := range []string{"SELECT 1 AS n", "SELECT count(*) FROM ec2_instances"} {
		r := f.run("--stats=json", stmt)
		var st map[string]json.RawMessage
		if err := json.Unmarshal([]byte(strings.TrimSpace(r.stderr)), &st); r.code != 0 || err != nil {
			t.Fatalf("%s: exit %d, stderr not one JSON object (%v): %s", stmt, r.code, err, r.stderr)
		}
		for _, k := range []string{"failures", "ignored"} {
			if string(st[k]) != "[]" {
				t.Errorf("%s: %q is %s, want []", stmt, k, st[k])
			}
		}
	}
}

// TestHeadClosesThePipe: the real binary writing into a pipe whose reader
// leaves after the first line (awssql ... | head -1) stops and exits 130,
// saying the answer is incomplete; the same statement read to its end
// exits 0. SIGPIPE is ignored, so the write's EPIPE is what tells it.
func TestHeadClosesThePipe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := binary(t)
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 2500, Seed: 2})
	args := append(slices.Clone(f.args), "SELECT instance_id, instance_type, private_ip_address FROM ec2_instances")
	env := append(os.Environ(), "AWS_SECRET_ACCESS_KEY="+f.env["AWS_SECRET_ACCESS_KEY"], "HOME="+t.TempDir())

	whole := exec.Command(bin, args...)
	whole.Env = env
	out, err := whole.Output()
	if err != nil || strings.Count(string(out), "\n") != 10001 {
		t.Fatalf("read to the end: %v, %d lines", err, strings.Count(string(out), "\n"))
	}

	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "instance_id,instance_type,private_ip_address\n" {
		t.Fatalf("first line %q: %v", line, err)
	}
	stdout.Close() // head -1 leaves
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted || !strings.Contains(errOut.String(), "the output was closed before the end") {
		t.Errorf("%v, stderr %q: want exit %d and the answer said incomplete", err, errOut.String(), exitInterrupted)
	}
}
