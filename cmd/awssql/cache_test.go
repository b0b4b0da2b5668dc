package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

func TestDiskCache(t *testing.T) {
	f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, Seed: 1})
	cache := t.TempDir()
	f.env["XDG_CACHE_HOME"] = cache
	// A second user of the same account.
	other := fakedata.Key{ID: "AKIAOTHERUSER0000001", Secret: "other-secret-0123456789", UserName: "other"}
	f.ds.Accounts[0].Keys = append(f.ds.Accounts[0].Keys, other)
	f.srv.AddCredentials(other.ID, awsfake.Principal{Account: f.ds.Accounts[0].ID, Secret: other.Secret,
		ARN: "arn:aws:iam::" + f.ds.Accounts[0].ID + ":user/other", UserID: "AIDAOTHER"})

	const q = "SELECT count(*) FROM ec2_instances"
	first := f.run("--cache-ttl", "10m", "--stats=json", q)
	if first.code != 0 || f.srv.Count("DescribeInstances", "", "") != 4 {
		t.Fatalf("exit %d, %d calls: %s", first.code, f.srv.Count("DescribeInstances", "", ""), first.stderr)
	}
	f.srv.Reset()
	second := f.run("--cache-ttl", "10m", "--stats=json", q)
	if second.stdout != first.stdout || f.srv.Count("DescribeInstances", "", "") != 0 {
		t.Errorf("second run: %q, %d DescribeInstances calls: want the same answer from disk", second.stdout, f.srv.Count("DescribeInstances", "", ""))
	}
	// The four regions, named: enabled in every account, they need no
	// DescribeRegions.
	if st := statsOf(t, second.stderr); st.DiskHits != 4 {
		t.Errorf("stats say %d answers came from disk, want 4", st.DiskHits)
	}
	// --no-cache asks AWS again.
	f.srv.Reset()
	f.run("--cache-ttl", "10m", "--no-cache", q)
	if n := f.srv.Count("DescribeInstances", "", ""); n != 4 {
		t.Errorf("--no-cache: %d calls, want 4", n)
	}

	// Another identity does not see these answers.
	f.srv.Reset()
	otherEnv := map[string]string{"AWS_SECRET_ACCESS_KEY": other.Secret, "XDG_CACHE_HOME": cache}
	args := append([]string{"--endpoint-url", f.url, "--access-key-id", other.ID, "--home-region", "us-east-1",
		"--regions", strings.Join(genRegions, ","), "--cache-ttl", "10m"}, q)
	if r := runCLI(t.Context(), otherEnv, "", false, args...); r.code != 0 {
		t.Fatalf("other user: exit %d %s", r.code, r.stderr)
	}
	if n := f.srv.Count("DescribeInstances", "", ""); n != 4 {
		t.Errorf("another identity made %d calls, want 4: it must not read the first one's cache", n)
	}

	// Files 0600 in 0700 directories, and no secret in them.
	err := filepath.WalkDir(filepath.Join(cache, "awssql"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, _ := d.Info()
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: mode %o, want %o", p, info.Mode().Perm(), want)
		}
		if !d.IsDir() {
			b, _ := os.ReadFile(p)
			if strings.Contains(string(b), other.Secret) || strings.Contains(string(b), f.env["AWS_SECRET_ACCESS_KEY"]) {
				t.Errorf("%s holds a secret", p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The TTL: an answer older than it is fetched again.
	f.srv.Reset()
	f.run("--cache-ttl", "1s", q)
	time.Sleep(1100 * time.Millisecond)
	f.srv.Reset()
	f.run("--cache-ttl", "1s", q)
	if n := f.srv.Count("DescribeInstances", "", ""); n != 4 {
		t.Errorf("after the TTL: %d calls, want 4", n)
	}

	// cache clear empties it.
	if r := f.run("cache", "clear"); r.code != 0 {
		t.Fatalf("cache clear: exit %d %s", r.code, r.stderr)
	}
	entries, _ := os.ReadDir(filepath.Join(cache, "awssql"))
	if len(entries) != 0 {
		t.Errorf("%d entries left after cache clear", len(entries))
	}
}

// TestCacheMax: --cache-max, AWSSQL_CACHE_MAX and the config file's
// cache-max cap the disk cache. A cap of 1 KB holds none of a query's
// answers, so the next run asks AWS again.
func TestCacheMax(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		env       map[string]string
		config    string // the connection's settings
		wantCalls int    // DescribeInstances of the second run
		wantErr   string
	}{
		{name: "default", wantCalls: 0},
		{name: "flag", args: []string{"--cache-max", "1KB"}, wantCalls: 4},
		{name: "flag, roomy", args: []string{"--cache-max", "1GiB"}, wantCalls: 0},
		{name: "environment", env: map[string]string{"AWSSQL_CACHE_MAX": "1KB"}, wantCalls: 4},
		{name: "config file", config: "cache-max: 1KB", wantCalls: 4},
		{name: "the flag over the environment", args: []string{"--cache-max", "1GiB"}, env: map[string]string{"AWSSQL_CACHE_MAX": "1KB"}, wantCalls: 0},
		{name: "zero", args: []string{"--cache-max", "0"}, wantErr: `"--cache-max" flag: bad size "0"`},
		{name: "no unit I know", env: map[string]string{"AWSSQL_CACHE_MAX": "12 bushels"}, wantErr: `cache-max: bad size "12 bushels"`},
		{name: "bad in the config file", config: "cache-max: lots", wantErr: `cache-max: bad size "lots"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newGen(t, fakedata.GenOptions{InstancesPerRegion: 5, Seed: 1})
			f.env["XDG_CACHE_HOME"] = t.TempDir()
			for k, v := range tt.env {
				f.env[k] = v
			}
			if tt.config != "" {
				path := filepath.Join(t.TempDir(), "config.yaml")
				cfg := "default: c\nconnections:\n  c:\n    " + tt.config + "\n"
				if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
					t.Fatal(err)
				}
				f.env["AWSSQL_CONFIG"] = path
			}
			args := append(append([]string{"--cache-ttl", "10m"}, tt.args...), "SELECT count(*) FROM ec2_instances")
			first := f.run(args...)
			if tt.wantErr != "" {
				if first.code != 2 || !strings.Contains(first.stderr, tt.wantErr) {
					t.Errorf("exit %d, stderr %q; want 2 and %q", first.code, first.stderr, tt.wantErr)
				}
				return
			}
			if first.code != 0 {
				t.Fatalf("exit %d: %s", first.code, first.stderr)
			}
			f.srv.Reset()
			if second := f.run(args...); second.code != 0 || second.stdout != first.stdout {
				t.Fatalf("second run: exit %d, %q; want %q", second.code, second.stdout, first.stdout)
			}
			if n := f.srv.Count("DescribeInstances", "", ""); n != tt.wantCalls {
				t.Errorf("the second run made %d DescribeInstances calls, want %d", n, tt.wantCalls)
			}
		})
	}
}
