package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// TestSDKLogOnlyWithDebug: without credentials the SDK's chain falls back
// to instance metadata and logs a warning of its own; that line belongs to
// --debug, and the user sees awssql's one error.
func TestSDKLogOnlyWithDebug(t *testing.T) {
	// An instance-metadata endpoint that refuses IMDSv2 tokens, as an old
	// proxy does: the SDK warns "falling back to IMDSv1".
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		http.NotFound(w, r)
	}))
	defer imds.Close()
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("HOME", dir)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "false")
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)
	for _, k := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"} {
		t.Setenv(k, "")
	}
	// The SDK's default logger writes to the process's stderr, not to
	// awssql's streams: catch that too.
	procErr := captureStderr(t)
	r := runCLI(context.Background(), nil, "", false, "SELECT count(*) FROM ec2_instances")
	r.stderr += procErr()
	if r.code != 1 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "no AWS credentials found") {
		t.Errorf("exit %d, stderr:\n%s\nwant 1 and awssql's one line", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "IMDSv1") || strings.Contains(r.stderr, "SDK") {
		t.Errorf("the SDK's log leaks without --debug:\n%s", r.stderr)
	}
	r = runCLI(context.Background(), nil, "", false, "--debug", "SELECT count(*) FROM ec2_instances")
	if r.code != 1 || !strings.Contains(r.stderr, "awssql: debug: SDK WARN falling back to IMDSv1") {
		t.Errorf("--debug: exit %d, stderr:\n%s\nwant the SDK's warning", r.code, r.stderr)
	}
}

// TestStrictSaysItOnce: under --strict the failure that ends the run is
// printed once, not as a failure and again as the error.
func TestStrictSaysItOnce(t *testing.T) {
	r := runCLI(context.Background(), nil, "", false, "--demo", "--strict", "SELECT count(*) FROM ec2_instances")
	if r.code != 1 || strings.Count(r.stderr, "\n") != 1 || strings.Count(r.stderr, "AccessDenied") != 1 {
		t.Errorf("exit %d, stderr:\n%s\nwant 1 and the failure once", r.code, r.stderr)
	}
}

// TestCheckGroupsAlikeFailures: a member role's name that is wrong fails
// the same way in every account; check says so once, with the count.
func TestCheckGroupsAlikeFailures(t *testing.T) {
	f, chain := newOrg(t, 14, fakedata.GenOptions{Seed: 1, InstancesPerRegion: 1})
	r := f.run(append([]string{"check", "--list-accounts", "--member-role", "wrong-name"}, chainArgs(chain)...)...)
	var fails []string
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(line, "FAIL") {
			fails = append(fails, line)
		}
	}
	want := "FAIL  account <id>: assume arn:aws:iam::<id>:role/wrong-name (sts:AssumeRole), in 13 accounts (" +
		fakedata.GenAccountID(1) + ", " + fakedata.GenAccountID(2) + ", " + fakedata.GenAccountID(3) + ", ...): AccessDenied: cannot assume"
	if r.code != 1 || len(fails) != 1 || !strings.HasPrefix(fails[0], want) {
		t.Errorf("exit %d, failures:\n%s\nwant 1 and one line beginning %q", r.code, strings.Join(fails, "\n"), want)
	}
	if !strings.Contains(r.stderr, "check: 13 steps failed") {
		t.Errorf("stderr %q", r.stderr)
	}
}

// TestSecretWarnings: the warning about ps is for a secret on the command
// line only; a private config file holding one draws none.
func TestSecretWarnings(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(path, []byte("connections:\n  c:\n    access-key-id: AKIAEXAMPLE000000000\n    secret-access-key: abc\n"), 0o600)
	r := runCLI(context.Background(), nil, "", false, "--config", path, "--connection", "c", "policy")
	if r.code != 0 || r.stderr != "" {
		t.Errorf("private config: exit %d, stderr %q: want no warning", r.code, r.stderr)
	}
	r = runCLI(context.Background(), nil, "", false, "--access-key-id", "AKIAEXAMPLE000000000", "--secret-access-key", "abc", "policy")
	if r.code != 0 || r.stderr != "awssql: warning: --secret-access-key is visible to other users in ps; prefer AWS_SECRET_ACCESS_KEY\n" {
		t.Errorf("flag: exit %d, stderr %q: want the warning once", r.code, r.stderr)
	}
}

// captureStderr points os.Stderr at a pipe until the returned function
// is called, which returns what was written.
func captureStderr(t *testing.T) func() string {
	t.Helper()
	saved := os.Stderr
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	os.Stderr = pw
	done := make(chan string)
	go func() {
		b, _ := io.ReadAll(pr)
		done <- string(b)
	}()
	restored := false
	restore := func() string {
		if restored {
			return ""
		}
		restored = true
		os.Stderr = saved
		pw.Close()
		return <-done
	}
	t.Cleanup(func() { restore() })
	return restore
}

// TestFailureToldOncePerRun: a script's statements that meet the same
// failing target tell it once; it still sets the exit status.
func TestFailureToldOncePerRun(t *testing.T) {
	r := runCLI(context.Background(), nil, "", false, "--demo", "SELECT count(*) AS a FROM ec2_instances; SELECT count(*) AS b FROM ec2_instances")
	if r.code != 3 || strings.Count(r.stderr, "AccessDenied") != 1 || !strings.Contains(r.stdout, "b\n") {
		t.Errorf("exit %d, stderr:\n%s\nwant 3 and the failure once", r.code, r.stderr)
	}
}
