#!/usr/bin/env bash
# CPU and peak-heap profiles of one awssql run against cmd/awsfake.
#
# awssql has no profiling flag, and this script adds none to the source:
# it builds a second binary with `go build -overlay`, which adds one file
# to package main (profiles started in init, controlled by
# AWSSQL_CPUPROFILE / AWSSQL_MEMPROFILE) and makes main stop them before
# os.Exit. The tree is not touched.
#
# Usage: bench/profile.sh ['SQL']   (default: the Q2 GROUP BY query)
# Environment: the scenario variables of orgscale.sh (ACCOUNTS, REGIONS,
# INSTANCES, PAGE_SIZE, LATENCY_MS, CONCURRENCY, SEED), OUTPUT (awssql -o,
# default csv), PROFILE_DIR (where cpu.prof and heap.prof go; default
# /tmp/awssql-profile), TOP (lines of pprof -top, default 30).
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap cleanup EXIT

ACCOUNTS=${ACCOUNTS:-50}
REGIONS=${REGIONS:-16}
INSTANCES=${INSTANCES:-20}
PAGE_SIZE=${PAGE_SIZE:-100}
LATENCY_MS=${LATENCY_MS:-25}
CONCURRENCY=${CONCURRENCY:-64}
SEED=${SEED:-1}
OUTPUT=${OUTPUT:-csv}
PROFILE_DIR=${PROFILE_DIR:-/tmp/awssql-profile}
TOP=${TOP:-30}
SQL=${1:-'SELECT account_id, region, count(*) FROM ec2_instances GROUP BY account_id, region'}

build
main_go=$ROOT/cmd/awssql/main.go
grep -q '^	os.Exit(run(.*))$' "$main_go" || die "cmd/awssql/main.go no longer ends with os.Exit(run(...)); adapt the overlay"
mkdir -p "$WORK/overlay" "$PROFILE_DIR"
sed 's/^	os.Exit(run(\(.*\)))$/	code := run(\1)\n	stopProfiles()\n	os.Exit(code)/' "$main_go" >"$WORK/overlay/main.go"
cat >"$WORK/overlay/zz_profile.go" <<'EOF'
package main

// Added by bench/profile.sh through go build -overlay, never to the tree.
// AWSSQL_CPUPROFILE=FILE: a CPU profile of the whole run.
// AWSSQL_MEMPROFILE=FILE: a heap profile taken when the heap in use was
// largest (sampled every 100 ms): what holds memory at the peak.

import (
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var (
	profileStop sync.Once
	profileDone = make(chan struct{})
	profileWG   sync.WaitGroup
)

func init() {
	if path := os.Getenv("AWSSQL_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			profileWG.Add(1)
			go func() {
				defer profileWG.Done()
				<-profileDone
				pprof.StopCPUProfile()
				f.Close()
			}()
		}
	}
	if path := os.Getenv("AWSSQL_MEMPROFILE"); path != "" {
		runtime.MemProfileRate = 64 << 10
		profileWG.Add(1)
		go func() {
			defer profileWG.Done()
			var peak uint64
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for {
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak {
					peak = m.HeapInuse
					if f, err := os.Create(path); err == nil {
						pprof.Lookup("heap").WriteTo(f, 0)
						f.Close()
					}
				}
				select {
				case <-profileDone:
					return
				case <-tick.C:
				}
			}
		}()
	}
}

func stopProfiles() {
	profileStop.Do(func() {
		close(profileDone)
		profileWG.Wait()
	})
}
EOF
cat >"$WORK/overlay.json" <<EOF
{"Replace": {"$main_go": "$WORK/overlay/main.go", "$ROOT/cmd/awssql/zz_profile.go": "$WORK/overlay/zz_profile.go"}}
EOF
(cd "$ROOT" && go build -overlay "$WORK/overlay.json" -o "$BIN/awssql-prof" ./cmd/awssql) || die "profiling build failed"

start_fake prof --accounts "$ACCOUNTS" --regions "$REGIONS" --instances "$INSTANCES" --page-size "$PAGE_SIZE" \
	--latency "${LATENCY_MS}ms" --seed "$SEED"
log "bench: profiling: $SQL"
measure /dev/null "$WORK/prof.err" env "AWSSQL_CPUPROFILE=$PROFILE_DIR/cpu.prof" "AWSSQL_MEMPROFILE=$PROFILE_DIR/heap.prof" \
	"$BIN/awssql-prof" "${FAKE_ARGS[@]}" --concurrency "$CONCURRENCY" --stats=json -o "$OUTPUT" "$SQL"
((RC == 0)) || die "awssql exited $RC: $(tail -n 3 "$WORK/prof.err")"
cp "$BIN/awssql-prof" "$PROFILE_DIR/awssql-prof"
echo "wall $WALL_MS ms, awssql CPU $CPU_MS ms, awsfake CPU $FAKE_CPU_MS ms, max RSS $((RSS_KB / 1024)) MB"
echo "profiles: $PROFILE_DIR/cpu.prof $PROFILE_DIR/heap.prof (binary $PROFILE_DIR/awssql-prof)"
echo
echo "== CPU, by cumulative time =="
go tool pprof -top -cum -nodecount="$TOP" "$PROFILE_DIR/awssql-prof" "$PROFILE_DIR/cpu.prof" 2>/dev/null | sed -n '/^ *flat/,$p' | head -n "$((TOP + 1))"
echo
echo "== CPU, by own time =="
go tool pprof -top -nodecount="$TOP" "$PROFILE_DIR/awssql-prof" "$PROFILE_DIR/cpu.prof" 2>/dev/null | sed -n '/^ *flat/,$p' | head -n "$((TOP + 1))"
echo
echo "== heap in use at the peak =="
go tool pprof -top -sample_index=inuse_space -nodecount="$TOP" "$PROFILE_DIR/awssql-prof" "$PROFILE_DIR/heap.prof" 2>/dev/null |
	sed -n '/^Showing\|^ *flat/,$p' | head -n "$((TOP + 2))"
