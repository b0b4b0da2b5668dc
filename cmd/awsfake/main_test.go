package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

var (
	binDir   string
	buildMu  sync.Mutex
	builtErr = map[string]error{}
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "awsfake-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// binary builds ./cmd/NAME of this module once per test run and returns
// its path.
func binary(t *testing.T, name string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds binaries")
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	path := filepath.Join(binDir, name)
	if err, done := builtErr[name]; done {
		if err != nil {
			t.Fatal(err)
		}
		return path
	}
	cmd := exec.Command("go", "build", "-o", path, "github.com/awssql/awssql/cmd/"+name)
	out, err := cmd.CombinedOutput()
	if err != nil {
		err = fmt.Errorf("go build %s: %v\n%s", name, err, out)
	}
	builtErr[name] = err
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// server is a running awsfake binary and the three lines it printed.
type server struct {
	cmd               *exec.Cmd
	url, args, export string
	secret            string
	connectArgs       []string
	stderrMu          sync.Mutex
	stderr            bytes.Buffer
	waitOnce          sync.Once
	exitCode          int
}

// start runs the awsfake binary with args and reads its three lines.
func start(t *testing.T, args ...string) *server {
	t.Helper()
	cmd := exec.Command(binary(t, "awsfake"), args...)
	s := &server{cmd: cmd}
	cmd.Stderr = lockedWriter{&s.stderrMu, &s.stderr}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.stop(t) })
	lines := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		var got []string
		for len(got) < 3 && sc.Scan() {
			got = append(got, sc.Text())
		}
		lines <- got
		io.Copy(io.Discard, out)
	}()
	var got []string
	select {
	case got = <-lines:
	case <-time.After(30 * time.Second):
		t.Fatalf("awsfake printed no endpoint within 30s; stderr:\n%s", s.stderrText())
	}
	if len(got) != 3 {
		t.Fatalf("awsfake printed %q, want three lines; stderr:\n%s", got, s.stderrText())
	}
	s.url, s.args, s.export = got[0], got[1], got[2]
	var ok bool
	if s.secret, ok = strings.CutPrefix(s.export, "export AWS_SECRET_ACCESS_KEY="); !ok || s.secret == "" {
		t.Fatalf("line 3 %q: want export AWS_SECRET_ACCESS_KEY=...", s.export)
	}
	s.connectArgs = strings.Fields(s.args)
	return s
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

func (s *server) stderrText() string {
	s.stderrMu.Lock()
	defer s.stderrMu.Unlock()
	return s.stderr.String()
}

// stop sends SIGTERM and waits for awsfake to exit.
func (s *server) stop(t *testing.T) int {
	t.Helper()
	s.waitOnce.Do(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- s.cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-done
			t.Errorf("awsfake did not exit within 10s of SIGTERM")
		}
		s.exitCode = s.cmd.ProcessState.ExitCode()
	})
	return s.exitCode
}

type result struct {
	stdout, stderr string
	code           int
}

// awssql runs the awssql binary against s with its printed arguments, the
// secret in the environment, and nothing of the user's configuration.
func (s *server) awssql(t *testing.T, args ...string) result {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(binary(t, "awssql"), append(append([]string{}, s.connectArgs...), args...)...)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, "cache"),
		"XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"AWS_CONFIG_FILE=" + filepath.Join(home, "aws-config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "aws-credentials"),
		"AWS_SECRET_ACCESS_KEY=" + s.secret,
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
	case <-ctx.Done():
		cmd.Process.Kill()
		<-done
		t.Fatalf("awssql %q did not finish; stderr:\n%s", args, errOut.String())
	}
	return result{out.String(), errOut.String(), cmd.ProcessState.ExitCode()}
}

func TestLines(t *testing.T) {
	s := start(t, "--accounts", "2", "--regions", "3", "--instances", "1")
	if !strings.HasPrefix(s.url, "http://127.0.0.1:") || strings.HasSuffix(s.url, ":0") {
		t.Errorf("line 1 %q: want http://127.0.0.1:PORT", s.url)
	}
	want := "--endpoint-url " + s.url + " --access-key-id AKIAGEN0000000000000 --home-region us-east-1 --list-accounts" +
		" --member-role OrganizationAccountAccessRole --regions us-east-1,us-east-2,us-west-1"
	if s.args != want {
		t.Errorf("line 2:\n%s\nwant:\n%s", s.args, want)
	}
	resp, err := http.Get(s.url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if code := s.stop(t); code != 0 {
		t.Errorf("exit %d after SIGTERM, want 0; stderr:\n%s", code, s.stderrText())
	}
	if !strings.Contains(s.stderrText(), "awsfake: answered 1 requests: ") {
		t.Errorf("stderr %q: want the summary of requests", s.stderrText())
	}
}

// awssql, connected with the printed lines, reads the whole organization
// through awsfake's pages.
func TestAwssqlCountsEveryInstance(t *testing.T) {
	const accounts, regions, instances = 4, 3, 7
	s := start(t, "--accounts", fmt.Sprint(accounts), "--regions", fmt.Sprint(regions),
		"--instances", fmt.Sprint(instances), "--page-size", "5", "--seed", "2", "--buckets", "2", "--objects", "3")
	r := s.awssql(t, "--stats=json", "SELECT count(*) FROM ec2_instances")
	if r.code != 0 || r.stdout != fmt.Sprintf("count(*)\n%d\n", accounts*regions*instances) {
		t.Fatalf("exit %d, stdout %q, want %d instances; stderr:\n%s", r.code, r.stdout, accounts*regions*instances, r.stderr)
	}
	var st struct {
		Calls map[string]map[string]map[string]int `json:"calls"`
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &st); err != nil {
		t.Fatalf("stats: %v\n%s", err, r.stderr)
	}
	n := 0
	for _, regs := range st.Calls["DescribeInstances"] {
		for _, c := range regs {
			n += c
		}
	}
	// 7 instances in pages of at most 5: two pages per target.
	if want := accounts * regions * 2; n != want {
		t.Errorf("%d DescribeInstances calls, want %d (pages of 5)", n, want)
	}
	r = s.awssql(t, "SELECT count(*) FROM s3_buckets")
	if r.code != 0 || r.stdout != fmt.Sprintf("count(*)\n%d\n", accounts*regions*2) {
		t.Errorf("s3_buckets: exit %d, stdout %q, want %d buckets; stderr:\n%s", r.code, r.stdout, accounts*regions*2, r.stderr)
	}
}

func TestAwssqlReportsFail(t *testing.T) {
	s := start(t, "--accounts", "3", "--regions", "2", "--instances", "4",
		"--fail", "100000000002/us-east-2/DescribeInstances=UnauthorizedOperation")
	r := s.awssql(t, "SELECT count(*) FROM ec2_instances")
	if r.code != 3 {
		t.Errorf("exit %d, want 3 (partial); stderr:\n%s", r.code, r.stderr)
	}
	if r.stdout != "count(*)\n20\n" {
		t.Errorf("stdout %q, want the other targets' 20", r.stdout)
	}
	for _, want := range []string{"100000000002", "us-east-2", "DescribeInstances", "UnauthorizedOperation"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q does not name %s", r.stderr, want)
		}
	}

	// An account whose member role cannot be assumed.
	s = start(t, "--accounts", "3", "--regions", "1", "--instances", "4", "--fail", "100000000001/*/AssumeRole=AccessDenied")
	r = s.awssql(t, "SELECT count(*) FROM ec2_instances")
	if r.code != 3 || r.stdout != "count(*)\n8\n" || !strings.Contains(r.stderr, "AccessDenied") {
		t.Errorf("exit %d, stdout %q, stderr %q: want 3, 8 rows, AccessDenied", r.code, r.stdout, r.stderr)
	}
}

func TestAwssqlUnderThrottling(t *testing.T) {
	s := start(t, "--accounts", "2", "--regions", "2", "--instances", "6", "--page-size", "2", "--throttle", "0.25", "--seed", "5")
	r := s.awssql(t, "--stats=json", "SELECT count(*) FROM ec2_instances")
	if r.code != 0 || r.stdout != "count(*)\n24\n" {
		t.Fatalf("exit %d, stdout %q, want 24; stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, `"throttles":`) || strings.Contains(r.stderr, `"throttles":0,`) {
		t.Errorf("stats %s: want throttles counted", r.stderr)
	}
}

// run in-process: the three lines, then it serves until the context ends
// and returns 0.
func TestRunInProcess(t *testing.T) {
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	var errOut bytes.Buffer
	done := make(chan int, 1)
	go func() {
		code := run(ctx, []string{"--accounts", "1", "--regions", "1", "--instances", "0", "--latency", "1ms"}, pw, &errOut)
		pw.Close()
		done <- code
	}()
	sc := bufio.NewScanner(pr)
	var lines []string
	for len(lines) < 3 && sc.Scan() {
		lines = append(lines, sc.Text())
	}
	go io.Copy(io.Discard, pr)
	if len(lines) != 3 || !strings.HasPrefix(lines[2], "export AWS_SECRET_ACCESS_KEY=") ||
		!strings.HasSuffix(lines[1], "--regions us-east-1") {
		t.Errorf("lines %q", lines)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d, want 0; stderr %s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after the context ended")
	}
}

func TestFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--latency", "fast"}, `"--latency"`},
		{[]string{"--latency", "-5ms"}, "--latency -5ms: cannot be negative"},
		{[]string{"--throttle", "1.5"}, "--throttle 1.5: want a probability from 0 to 1"},
		{[]string{"--throttle", "-0.1"}, "--throttle -0.1: want a probability"},
		{[]string{"--throttle", "NaN"}, "--throttle NaN: want a probability"},
		{[]string{"--throttle", "often"}, `"--throttle"`},
		{[]string{"--fail", "x"}, `--fail "x": no =CODE`},
		{[]string{"--fail", "*/*=AccessDenied"}, "2 parts before =, want 3"},
		{[]string{"--fail", "123/*/*=AccessDenied"}, `account "123" is not 12 digits`},
		{[]string{"--fail", "*/mars/*=AccessDenied"}, `region "mars" is not a region name`},
		{[]string{"--fail", "*/*/describe instances=AccessDenied"}, "is not an operation name"},
		{[]string{"--fail", "*/*/*="}, `error code "" is not a code`},
		{[]string{"--accounts", "0"}, "--accounts 0: want at least 1"},
		{[]string{"--regions", "18"}, "--regions 18: want 1 to 17"},
		{[]string{"--instances", "-1"}, "cannot be negative"},
		{[]string{"--page-size", "-1"}, "--page-size -1"},
		{[]string{"--no-such-flag"}, "unknown flag: --no-such-flag"},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		var out, errOut bytes.Buffer
		code := run(context.Background(), tc.args, &out, &errOut)
		msg := errOut.String()
		if code != exitUsage || !strings.Contains(msg, tc.want) || strings.Count(msg, "\n") != 1 || out.Len() != 0 {
			t.Errorf("%q: exit %d, stderr %q, stdout %q: want exit 2 and one line with %q", tc.args, code, msg, out.String(), tc.want)
		}
	}
}

func TestHelpDocumentsEveryFlag(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d", code)
	}
	fs := pflag.NewFlagSet("awsfake", pflag.ContinueOnError)
	flags(fs, &options{})
	fs.VisitAll(func(f *pflag.Flag) {
		if !strings.Contains(out.String(), "--"+f.Name+" ") {
			t.Errorf("--help does not document --%s", f.Name)
		}
	})
	if !strings.Contains(out.String(), "fake secret") {
		t.Error("--help does not say the secret is fake")
	}
}

func TestParseFail(t *testing.T) {
	for spec, want := range map[string]struct {
		account, region, op, code string
		status                    int
	}{
		"*/*/*=UnauthorizedOperation":                             {"", "", "", "UnauthorizedOperation", 403},
		"100000000001/*/AssumeRole=AccessDenied":                  {"100000000001", "", "AssumeRole", "AccessDenied", 403},
		"*/*/ListAccounts=AccessDeniedException":                  {"", "", "ListAccounts", "AccessDeniedException", 403},
		"*/eu-west-1/DescribeInstances=ServiceUnavailable":        {"", "eu-west-1", "DescribeInstances", "ServiceUnavailable", 503},
		"*/us-east-1/DescribeDBInstances=InternalError":           {"", "us-east-1", "DescribeDBInstances", "InternalError", 500},
		"*/*/DescribeInstances=InvalidParameterValue":             {"", "", "DescribeInstances", "InvalidParameterValue", 400},
		"*/ap-southeast-2/DescribeImages=AuthFailure":             {"", "ap-southeast-2", "DescribeImages", "AuthFailure", 401},
		"*/*/DescribeInstances=InvalidInstanceID.Malformed":       {"", "", "DescribeInstances", "InvalidInstanceID.Malformed", 400},
		"*/*/DescribeInstances=RequestLimitExceeded":              {"", "", "DescribeInstances", "RequestLimitExceeded", 503},
		"*/us-gov-west-1/DescribeReservedInstances=OptInRequired": {"", "us-gov-west-1", "DescribeReservedInstances", "OptInRequired", 400},
	} {
		f, err := parseFail(spec)
		if err != nil {
			t.Errorf("%s: %v", spec, err)
			continue
		}
		if f.Account != want.account || f.Region != want.region || f.Operation != want.op || f.Code != want.code || f.Status != want.status {
			t.Errorf("%s: %+v, want %+v", spec, f, want)
		}
	}
}
