#!/usr/bin/env bash
# Snapshot benchmark: bench/memory.sh's scenario (a million instances)
# snapshotted into SQLite and into Parquet, against the plain JSON Lines run
# of the same scenario, on one awsfake.
#
# Serves ACCOUNTS x REGIONS x INSTANCES instances (default 25 x 16 x 2500 =
# 1,000,000) with cmd/awsfake, no latency, pages of PAGE_SIZE, and runs, in
# turn (RUNS rounds),
#
#   awssql ... --concurrency 16 -o jsonl 'SELECT * FROM ec2_instances' > /dev/null
#   awssql ... --concurrency 16 snapshot ec2_instances --into WORK/inventory.db
#   awssql ... --concurrency 16 snapshot ec2_instances --into parquet:WORK/lake
#
# reporting each one's max RSS (target: under 300 MB), wall and CPU time,
# the ratios to the JSON Lines run, and the size of what was written.
#
# Usage: bench/snapshot.sh
# Environment (defaults in brackets): ACCOUNTS [25] REGIONS [16]
# INSTANCES [2500] PAGE_SIZE [1000] CONCURRENCY [16] RUNS [1] SEED [1]
# TARGET_MB [300] STORES ["jsonl sqlite parquet"] KEEP_WORK BIN
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap cleanup EXIT

ACCOUNTS=${ACCOUNTS:-25}
REGIONS=${REGIONS:-16}
INSTANCES=${INSTANCES:-2500}
PAGE_SIZE=${PAGE_SIZE:-1000}
CONCURRENCY=${CONCURRENCY:-16}
RUNS=${RUNS:-1}
SEED=${SEED:-1}
TARGET_MB=${TARGET_MB:-300}
STORES=${STORES:-jsonl sqlite parquet}
total=$((ACCOUNTS * REGIONS * INSTANCES))

build
log "bench: generating $total instances (a million take about 15 s and 3.5 GB in awsfake)"
start_fake snap --accounts "$ACCOUNTS" --regions "$REGIONS" --instances "$INSTANCES" --page-size "$PAGE_SIZE" \
	--latency 0ms --seed "$SEED" --images 2 --dbs 0 --reserved 0

declare -A walls rsss cpus sizes
# A run tried again (bench/lib.sh, measure_clean) starts from an empty
# store too, rather than adding a snapshot to the one it wrote.
empty_stores() { rm -rf "$WORK/inventory.db" "$WORK/lake"; }
BEFORE_EACH=empty_stores
for ((i = 1; i <= RUNS; i++)); do
	for store in $STORES; do
		case $store in
		jsonl) cmd=(--concurrency "$CONCURRENCY" --stats=json -o jsonl 'SELECT * FROM ec2_instances') ;;
		sqlite) cmd=(--concurrency "$CONCURRENCY" snapshot ec2_instances --into "$WORK/inventory.db") ;;
		parquet) cmd=(--concurrency "$CONCURRENCY" snapshot ec2_instances --into "parquet:$WORK/lake") ;;
		*) die "unknown store $store (jsonl, sqlite, parquet)" ;;
		esac
		log "bench: run $i of $RUNS: $store"
		measure_clean /dev/null "$WORK/$store.err" "$BIN/awssql" "${FAKE_ARGS[@]}" "${cmd[@]}"
		((RC == 0)) || die "awssql ($store) exited $RC: $(tail -n 3 "$WORK/$store.err")"
		if [[ $store == jsonl ]]; then
			rows=$(stats "$WORK/jsonl.err" | stat rows)
		else
			rows=$(sed -n 's/.*: ec2_instances \([0-9]*\) rows.*/\1/p' "$WORK/$store.err")
		fi
		[[ ${rows:-0} -eq $total ]] || die "$store: $rows rows, want $total"
		size=0
		[[ $store == sqlite ]] && size=$(du -sk "$WORK/inventory.db" | awk '{ print $1 }')
		[[ $store == parquet ]] && size=$(du -sk "$WORK/lake" | awk '{ print $1 }')
		walls[$store]+="$WALL_MS " rsss[$store]+="$RSS_KB " cpus[$store]+="$CPU_MS " sizes[$store]=$size
		log "bench: $store: wall $WALL_MS ms, max RSS $((RSS_KB / 1024)) MB, CPU $CPU_MS ms, written $((size / 1024)) MB"
	done
done
rm -rf "$WORK/inventory.db" "$WORK/lake"

max() { printf '%s\n' "$@" | sort -n | tail -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
echo
echo "machine: $(machine)"
echo "scenario: $ACCOUNTS accounts x $REGIONS regions x $INSTANCES instances = $total instances; page size $PAGE_SIZE;" \
	"latency 0; --concurrency $CONCURRENCY; median of $RUNS runs"
printf '%-8s %12s %10s %12s %10s %12s %12s %10s\n' run "max RSS MB" verdict "wall ms" "x jsonl" "CPU ms" "x jsonl" "written MB"
jw=$(median ${walls[jsonl]:-0}) jc=$(median ${cpus[jsonl]:-0})
for store in $STORES; do
	# shellcheck disable=SC2086
	rss=$(max ${rsss[$store]}) w=$(median ${walls[$store]}) c=$(median ${cpus[$store]})
	verdict=under
	((rss / 1024 < TARGET_MB)) || verdict=OVER
	printf '%-8s %12d %10s %12d %10s %12d %12s %10d\n' "$store" $((rss / 1024)) "$verdict" "$w" "$(ratio "$w" "$jw")" \
		"$c" "$(ratio "$c" "$jc")" $((${sizes[$store]:-0} / 1024))
done
((CONTENDED_RUNS == 0)) || echo "WARNING: $CONTENDED_RUNS runs kept although other work took more than ${CONTENTION_PCT:-5}% of the machine during them"
