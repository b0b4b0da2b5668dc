#!/usr/bin/env bash
# Memory with the disk cache: the same query twice, the second time from
# the disk cache, must peak at the same memory as the first.
#
# Serves ACCOUNTS x REGIONS x INSTANCES instances (default 10 x 10 x 1000 =
# 100,000) with cmd/awsfake, no latency, pages of PAGE_SIZE, and runs
#
#   awssql ... --cache-ttl 1h --concurrency 16 -o jsonl 'SELECT * FROM ec2_instances' > /dev/null
#
# twice against an empty cache directory: the first run asks awsfake and
# writes every page to disk, the second reads every page from disk (it
# must make no DescribeInstances call). Reports the max RSS of both runs
# and their ratio (target: at most MAX_RATIO, default 1.15), their heap
# (from GODEBUG=gctrace=1: the largest heap a collection started at, and
# the largest heap it left live), wall and CPU times, and what the cache
# holds on disk.
#
# Usage: bench/cachemem.sh
# Environment (defaults in brackets): ACCOUNTS [10] REGIONS [10]
# INSTANCES [1000] PAGE_SIZE [1000] CONCURRENCY [16] RUNS [1] SEED [1]
# OUTPUT [jsonl] CACHE_MAX [4GiB; empty: no --cache-max, for a binary
# that has none] MAX_RATIO [1.15] KEEP_WORK BIN
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap cleanup EXIT

ACCOUNTS=${ACCOUNTS:-10}
REGIONS=${REGIONS:-10}
INSTANCES=${INSTANCES:-1000}
PAGE_SIZE=${PAGE_SIZE:-1000}
CONCURRENCY=${CONCURRENCY:-16}
RUNS=${RUNS:-1}
SEED=${SEED:-1}
OUTPUT=${OUTPUT:-jsonl}
CACHE_MAX=${CACHE_MAX-4GiB}
MAX_RATIO=${MAX_RATIO:-1.15}
total=$((ACCOUNTS * REGIONS * INSTANCES))

build
log "bench: generating $total instances"
start_fake cache --accounts "$ACCOUNTS" --regions "$REGIONS" --instances "$INSTANCES" --page-size "$PAGE_SIZE" \
	--latency 0ms --seed "$SEED" --images 2 --dbs 0 --reserved 0

cache_args=(--cache-ttl 1h)
[[ -z $CACHE_MAX ]] || cache_args+=(--cache-max "$CACHE_MAX")
cache_dir=$WORK/home/cache/awssql

# run NAME: one awssql run; sets RSS_KB, WALL_MS, CPU_MS, HEAP_MB and
# LIVE_MB, and the stats in $WORK/NAME.stats.
run() {
	measure_clean /dev/null "$WORK/$1.err" env GODEBUG=gctrace=1 "$BIN/awssql" "${FAKE_ARGS[@]}" "${cache_args[@]}" \
		--concurrency "$CONCURRENCY" --stats=json -o "$OUTPUT" 'SELECT * FROM ec2_instances'
	((RC == 0)) || die "awssql ($1) exited $RC: $(grep -v '^gc ' "$WORK/$1.err" | tail -n 3)"
	stats "$WORK/$1.err" >"$WORK/$1.stats"
	read -r HEAP_MB LIVE_MB < <(awk 'match($0, /[0-9]+->[0-9]+->[0-9]+ MB/) {
		split(substr($0, RSTART, RLENGTH - 3), m, "->")
		if (m[1] + 0 > h) h = m[1] + 0; if (m[2] + 0 > h) h = m[2] + 0; if (m[3] + 0 > l) l = m[3] + 0
	} END { print h + 0, l + 0 }' "$WORK/$1.err")
	local rows
	rows=$(stat rows <"$WORK/$1.stats")
	((rows == total)) || die "awssql ($1) returned $rows rows, want $total"
}

firsts=() seconds=() fwalls=() swalls=() fcpus=() scpus=() fheaps=() sheaps=() flives=() slives=()
for ((i = 1; i <= RUNS; i++)); do
	rm -rf "$cache_dir"
	log "bench: pair $i of $RUNS: first run, empty cache"
	run first
	firsts+=("$RSS_KB") fwalls+=("$WALL_MS") fcpus+=("$CPU_MS") fheaps+=("$HEAP_MB") flives+=("$LIVE_MB")
	disk_kb=$(du -sk "$cache_dir" | awk '{ print $1 }')
	files=$(find "$cache_dir" -type f | wc -l)
	log "bench: first: max RSS $((RSS_KB / 1024)) MB, heap $HEAP_MB MB (live $LIVE_MB MB), wall $WALL_MS ms, CPU $CPU_MS ms; cache $((disk_kb / 1024)) MB in $files files"
	log "bench: pair $i of $RUNS: second run, from the disk cache"
	run second
	seconds+=("$RSS_KB") swalls+=("$WALL_MS") scpus+=("$CPU_MS") sheaps+=("$HEAP_MB") slives+=("$LIVE_MB")
	calls=$(stat calls.DescribeInstances <"$WORK/second.stats")
	((calls == 0)) || die "the second run made $calls DescribeInstances calls: the cache did not hold the first run's pages"
	log "bench: second: max RSS $((RSS_KB / 1024)) MB, heap $HEAP_MB MB (live $LIVE_MB MB), wall $WALL_MS ms, CPU $CPU_MS ms;" \
		"$(stat disk_cache_hits <"$WORK/second.stats") answers from disk"
done
first=$(median "${firsts[@]}")
second=$(median "${seconds[@]}")
ratio=$(awk -v a="$second" -v b="$first" 'BEGIN { printf "%.2f", a / b }')
verdict=within
awk -v r="$ratio" -v m="$MAX_RATIO" 'BEGIN { exit !(r <= m) }' || verdict=OVER

echo
echo "machine: $(machine)"
echo "scenario: $ACCOUNTS accounts x $REGIONS regions x $INSTANCES instances = $total instances; page size $PAGE_SIZE;" \
	"awssql ${cache_args[*]} --concurrency $CONCURRENCY -o $OUTPUT 'SELECT * FROM ec2_instances' > /dev/null, twice"
echo "first run (awsfake): $(stat calls.DescribeInstances <"$WORK/first.stats") DescribeInstances calls;" \
	"disk cache afterwards $((disk_kb / 1024)) MB in $files files"
echo "second run (disk): $(stat disk_cache_hits <"$WORK/second.stats") answers from disk," \
	"$(stat calls.DescribeInstances <"$WORK/second.stats") DescribeInstances calls, $(stat cache_hits <"$WORK/second.stats") from memory"
echo "max RSS: first $((first / 1024)) MB, second $((second / 1024)) MB; second / first = $ratio ($verdict the $MAX_RATIO target)" \
	"(median of $RUNS; first ${firsts[*]} kB, second ${seconds[*]} kB)"
echo "heap: first $(median "${fheaps[@]}") MB (live $(median "${flives[@]}") MB), second $(median "${sheaps[@]}") MB" \
	"(live $(median "${slives[@]}") MB): the largest heap at a collection, and the largest it left live (GODEBUG=gctrace=1)"
echo "wall: first $(median "${fwalls[@]}") ms, second $(median "${swalls[@]}") ms;" \
	"CPU: first $(median "${fcpus[@]}") ms, second $(median "${scpus[@]}") ms"
((CONTENDED_RUNS == 0)) || echo "WARNING: $CONTENDED_RUNS runs kept although other work took more than ${CONTENTION_PCT:-5}% of the machine during them"
