#!/usr/bin/env bash
# profile.sh: where edgelb's relay spends its CPU, as flame graphs. Starts the agent as relay.sh
# does (same flags, CDS archive, pinning, origin), attaches async-profiler to it (jcmd
# JVMTI.agent_load) for the measured part of each load only, and writes per load an HTML flame
# graph and the hottest frames by self time. See bench/README.md ("Profiles").
#
# Usage: bench/profile.sh [-h]      (every setting is an environment variable, listed below)

set -uo pipefail

# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
LOADS=${LOADS:-"close keepalive"}       # close: a new connection per request; keepalive: reused connections
PROFILE_SECONDS=${PROFILE_SECONDS:-20}  # profiled wrk run per load
WARMUP_SECONDS=${WARMUP_SECONDS:-5}     # wrk before profiling (JIT), not profiled
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-64}
EVENT=${EVENT:-cpu}                     # async-profiler event: cpu (perf_events), itimer, alloc, ...
INTERVAL=${INTERVAL:-1ms}               # sampling interval (cpu/itimer)
ASYNC_PROFILER_VERSION=${ASYNC_PROFILER_VERSION:-3.0}   # Maven Central tools.profiler:async-profiler
FILE_BYTES=${FILE_BYTES:-1024}
PORT_BASE=${PORT_BASE:-29180}
PIN=${PIN:-auto}
RELAY_CPU=${RELAY_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
START_TIMEOUT_MS=${START_TIMEOUT_MS:-10000}

. "$BENCH_DIR/edgelb.sh"
. "$BENCH_DIR/lib.sh"

if [[ ${1:-} == -h || ${1:-} == --help ]]; then print_usage "${BASH_SOURCE[0]}" 2 7 '^\. '; edgelb_settings; exit 0; fi
no_arguments "$@"
for v in PROFILE_SECONDS WARMUP_SECONDS WRK_THREADS WRK_CONNECTIONS; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "profile.sh: $v must be a positive whole number, got '${!v}'" >&2; exit 2; }
done
for load in $LOADS; do
    [[ $load == close || $load == keepalive ]] || { echo "profile.sh: unknown load '$load' (close, keepalive)" >&2; exit 2; }
done
set_ports
set_pinning

# async_profiler_lib: the linux library of async-profiler's Maven Central jar, fetched once into
# bench/results/tools (mvn dependency:get, so it needs Maven Central or the local repository).
async_profiler_lib() {
    local arch dir jar
    case $(uname -m) in x86_64) arch=linux-x64 ;; aarch64) arch=linux-arm64 ;; *) die "async-profiler has no library for $(uname -m)" ;; esac
    dir=$BENCH_DIR/results/tools/async-profiler-$ASYNC_PROFILER_VERSION
    if [[ ! -f $dir/$arch/libasyncProfiler.so ]]; then
        jar=$HOME/.m2/repository/tools/profiler/async-profiler/$ASYNC_PROFILER_VERSION/async-profiler-$ASYNC_PROFILER_VERSION.jar
        if [[ ! -f $jar ]]; then
            say "fetching tools.profiler:async-profiler:$ASYNC_PROFILER_VERSION from Maven"
            mvn -q dependency:get "-Dartifact=tools.profiler:async-profiler:$ASYNC_PROFILER_VERSION" >"$RUN/mvn.log" 2>&1 ||
                die "cannot fetch async-profiler: $(tail -1 "$RUN/mvn.log")"
        fi
        mkdir -p "$dir" && (cd "$dir" && unzip -qo "$jar" "$arch/libasyncProfiler.so") || die "cannot unpack $jar"
    fi
    echo "$dir/$arch/libasyncProfiler.so"
}

# profiler PID COMMAND: one async-profiler command in the agent's JVM (loading the library the
# first time; later loads of the same library pass the command to it).
profiler() {
    # jcmd parses NAME=VALUE arguments itself: the options go in quotes, as one positional value.
    # jcmd exits 0 whatever the agent says; its "return code" line is the agent's answer.
    local out; out=$(jcmd "$1" JVMTI.agent_load "$LIB" "\"$2\"" 2>&1); echo "$2: $out" >>"$RUN/jcmd.log"
    [[ $out == *"return code: 0"* ]] || die "async-profiler refused '$2': $(echo "$out" | tail -1) (see $RUN/$TAG.log)"
}

profile_load() {  # profile_load close|keepalive
    local load=$1 header=()
    [[ $load == close ]] && header=(-H "Connection: close")
    TAG=edgelb-$load
    start_edgelb epoll
    local relay=$RELAY_PID
    wait_listening "$PORT_RELAY" "$relay" "$START_TIMEOUT_MS" >/dev/null || die "the agent is not listening: $(tail -2 "$RUN/$TAG.log")"
    say "$load: warm-up ${WARMUP_SECONDS} s"
    run_bounded "$RUN/$load-warmup.log" "$WARMUP_SECONDS" wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${WARMUP_SECONDS}s" \
        -s "$WRK_LUA" "${header[@]}" "http://127.0.0.1:$PORT_RELAY/file.bin" >/dev/null
    say "$load: profiling ${PROFILE_SECONDS} s ($EVENT, every $INTERVAL)"
    profiler "$relay" "start,event=$EVENT,interval=$INTERVAL"
    run_bounded "$RUN/$load-wrk.log" "$PROFILE_SECONDS" wrk -t"$WRK_THREADS" -c"$WRK_CONNECTIONS" -d"${PROFILE_SECONDS}s" \
        -s "$WRK_LUA" "${header[@]}" "http://127.0.0.1:$PORT_RELAY/file.bin" >/dev/null
    # jcmd splits on spaces: no spaces in the options. ann: frames marked _[k] kernel, _[j] Java.
    profiler "$relay" "dump,file=$RUN/$load-collapsed.txt,collapsed,ann"
    profiler "$relay" "stop,file=$RUN/$load-flame.html,flamegraph,title=edgelb-relay-$load-load"
    stop "$relay" 5
    grep '^RESULT ' "$RUN/$load-wrk.log" | sed "s/^RESULT/$load wrk:/" >>"$RUN/summary.txt"
    summarize "$load" "$RUN/$load-collapsed.txt" >>"$RUN/summary.txt"
}

# summarize LOAD COLLAPSED: the share of samples by where they end (kernel, Java as compiled or
# interpreted, the VM, other native), the kernel's share by system call, and the hottest frames by
# self time. Frames as async-profiler's "ann" marks them: _[k] kernel, _[j] _[1] _[i] _[0] Java.
summarize() {
    local load=$1 file=$2
    LC_ALL=C awk -v load="$load" '
        function top(arr, count, title,    m, i, j, t, key, list) {
          m = 0; for (key in arr) list[++m] = key
          for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (arr[list[j]] > arr[list[i]]) { t = list[i]; list[i] = list[j]; list[j] = t }
          printf "  %s:\n", title
          for (i = 1; i <= m && i <= count; i++) printf "  %5.1f %%  %s\n", 100 * arr[list[i]] / total, list[i]
        }
        { n = $NF; $NF = ""; sub(/ $/, ""); k = split($0, f, ";"); leaf = f[k]; total += n
          if (leaf ~ /_\[k\]$/) kind = "kernel"; else if (leaf ~ /_\[[j10i]\]$/) kind = "Java"
          else if (leaf ~ /^(JVM_|Java_)|::/) kind = "VM (libjvm, JNI)"; else kind = "other native"
          by[kind] += n; self[leaf] += n
          if (kind == "kernel") {
            call = "(no system call: interrupts, scheduler)"
            for (i = 1; i <= k; i++) if (f[i] ~ /^__x64_sys_|^__arm64_sys_/) { call = f[i]; sub(/^__(x64|arm64)_sys_/, "", call); sub(/_\[k\]$/, "", call); break }
            syscall[call] += n
          } }
        END {
          printf "%s: %d samples\n", load, total
          top(by, 10, "where the samples end")
          top(syscall, 12, "kernel time by system call (share of all samples)")
          top(self, 20, "hottest frames by self time")
        }' "$file"
}

main() {
    check_ports
    command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
    command -v jcmd >/dev/null || die "jcmd is missing (the JDK's, same version as $JAVA)"
    RUN=$BENCH_DIR/results/profile-$(date +%Y%m%d-%H%M%S)
    mkdir -p "$RUN" || die "cannot create $RUN"
    WORK=$(mktemp -d /tmp/edgelb-profile.XXXXXX)
    mkfifo "$WORK/nap.fifo"
    exec {SLEEP_FD}<>"$WORK/nap.fifo"
    say "results in $RUN"
    LIB=$(async_profiler_lib) || exit 1
    if [[ $EVENT == cpu && $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo 3) -gt 1 && $EUID -ne 0 ]]; then
        say "perf_event_paranoid > 1 and not root: async-profiler falls back to itimer"
    fi
    write_wrk_lua
    start_origin
    prepare_edgelb
    [[ -z $EDGELB_UNAVAILABLE ]] || die "edgelb cannot run: $EDGELB_UNAVAILABLE"
    {
        echo "# edgelb relay profile, $(date -u '+%Y-%m-%d %H:%M UTC')"
        machine_line
        echo "- JDK: $("$JAVA" -version 2>&1 | sed -n 2p); async-profiler $ASYNC_PROFILER_VERSION, event $EVENT, interval $INTERVAL"
        echo "- edgelb: ${AGENT_JAR#"$REPO_DIR"/} (sha1 $(sha1sum "$AGENT_JAR" | cut -c1-12)), JVM: $EDGELB_JVM_FLAGS ${CDS_FLAGS[*]}"
        echo "- load: wrk -t$WRK_THREADS -c$WRK_CONNECTIONS, ${PROFILE_SECONDS} s profiled after ${WARMUP_SECONDS} s warm-up, ${FILE_BYTES}-byte file; relay pinned: ${PIN_RELAY[*]:-no}"
    } >"$RUN/summary.txt"
    for load in $LOADS; do profile_load "$load"; done
    cat "$RUN/summary.txt"
    say "flame graphs: $RUN/*-flame.html"
    ln -sfn "$(basename "$RUN")" "$BENCH_DIR/results/profile-latest"
}
main
