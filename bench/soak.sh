#!/usr/bin/env bash
# soak.sh: edgelb's relay under a steady load of new connections for a long time, on 127.0.0.1:
# half of the capacity it measured first, 30 minutes by default. Passes when RSS stays flat after
# the warm-up (within SOAK_RSS_BAND_MIB), the open file descriptors come back to where they were,
# and no request failed. See bench/README.md ("Soak").
#
# Usage: bench/soak.sh [-h]      (every setting is an environment variable, listed below)

set -uo pipefail

# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
SOAK_SECONDS=${SOAK_SECONDS:-1800}      # the soak itself
SOAK_WARMUP_SECONDS=${SOAK_WARMUP_SECONDS:-120}   # at the start of the soak, left out of the RSS band
SOAK_SHARE=${SOAK_SHARE:-50}            # percent of the measured capacity to offer
SOAK_RSS_BAND_MIB=${SOAK_RSS_BAND_MIB:-2}  # RSS after the warm-up must stay within this band
SAMPLE_SECONDS=${SAMPLE_SECONDS:-10}    # RSS, private RSS, fds and threads every this often
CAPACITY_SECONDS=${CAPACITY_SECONDS:-10}   # the capacity run (wrk, Connection: close)
CAPACITY_CONNECTIONS=${CAPACITY_CONNECTIONS:-64}
CALIBRATION_SECONDS=${CALIBRATION_SECONDS:-10}   # a run at the estimated load, to correct the connection count
WRK_THREADS=${WRK_THREADS:-2}
FILE_BYTES=${FILE_BYTES:-1024}
PORT_BASE=${PORT_BASE:-29180}           # as relay.sh: relay, +1 origin, +2 iperf3, +3 relay iperf, +9 api
PIN=${PIN:-auto}
RELAY_CPU=${RELAY_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
START_TIMEOUT_MS=${START_TIMEOUT_MS:-10000}
UPDATE_README=${UPDATE_README:-auto}    # auto: when the soak ran its default length; 1 always; 0 never

. "$BENCH_DIR/edgelb.sh"

. "$BENCH_DIR/lib.sh"
if [[ ${1:-} == -h || ${1:-} == --help ]]; then print_usage "${BASH_SOURCE[0]}" 2 7 '^\. '; edgelb_settings; exit 0; fi
no_arguments "$@"
for v in SOAK_SECONDS SOAK_WARMUP_SECONDS SOAK_SHARE SAMPLE_SECONDS CAPACITY_SECONDS CAPACITY_CONNECTIONS CALIBRATION_SECONDS; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "soak.sh: $v must be a positive whole number, got '${!v}'" >&2; exit 2; }
done
(( SOAK_WARMUP_SECONDS < SOAK_SECONDS )) || { echo "soak.sh: SOAK_WARMUP_SECONDS must be below SOAK_SECONDS" >&2; exit 2; }

set_ports
set_pinning

# fds PID: open file descriptors of the process.
fds() { local f=(/proc/"$1"/fd/*); echo "${#f[@]}"; }
# sample PID: "seconds rss_kib anon_kib fds threads" for the soak's table.
sample() {
    echo "$(( ($(now_us) - SOAK_T0) / 1000000 )) $(status_kb VmRSS "$1") $(status_kb RssAnon "$1") $(fds "$1") $(status_kb Threads "$1")"
}

main() {
    check_ports
    command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
    RUN=$BENCH_DIR/results/soak-$(date +%Y%m%d-%H%M%S)
    mkdir -p "$RUN" || die "cannot create $RUN"
    WORK=$(mktemp -d /tmp/edgelb-soak.XXXXXX)
    mkfifo "$WORK/nap.fifo"
    exec {SLEEP_FD}<>"$WORK/nap.fifo"
    say "results in $RUN"
    write_wrk_lua
    start_origin
    prepare_edgelb
    [[ -z $EDGELB_UNAVAILABLE ]] || die "edgelb cannot run: $EDGELB_UNAVAILABLE"
    TAG=edgelb-epoll
    start_edgelb epoll
    local relay=$RELAY_PID
    wait_listening "$PORT_RELAY" "$relay" "$START_TIMEOUT_MS" >/dev/null || die "the agent is not listening: $(tail -2 "$RUN/$TAG.log")"

    # Capacity: new connections per second the relay sustains on its core (also the JIT warm-up).
    say "capacity run: ${CAPACITY_SECONDS} s, $CAPACITY_CONNECTIONS connections, Connection: close"
    run_bounded "$RUN/capacity.log" "$CAPACITY_SECONDS" wrk -t"$WRK_THREADS" -c"$CAPACITY_CONNECTIONS" \
        -d"${CAPACITY_SECONDS}s" --timeout 5s -s "$WRK_LUA" -H "Connection: close" "http://127.0.0.1:$PORT_RELAY/file.bin"
    local words requests duration_us errors non2xx kv
    words=$(wrk_result "$RUN/capacity.log") || die "capacity run failed: $(tail -1 "$RUN/capacity.log")"
    for kv in $words; do local "${kv%%=*}=${kv#*=}"; done
    local capacity rate connections delay_ms=10
    capacity=$(wrk_rate "$requests" "$duration_us")
    rate=$(calc '%.0f' 'c * s / 100' "c=$capacity" "s=$SOAK_SHARE")
    # Each connection sends a request, waits for the answer, then pauses delay_ms (wrk's delay()):
    # about 1000 / delay_ms requests per second each, a little less with the answer's latency.
    connections=$(calc '%.0f' 'r * d / 1000' "r=$rate" "d=$delay_ms")
    (( connections < WRK_THREADS )) && connections=$WRK_THREADS
    cp "$WRK_LUA" "$WORK/soak.lua"
    printf 'delay = function() return %d end\n' "$delay_ms" >>"$WORK/soak.lua"
    # The estimate leaves out each request's own time (connect, answer, close), so the load is
    # closed-loop and lower than asked: calibrate once and scale the connections (at most 4x).
    say "calibration: ${CALIBRATION_SECONDS} s with $connections connections"
    run_bounded "$RUN/calibration.log" "$CALIBRATION_SECONDS" wrk -t"$WRK_THREADS" -c"$connections" -d"${CALIBRATION_SECONDS}s" \
        --timeout 5s -s "$WORK/soak.lua" -H "Connection: close" "http://127.0.0.1:$PORT_RELAY/file.bin"
    words=$(wrk_result "$RUN/calibration.log") || die "calibration run failed: $(tail -1 "$RUN/calibration.log")"
    for kv in $words; do local "${kv%%=*}=${kv#*=}"; done
    local calibrated; calibrated=$(wrk_rate "$requests" "$duration_us")
    connections=$(calc '%.0f' 'c * (k > 4 ? 4 : k)' "c=$connections" "k=$(calc '%.3f' 'r / (a > 0 ? a : 1)' "r=$rate" "a=$calibrated")")
    say "capacity $capacity new connections/s; calibration gave $calibrated/s; offering about $rate/s ($connections connections, ${delay_ms} ms apart) for ${SOAK_SECONDS} s"

    nap 2
    local fds_before threads_before; fds_before=$(fds "$relay"); threads_before=$(status_kb Threads "$relay")
    SOAK_T0=$(now_us)
    : >"$RUN/samples.txt"
    spawn "$RUN/soak-wrk.log" "${PIN_LOAD[@]}" timeout -k 5 $((SOAK_SECONDS + 30)) wrk -t"$WRK_THREADS" -c"$connections" \
        -d"${SOAK_SECONDS}s" --timeout 5s -s "$WORK/soak.lua" -H "Connection: close" "http://127.0.0.1:$PORT_RELAY/file.bin"
    local load=$LAST_PID
    while kill -0 "$load" 2>/dev/null; do
        kill -0 "$relay" 2>/dev/null || { stop "$load"; die "the agent exited during the soak: $(tail -2 "$RUN/$TAG.log")"; }
        sample "$relay" >>"$RUN/samples.txt"
        nap "$SAMPLE_SECONDS"
    done
    wait "$load" 2>/dev/null; forget "$load"
    nap 2   # let the last connections close
    local fds_after threads_after; fds_after=$(fds "$relay"); threads_after=$(status_kb Threads "$relay")
    sample "$relay" >>"$RUN/samples.txt"
    stop "$relay"

    words=$(wrk_result "$RUN/soak-wrk.log") || die "the soak's wrk gave no result: $(tail -1 "$RUN/soak-wrk.log")"
    local p50_us p99_us
    for kv in $words; do local "${kv%%=*}=${kv#*=}"; done
    local failed=$((errors + non2xx)) achieved
    achieved=$(wrk_rate "$requests" "$duration_us")
    # RSS band after the warm-up.
    local band lo hi alo ahi
    read -r lo hi alo ahi < <(awk -v w="$SOAK_WARMUP_SECONDS" '$1 >= w { if (!n++ || $2 < lo) lo = $2; if ($2 > hi) hi = $2;
        if (n == 1 || $3 < alo) alo = $3; if ($3 > ahi) ahi = $3 } END { print lo + 0, hi + 0, alo + 0, ahi + 0 }' "$RUN/samples.txt")
    band=$(calc '%.1f' '(h - l) / 1024' "h=$hi" "l=$lo")
    local fd_max; fd_max=$(awk '{ if ($4 > m) m = $4 } END { print m + 0 }' "$RUN/samples.txt")

    {
        echo "Run $(date -u '+%Y-%m-%d %H:%M UTC'), raw results in \`bench/results/$(basename "$RUN")/\`:"
        echo
        machine_line
        echo "- edgelb: \`${AGENT_JAR#"$REPO_DIR"/}\` (sha1 $(sha1sum <"$AGENT_JAR" | cut -c1-12)), JVM \`$EDGELB_JVM_FLAGS${CDS_FLAGS[*]:+ ${CDS_FLAGS[*]}}\`"
        echo "- capacity: $capacity new connections/s (wrk -t$WRK_THREADS -c$CAPACITY_CONNECTIONS, Connection: close, ${CAPACITY_SECONDS} s); soak at ${SOAK_SHARE} %: $connections connections, ${delay_ms} ms between requests, ${SOAK_SECONDS} s, warm-up ${SOAK_WARMUP_SECONDS} s"
        echo
        echo "| figure | value | target |"
        echo "|---|---:|---|"
        echo "| requests (each a new connection) | $requests ($achieved/s, $(calc '%.0f' '100 * a / c' "a=$achieved" "c=$capacity") % of capacity) | |"
        echo "| p50 / p99 ms | $(calc '%.2f' 'a / 1000' "a=$p50_us") / $(calc '%.2f' 'a / 1000' "a=$p99_us") | |"
        echo "| failed requests | $failed | $(judge "$failed" 0 "") |"
        echo "| RSS after warm-up, min – max MiB | $(calc '%.1f' 'a / 1024' "a=$lo") – $(calc '%.1f' 'a / 1024' "a=$hi") | band $(judge "$band" "$SOAK_RSS_BAND_MIB" " MiB") |"
        echo "| private RSS after warm-up, min – max MiB | $(calc '%.1f' 'a / 1024' "a=$alo") – $(calc '%.1f' 'a / 1024' "a=$ahi") | |"
        echo "| open fds before / most during / after | $fds_before / $fd_max / $fds_after | after $(judge "$fds_after" "$fds_before" " fds") |"
        echo "| threads before / after | $threads_before / $threads_after | $(judge "$threads_after" "$threads_before" "") |"
    } >"$RUN/table.md"
    cat "$RUN/table.md"
    if [[ $UPDATE_README == auto ]]; then UPDATE_README=$([[ $SOAK_SECONDS == 1800 ]] && echo 1 || echo 0); fi
    if [[ $UPDATE_README == 1 ]]; then update_readme "$RUN/table.md" soak.sh "Soak"; say "bench/README.md updated"; fi
}

main
