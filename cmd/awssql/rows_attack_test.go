package main

import (
	"context"
	"regexp"
	"testing"
	"time"
)

// TestStatementWithoutTableStops ends statements that read no virtual
// table, whose only way to stop is SQLite's interrupt (no table's cursor
// sees the context end), with --timeout and with Ctrl-C (the root
// context's cancel): in the first step (an aggregate), while rows stream,
// in a sort, and in the second statement of a script. Each must stop at
// once, never exit 0, and say how many rows got out.
func TestStatementWithoutTableStops(t *testing.T) {
	// Each runs for minutes when nothing stops it.
	const endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000000) "
	tests := []struct {
		name     string
		sql      string
		format   string
		stdout   string // a regexp the output must match
		rowsSaid string // a regexp of the message's count
	}{
		{"aggregate", endless + "SELECT count(*) FROM c", "csv", `^$`, `no row was printed`},
		// Rows of 1 KB: the output's buffer is written every few rows.
		{"streaming", endless + "SELECT x, printf('%.*c', 900, 'y') AS y FROM c WHERE x % 1000 = 0", "csv", `^x,y\n1000,y{900}\n`, `[1-9][0-9]* rows? (was|were) printed`},
		{"jsonl", endless + "SELECT x, printf('%.*c', 900, 'y') AS y FROM c WHERE x % 1000 = 0", "jsonl", `^\{"x":1000,"y":"y{900}"\}\n`, `[1-9][0-9]* rows? (was|were) printed`},
		{"table", endless + "SELECT x FROM c WHERE x % 100000 = 0", "table", `^(┌[\s\S]*│ +100000 │[\s\S]*┘\n)?$`, `rows? (was|were) printed`},
		{"sort", endless + "SELECT x FROM c ORDER BY -x", "csv", `^$`, `no row was printed`},
		{"second statement", "SELECT 1 AS one; " + endless + "SELECT max(x) FROM c", "csv", `^one\n1\n$`, `no row was printed`},
	}
	for _, how := range []string{"timeout", "interrupt"} {
		for _, tc := range tests {
			t.Run(how+"/"+tc.name, func(t *testing.T) {
				ctx := context.Background()
				args := []string{"--demo", "-o", tc.format}
				want := 124
				if how == "timeout" {
					args = append(args, "--timeout", "400ms")
				} else {
					var cancel context.CancelFunc
					ctx, cancel = context.WithCancel(ctx)
					defer cancel()
					time.AfterFunc(400*time.Millisecond, cancel)
					want = 130
				}
				done := make(chan result, 1)
				start := time.Now()
				go func() { done <- runCLI(ctx, nil, "", false, append(args, tc.sql)...) }()
				var r result
				select {
				case r = <-done:
				case <-time.After(10 * time.Second):
					t.Fatalf("the statement did not stop within 10s of its %s", how)
				}
				if took := time.Since(start); took > 3*time.Second {
					t.Errorf("took %v to stop", took)
				}
				if r.code != want {
					t.Errorf("exit %d, want %d; stderr %q", r.code, want, r.stderr)
				}
				if !regexp.MustCompile(tc.stdout).MatchString(r.stdout) {
					t.Errorf("stdout %q, want %s", r.stdout, tc.stdout)
				}
				if !regexp.MustCompile(tc.rowsSaid + `: the answer is incomplete`).MatchString(r.stderr) {
					t.Errorf("stderr %q, want %s", r.stderr, tc.rowsSaid)
				}
			})
		}
	}
}

// TestRolledBackTransactionIsSaid cuts a write inside BEGIN, which has
// SQLite roll the whole transaction back, and wants stderr to say so; a
// cut read inside BEGIN leaves the transaction open and says nothing of
// it.
func TestRolledBackTransactionIsSaid(t *testing.T) {
	const endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
	for _, tc := range []struct {
		name, cut string
		said      bool
	}{
		{"write", "INSERT INTO t SELECT x FROM c", true},
		{"read", "SELECT max(x) FROM c", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(context.Background(), nil, "", false, "--demo", "--timeout", "300ms", "-o", "csv",
				"CREATE TEMP TABLE t(v); BEGIN; INSERT INTO t VALUES (1); "+endless+tc.cut)
			if r.code != 124 {
				t.Fatalf("exit %d, want 124; stderr %q", r.code, r.stderr)
			}
			if said := regexp.MustCompile(`rolled back the open transaction`).MatchString(r.stderr); said != tc.said {
				t.Errorf("rollback said %v, want %v; stderr %q", said, tc.said, r.stderr)
			}
		})
	}
}
