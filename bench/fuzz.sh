#!/usr/bin/env bash
# fuzz.sh: the UCI loader fuzz test (uci-bridge ConfigFuzzTest) with more cases or another seed.
#   bench/fuzz.sh [COUNT] [SEED]     default 1000000 cases, seed 20261207
set -uo pipefail
REPO_DIR=$(cd "$(dirname "$0")/.." && pwd)
COUNT=${1:-1000000}
SEED=${2:-20261207}
cd "$REPO_DIR" || exit 1
mvn -o -q -pl uci-bridge -am verify -Dtest=ConfigFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfuzz.count="$COUNT" -Dfuzz.seed="$SEED"
rc=$?
cat uci-bridge/target/surefire-reports/io.edgelb.uci.edgelb.ConfigFuzzTest-output.txt 2>/dev/null | tail -n 3
exit $rc
