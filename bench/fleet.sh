#!/usr/bin/env bash
# bench/fleet.sh [N...] - one hub process and N simulated agents (real jeromq SUB+DEALER with CURVE,
# all in one JVM): join time, change propagation p50/p99/max, hub CPU and RSS, resync after a hub
# restart. Defaults: N = 100 1000. Builds first (offline if the local repository has everything).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- 100 1000
# (each module writes the file; the tests module comes last)
mvn -q -o -DskipTests package dependency:build-classpath -pl tests -am \
    -Dmdep.outputFile=/tmp/edgelb-fleet.cp -Dmdep.includeScope=test
CP="tests/target/test-classes:$(cat /tmp/edgelb-fleet.cp)"
for n in "$@"; do
  echo "== N=$n"
  java -Xmx1g -Dedgelb.hubJar=hub/target/edgelb-hub.jar -cp "$CP" io.edgelb.tests.bench.FleetBench "$n"
done
