#!/usr/bin/env bash
# Organization-scale benchmark of awssql against its lower bound.
#
# Serves a generated organization with cmd/awsfake (with latency, and a
# second one without, for the CPU floor T0), runs awssql's queries against
# it and compares the wall time with the lower bound
#
#   bound = max(chain x latency, calls needed x latency / concurrency, T0)
#
# chain: the longest dependency chain of calls (the ListAccounts pages
# one after another, the first asked for beside GetCallerIdentity, which
# needs nothing before it; a member's AssumeRole; then the pages of one
# target one after another: the regions named are enabled in every
# account, so no DescribeRegions);
# calls needed: the calls the query cannot do without (counted from the
# scenario, and checked against awssql --stats=json);
# T0: the same query's wall time with no latency (the CPU floor here).
# T0 is also measured with --decoder sdk, in the same run, and awssql's
# own CPU time in both is compared: what its decoder saves.
#
# Usage: bench/orgscale.sh            (from anywhere; builds into a temp dir)
# Environment (defaults in brackets):
#   ACCOUNTS [50] REGIONS [16] INSTANCES [20]  the organization
#   PAGE_SIZE [100]     awsfake --page-size
#   LATENCY_MS [25]     awsfake --latency, per request
#   CONCURRENCY [64]    awssql --concurrency
#   RUNS [3]            runs per measurement (the median is reported)
#   SKIP_NAIVE [unset]  set to skip the --concurrency 1 baseline (~25 s)
#   SEED [1]            awsfake --seed
#   KEEP_WORK [unset]   keep the work directory (binaries, logs, stats)
#   BIN [temp]          where to build the binaries
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
RUNS=${RUNS:-3}
SEED=${SEED:-1}

ceil() { echo $((($1 + $2 - 1) / $2)); }

# The calls the scenario needs. Organizations pages hold at most 20
# accounts (awssql asks for 20; the fake caps at PAGE_SIZE too); awssql
# asks DescribeInstances for 1000 a page, which PAGE_SIZE caps; a target
# with no instance still takes one call.
org_page=20
((PAGE_SIZE > 0 && PAGE_SIZE < org_page)) && org_page=$PAGE_SIZE
ec2_page=1000
((PAGE_SIZE > 0 && PAGE_SIZE < ec2_page)) && ec2_page=$PAGE_SIZE
n_la=$(ceil "$ACCOUNTS" "$org_page")
# GetCallerIdentity goes beside the first page: one call of the chain either way.
max1_la=$((n_la > 1 ? n_la : 1))
n_ar=$((ACCOUNTS - 1))
# awsfake's connection names its regions (--regions r1,...), all of them
# regions every account has enabled: no DescribeRegions is needed.
n_dr=0
pages_per_target=$(ceil "$INSTANCES" "$ec2_page")
((pages_per_target > 0)) || pages_per_target=1
n_di=$((ACCOUNTS * REGIONS * pages_per_target))
needed=$((1 + n_la + n_ar + n_dr + n_di))
chain=$((max1_la + (ACCOUNTS > 1 ? 1 : 0) + pages_per_target))
chain_ms=$((chain * LATENCY_MS))
calls_ms=$(awk -v n="$needed" -v l="$LATENCY_MS" -v c="$CONCURRENCY" 'BEGIN { printf "%.0f", n * l / c }')
total=$((ACCOUNTS * REGIONS * INSTANCES))

build
log "bench: generating and serving the organization twice (latency ${LATENCY_MS}ms and 0)"
start_fake slow --accounts "$ACCOUNTS" --regions "$REGIONS" --instances "$INSTANCES" --page-size "$PAGE_SIZE" \
	--latency "${LATENCY_MS}ms" --seed "$SEED"
SLOW_ARGS=("${FAKE_ARGS[@]}")
SLOW_PID=$FAKE_PID
start_fake fast --accounts "$ACCOUNTS" --regions "$REGIONS" --instances "$INSTANCES" --page-size "$PAGE_SIZE" \
	--latency 0 --seed "$SEED"
FAST_ARGS=("${FAKE_ARGS[@]}")
FAST_PID=$FAKE_PID

# run_once NAME SQL ARGS_VAR PID RECORD [EXTRA...]: one run of awssql
# against the awsfake of ARGS_VAR (its process PID), recorded under NAME
# unless RECORD is 0 (a warm-up). The run's stats go to $WORK/NAME.stats.
declare -A WALLS CPUS FCPUS OTHERS FIRSTS RSSMAX
run_once() {
	local name=$1 sql=$2 argsvar=$3
	FAKE_PID=$4
	local record=$5
	shift 5
	local -n args=$argsvar
	measure_clean "$WORK/$name.out" "$WORK/$name.err" "$BIN/awssql" "${args[@]}" --concurrency "$CONCURRENCY" \
		--stats=json "$@" "$sql"
	((RC == 0)) || die "$name: awssql exited $RC: $(tail -n 3 "$WORK/$name.err")"
	((record)) || return 0
	stats "$WORK/$name.err" >"$WORK/$name.stats"
	WALLS[$name]+=" $WALL_MS"
	CPUS[$name]+=" $CPU_MS"
	FCPUS[$name]+=" $FAKE_CPU_MS"
	OTHERS[$name]+=" $((OTHER_CPU_MS + STEAL_MS))"
	FIRSTS[$name]+=" $(stat first_row_ms <"$WORK/$name.stats")"
	((RSS_KB <= ${RSSMAX[$name]:-0})) || RSSMAX[$name]=$RSS_KB
}

# summarize NAME: sets MED_MS (median wall), FIRST_MS (median
# first_row_ms), MED_CPU_MS and MED_FAKE_CPU_MS (median CPU time of awssql
# and of awsfake) and MAX_RSS_KB of the runs recorded under NAME.
summarize() {
	local name=$1
	# shellcheck disable=SC2086 # the lists split on purpose
	{
		MED_MS=$(median ${WALLS[$name]})
		FIRST_MS=$(median ${FIRSTS[$name]})
		MED_CPU_MS=$(median ${CPUS[$name]})
		MED_FAKE_CPU_MS=$(median ${FCPUS[$name]})
	}
	MAX_RSS_KB=${RSSMAX[$name]}
	log "bench: $name: wall${WALLS[$name]} ms; CPU awssql${CPUS[$name]} ms, awsfake${FCPUS[$name]} ms, others${OTHERS[$name]} ms"
}

max3() { printf '%s\n' "$@" | sort -n | tail -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

declare -A QUERIES=(
	[Q1]='SELECT count(*) FROM ec2_instances'
	[Q2]='SELECT account_id, region, count(*) FROM ec2_instances GROUP BY account_id, region'
)
declare -A WANT_ROWS=([Q1]=1 [Q2]=$((ACCOUNTS * REGIONS)))

rows_out=() decoders_out=()
for q in Q1 Q2; do
	sql=${QUERIES[$q]}
	# T0 and latency runs alternate, so that a machine whose speed drifts
	# (a shared host) slows both alike; the first pair warms up.
	for ((i = 0; i <= RUNS; i++)); do
		run_once "$q-t0" "$sql" FAST_ARGS "$FAST_PID" "$((i > 0))"
		run_once "$q" "$sql" SLOW_ARGS "$SLOW_PID" "$((i > 0))"
		# The same T0 with the SDK's decoder (issue 10's comparison).
		run_once "$q-t0-sdk" "$sql" FAST_ARGS "$FAST_PID" "$((i > 0))" --decoder sdk
	done
	summarize "$q-t0-sdk"
	sdk_t0=$MED_MS sdk_t0_cpu=$MED_CPU_MS
	summarize "$q-t0"
	decoders_out+=("$(printf '%-3s %12s %12s %9s %12s %12s %9s' "$q" "$sdk_t0_cpu" "$MED_CPU_MS" "$(ratio "$sdk_t0_cpu" "$MED_CPU_MS")" \
		"$sdk_t0" "$MED_MS" "$(ratio "$sdk_t0" "$MED_MS")")")
	t0=$MED_MS
	t0_cpu="$MED_CPU_MS+$MED_FAKE_CPU_MS"
	t0_floor=$(((MED_CPU_MS + MED_FAKE_CPU_MS) / $(nproc)))
	summarize "$q"
	wall=$MED_MS
	cpu="$MED_CPU_MS+$MED_FAKE_CPU_MS"
	rss=$MAX_RSS_KB
	made=$(stat calls <"$WORK/$q.stats")
	rows=$(stat rows <"$WORK/$q.stats")
	((rows == WANT_ROWS[$q])) || die "$q: $rows rows, want ${WANT_ROWS[$q]}"
	if [[ $q == Q1 ]]; then
		got=$(tail -n 1 "$WORK/$q.out")
		[[ $got == "$total" ]] || die "Q1 counted $got instances, want $total"
		cp "$WORK/$q.stats" "$WORK/made.stats"
	fi
	bound=$(max3 "$chain_ms" "$calls_ms" "$t0")
	[[ $q == Q1 ]] && bound_q1=$bound
	rows_out+=("$(printf '%-3s %8s %7s %9s %8s %7s %6s %7s %12s %12s %9s' "$q" "$wall" "$t0" "$bound" \
		"$(ratio "$wall" "$bound")" "$needed" "$made" "$((rss / 1024))" "$cpu" "$t0_cpu" "$t0_floor")")
done

# Time to first row: the first page of any target ends the scan.
for ((i = 0; i <= RUNS; i++)); do
	run_once first 'SELECT * FROM ec2_instances LIMIT 1' SLOW_ARGS "$SLOW_PID" "$((i > 0))"
done
summarize first
first_ms=$FIRST_MS
first_wall=$MED_MS
# The management account needs no AssumeRole, the accounts of the first
# ListAccounts page are entered while the next pages are asked for, and
# the regions named need no DescribeRegions: its first page can come after
# GetCallerIdentity and the first ListAccounts page, which are asked for
# together.
first_chain=2
first_bound=$((first_chain * LATENCY_MS))

naive_wall=skipped
if [[ -z ${SKIP_NAIVE:-} ]]; then
	log "bench: naive baseline, --concurrency 1 (about $((needed * LATENCY_MS / 1000)) s)"
	FAKE_PID=$SLOW_PID
	measure_clean "$WORK/naive.out" "$WORK/naive.err" "$BIN/awssql" "${SLOW_ARGS[@]}" --concurrency 1 --stats=json "${QUERIES[Q1]}"
	((RC == 0)) || die "naive: awssql exited $RC"
	naive_wall=$WALL_MS
fi
fake_hwm=$(vm_kb "$SLOW_PID" VmHWM)

echo
echo "machine: $(machine)"
echo "scenario: $ACCOUNTS accounts x $REGIONS regions x $INSTANCES instances = $total instances;" \
	"page size $PAGE_SIZE; latency ${LATENCY_MS}ms; awssql --concurrency $CONCURRENCY; median of $RUNS runs after a warm-up"
echo "calls needed: GetCallerIdentity 1, ListAccounts $n_la, AssumeRole $n_ar, DescribeRegions $n_dr," \
	"DescribeInstances $n_di = $needed"
printf 'calls made (Q1, --stats=json):'
awk '$1 ~ /^calls\./ { sub(/^calls\./, "", $1); printf " %s %s,", $1, $2 }' "$WORK/made.stats" | sed 's/,$//'
echo " = $(stat calls <"$WORK/made.stats")"
echo "chain: $chain calls x ${LATENCY_MS}ms = ${chain_ms}ms; calls x latency / concurrency = $needed x ${LATENCY_MS}ms / $CONCURRENCY = ${calls_ms}ms"
echo
printf '%-3s %8s %7s %9s %8s %7s %6s %7s %12s %12s %9s\n' "" "wall ms" "T0 ms" "bound ms" "wall/bd" "needed" "made" "RSS MB" \
	"CPU ms" "CPU ms (T0)" "T0 CPU/n"
printf '%s\n' "${rows_out[@]}"
echo
echo "T0 (no latency) with the SDK's decoder (--decoder sdk) and with awssql's, in the same run: awssql's own CPU and the wall"
printf '%-3s %12s %12s %9s %12s %12s %9s\n' "" "CPU ms sdk" "CPU ms" "sdk/awssql" "T0 ms sdk" "T0 ms" "sdk/awssql"
printf '%s\n' "${decoders_out[@]}"
echo
if [[ $naive_wall == skipped ]]; then
	echo "naive --concurrency 1: skipped (SKIP_NAIVE)"
else
	echo "naive --concurrency 1 (Q1): ${naive_wall} ms = $(ratio "$naive_wall" "$bound_q1") x the bound at $CONCURRENCY (${bound_q1} ms)"
fi
echo "first row (SELECT * FROM ec2_instances LIMIT 1): first_row_ms ${first_ms} (median), wall ${first_wall} ms;" \
	"bound ${first_chain} calls x ${LATENCY_MS}ms = ${first_bound} ms"
echo "awsfake max RSS (serving with latency): $((fake_hwm / 1024)) MB"
echo "CPU ms: awssql's user+system CPU time + awsfake's during the run (medians); T0 CPU/n: the T0 runs' CPU" \
	"time over the $(nproc) CPUs, the floor that CPU alone sets"
((CONTENDED_RUNS == 0)) || echo "WARNING: $CONTENDED_RUNS runs kept although other work took more than ${CONTENTION_PCT:-5}% of the machine during them"
