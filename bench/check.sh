#!/usr/bin/env bash
# check.sh: how long `edgelb check` takes on a configuration at the object ceilings
# (docs/limits.md: 4096 listeners, 4096 pools, 16384 members, 4096 health monitors), with the
# router's JVM flags (bench/edgelb-jvm.flags), against a one-listener file for the JVM start-up
# alone. Also times a file of 20,000 listeners (over the ceiling: refused, and fast) and a
# 2.5 MB file of bad sections.
#   bench/check.sh [RUNS]      RUNS per file (default 3); AGENT_JAR, HEAP (default 128m) override
set -uo pipefail
REPO_DIR=$(cd "$(dirname "$0")/.." && pwd)
source "$REPO_DIR/bench/lib.sh"
RUNS=${1:-3}
AGENT_JAR=${AGENT_JAR:-$REPO_DIR/agent/target/edgelb-agent.jar}
HEAP=${HEAP:-128m}
[[ -f $AGENT_JAR ]] || die "no $AGENT_JAR: mvn -o -q -pl agent -am package -DskipTests"
FLAGS=$(grep -v '^#' "$REPO_DIR/bench/edgelb-jvm.flags" | tr '\n' ' ' | sed "s/-Xmx[^ ]*/-Xmx$HEAP/")
WORK=$(mktemp -d)

maximal() {
    awk 'BEGIN {
        print "config agent \x27main\x27\n\toption api \x27127.0.0.1:8404\x27"
        for (i = 0; i < 4096; i++) {
            printf "config healthmonitor \x27hm%d\x27\n\toption type \x27TCP\x27\n\toption delay \x275\x27\n\toption timeout \x272\x27\n", i
            printf "config pool \x27p%d\x27\n\toption lb_algorithm \x27ROUND_ROBIN\x27\n\toption healthmonitor \x27hm%d\x27\n", i, i
            printf "config listener \x27l%d\x27\n\toption address \x27127.%d.%d.1\x27\n\toption port \x27%d\x27\n\toption pool \x27p%d\x27\n", i, int(i / 256), i % 256, 1000 + i, i
            for (m = 0; m < 4; m++)
                printf "config member \x27m%d_%d\x27\n\toption pool \x27p%d\x27\n\toption address \x27192.0.2.%d\x27\n\toption protocol_port \x27%d\x27\n", i, m, i, m + 1, 1000 + i
        }
    }'
}
over_ceiling() {
    awk 'BEGIN { for (i = 0; i < 20000; i++) printf "config listener \x27l%d\x27\n\toption port \x27%d\x27\n\toption pool \x27web\x27\n", i, 1000 + i % 60000 }'
}
bad_sections() {
    awk 'BEGIN { for (i = 0; i < 40000; i++) printf "config listener\n\toption port \x27x%d\x27\n\toption pool \x27nope\x27\n", i }'
}

maximal > "$WORK/maximal"
over_ceiling > "$WORK/over"
bad_sections > "$WORK/bad"
printf 'config listener \x27web\x27\n\toption port \x2780\x27\n\toption pool \x27web_pool\x27\nconfig pool \x27web_pool\x27\n' > "$WORK/tiny"

run() {
    local name=$1 file=$2 best= t0 t1 ms rc
    for ((r = 0; r < RUNS; r++)); do
        t0=$(now_us)
        # shellcheck disable=SC2086
        java $FLAGS -jar "$AGENT_JAR" check --config "$file" > "$WORK/out" 2>&1
        rc=$?
        t1=$(now_us)
        ms=$(( (t1 - t0) / 1000 ))
        [[ -z $best || $ms -lt $best ]] && best=$ms
    done
    printf '%-34s %9s bytes  exit %d  best of %d: %6d ms   %s\n' "$name" "$(stat -c %s "$file")" "$rc" "$RUNS" "$best" \
        "$(tail -n 1 "$WORK/out" | cut -c1-90)"
    eval "T_$3=$best"
}
say "JVM flags: $FLAGS"
run "one listener (JVM start-up)" "$WORK/tiny" tiny
run "maximal (4096 l, 16384 m)" "$WORK/maximal" max
run "20,000 listeners (over ceiling)" "$WORK/over" over
run "2.5 MB of bad sections" "$WORK/bad" bad
say "check of the maximal file, start-up subtracted: $(( T_max - T_tiny )) ms"
