#!/usr/bin/env bash
# bench/fleet.sh [N...] - one hub process and N simulated agents (real jeromq SUB+DEALER with CURVE,
# all in one JVM): join time, change propagation p50/p99/max, hub CPU and RSS, resync after a hub
# restart. Defaults: N = 100 1000. Builds first: offline when the local repository has everything,
# online otherwise (a fresh clone on a fresh machine). MVN_FLAGS adds Maven options, e.g.
# MVN_FLAGS=-Dmaven.repo.local=/tmp/fresh-m2.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- 100 1000
# (each module writes the file; the tests module comes last)
build() {
  # shellcheck disable=SC2086
  mvn -q "$@" ${MVN_FLAGS:-} -DskipTests package dependency:build-classpath -pl tests -am \
      -Dmdep.outputFile=/tmp/edgelb-fleet.cp -Dmdep.includeScope=test
}
build -o >/tmp/edgelb-fleet-build.log 2>&1 || { echo "fleet.sh: building online (offline failed: /tmp/edgelb-fleet-build.log)"; build; }
CP="tests/target/test-classes:$(cat /tmp/edgelb-fleet.cp)"
for n in "$@"; do
  echo "== N=$n"
  java -Xmx1g -Dedgelb.hubJar=hub/target/edgelb-hub.jar -cp "$CP" io.edgelb.tests.bench.FleetBench "$n"
done
