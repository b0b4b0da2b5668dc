# shellcheck shell=bash
# Helpers shared by bench/orgscale.sh and bench/memory.sh: build the two
# binaries, start awsfake and read its three lines, run awssql measuring
# wall time and max RSS, read awssql's --stats=json with awk.
#
# Needs bash 4+, go, awk (mawk or gawk). Uses /usr/bin/time -v for max RSS
# when it is GNU time; otherwise polls /proc/PID/status (VmHWM).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/awssql-bench.XXXXXX")}
BIN=${BIN:-$WORK/bin}
FAKE_PIDS=()

log() { printf '%s\n' "$*" >&2; }
die() {
	log "bench: $*"
	exit 1
}

cleanup() {
	local pid
	for pid in "${FAKE_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${FAKE_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [[ -z ${KEEP_WORK:-} ]]; then
		rm -rf "$WORK"
	else
		log "bench: kept $WORK"
	fi
}

# now_ms: wall clock in milliseconds (no fork with bash 5's EPOCHREALTIME).
now_ms() {
	if [[ -n ${EPOCHREALTIME:-} ]]; then
		local t=${EPOCHREALTIME/[.,]/}
		echo $((10#$t / 1000))
	else
		echo $(($(date +%s%N) / 1000000))
	fi
}

build() {
	mkdir -p "$BIN"
	log "bench: building awssql and awsfake into $BIN"
	(cd "$ROOT" && go build -o "$BIN/awssql" ./cmd/awssql && go build -o "$BIN/awsfake" ./cmd/awsfake) ||
		die "go build failed"
}

# start_fake NAME [awsfake flags...]: starts awsfake, waits for its three
# lines, and sets FAKE_PID, FAKE_URL, FAKE_ARGS (an array: the awssql
# connection flags) and FAKE_SECRET. Its stderr goes to $WORK/NAME.log.
start_fake() {
	local name=$1
	shift
	local lines=$WORK/$name.lines
	: >"$lines"
	"$BIN/awsfake" "$@" >"$lines" 2>"$WORK/$name.log" &
	FAKE_PID=$!
	FAKE_PIDS+=("$FAKE_PID")
	local waited=0
	while [[ $(wc -l <"$lines") -lt 3 ]]; do
		kill -0 "$FAKE_PID" 2>/dev/null || die "awsfake $name exited: $(cat "$WORK/$name.log")"
		((waited++ < ${FAKE_START_TIMEOUT:-600} * 10)) || die "awsfake $name printed no endpoint"
		sleep 0.1
	done
	local l3
	{
		read -r FAKE_URL
		read -r -a FAKE_ARGS
		read -r l3
	} <"$lines"
	FAKE_SECRET=${l3#export AWS_SECRET_ACCESS_KEY=}
	[[ $FAKE_SECRET != "$l3" ]] || die "awsfake $name: line 3 is not an export: $l3"
}

# vm_kb PID FIELD: a /proc/PID/status memory field (VmHWM, VmRSS) in kB.
vm_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || true; }

# NO_GNU_TIME=1 forces the /proc fallback.
have_gnu_time() { [[ -z ${NO_GNU_TIME:-} ]] && /usr/bin/time -v true >/dev/null 2>&1; }

# cpu_ms PID: user+system CPU time the process used so far, in ms.
cpu_ms() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%d\n", ($12 + $13) * 1000 / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}

# cpu_stat: the machine's busy and steal CPU time so far, in ms: "BUSY STEAL".
cpu_stat() {
	awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%d %d\n", ($2 + $3 + $4 + $7 + $8) * 1000 / hz, $9 * 1000 / hz; exit }' /proc/stat
}

# busy_pct: how busy the CPUs are over 0.5 s, in percent (all CPUs).
busy_pct() {
	local a b
	a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6; exit }' /proc/stat)
	sleep 0.5
	b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6; exit }' /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); busy = y[1] - x[1]; idle = y[2] - x[2]
		printf "%d\n", ((busy + idle) > 0 ? 100 * busy / (busy + idle) : 0) }'
}

# quiet: wait (up to QUIET_WAIT seconds, default 300) until the machine is
# idle (under QUIET_PCT percent busy, default 10), so that other work on a
# shared machine does not inflate a measurement.
CONTENDED_RUNS=0
quiet() {
	local deadline=$((SECONDS + ${QUIET_WAIT:-300})) pct warned=
	while pct=$(busy_pct) && ((pct >= ${QUIET_PCT:-10})); do
		if ((SECONDS >= deadline)); then
			log "bench: machine still ${pct}% busy; measuring anyway"
			return
		fi
		[[ -n $warned ]] || log "bench: machine ${pct}% busy with other work; waiting for it to settle"
		warned=1
		sleep 2
	done
}

# measure OUT ERR CMD...: runs CMD with stdout to OUT and stderr to ERR, in
# an environment with no user configuration of awssql or AWS, once the
# machine is quiet. Sets RC, WALL_MS, RSS_KB (max resident set size of
# CMD), CPU_MS (its user+system CPU time), FAKE_CPU_MS (the CPU time
# awsfake FAKE_PID used meanwhile), OTHER_CPU_MS and STEAL_MS (CPU time
# other processes used, and the hypervisor took, meanwhile) and CONTENDED
# (1 when those exceed CONTENTION_PCT, default 5, percent of the machine,
# plus 100 ms).
measure() {
	local out=$1 err=$2
	shift 2
	local home=$WORK/home
	mkdir -p "$home"
	local env=(env -i "PATH=$PATH" "HOME=$home" "XDG_CONFIG_HOME=$home/config" "XDG_CACHE_HOME=$home/cache"
		"XDG_STATE_HOME=$home/state" "AWS_CONFIG_FILE=$home/aws-config" "AWS_SHARED_CREDENTIALS_FILE=$home/aws-credentials"
		"AWS_SECRET_ACCESS_KEY=$FAKE_SECRET")
	local t0 t1 f0 f1 m0 m1
	RC=0
	quiet
	f0=$(cpu_ms "$FAKE_PID")
	m0=$(cpu_stat)
	if have_gnu_time; then
		t0=$(now_ms)
		/usr/bin/time -v -o "$WORK/time.txt" "${env[@]}" "$@" >"$out" 2>"$err" || RC=$?
		t1=$(now_ms)
		RSS_KB=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$WORK/time.txt")
		CPU_MS=$(awk -F: '/User time|System time/ { s += $2 } END { printf "%d\n", s * 1000 }' "$WORK/time.txt")
	else
		t0=$(now_ms)
		"${env[@]}" "$@" >"$out" 2>"$err" &
		local pid=$! v c
		RSS_KB=0 CPU_MS=0
		while kill -0 "$pid" 2>/dev/null; do
			v=$(vm_kb "$pid" VmHWM)
			[[ -n $v && $v -gt $RSS_KB ]] && RSS_KB=$v
			c=$(cpu_ms "$pid")
			[[ -n $c && $c -gt $CPU_MS ]] && CPU_MS=$c
			sleep 0.02
		done
		wait "$pid" || RC=$?
		t1=$(now_ms)
	fi
	f1=$(cpu_ms "$FAKE_PID")
	m1=$(cpu_stat)
	WALL_MS=$((t1 - t0))
	FAKE_CPU_MS=$((f1 - f0))
	# What else ran meanwhile: the machine's busy time beyond awssql's and
	# awsfake's, and the time the hypervisor gave the CPUs to others.
	OTHER_CPU_MS=$((${m1% *} - ${m0% *} - CPU_MS - FAKE_CPU_MS))
	((OTHER_CPU_MS > 0)) || OTHER_CPU_MS=0
	STEAL_MS=$((${m1#* } - ${m0#* }))
	CONTENDED=0
	# 100 ms of slack: starting the process (time, env, exec) is not
	# counted as its own, and /proc/stat counts in 10 ms ticks.
	if (((OTHER_CPU_MS + STEAL_MS - 100) * 100 > ${CONTENTION_PCT:-5} * WALL_MS * $(nproc))); then
		CONTENDED=1
	fi
}

# measure_clean OUT ERR CMD...: measure, run again (up to CLEAN_TRIES
# times, default 3) while other work took more than CONTENTION_PCT
# (default 5) percent of the machine during the run; counts the runs
# accepted contended in CONTENDED_RUNS. BEFORE_EACH, when set, names a
# command run before each try (so that a try starts from what the first
# did: an empty store).
measure_clean() {
	local try
	for ((try = 1; ; try++)); do
		[[ -z ${BEFORE_EACH:-} ]] || $BEFORE_EACH
		measure "$@"
		((CONTENDED)) || return 0
		if ((try >= ${CLEAN_TRIES:-3})); then
			log "bench: other work took ${OTHER_CPU_MS} ms CPU (+${STEAL_MS} ms stolen) during a ${WALL_MS} ms run; keeping it"
			CONTENDED_RUNS=$((CONTENDED_RUNS + 1))
			return 0
		fi
		log "bench: other work took ${OTHER_CPU_MS} ms CPU (+${STEAL_MS} ms stolen) during a ${WALL_MS} ms run; running again"
	done
}

# stats FILE: the last --stats=json line of FILE (awssql's stderr) as
# "key value" lines: every top-level number (rows, pages, retries,
# throttles, first_row_ms, wall_ms, ...), targets.KEY, and calls.OPERATION
# (summed over accounts and regions) and calls (the total).
stats() {
	grep '^{"calls"' "$1" | tail -n 1 | awk '
	function tokenize(s,   n) {
		n = 0
		while (length(s) > 0) {
			if (match(s, /^[ \t\r\n]+/)) { s = substr(s, RLENGTH + 1); continue }
			if (match(s, /^"([^"\\]|\\.)*"/)) { tok[++n] = substr(s, 1, RLENGTH) }
			else if (match(s, /^-?[0-9][0-9.eE+-]*/)) { tok[++n] = substr(s, 1, RLENGTH) }
			else if (match(s, /^(true|false|null)/)) { tok[++n] = substr(s, 1, RLENGTH) }
			else { RLENGTH = 1; tok[++n] = substr(s, 1, 1) }
			s = substr(s, RLENGTH + 1)
		}
		return n
	}
	{
		n = tokenize($0); depth = 0
		for (i = 1; i <= n; i++) {
			t = tok[i]
			if (t == "{" ) { depth++; continue }
			if (t == "}" ) { depth--; continue }
			if (substr(t, 1, 1) == "\"" && tok[i + 1] == ":") { key[depth] = substr(t, 2, length(t) - 2); i++; continue }
			if (t ~ /^-?[0-9]/ && tok[i - 1] == ":") {
				if (depth == 1) print key[1], t
				else if (depth == 2 && key[1] == "targets") print "targets." key[2], t
				else if (key[1] == "calls") { calls[key[2]] += t; total += t }
			}
		}
		for (op in calls) print "calls." op, calls[op]
		print "calls", total + 0
	}'
}

# stat NAME < stats-output: one value.
stat() { awk -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) print 0 }'; }

# median of the arguments (integers).
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

machine() {
	local cpu
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
	echo "nproc $(nproc), $(go version | awk '{ print $3, $4 }'), CPU ${cpu:-unknown}, $(awk '/MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo)"
}
