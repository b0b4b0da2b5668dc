package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/awsfaketest"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
	"github.com/awssql/awssql/vtab/tables"
)

var update = flag.Bool("update", false, "rewrite the golden files with what the tests produce")

// fake is an awsfake endpoint for one test, with the arguments that connect
// awssql to it.
type fake struct {
	t    *testing.T
	srv  *awsfake.Server
	url  string
	ds   *fakedata.Dataset
	env  map[string]string
	args []string
}

func newFake(t *testing.T, ds *fakedata.Dataset, opts ...awsfake.Option) *fake {
	t.Helper()
	srv, url := awsfaketest.NewServer(t, ds, opts...)
	key, secret := srv.Credentials(ds.Accounts[0].ID)
	f := &fake{t: t, srv: srv, url: url, ds: ds,
		env:  map[string]string{"AWS_SECRET_ACCESS_KEY": secret},
		args: []string{"--endpoint-url", url, "--access-key-id", key, "--home-region", "us-east-1"},
	}
	// Whatever a test did, awssql may only have called the allowlist.
	t.Cleanup(func() {
		for _, op := range srv.Operations() {
			svc, name, _ := strings.Cut(op, ":")
			if !allowed(svc, name) {
				t.Errorf("awsfake saw %s, which is not on the allowlist", op)
			}
		}
	})
	return f
}

// allowed maps awsfake's "service:Operation" (signing name) to the allowlist.
func allowed(signingName, op string) bool {
	for _, o := range fetch.Allowlist(tables.Operations()) {
		if strings.EqualFold(strings.SplitN(o.Action, ":", 2)[0], signingName) && o.Name == op {
			return true
		}
	}
	return false
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs awssql with the fake's connection arguments first.
func (f *fake) run(args ...string) result {
	f.t.Helper()
	return f.runIO(context.Background(), "", false, args...)
}

func (f *fake) runIO(ctx context.Context, stdin string, tty bool, args ...string) result {
	f.t.Helper()
	return runCLI(ctx, f.env, stdin, tty, append(slices.Clone(f.args), args...)...)
}

func runCLI(ctx context.Context, env map[string]string, stdin string, tty bool, args ...string) result {
	var out, errOut bytes.Buffer
	code := run(ctx, args, streams{
		in:     strings.NewReader(stdin),
		out:    &out,
		errOut: &errOut,
		inTTY:  false,
		outTTY: tty,
		getenv: func(k string) string { return env[k] },
	})
	return result{stdout: out.String(), stderr: errOut.String(), code: code}
}

// failingWriter fails every write after the first n bytes, as a closed
// pipe does.
type failingWriter struct {
	n   int
	err error
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n <= 0 {
		return 0, w.err
	}
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, w.err
	}
	w.n -= len(p)
	return len(p), nil
}

var _ io.Writer = (*failingWriter)(nil)
