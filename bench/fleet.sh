#!/usr/bin/env bash
# bench/fleet.sh [N...] - one hub process and N simulated routers (real jeromq SUB+DEALER with CURVE,
# all in one JVM): join, change propagation p50/p99/max (the first change after the join included),
# hub CPU per idle router per hour over a quiet period, hub RSS, resync after a hub restart and the
# hub API's latency during it; then every target of issue 17 with ✓/✗. Defaults: N = 100 1000.
#
# Builds first: offline when the local Maven repository has everything, online otherwise (a fresh
# clone on a fresh machine). It needs no Maven plugin beyond the build's own: the run's class path
# is the tests module's classes and the hub's shaded jar (model, jeromq, jnacl, minimal-json).
# Environment: MVN_FLAGS (e.g. -Dmaven.repo.local=/tmp/fresh-m2), BUILD=0 (use what is built),
# QUIET_SECONDS (60), CHANGES (3), TIME_LIMIT per N in seconds (1800), JAVA_OPTS (-Xmx1g).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- 100 1000
for n in "$@"; do
  [[ $n =~ ^[1-9][0-9]{0,4}$ && $n -le 20000 ]] || { echo "fleet.sh: N must be 1-20000, not '$n'" >&2; exit 2; }
done
for tool in java mvn timeout; do
  command -v "$tool" >/dev/null || { echo "fleet.sh: $tool is not installed" >&2; exit 2; }
done
QUIET_SECONDS=${QUIET_SECONDS:-60}
CHANGES=${CHANGES:-3}
TIME_LIMIT=${TIME_LIMIT:-1800}
[[ $QUIET_SECONDS =~ ^[0-9]{1,4}$ && $CHANGES =~ ^[1-9][0-9]?$ && $TIME_LIMIT =~ ^[1-9][0-9]{0,5}$ ]] \
  || { echo "fleet.sh: QUIET_SECONDS (0-9999), CHANGES (1-99) and TIME_LIMIT (seconds) must be numbers" >&2; exit 2; }
LOG=$(mktemp /tmp/edgelb-fleet-build.XXXXXX.log)

build() {
  # shellcheck disable=SC2086
  mvn -q "$@" ${MVN_FLAGS:-} -DskipTests package -pl tests -am
}
if [[ ${BUILD:-1} == 1 ]]; then
  if ! build -o >"$LOG" 2>&1; then
    echo "fleet.sh: the offline build failed ($(grep -m1 -o 'ERROR.*' "$LOG" | cut -c1-160)); building online"
    build >>"$LOG" 2>&1 || { echo "fleet.sh: the build failed; see $LOG" >&2; tail -5 "$LOG" >&2; exit 1; }
  fi
fi
HUB_JAR=hub/target/edgelb-hub.jar
[[ -f $HUB_JAR && -f tests/target/test-classes/io/edgelb/tests/bench/FleetBench.class ]] \
  || { echo "fleet.sh: $HUB_JAR or the tests module's classes are missing (BUILD=1 builds them)" >&2; exit 1; }
CP="tests/target/test-classes:$HUB_JAR"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r),"\
  "$(java -version 2>&1 | head -1)"
SUMMARY=$(mktemp /tmp/edgelb-fleet-summary.XXXXXX)
status=0
for n in "$@"; do
  echo "== N=$n"
  # shellcheck disable=SC2086
  if ! timeout --kill-after=30 "$TIME_LIMIT" java ${JAVA_OPTS:--Xmx1g} -Dedgelb.hubJar="$HUB_JAR" \
      -Dfleet.quietSeconds="$QUIET_SECONDS" -Dfleet.changes="$CHANGES" \
      -cp "$CP" io.edgelb.tests.bench.FleetBench "$n" | tee -a "$SUMMARY"; then
    echo "fleet.sh: N=$n failed or ran over ${TIME_LIMIT} s" | tee -a "$SUMMARY"
    status=1
  fi
done
echo "== summary"
grep -E '^targets|^  [✓✗·]|failed or ran over' "$SUMMARY" || true
rm -f "$SUMMARY"
exit $status
