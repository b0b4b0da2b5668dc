package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
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

// runHeld runs awssql with f's connection and args while op's calls that
// held matches wait; once want lines are on stdout (within 10 s, else the
// test fails: the rows before the wait did not get out) it lets them go on.
// It returns stdout and the exit status with stderr.
func runHeld(t *testing.T, f *fake, op string, held func(awsfake.Request) bool, tty bool, want int, args ...string) (*writes, int, string) {
	t.Helper()
	release := make(chan struct{})
	f.srv.AddFault(awsfake.Fault{Operation: op, Match: held,
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
		done <- run(context.Background(), append(slices.Clone(f.args), args...), streams{
			in: strings.NewReader(""), out: out, errOut: &errOut, outTTY: tty,
			getenv: func(k string) string { return f.env[k] },
		})
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		_, lines, _ := out.count()
		if lines >= want {
			break
		}
		if time.Now().After(deadline) {
			close(release)
			<-done
			t.Fatalf("%d lines out while %s was held, want the %d before it", lines, op, want)
		}
	}
	close(release)
	code := <-done
	return out, code, errOut.String()
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
			out, code, stderr := runHeld(t, f, "DescribeInstances", func(r awsfake.Request) bool { return r.Params.Get("NextToken") != "" },
				tc.tty, tc.lines(first), "-o", tc.format, "SELECT account_id, region, instance_id FROM ec2_instances")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
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

// TestClosedPipeCountsRowsOut: when the reader goes away (| head), the
// message says how many rows it got, not how many were handed to the
// writer's buffer: rows go out a buffer at a time, and those still in the
// buffer when the write fails were never printed. The write fails at
// several offsets, some inside the first buffer, with the second page held
// (the idle flush) and not.
func TestClosedPipeCountsRowsOut(t *testing.T) {
	// A row of each format ends, in what the reader got, as these match.
	whole := map[string]*regexp.Regexp{
		"csv":   regexp.MustCompile(`i-[0-9a-zA-Z]+\n`),
		"tsv":   regexp.MustCompile(`i-[0-9a-zA-Z]+\n`),
		"line":  regexp.MustCompile(`i-[0-9a-zA-Z]+\n`),
		"jsonl": regexp.MustCompile(`i-[0-9a-zA-Z]+"\}\n`),
		"json":  regexp.MustCompile(`i-[0-9a-zA-Z]+"\}`),
	}
	printed := regexp.MustCompile(`(\d+) rows were printed|(1) row was printed|(no) row was printed`)
	for _, format := range []string{"csv", "tsv", "line", "jsonl", "json"} {
		for _, at := range []int{0, 10, 100, 4096, 5000, 8192} {
			for _, hold := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%d/hold=%v", format, at, hold), func(t *testing.T) {
					f := newFake(t, fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 600, Seed: 3}),
						awsfake.WithPageSize(200))
					f.args = append(f.args, "--regions", "us-east-1")
					if hold {
						f.srv.AddFault(awsfake.Fault{Operation: "DescribeInstances", Latency: 200 * time.Millisecond,
							Match: func(r awsfake.Request) bool { return r.Params.Get("NextToken") != "" }})
					}
					out := &failingWriter{n: at, err: syscall.EPIPE}
					var got bytes.Buffer
					var errOut bytes.Buffer
					code := run(context.Background(), append(f.args, "-o", format, "SELECT instance_id FROM ec2_instances"), streams{
						in: strings.NewReader(""), out: teeUpTo{&got, out}, errOut: &errOut,
						getenv: func(k string) string { return f.env[k] },
					})
					if code != exitInterrupted {
						t.Fatalf("exit %d, want %d: %s", code, exitInterrupted, errOut.String())
					}
					m := printed.FindStringSubmatch(errOut.String())
					if m == nil {
						t.Fatalf("stderr %q does not say how many rows were printed", errOut.String())
					}
					says := 0
					switch {
					case m[1] != "":
						says, _ = strconv.Atoi(m[1])
					case m[2] != "":
						says = 1
					}
					if n := len(whole[format].FindAllString(got.String(), -1)); says != n {
						t.Errorf("stderr says %d rows were printed; the reader got %d whole rows (%d bytes)", says, n, got.Len())
					}
				})
			}
		}
	}
}

// teeUpTo writes to w what out accepts of each write, and returns out's
// answer: what the reader of a pipe got.
type teeUpTo struct {
	w   io.Writer
	out io.Writer
}

func (t teeUpTo) Write(p []byte) (int, error) {
	n, err := t.out.Write(p)
	t.w.Write(p[:n])
	return n, err
}

// TestPipedObjectsStream: s3_objects lists its bucket on the statement's
// own goroutine (one target, no fan-out), so its waits are not a scan's:
// to a pipe, the rows already read must still be out while the next page
// of the listing (S3's pages are 1,000 keys), or the next object's body,
// is waited for.
func TestPipedObjectsStream(t *testing.T) {
	for _, tc := range []struct {
		name, query string
		objects     int
		op          string
		held        func(awsfake.Request) bool
		want        int // lines out while held
		perRow      int // lines a row
	}{
		{"next page", "SELECT key FROM s3_objects WHERE bucket_name = '%s'", 1001, "ListObjectsV2",
			func(r awsfake.Request) bool { return r.Params.Get("continuation-token") != "" }, 1000 + 1, 1},
		{"next body", "SELECT key, body FROM s3_objects WHERE bucket_name = '%s'", 10, "GetObject",
			func(r awsfake.Request) bool { return strings.HasSuffix(r.Params.Get("Key"), "obj-00005.json") }, 2*5 + 1, 2}, // a body ends in a newline
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := fakedata.Generate(fakedata.GenOptions{Accounts: 1, Regions: 1, BucketsPerRegion: 1, ObjectsPerBucket: tc.objects, Seed: 3})
			var bucket string
			for _, r := range ds.Accounts[0].Regions {
				for _, b := range r.Buckets {
					bucket = b.Name
				}
			}
			f := newFake(t, ds)
			out, code, stderr := runHeld(t, f, tc.op, tc.held, false, tc.want, "-o", "csv", fmt.Sprintf(tc.query, bucket))
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if _, lines, _ := out.count(); lines != tc.perRow*tc.objects+1 {
				t.Errorf("%d lines, want %d", lines, tc.perRow*tc.objects+1)
			}
			if len(f.requestsOf(tc.op)) == 0 {
				t.Errorf("no %s call: nothing was held", tc.op)
			}
		})
	}
}
