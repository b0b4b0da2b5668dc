#!/usr/bin/env bash
# Memory benchmark: awssql streams a million instances as JSON Lines.
#
# Serves ACCOUNTS x REGIONS x INSTANCES instances (default 25 x 16 x 2500 =
# 1,000,000) with cmd/awsfake, no latency, pages of PAGE_SIZE, and runs
#
#   awssql ... --concurrency 16 -o jsonl 'SELECT * FROM ec2_instances' > /dev/null
#
# reporting awssql's max RSS (target: under 300 MB), its wall and CPU time,
# and what awsfake took to generate and hold the data set.
#
# Usage: bench/memory.sh
# Environment (defaults in brackets): ACCOUNTS [25] REGIONS [16]
# INSTANCES [2500] PAGE_SIZE [1000] CONCURRENCY [16] LATENCY_MS [0]
# RUNS [1] SEED [1] OUTPUT [jsonl] TARGET_MB [300] KEEP_WORK BIN
# DECODERS ["awssql sdk"]: each run is made with each --decoder, one after
# the other, so that the two are compared on the same machine and data.
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap cleanup EXIT

ACCOUNTS=${ACCOUNTS:-25}
REGIONS=${REGIONS:-16}
INSTANCES=${INSTANCES:-2500}
PAGE_SIZE=${PAGE_SIZE:-1000}
CONCURRENCY=${CONCURRENCY:-16}
LATENCY_MS=${LATENCY_MS:-0}
RUNS=${RUNS:-1}
SEED=${SEED:-1}
OUTPUT=${OUTPUT:-jsonl}
TARGET_MB=${TARGET_MB:-300}
DECODERS=${DECODERS:-awssql sdk}
total=$((ACCOUNTS * REGIONS * INSTANCES))

build
log "bench: generating $total instances (a million take about 15 s and 3.5 GB in awsfake)"
t0=$(now_ms)
start_fake mem --accounts "$ACCOUNTS" --regions "$REGIONS" --instances "$INSTANCES" --page-size "$PAGE_SIZE" \
	--latency "${LATENCY_MS}ms" --seed "$SEED" --images 2 --dbs 0 --reserved 0
ready_ms=$(($(now_ms) - t0))
gen=$(sed -n 's/^awsfake: generated .* in \(.*\)$/\1/p' "$WORK/mem.log")
fake_rss_ready=$(vm_kb "$FAKE_PID" VmRSS)
fake_hwm_ready=$(vm_kb "$FAKE_PID" VmHWM)

declare -A WALLS RSSS CPUS FCPUS
for ((i = 1; i <= RUNS; i++)); do
	for dec in $DECODERS; do
		log "bench: run $i of $RUNS, --decoder $dec: awssql -o $OUTPUT 'SELECT * FROM ec2_instances' > /dev/null"
		measure_clean /dev/null "$WORK/mem.err" "$BIN/awssql" "${FAKE_ARGS[@]}" --concurrency "$CONCURRENCY" --stats=json \
			--decoder "$dec" -o "$OUTPUT" 'SELECT * FROM ec2_instances'
		((RC == 0)) || die "awssql exited $RC: $(tail -n 3 "$WORK/mem.err")"
		stats "$WORK/mem.err" >"$WORK/mem.stats"
		rows=$(stat rows <"$WORK/mem.stats")
		((rows == total)) || die "awssql returned $rows rows, want $total"
		WALLS[$dec]+=" $WALL_MS" RSSS[$dec]+=" $RSS_KB" CPUS[$dec]+=" $CPU_MS" FCPUS[$dec]+=" $FAKE_CPU_MS"
		log "bench: wall $WALL_MS ms, max RSS $((RSS_KB / 1024)) MB, CPU awssql $CPU_MS ms, awsfake $FAKE_CPU_MS ms"
	done
done
fake_hwm=$(vm_kb "$FAKE_PID" VmHWM)
echo
echo "machine: $(machine)"
echo "scenario: $ACCOUNTS accounts x $REGIONS regions x $INSTANCES instances = $total instances; page size $PAGE_SIZE;" \
	"latency ${LATENCY_MS}ms; awssql --concurrency $CONCURRENCY -o $OUTPUT 'SELECT * FROM ec2_instances' > /dev/null"
echo "awssql: $rows rows; calls $(stat calls <"$WORK/mem.stats") ($(stat calls.DescribeInstances <"$WORK/mem.stats") DescribeInstances);" \
	"retries $(stat retries <"$WORK/mem.stats")"
for dec in $DECODERS; do
	# shellcheck disable=SC2086 # the lists split on purpose
	rss_max=$(printf '%s\n' ${RSSS[$dec]} | sort -n | tail -n 1)
	verdict="under"
	((rss_max / 1024 < TARGET_MB)) || verdict="OVER"
	# shellcheck disable=SC2086
	echo "--decoder $dec: max RSS $((rss_max / 1024)) MB ($verdict the ${TARGET_MB} MB target); wall $(median ${WALLS[$dec]}) ms" \
		"(median of $RUNS:${WALLS[$dec]}); CPU awssql $(median ${CPUS[$dec]}) ms; awsfake CPU meanwhile $(median ${FCPUS[$dec]}) ms"
done
echo "awsfake: generated in $gen (ready to serve after $ready_ms ms); RSS when ready $((fake_rss_ready / 1024)) MB," \
	"peak $((fake_hwm_ready / 1024)) MB while generating, $((fake_hwm / 1024)) MB after serving"
((CONTENDED_RUNS == 0)) || echo "WARNING: $CONTENDED_RUNS runs kept although other work took more than ${CONTENTION_PCT:-5}% of the machine during them"
