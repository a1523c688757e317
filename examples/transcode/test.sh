#!/bin/sh
# test.sh - run the nightly transcode on the listings in inbox/ and check
# the result and the files its ResultWriter wrote: the manifest, nine
# succeeded batches and the failed one. A second night has too many
# corrupt sources and fails. Run by tests/runtests; ASLC, JSONEQ and
# RUNWRAP come from there.
set -u

ASLC=${ASLC:-$PWD/build/aslc}
JSONEQ=${JSONEQ:-$PWD/build/jsoneq}
RUNWRAP=${RUNWRAP:-}
DIR=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/aslc-transcode.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

"$ASLC" ${ASLC_BACKEND:+--backend=$ASLC_BACKEND} -O0 "$DIR/transcode.asl.json" "$DIR/handlers.c" -o "$TMP/transcode" || exit 1

# One night: the run succeeds with one failed batch, within tolerance.
(cd "$DIR" && $RUNWRAP "$TMP/transcode" --result --clock=virtual --input input.json \
	--bindings bindings.json --bind s3://media-reports="$TMP/reports") >"$TMP/result.json" 2>"$TMP/err"
"$JSONEQ" --present executionArn,stateMachineArn,name,startDate,stopDate,input \
	"$DIR/expected.json" "$TMP/result.json" 2>"$TMP/why" ||
	{ fail "the result differs"; cat "$TMP/why" "$TMP/result.json" "$TMP/err"; }
python3 - "$TMP/reports" <<'PY' || fail "the result files"
import glob, json, os, sys
runs = glob.glob(os.path.join(sys.argv[1], "transcode", "2026-11-20", "*"))
assert len(runs) == 1, runs
run = runs[0]
manifest = json.load(open(os.path.join(run, "manifest.json")))
assert manifest["DestinationBucket"] == "media-reports", manifest
assert manifest["MapRunArn"].endswith(":mapRun:transcode/Nightly:" + os.path.basename(run))
files = manifest["ResultFiles"]
assert list(files) == ["FAILED", "PENDING", "SUCCEEDED"], files
ok = json.load(open(os.path.join(run, "SUCCEEDED_0.json")))
bad = json.load(open(os.path.join(run, "FAILED_0.json")))
assert files["SUCCEEDED"][0]["Size"] == os.path.getsize(os.path.join(run, "SUCCEEDED_0.json"))
assert len(ok) == 9 and len(bad) == 1, (len(ok), len(bad))
targets = [o["target"] for e in ok for o in json.loads(e["Output"])["outputs"]]
assert len(targets) == 18 and "intro.mp4" in targets, targets
for e in ok:
    assert e["Status"] == "SUCCEEDED" and e["RedriveStatus"] == "NOT_REDRIVABLE", e
    assert json.loads(e["Input"])["BatchInput"] == {"date": "2026-11-20", "profile": "h264-1080p"}
assert bad[0]["Error"] == "Transcode.CorruptSource" and bad[0]["Status"] == "FAILED", bad
assert "corrupt-upload.mov" in bad[0]["Input"] and "Output" not in bad[0]
PY

# Another night: three corrupt sources in six, beyond 10%.
(cd "$DIR" && $RUNWRAP "$TMP/transcode" --result --clock=virtual --input-json '{"date": "2026-11-21"}' \
	--bindings bindings.json --bind s3://media-reports="$TMP/reports") >"$TMP/result.json" 2>"$TMP/err"
grep -q '"error":"Transcode.TooManyFailures","cause":"The specified tolerated failure threshold was exceeded"' \
	"$TMP/result.json" || { fail "too many failures"; cat "$TMP/result.json" "$TMP/err"; }

echo "2 nights, $failures failed"
[ $failures -eq 0 ]
