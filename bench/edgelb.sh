# edgelb.sh: how the bench scripts run the edgelb agent as a relay under test: its settings (the
# environment variables below), the UCI configuration of the bench topology, the AppCDS archive and
# the start. Sourced by relay.sh and soak.sh after lib.sh; reads PORT_*, RUN, WORK, TAG, PIN_RELAY.

BUILD=${BUILD:-1}                       # 0: never run maven, skip edgelb rows if the jar is missing
AGENT_JAR=${AGENT_JAR:-$REPO_DIR/agent/target/edgelb-agent.jar}
JAVA=${JAVA:-java}
# Sized for a router: bench/edgelb-jvm.flags says why each flag is there. Set (even to "") to override.
EDGELB_JVM_FLAGS=${EDGELB_JVM_FLAGS-$(grep -v '^#' "$BENCH_DIR/edgelb-jvm.flags" | tr -s ' \n' ' ' | sed 's/ $//')}
EDGELB_ENV=${EDGELB_ENV-"MALLOC_ARENA_MAX=2"}   # environment of the java process ("" for none)
EDGELB_WORKERS=${EDGELB_WORKERS:-1}
EDGELB_CDS=${EDGELB_CDS:-1}             # 1: dump an AppCDS archive once per jar+JDK+flags, start with it; 0: JDK archive only

# edgelb_settings: the settings above and their current values (for -h).
edgelb_settings() {
    grep -E '^[A-Z_]+=\$\{' "$BENCH_DIR/edgelb.sh" | sed 's/=.*//' |
        while read -r v; do printf '  %-18s %s\n' "$v" "${!v}"; done
}

edgelb_config() {  # edgelb_config FILE [PROTOCOL]
    mkdir -p "$WORK/edgelb-state"
    bench_uci "$1" "$WORK/edgelb-state" "$EDGELB_WORKERS" "${2:-TCP}"
}

# Decided once per run: why edgelb rows cannot run, if they cannot.
EDGELB_UNAVAILABLE=
CDS_FLAGS=()
prepare_edgelb() {
    command -v "$JAVA" >/dev/null || { EDGELB_UNAVAILABLE="java not found ($JAVA)"; return; }
    if [[ ! -f $AGENT_JAR ]]; then
        if [[ $BUILD == 0 ]]; then
            EDGELB_UNAVAILABLE="${AGENT_JAR#"$REPO_DIR"/} missing and BUILD=0"; return
        fi
        say "building the agent (mvn -q -DskipTests package; log: $RUN/build.log)"
        if ! (cd "$REPO_DIR" && mvn -q -DskipTests package) >"$RUN/build.log" 2>&1; then
            EDGELB_UNAVAILABLE="build failed: $(grep -m1 -E 'ERROR|BUILD FAILURE' "$RUN/build.log" | cut -c1-120)"
            return
        fi
        [[ -f $AGENT_JAR ]] || { EDGELB_UNAVAILABLE="build produced no ${AGENT_JAR#"$REPO_DIR"/}"; return; }
    fi
    [[ $EDGELB_CDS == 1 ]] && prepare_cds
}

# An AppCDS archive for this jar, JDK and flag set (a mismatch makes the JVM ignore it), dumped
# from a short real run so that the relay's classes are in it. No archive if the dump fails.
prepare_cds() {
    local sum archive
    sum=$({ sha1sum <"$AGENT_JAR"; "$JAVA" -version 2>&1; echo "$EDGELB_JVM_FLAGS"; } | sha1sum | cut -c1-12)
    archive="$BENCH_DIR/results/cds/edgelb-agent-$sum.jsa"
    if [[ ! -f $archive ]]; then
        mkdir -p "$(dirname "$archive")"
        say "dumping AppCDS archive $archive"
        edgelb_config "$RUN/edgelb-cds.uci"
        local flags env_words; read -ra flags <<<"$EDGELB_JVM_FLAGS"; read -ra env_words <<<"$EDGELB_ENV"
        spawn "$RUN/edgelb-cds.log" "${PIN_RELAY[@]}" env "${env_words[@]}" "$JAVA" "${flags[@]}" \
            "-XX:ArchiveClassesAtExit=$archive" -jar "$AGENT_JAR" run --config "$RUN/edgelb-cds.uci"
        local pid=$LAST_PID
        if wait_listening "$PORT_RELAY" "$pid" "$START_TIMEOUT_MS" >/dev/null; then
            run_bounded "$RUN/edgelb-cds-wrk.log" 1 wrk -t1 -c4 -d1s "http://127.0.0.1:$PORT_RELAY/file.bin" >/dev/null
        fi
        stop "$pid"
    fi
    if [[ -f $archive ]]; then CDS_FLAGS=("-XX:SharedArchiveFile=$archive"); else say "no CDS archive; starting without"; fi
}

start_edgelb() {  # start_edgelb nio|epoll [PROTOCOL]: PROTOCOL HTTP makes the bench listener an HTTP one
    [[ -n $EDGELB_UNAVAILABLE ]] && { SKIP=$EDGELB_UNAVAILABLE; return; }
    edgelb_config "$RUN/edgelb-$1${2:+-$2}.uci" "${2:-TCP}"
    local flags env_words; read -ra flags <<<"$EDGELB_JVM_FLAGS"; read -ra env_words <<<"$EDGELB_ENV"
    spawn "$RUN/$TAG.log" "${PIN_RELAY[@]}" env "${env_words[@]}" "$JAVA" "${flags[@]}" "${CDS_FLAGS[@]}" \
        "-Dedgelb.transport=$1" -jar "$AGENT_JAR" run --config "$RUN/edgelb-$1${2:+-$2}.uci"
    RELAY_PID=$LAST_PID
}
