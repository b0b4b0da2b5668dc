package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// writes records what reaches stdout, write by write.
type writes struct {
	mu  sync.Mutex
	n   int // Write calls
	buf bytes.Buffer
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n++
	return w.buf.Write(p)
}

func (w *writes) count() (calls int, lines int, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n, strings.Count(w.buf.String(), "\n"), w.buf.String()
}

// TestPipedRowsStream: to a pipe or a file, rows are written a buffer at a
// time, not one write each, and still reach the reader as their pages
// arrive: the first page's rows are out while the second is held. To a
// terminal, each row is written as it comes.
func TestPipedRowsStream(t *testing.T) {
	const first, rows = 100, 300 // a page, and the table
	for _, tc := range []struct {
		format string
		tty    bool
		lines  func(rows int) int // of output, for so many rows
	}{
		{"jsonl", false, func(n int) int { return n }},
		{"csv", false, func(n int) int { return n + 1 }},
		{"tsv", false, func(n int) int { return n + 1 }},
		{"line", false, func(n int) int { return 4*n - 1 }}, // three columns and a blank line between rows
		{"jsonl", true, func(n int) int { return n }},
	} {
		t.Run(tc.format+map[bool]string{true: "/tty"}[tc.tty], func(t *testing.T) {
			f := newFake(t, fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: rows, Seed: 3}),
				awsfake.WithPageSize(first))
			f.args = append(f.args, "--regions", "us-east-1")
			release := make(chan struct{})
			f.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances",
				Match: func(r awsfake.Request) bool { return r.Params.Get("NextToken") != "" },
				Hold: func(ctx context.Context, _ awsfake.Request) {
					select {
					case <-release:
					case <-ctx.Done():
					}
				}})
			out := &writes{}
			var errOut bytes.Buffer
			done := make(chan int)
			go func() {
				done <- run(context.Background(), append(f.args, "-o", tc.format, "SELECT account_id, region, instance_id FROM ec2_instances"), streams{
					in: strings.NewReader(""), out: out, errOut: &errOut, outTTY: tc.tty,
					getenv: func(k string) string { return f.env[k] },
				})
			}()
			// The first page's rows reach stdout while the second waits.
			deadline := time.Now().Add(10 * time.Second)
			for {
				_, lines, _ := out.count()
				if lines >= tc.lines(first) {
					break
				}
				if time.Now().After(deadline) {
					close(release)
					<-done
					t.Fatalf("%d lines out while the second page was held, want the first page's %d", lines, tc.lines(first))
				}
				time.Sleep(5 * time.Millisecond)
			}
			close(release)
			if code := <-done; code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			calls, lines, text := out.count()
			if lines != tc.lines(rows) {
				t.Fatalf("%d lines, want %d:\n%s", lines, tc.lines(rows), text)
			}
			if tc.tty {
				if calls < rows {
					t.Errorf("%d writes to a terminal for %d rows: want one a row at least", calls, rows)
				}
				return
			}
			// A buffer's worth (4 KB) at a time, and once for each wait
			// (the pages), with a little room: not a write a row.
			if most := len(text)/4096 + rows/first + 3; calls > most {
				t.Errorf("%d writes for %d rows (%d bytes), want at most %d", calls, rows, len(text), most)
			}
		})
	}
}
