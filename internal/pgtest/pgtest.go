// Package pgtest starts a throwaway PostgreSQL server for a test: initdb
// into a temporary directory, and postgres listening only on a Unix socket
// in it, stopped and removed when the test ends. initdb refuses to run as
// root, so under root (CI, containers) both run as the postgres user, else
// nobody.
//
// It needs Debian's postgresql package (or any initdb and postgres on
// PATH or under /usr/lib/postgresql/*/bin). Without them a test skips,
// except under CI (CI set), where it fails: .ci/run installs them.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// bin finds a PostgreSQL program.
func bin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no %s on PATH or under /usr/lib/postgresql/*/bin", name)
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// Start starts a server for the test and returns its connection URL (the
// postgres database, user awssql, no password, over the socket).
func Start(tb testing.TB) string {
	tb.Helper()
	initdb, err := bin("initdb")
	var postgres string
	if err == nil {
		postgres, err = bin("postgres")
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("PostgreSQL is not installed (.ci/run installs Debian's postgresql): %v", err)
		}
		tb.Skipf("PostgreSQL is not installed (apt-get install postgresql): %v", err)
	}
	dir, err := os.MkdirTemp("", "awssql-pg-")
	if err != nil {
		tb.Fatalf("pgtest: a directory for the server: %v", err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	cred, err := credential()
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			tb.Fatalf("pgtest: giving %s to uid %d: %v", dir, cred.Uid, err)
		}
	}
	command := func(name string, args ...string) *exec.Cmd {
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		}
		return cmd
	}
	data := filepath.Join(dir, "data")
	if out, err := command(initdb, "-D", data, "-U", "awssql", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync").CombinedOutput(); err != nil {
		tb.Fatalf("initdb: %v\n%s", err, out)
	}
	logPath := filepath.Join(dir, "postgres.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		tb.Fatalf("pgtest: the server's log: %v", err)
	}
	defer logFile.Close()
	srv := command(postgres, "-D", data, "-k", dir, "-p", "5432", "-c", "listen_addresses=",
		"-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off")
	srv.Stdout, srv.Stderr = logFile, logFile
	if err := srv.Start(); err != nil {
		tb.Fatalf("postgres: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	tb.Cleanup(func() {
		srv.Process.Signal(syscall.SIGINT) // fast shutdown
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			srv.Process.Kill()
			<-exited
		}
	})
	u := "postgres://awssql@/postgres?sslmode=disable&host=" + url.QueryEscape(dir)
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		conn, err := pgx.Connect(ctx, u)
		if err == nil {
			conn.Close(ctx)
			cancel()
			return u
		}
		cancel()
		select {
		case werr := <-exited:
			exited <- werr
			log, _ := os.ReadFile(logPath)
			tb.Fatalf("postgres exited (%v):\n%s", werr, log)
		default:
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logPath)
			tb.Fatalf("postgres did not accept connections in 60s (%v):\n%s", err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// credential is whom the server runs as: nil for the test's own user,
// unless that is root.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	var errs []error
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil {
			errs = append(errs, fmt.Errorf("user %s: uid %q gid %q", name, u.Uid, u.Gid))
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, fmt.Errorf("running as root, and no user to run PostgreSQL as: %s", strings.TrimSpace(errors.Join(errs...).Error()))
}
