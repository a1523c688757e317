#!/bin/sh
# Compare aslc --check and asl-validator (npm) with what AWS does, over the
# definitions AWS rejected or accepted in ../shared/conformance, and aslc's
# own (tests/invalid, examples, tests/run). AWS is the reference.
#
#   tests/compare-validator.sh
#
# Environment: ASLC_PEERS_DIR (where npm packages go, default
# /tmp/aslc-peers), CONFORMANCE (default ../shared/conformance from the
# repository root), ASLC (default build/aslc).
# Exit status: 0 when aslc agrees with AWS on every recorded definition,
# 1 when not, 2 on a setup error. Needs node and npm, so
# it is not part of `make test`.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
peers=${ASLC_PEERS_DIR:-/tmp/aslc-peers}
conf=${CONFORMANCE:-$root/../shared/conformance}
aslc=${ASLC:-$root/build/aslc}
version=4.0.0   # asl-validator, pinned

command -v node >/dev/null || { echo "compare-validator: node not found" >&2; exit 2; }
[ -x "$aslc" ] || { echo "compare-validator: $aslc not built (make)" >&2; exit 2; }
[ -d "$conf/cases" ] || { echo "compare-validator: no conformance corpus at $conf" >&2; exit 2; }

mod=$peers/node_modules/asl-validator
have=$(node -p "require('$mod/package.json').version" 2>/dev/null || true)
if [ "$have" != "$version" ]; then
    echo "compare-validator: installing asl-validator@$version into $peers" >&2
    mkdir -p "$peers"
    [ -f "$peers/package.json" ] || (cd "$peers" && npm init -y >/dev/null)
    (cd "$peers" && npm install --save-exact --no-audit --no-fund \
        "asl-validator@$version" >&2) ||
        { echo "compare-validator: npm install failed" >&2; exit 2; }
fi

exec node "$root/tests/compare-validator.cjs" "$root" "$(cd "$conf" && pwd)" \
    "$aslc" "$mod"
