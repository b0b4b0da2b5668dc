package tables_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/awssql/awssql/fetch"
	"github.com/awssql/awssql/internal/awsfake"
	"github.com/awssql/awssql/internal/awsfake/fakedata"
)

// replay answers each request (by its body: action, paging token,
// filters) with what awsfake answered the first time, so that a
// benchmark's CPU is awssql's and the SDK's, not awsfake's encoding.
type replay struct {
	next http.Handler
	mu   sync.Mutex
	seen map[string]*httptest.ResponseRecorder
}

func (r *replay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	key := req.URL.String() + "\x00" + req.Header.Get("X-Amz-Target") + "\x00" + string(body)
	r.mu.Lock()
	rec, ok := r.seen[key]
	r.mu.Unlock()
	if !ok {
		rec = httptest.NewRecorder()
		req.Body = io.NopCloser(bytes.NewReader(body))
		r.next.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK {
			r.mu.Lock()
			r.seen[key] = rec
			r.mu.Unlock()
		}
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// cpu is the process's CPU time, user and system.
func cpu(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// replayEnv names the data set a test binary started by replayServer
// serves instead of running tests.
const replayEnv = "AWSSQL_TEST_REPLAY_SERVER"

func TestMain(m *testing.M) {
	if g := os.Getenv(replayEnv); g != "" {
		os.Exit(serveReplay(g))
	}
	os.Exit(m.Run())
}

// serveReplay serves awsfake's data set gen (GenOptions as JSON) through
// replay on a local port, which it prints, until its stdin closes.
func serveReplay(gen string) int {
	var g fakedata.GenOptions
	if err := json.Unmarshal([]byte(gen), &g); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	hs := httptest.NewServer(&replay{next: awsfake.New(fakedata.Generate(g)), seen: map[string]*httptest.ResponseRecorder{}})
	defer hs.Close()
	fmt.Println(hs.URL)
	io.Copy(io.Discard, os.Stdin)
	return 0
}

// replayServer starts this test binary as a replay server of gen in a
// process of its own, so that serving the pages is not counted in the CPU
// of the process measured, as AWS's is not; it returns its URL.
func replayServer(b *testing.B, gen fakedata.GenOptions) string {
	g, err := json.Marshal(gen)
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), replayEnv+"="+string(g))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("replay server: %v", err)
	}
	b.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	url, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("replay server: no URL: %v", err)
	}
	return strings.TrimSpace(url)
}

// BenchmarkCPUPerInstance measures, for each table over an operation
// awssql decodes itself, the CPU per resource of a whole statement (SDK
// client, signing, paging, SQLite, value conversion) with awssql's decoder
// and with the SDK's, and reports their ratio (x_sdk). The pages are
// awsfake's, replayed by another process, so neither awsfake's encoding
// nor the serving is counted. Targets
// (issue 10): count(*) and five columns at most 0.1 x the SDK; SELECT *
// written as JSON Lines at most 0.33 x.
func BenchmarkCPUPerInstance(b *testing.B) {
	gen := fakedata.GenOptions{Accounts: 1, Regions: 1, InstancesPerRegion: 2000, ImagesPerRegion: 1000,
		ReservedPerRegion: 1000, DBInstancesPerRegion: 500, Seed: 1}
	ds := fakedata.Generate(gen)
	url := replayServer(b, gen)
	regions := []string{"us-east-1"}
	tables := []struct{ table, op, five string }{
		{"ec2_instances", "DescribeInstances", "instance_id, instance_type, instance_state, launch_time, placement_availability_zone"},
		{"images", "DescribeImages", "image_id, name, state, image_type, region"},
		{"reserved_instances", "DescribeReservedInstances", "reserved_instance_id, instance_type, instance_state, availability_zone, instance_count"},
		{"ebs_volumes", "DescribeVolumes", "volume_id, volume_type, state, create_time, availability_zone"},
		{"ebs_snapshots", "DescribeSnapshots", "snapshot_id, state, volume_size, volume_id, region"},
		{"rds_instances", "DescribeDBInstances", "db_instance_identifier, class, engine, status, availability_zone"},
	}
	for _, tt := range tables {
		for _, shape := range []struct{ name, sql string }{
			{"count", "SELECT count(*) FROM " + tt.table},
			{"five", "SELECT " + tt.five + " FROM " + tt.table},
			{"star_jsonl", "SELECT * FROM " + tt.table},
		} {
			b.Run(tt.op+"/"+shape.name, func(b *testing.B) {
				// Once unmeasured, so that every measured run replays.
				open(b, ds, regions, func(o *fetch.Options) { o.EndpointURL = url }).query(b, shape.sql)
				per := map[string]time.Duration{}
				for _, decoder := range []string{fetch.DecoderSDK, fetch.DecoderAWSSQL} {
					var spent time.Duration
					resources := 0
					for range b.N {
						// A new session each time: the call cache would
						// answer the second run.
						e := open(b, ds, regions, func(o *fetch.Options) { o.EndpointURL, o.Decoder = url, decoder })
						start := cpu(b)
						rows := e.query(b, shape.sql)
						n := len(rows)
						if shape.name == "count" {
							n = int(rows[0]["count(*)"].(int64))
						}
						if shape.name == "star_jsonl" {
							enc := json.NewEncoder(io.Discard)
							for _, r := range rows {
								if err := enc.Encode(r); err != nil {
									b.Fatal(err)
								}
							}
						}
						spent += cpu(b) - start
						resources += n
					}
					if resources == 0 {
						b.Fatalf("%s: no rows", shape.sql)
					}
					per[decoder] = spent / time.Duration(resources)
				}
				b.ReportMetric(float64(per[fetch.DecoderSDK].Nanoseconds())/1e3, "sdk_us/res")
				b.ReportMetric(float64(per[fetch.DecoderAWSSQL].Nanoseconds())/1e3, "awssql_us/res")
				b.ReportMetric(float64(per[fetch.DecoderAWSSQL])/float64(per[fetch.DecoderSDK]), "x_sdk")
			})
		}
	}
}
