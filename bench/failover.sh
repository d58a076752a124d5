#!/usr/bin/env bash
# bench/failover.sh - failover time of a VRRP router pair (real keepalived and an edgelb agent on
# each of two router namespaces, tests/src/test/java/io/edgelb/tests/vrrp/VrrpBed.java) over
# FAILOVERS failovers per case, with a client opening a new connection to the VIP every 50 ms:
#   relay-link  relay listener, VRRP 3, advert_int 1 s, the master's underlay link down (then up)
#   relay-kill  the same pair, the master's agent SIGKILLed (then restarted)
#   dnat-link   dnat listener with conntrackd, advert_int 1 s, link down, FLOWS long transfers
#               through the VIP across every failover (broken: curl failed or a byte differs)
#   fast-link   VRRP 3 with the smallest advert_int of CANDIDATES_MS that shows no VIP transition
#               in CALIBRATE_SECONDS of quiet (client loop running, nothing injected), link down
# Every round waits (bounded) for the backup to hold the VIPs, the client to succeed again, the
# failback (A has the higher priority and preempts) and the agents to agree, before the next.
# Needs root, ip, bridge, keepalived, curl, java, mvn; conntrackd for dnat-link. Without root or
# a tool it says so and exits 0 (skipped).
#
# Settings (environment): FAILOVERS (20), CASES ("relay-link relay-kill dnat-link fast-link"),
# CANDIDATES_MS ("500 300 200 100 50", largest first; the search stops at the first one with a
# false failover), CALIBRATE_SECONDS (30 per candidate), FLOWS (2), FLOW_BYTES (10000000),
# FLOW_RATE (2M), PROBE (scheduled: a connection every 50 ms on a fixed schedule; serial: the
# tests' ConnectLoop, one after another), TIME_LIMIT (3600 s for the whole Java run), BUILD (1:
# build with Maven like fleet.sh; 0: use what is installed in the local repository),
# MVN_FLAGS, UPDATE_README (0; 1: rewrite the "failover.sh results" block of bench/README.md).
# Output: the markdown tables on stdout; bench/results/failover-<stamp>/ holds rounds.tsv,
# table.md, the client's attempts, the agents' and keepalived's logs.
# Defaults take about 20 minutes on 2 cores; FAILOVERS=5 CALIBRATE_SECONDS=15 for a quick look.
set -uo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
BENCH_NAME=failover.sh
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"   # say, die, now_us, nap, machine_line, update_readme
trap - EXIT INT TERM         # our own traps below: the Java run must close its pair first

FAILOVERS=${FAILOVERS:-20}
CASES=${CASES:-relay-link relay-kill dnat-link fast-link}
CANDIDATES_MS=${CANDIDATES_MS:-500 300 200 100 50}
CALIBRATE_SECONDS=${CALIBRATE_SECONDS:-30}
FLOWS=${FLOWS:-2}
FLOW_BYTES=${FLOW_BYTES:-10000000}
FLOW_RATE=${FLOW_RATE:-2M}
PROBE=${PROBE:-scheduled}
TIME_LIMIT=${TIME_LIMIT:-3600}
BUILD=${BUILD:-1}
UPDATE_README=${UPDATE_README:-0}

if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
fi
[[ $FAILOVERS =~ ^[1-9][0-9]*$ && $FAILOVERS -le 1000 ]] || die "FAILOVERS must be 1-1000, not '$FAILOVERS'"
[[ $CALIBRATE_SECONDS =~ ^[1-9][0-9]*$ && $CALIBRATE_SECONDS -le 3600 ]] || die "CALIBRATE_SECONDS must be 1-3600"
[[ $TIME_LIMIT =~ ^[1-9][0-9]*$ ]] || die "TIME_LIMIT must be a number of seconds"

skip() { say "skipped: $*"; exit 0; }
[[ $(id -u) == 0 ]] || skip "needs root (network namespaces, veths, bridges, keepalived)"
for tool in ip bridge curl java mvn timeout; do
    command -v "$tool" >/dev/null || skip "$tool is not installed"
done
[[ -x /usr/sbin/keepalived ]] || skip "/usr/sbin/keepalived is not installed"
[[ -x /usr/sbin/conntrackd ]] || say "conntrackd is not installed: dnat-link will be skipped"

STAMP=$(date -u +%Y%m%d-%H%M%S)
RUN=$BENCH_DIR/results/failover-$STAMP
mkdir -p "$RUN/cp"
cd "$ROOT" || die "no $ROOT"

# ---------------------------------------------------------------------------------------------
# Build and a snapshot of what runs: the agent jar and the repository's class folders are
# copied, so that a rebuild in this tree during the run does not change the agent mid-way.
# ---------------------------------------------------------------------------------------------
build() {
    # shellcheck disable=SC2086
    mvn -q "$@" ${MVN_FLAGS:-} -DskipTests package dependency:build-classpath -pl tests -am \
        -Dmdep.outputFile="$RUN/maven.cp" -Dmdep.includeScope=test
}
if [[ $BUILD == 1 ]]; then
    say "building (log: $RUN/build.log)"
    build -o >"$RUN/build.log" 2>&1 || { say "building online (offline failed)"; build >>"$RUN/build.log" 2>&1; } \
        || die "the build failed: $(tail -5 "$RUN/build.log")"
else
    # shellcheck disable=SC2086
    mvn -q -o ${MVN_FLAGS:-} dependency:build-classpath -pl tests -Dmdep.outputFile="$RUN/maven.cp" \
        -Dmdep.includeScope=test >"$RUN/build.log" 2>&1 || die "no classpath: $(tail -5 "$RUN/build.log")"
fi
[[ -f agent/target/edgelb-agent.jar && -d tests/target/test-classes/io/edgelb/tests/vrrp ]] \
    || die "agent/target/edgelb-agent.jar or tests/target/test-classes is missing (BUILD=1 builds them)"
cp agent/target/edgelb-agent.jar "$RUN/cp/edgelb-agent.jar"
cp -r tests/target/test-classes "$RUN/cp/test-classes"
for c in FailoverBench VrrpBed ConnectLoop; do   # a build of this tree running at the same time?
    [[ -f $RUN/cp/test-classes/io/edgelb/tests/vrrp/$c.class ]] \
        || die "tests/target/test-classes has no $c.class (BUILD=1 builds it; another build running?)"
done
CP=$RUN/cp/test-classes
n=0
IFS=: read -r -a entries <"$RUN/maven.cp"
for e in "${entries[@]}"; do
    if [[ $e == "$ROOT"/* ]]; then   # a module of this tree: copy it (jar or classes folder)
        n=$((n + 1)); cp -r "$e" "$RUN/cp/$n-$(basename "$e")"; e=$RUN/cp/$n-$(basename "$e")
    fi
    CP+=:$e
done

# ---------------------------------------------------------------------------------------------
# The run: Java in the background (so that a signal reaches our trap at once), bounded by
# TIME_LIMIT; on Ctrl-C or TERM it gets TERM (its shutdown hook closes the pair: agents,
# keepalived, conntrackd, members, namespaces), and whatever its pair left is removed after.
# ---------------------------------------------------------------------------------------------
TPID=
JPID=
remove_leftovers() {
    [[ -n $JPID ]] || return 0
    local ns pids left=0
    for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep "^elbv$JPID-"); do
        pids=$(ip netns pids "$ns" 2>/dev/null)
        # shellcheck disable=SC2086
        [[ -n $pids ]] && kill -KILL $pids 2>/dev/null
        ip netns del "$ns" 2>/dev/null
        left=$((left + 1))
    done
    rm -rf /run/edgelb-vrrp-tests/"$JPID"-* 2>/dev/null
    ((left == 0)) || say "removed $left namespace(s) the run left behind"
}
finish() {
    local rc=$?
    trap - EXIT INT TERM
    ((rc == 130 || rc == 143)) && say "interrupted"
    if [[ -n $TPID ]] && kill -0 "$TPID" 2>/dev/null; then
        say "stopping the run (its pair is closed first, up to 60 s)"
        kill -TERM "$TPID" 2>/dev/null
        local deadline=$(( $(now_us) + 60000000 ))
        while kill -0 "$TPID" 2>/dev/null && (( $(now_us) < deadline )); do nap 0.2; done
        kill -KILL "$TPID" 2>/dev/null
        [[ -n $JPID ]] && kill -KILL "$JPID" 2>/dev/null
        wait "$TPID" 2>/dev/null
    fi
    remove_leftovers
    exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "run: FAILOVERS=$FAILOVERS CASES='$CASES' PROBE=$PROBE, results in ${RUN#"$ROOT"/}"
timeout -s TERM -k 60 "$TIME_LIMIT" java -Xmx256m -XX:+UseSerialGC \
    -Dtinylog.writer=console -Dtinylog.writer.level=warn \
    -Dedgelb.agentJar="$RUN/cp/edgelb-agent.jar" -Dedgelb.buildDir="$RUN" \
    -Dfailover.count="$FAILOVERS" -Dfailover.cases="$CASES" -Dfailover.candidates="$CANDIDATES_MS" \
    -Dfailover.calibrateSeconds="$CALIBRATE_SECONDS" -Dfailover.flows="$FLOWS" \
    -Dfailover.flowBytes="$FLOW_BYTES" -Dfailover.flowRate="$FLOW_RATE" -Dfailover.probe="$PROBE" \
    -Dfailover.out="$RUN" -cp "$CP" io.edgelb.tests.vrrp.FailoverBench \
    >"$RUN/stdout.md" 2> >(tee "$RUN/progress.log" >&2) &
TPID=$!
for _ in $(seq 100); do   # the JVM under timeout: its pid names its namespaces (elbv<pid>-)
    JPID=$(ps -o pid= --ppid "$TPID" 2>/dev/null | tr -d ' ' | head -1)
    [[ -n $JPID ]] && break
    kill -0 "$TPID" 2>/dev/null || break
    nap 0.05
done
wait "$TPID"; rc=$?
TPID=
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
((rc == 0)) || { say "the Java run ended with status $rc (124: TIME_LIMIT); see $RUN/progress.log"; }

{
    echo "Run $(date -u '+%Y-%m-%d %H:%M') UTC, raw results in \`${RUN#"$ROOT"/}/\`:"
    echo
    machine_line
    echo "- JDK: $(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ { print $2 }'); $(/usr/sbin/keepalived --version 2>&1 | head -1); $( [[ -x /usr/sbin/conntrackd ]] && /usr/sbin/conntrackd -v 2>&1 | head -1)"
    echo "- command: \`FAILOVERS=$FAILOVERS CALIBRATE_SECONDS=$CALIBRATE_SECONDS bench/failover.sh\` (cases: $CASES; probe: $PROBE; flows per dnat failover: $FLOWS × $FLOW_BYTES bytes at $FLOW_RATE/s)"
    echo "- load average before / after: $LOAD_BEFORE / $LOAD_AFTER"
    echo
    cat "$RUN/stdout.md"
} >"$RUN/report.md"
cat "$RUN/report.md"
if [[ $UPDATE_README == 1 && $rc == 0 ]]; then
    update_readme "$RUN/report.md" failover.sh "Failover (VRRP router pair)"
    say "bench/README.md updated"
fi
exit "$rc"
