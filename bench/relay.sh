#!/usr/bin/env bash
# relay.sh: measure edgelb's TCP relay against HAProxy, nginx stream and a direct connection,
# on 127.0.0.1 only, with the same load for every row. See bench/README.md for the method.
#
# Usage: bench/relay.sh [-h]      (every setting is an environment variable, listed below)
#
# stdout gets the markdown table and nothing else; progress goes to stderr. Raw results
# (configs, logs, wrk and iperf3 output, results.tsv, table.md) go to bench/results/<stamp>/.
# A run of all rows (or UPDATE_README=1) rewrites the results block of bench/README.md.

set -uo pipefail

# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
ALL_ROWS="direct edgelb-epoll edgelb-nio haproxy nginx-stream edgelb-http haproxy-http nginx-http"

ROWS=${ROWS:-$ALL_ROWS}
WRK_SECONDS=${WRK_SECONDS:-10}          # each measured wrk run
IPERF_SECONDS=${IPERF_SECONDS:-5}       # each measured iperf3 run
WARMUP_SECONDS=${WARMUP_SECONDS:-3}     # unmeasured wrk run per row (JIT, pools, caches)
ROUNDS=${ROUNDS:-1}                     # run every row this often, interleaved; the table shows medians
WRK_THREADS=${WRK_THREADS:-2}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-64 1000}  # one keep-alive and one close run per count; the first is the main table's
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-4000}   # relayed connections held open, idle, to measure memory per connection (0: skip)
FILE_BYTES=${FILE_BYTES:-1024}          # size of the static file the origin serves
PORT_BASE=${PORT_BASE:-29180}           # relay http; +1 origin; +2 iperf3 server; +3 relay iperf; +9 agent api (below the ephemeral range)
PIN=${PIN:-auto}                        # auto: pin when there are 2+ cores; 1 force; 0 never
RELAY_CPU=${RELAY_CPU:-0}               # the relay under test runs alone on this core
LOAD_CPU=${LOAD_CPU:-1}                 # wrk, iperf3 (both ends) and the origin share this one
NICE=${NICE:-0}                         # e.g. -10 (root): favour every benchmark process over other work
START_TIMEOUT_MS=${START_TIMEOUT_MS:-10000}
UPDATE_README=${UPDATE_README:-auto}   # auto: only when every row ran; 1 always; 0 never
INSTALL=${INSTALL:-0}                   # 1: apt-get install missing tools (needs root)
HAPROXY_SPLICE=${HAPROXY_SPLICE:-0}     # 1: give HAProxy "option splice-auto"


. "$BENCH_DIR/edgelb.sh"   # the edgelb rows: their settings and how they start

usage() {
    print_usage "${BASH_SOURCE[0]}" 2 9 '^usage()' ALL_ROWS
    edgelb_settings
}
. "$BENCH_DIR/lib.sh"
if [[ ${1:-} == -h || ${1:-} == --help ]]; then usage; exit 0; fi
no_arguments "$@"

read -ra CONNECTION_COUNTS <<<"$WRK_CONNECTIONS"
for c in "${CONNECTION_COUNTS[@]}"; do
    [[ $c =~ ^[1-9][0-9]*$ ]] || { echo "relay.sh: WRK_CONNECTIONS must be connection counts, got '$WRK_CONNECTIONS'" >&2; exit 2; }
done
((${#CONNECTION_COUNTS[@]} > 0)) || { echo "relay.sh: WRK_CONNECTIONS is empty" >&2; exit 2; }
[[ $IDLE_CONNECTIONS =~ ^[0-9]+$ ]] || { echo "relay.sh: IDLE_CONNECTIONS must be a count" >&2; exit 2; }
set_ports

# ---------------------------------------------------------------------------------------------
# /proc readings
# ---------------------------------------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)
# cpu_ticks PID...: utime+stime summed (all threads, and waited-for children are not included).
cpu_ticks() {
    local sum=0 pid stat rest f
    for pid in "$@"; do
        { stat=$(<"/proc/$pid/stat"); } 2>/dev/null || continue
        rest=${stat##*) }
        read -ra f <<<"$rest"
        sum=$(( sum + f[11] + f[12] ))
    done
    echo "$sum"
}
# ticks_ours: CPU ticks this benchmark has used so far: this shell and every child it reaped
# (the clients) from `times`, plus the live processes it started (origin, iperf3 server, relay,
# sampler). Subtracted from the machine's total, it leaves the other work: the noise.
ticks_ours() {
    local t live=() p c
    times >"$WORK/times"   # in this shell: a subshell would report its own (zero) times
    t=$(tr 'ms\n' '   ' <"$WORK/times" | awk -v hz="$CLK_TCK" '{ printf "%d", ($1*60+$2 + $3*60+$4 + $5*60+$6 + $7*60+$8) * hz }')
    for p in "${PIDS[@]}"; do live+=("$p"); done
    for p in "${PIDS[@]}"; do while read -r c; do live+=("$c"); done < <(pgrep -P "$p"); done
    echo $(( t + $(cpu_ticks "${live[@]}") ))
}
# ticks_machine: user + nice + system ticks of all CPUs (irq and softirq time belongs to no
# process, so it is left out on both sides).
ticks_machine() { awk '/^cpu / { print $2 + $3 + $4; exit }' /proc/stat; }
alive() { local p; for p in "$@"; do kill -0 "$p" 2>/dev/null || return 1; done; }


# ---------------------------------------------------------------------------------------------
# Tools, ports, pinning
# ---------------------------------------------------------------------------------------------
check_tools() {
    local missing=() t
    # nginx is always needed: it is the origin.
    declare -A pkg=([nginx]=nginx [wrk]=wrk [iperf3]=iperf3 [jq]=jq [taskset]=util-linux [ss]=iproute2 [timeout]=coreutils)
    [[ " $ROWS " == *" haproxy"* ]] && pkg[haproxy]=haproxy
    for t in "${!pkg[@]}"; do command -v "$t" >/dev/null || missing+=("${pkg[$t]}"); done
    if [[ " $ROWS " == *" nginx-stream "* ]] && ! nginx_has_stream; then missing+=(libnginx-mod-stream); fi
    ((${#missing[@]} == 0)) && return 0
    if [[ $INSTALL == 1 ]]; then
        say "installing: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 || die "apt-get install failed"
    else
        die "missing tools; install them with: apt-get install ${missing[*]}  (or run with INSTALL=1)"
    fi
}
nginx_modules_dir() { nginx -V 2>&1 | tr ' ' '\n' | sed -n 's/^--modules-path=//p'; }
nginx_has_stream() {
    local v; v=$(nginx -V 2>&1)
    [[ $v == *"--with-stream "* || $v == *"--with-stream"$'\n'* ]] && return 0
    [[ -f "$(nginx_modules_dir)/ngx_stream_module.so" ]]
}
nginx_stream_load() {
    local v; v=$(nginx -V 2>&1)
    [[ $v == *"--with-stream=dynamic"* ]] && echo "load_module $(nginx_modules_dir)/ngx_stream_module.so;"
}
set_pinning
if [[ $NICE != 0 ]]; then PIN_RELAY=(nice -n "$NICE" "${PIN_RELAY[@]}"); PIN_LOAD=(nice -n "$NICE" "${PIN_LOAD[@]}"); fi

# ---------------------------------------------------------------------------------------------
# Relays. start_<kind> sets RELAY_PID (the process we started) or SKIP (a reason).
# relay_pids lists the processes whose CPU and memory count (nginx: master + workers).
# ---------------------------------------------------------------------------------------------
RELAY_PID=
TAG=
SKIP=
relay_pids() {
    [[ -n $RELAY_PID ]] || return 0
    echo "$RELAY_PID"
    pgrep -P "$RELAY_PID" || true
}

# start_haproxy tcp|http: HAProxy with one thread; tcp relays the bench and iperf3 ports, http
# parses the bench port's requests (keep-alive both sides, X-Forwarded-For).
start_haproxy() {
    local mode=$1 cfg=$RUN/haproxy.cfg options listen_iperf=""
    [[ $mode == http ]] && cfg=$RUN/haproxy-http.cfg
    if [[ $mode == http ]]; then
        options=$'    option http-keep-alive\n    option forwardfor\n    timeout http-request 10s'
    else
        options=""; [[ $HAPROXY_SPLICE == 1 ]] && options="    option splice-auto"
        listen_iperf=$'listen iperf\n    bind 127.0.0.1:'"$PORT_RELAY_IPERF"$'\n    server iperf 127.0.0.1:'"$PORT_IPERF"
    fi
    cat >"$cfg" <<EOF
global
    nbthread 1
    maxconn 9000
    log stderr format short local0 warning

defaults
    mode $mode
    log global
$options
    timeout connect 5s
    timeout client 60s
    timeout server 60s

listen bench
    bind 127.0.0.1:$PORT_RELAY
    server origin 127.0.0.1:$PORT_ORIGIN

$listen_iperf
EOF
    haproxy -c -q -f "$cfg" >"${cfg%.cfg}-check.log" 2>&1 ||
        { SKIP="haproxy config rejected: $(head -1 "${cfg%.cfg}-check.log")"; return; }
    spawn "$RUN/$TAG.log" "${PIN_RELAY[@]}" haproxy -db -f "$cfg"
    RELAY_PID=$LAST_PID
}

start_nginx_stream() {
    { nginx_stream_load; nginx_common nginx-stream "$RUN/$TAG.log"; cat <<EOF
stream {
    server {
        listen 127.0.0.1:$PORT_RELAY backlog=4096;
        proxy_pass 127.0.0.1:$PORT_ORIGIN;
    }
    server {
        listen 127.0.0.1:$PORT_RELAY_IPERF;
        proxy_pass 127.0.0.1:$PORT_IPERF;
    }
}
EOF
    } >"$RUN/nginx-stream.conf"
    spawn "$RUN/$TAG.out" "${PIN_RELAY[@]}" nginx -e "$RUN/$TAG.log" -p "$WORK" -c "$RUN/nginx-stream.conf"
    RELAY_PID=$LAST_PID
}

# HTTP rows: the bench listener parses HTTP and adds X-Forwarded-For (what an Octavia HTTP
# listener with insert_headers does); no iperf3 listener (iperf3 does not speak HTTP).
is_http_row() { [[ $1 == *-http ]]; }


start_nginx_http() {
    mkdir -p "$WORK/nginx-http-tmp"
    { nginx_common nginx-http "$RUN/$TAG.log"; cat <<EOF
http {
    access_log off;
    client_body_temp_path $WORK/nginx-http-tmp/body;
    proxy_temp_path $WORK/nginx-http-tmp/proxy;
    fastcgi_temp_path $WORK/nginx-http-tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx-http-tmp/uwsgi;
    scgi_temp_path $WORK/nginx-http-tmp/scgi;
    keepalive_requests 100000000;
    upstream origin {
        server 127.0.0.1:$PORT_ORIGIN;
        keepalive 32;
    }
    server {
        listen 127.0.0.1:$PORT_RELAY backlog=4096;
        location / {
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        }
    }
}
EOF
    } >"$RUN/nginx-http.conf"
    spawn "$RUN/$TAG.out" "${PIN_RELAY[@]}" nginx -e "$RUN/$TAG.log" -p "$WORK" -c "$RUN/nginx-http.conf"
    RELAY_PID=$LAST_PID
}

# ---------------------------------------------------------------------------------------------
# Loads
# ---------------------------------------------------------------------------------------------
# Each figure of each round goes to results.tsv and to R["row.key#round"]; after the last round,
# summarise() sets R["row.key"] to the median over rounds (numbers) or the last value (text).
declare -A R=()
declare -A SEEN=()   # "row.key" -> 1, in no particular order
ROUND=1
put() {
    R["$1.$2#$ROUND"]=$3; SEEN["$1.$2"]=1
    printf '%s\t%s\t%s\t%s\n' "$ROUND" "$1" "$2" "$3" >>"$RUN/results.tsv"
}
# measure_idle_connections ROW PORT: memory per relayed connection. IDLE_CONNECTIONS clients
# connect and send nothing; once the relay holds as many connections to the origin, the growth
# of its RSS and private RSS divided by the count is the cost of one (both its sockets included).
measure_idle_connections() {
    local row=$1 port=$2 pids rss0 anon0 rss1 anon1 n=$IDLE_CONNECTIONS
    read -ra pids <<<"$(relay_pids | tr '\n' ' ')"
    rss0=$(status_kb VmRSS "${pids[@]}"); anon0=$(status_kb RssAnon "${pids[@]}")
    local base; base=$(ss -Htn state established "dport = :$PORT_ORIGIN" | wc -l)
    spawn "$RUN/$TAG-idle.log" "${PIN_LOAD[@]}" python3 "$BENCH_DIR/hold-connections.py" 127.0.0.1 "$port" "$n" 60
    local holder=$LAST_PID held=0 last=-1 still=0 deadline=$(( $(now_us) + 30000000 ))
    while (( $(now_us) < deadline )); do
        held=$(( $(ss -Htn state established "dport = :$PORT_ORIGIN" | wc -l) - base ))
        (( held >= n )) && break
        if (( held == last )); then still=$((still + 1)); else still=0; last=$held; fi
        (( still >= 10 && held >= n - n / 100 )) && break   # steady for 2 s and within 1 %
        kill -0 "$holder" 2>/dev/null || break
        nap 0.2
    done
    # A connection of the loads before may still be closing when base was counted: allow 1 %.
    if (( held < n - n / 100 )); then
        stop "$holder"; put "$row" idle_conn.failed "only $held of $n connections reached the origin"; return 1
    fi
    nap 1   # let lazily allocated per-connection state settle
    rss1=$(status_kb VmRSS "${pids[@]}"); anon1=$(status_kb RssAnon "${pids[@]}")
    stop "$holder"
    put "$row" idle_conn.kib_each "$(calc '%.2f' '(b - a) / n' "a=$rss0" "b=$rss1" "n=$held")"
    put "$row" idle_conn.anon_kib_each "$(calc '%.2f' '(b - a) / n' "a=$anon0" "b=$anon1" "n=$held")"
}

summarise() {
    local rk r v nums last
    for rk in "${!SEEN[@]}"; do
        nums=(); last=
        for ((r = 1; r <= ROUNDS; r++)); do
            v=${R["$rk#$r"]:-}
            [[ -z $v ]] && continue
            last=$v
            [[ $v =~ ^[0-9]+(\.[0-9]+)?$ ]] && nums+=("$v")
        done
        if ((${#nums[@]} > 0)); then
            R[$rk]=$(printf '%s\n' "${nums[@]}" | sort -g | awk '{ v[NR] = $1 } END {
                s = v[int((NR + 1) / 2)]; if (NR % 2 == 0) s = (s + v[NR / 2 + 1]) / 2
                d = 0; if (match(v[1], /\.[0-9]+$/)) d = RLENGTH - 1
                printf "%.*f", d, s }')
        else
            R[$rk]=$last
        fi
    done
    # A row skipped in some rounds but measured in others keeps its figures.
    local row
    for row in $ROWS; do
        [[ -n ${R["$row.skipped"]:-} && -n ${R["$row.keepalive${CONNECTION_COUNTS[0]}.rps"]:-}${R["$row.iperf1.gbps"]:-} ]] &&
            R["$row.skipped"]=
    done
}

# measure_wrk ROW NAME PORT SECONDS CONNECTIONS [wrk args...]: req/s, p99 and relay CPU per 10k requests.
measure_wrk() {
    local row=$1 name=$2 port=$3 secs=$4 conns=$5; shift 5
    local log="$RUN/$TAG-wrk-$name.log" pids c0 c1 words
    read -ra pids <<<"$(relay_pids | tr '\n' ' ')"
    c0=$(cpu_ticks "${pids[@]}")
    run_bounded "$log" "$secs" wrk -t"$WRK_THREADS" -c"$conns" -d"${secs}s" --timeout 5s \
        -s "$WRK_LUA" "$@" "http://127.0.0.1:$port/file.bin"
    c1=$(cpu_ticks "${pids[@]}")
    if [[ -n $RELAY_PID ]] && ! alive "${pids[@]}"; then put "$row" "$name.failed" "relay exited"; return 1; fi
    words=$(wrk_result "$log") || { put "$row" "$name.failed" "wrk: $(tail -1 "$log")"; return 1; }
    [[ $name == warmup ]] && return 0
    local requests duration_us p99_us errors non2xx kv
    for kv in $words; do local "${kv%%=*}=${kv#*=}"; done
    put "$row" "$name.requests" "$requests"
    put "$row" "$name.rps" "$(wrk_rate "$requests" "$duration_us")"
    put "$row" "$name.p99_ms" "$(calc '%.3f' 'p / 1000' "p=$p99_us")"
    put "$row" "$name.errors" "$((errors + non2xx))"
    if [[ -n $RELAY_PID ]] && (( requests > 0 )); then
        put "$row" "$name.cpu_s" "$(calc '%.2f' '(b - a) / hz' "a=$c0" "b=$c1" "hz=$CLK_TCK")"
        put "$row" "$name.cpu_per_10k" "$(calc '%.3f' '(b - a) / hz / n * 10000' "a=$c0" "b=$c1" "hz=$CLK_TCK" "n=$requests")"
    fi
}

# measure_iperf ROW STREAMS PORT: Gbit/s and relay CPU seconds per Gbit transferred.
measure_iperf() {
    local row=$1 n=$2 port=$3
    local json="$RUN/$TAG-iperf-P$n.json" pids c0 c1 bits bytes
    read -ra pids <<<"$(relay_pids | tr '\n' ' ')"
    c0=$(cpu_ticks "${pids[@]}")
    run_bounded "$json" "$IPERF_SECONDS" iperf3 -c 127.0.0.1 -p "$port" -t "$IPERF_SECONDS" -P "$n" -J --connect-timeout 3000
    c1=$(cpu_ticks "${pids[@]}")
    if [[ -n $RELAY_PID ]] && ! alive "${pids[@]}"; then put "$row" "iperf$n.failed" "relay exited"; return 1; fi
    bits=$(jq -r '.end.sum_received.bits_per_second // empty' "$json" 2>/dev/null)
    bytes=$(jq -r '.end.sum_received.bytes // empty' "$json" 2>/dev/null)
    if [[ -z $bits || -z $bytes || $bytes == 0 ]]; then
        put "$row" "iperf$n.failed" "iperf3: $(jq -r '.error // empty' "$json" 2>/dev/null | head -1)"
        return 1
    fi
    put "$row" "iperf$n.gbps" "$(calc '%.2f' 'b / 1e9' "b=$bits")"
    if [[ -n $RELAY_PID ]]; then
        put "$row" "iperf$n.cpu_per_gbit" "$(calc '%.3f' '(c - a) / hz / (B * 8 / 1e9)' "a=$c0" "c=$c1" "hz=$CLK_TCK" "B=$bytes")"
    fi
}

# ---------------------------------------------------------------------------------------------
# One row
# ---------------------------------------------------------------------------------------------
# start_row ROW: starts the row's relay (RELAY_PID) or sets SKIP; nothing for direct.
start_row() {
    case $1 in
        direct) ;;
        haproxy) start_haproxy tcp ;;
        nginx-stream) nginx_has_stream && start_nginx_stream || SKIP="nginx has no stream module (apt-get install libnginx-mod-stream)" ;;
        edgelb-epoll) start_edgelb epoll ;;
        edgelb-nio) start_edgelb nio ;;
        edgelb-http) start_edgelb epoll HTTP ;;
        haproxy-http) start_haproxy http ;;
        nginx-http) start_nginx_http ;;
        *) SKIP="unknown row (expected one of: $ALL_ROWS)" ;;
    esac
}

# idle_connections_row ROW: memory per relayed connection on a fresh relay of the row, started
# again for it: measured after the loads, it would hide in heap and malloc space they left free.
idle_connections_row() {
    local row=$1
    RELAY_PID=; SKIP=
    TAG="${TAG}-idle"
    start_row "$row"
    [[ -z $SKIP && -n $RELAY_PID ]] || return 0
    if wait_listening "$PORT_RELAY" "$RELAY_PID" "$START_TIMEOUT_MS" >/dev/null; then
        [[ $row == nginx-* ]] && for _ in {1..100}; do [[ -n $(pgrep -P "$RELAY_PID") ]] && break; nap 0.02; done
        nap 1
        measure_idle_connections "$row" "$PORT_RELAY"
    else
        put "$row" idle_conn.failed "the relay did not listen again"
    fi
    stop "$RELAY_PID"; RELAY_PID=
}

run_row() {
    local row=$1 port=$PORT_RELAY iport=$PORT_RELAY_IPERF ms rc
    RELAY_PID=; SKIP=; TAG=$row
    if (( ROUNDS > 1 )); then TAG="$row.r$ROUND"; say "row $row, round $ROUND of $ROUNDS"; else say "row $row"; fi
    case $row in direct) port=$PORT_ORIGIN; iport=$PORT_IPERF ;; esac
    start_row "$row"
    if [[ -n $SKIP ]]; then put "$row" skipped "$SKIP"; say "  skipped: $SKIP"; return; fi
    local wall0 machine0 ours0; wall0=$(now_us); machine0=$(ticks_machine); ours0=$(ticks_ours)

    if [[ -n $RELAY_PID ]]; then
        ms=$(wait_listening "$PORT_RELAY" "$RELAY_PID" "$START_TIMEOUT_MS" "$SPAWN_US"); rc=$?
        if (( rc != 0 )); then
            local why="not listening within ${START_TIMEOUT_MS} ms"
            (( rc == 2 )) && why="exited before listening"
            local logf
            for logf in "$RUN/$TAG.log" "$RUN/$TAG.out" ""; do [[ -s $logf ]] && break; done
            [[ -n $logf ]] && why+=": $(grep -v '^\s*$' "$logf" | tail -1 | sed "s|$RUN/||g" | cut -c1-140)"
            stop "$RELAY_PID"; RELAY_PID=
            put "$row" skipped "$why"; say "  skipped: $why"; return
        fi
        put "$row" listen_ms "$ms"
        if [[ $row == edgelb-* ]] && grep -qiE '\[(warning|error)\]\[cds' "$RUN/$TAG.log"; then
            say "  warning: the JVM did not use its CDS archive as asked: $(grep -m1 -iE '\[cds' "$RUN/$TAG.log")"
        fi
        if ! is_http_row "$row"; then
            wait_listening "$PORT_RELAY_IPERF" "$RELAY_PID" "$START_TIMEOUT_MS" >/dev/null ||
                { stop "$RELAY_PID"; RELAY_PID=; put "$row" skipped "iperf listener not up"; return; }
        fi
        # nginx forks its worker after opening the sockets: wait for it before reading pids.
        if [[ $row == nginx-* ]]; then
            for _ in {1..100}; do [[ -n $(pgrep -P "$RELAY_PID") ]] && break; nap 0.02; done
        fi
        local pids; read -ra pids <<<"$(relay_pids | tr '\n' ' ')"
        put "$row" pids "${pids[*]}"
        # Idle: listening, one connection served (the probe above), nothing else yet.
        nap 1
        put "$row" idle_rss_mib "$(calc '%.1f' 'k / 1024' "k=$(status_kb VmRSS "${pids[@]}")")"
        put "$row" idle_anon_mib "$(calc '%.1f' 'k / 1024' "k=$(status_kb RssAnon "${pids[@]}")")"
        start_sampler "$RUN/$TAG-rssanon-peak" "${pids[@]}"
    fi

    # Each load runs only while the relay lives; a dead relay fails the rest of the row.
    up() { [[ -z $RELAY_PID ]] || alive "$RELAY_PID"; }
    (( WARMUP_SECONDS > 0 )) && up && measure_wrk "$row" warmup "$port" "$WARMUP_SECONDS" "${CONNECTION_COUNTS[0]}"
    if ! is_http_row "$row"; then
        up && measure_iperf "$row" 1 "$iport"
        up && measure_iperf "$row" 4 "$iport"
    fi
    local c
    for c in "${CONNECTION_COUNTS[@]}"; do
        up && measure_wrk "$row" "keepalive$c" "$port" "$WRK_SECONDS" "$c"
        up && measure_wrk "$row" "close$c" "$port" "$WRK_SECONDS" "$c" -H "Connection: close"
    done
    put "$row" others_cores "$(calc '%.2f' '((m1 - m0) - (o1 - o0)) / hz / ((w1 - w0) / 1e6)' \
        "m0=$machine0" "m1=$(ticks_machine)" "o0=$ours0" "o1=$(ticks_ours)" "hz=$CLK_TCK" "w0=$wall0" "w1=$(now_us)")"

    if [[ -n $RELAY_PID ]]; then
        if alive "$RELAY_PID"; then
            put "$row" vmhwm_mib "$(calc '%.1f' 'k / 1024' "k=$(status_kb VmHWM "${pids[@]}")")"
            stop "$SAMPLER_PID"
            [[ -s $RUN/$TAG-rssanon-peak ]] &&
                put "$row" rssanon_mib "$(calc '%.1f' 'k / 1024' "k=$(<"$RUN/$TAG-rssanon-peak")")"
        else
            stop "$SAMPLER_PID"
            put "$row" died "relay process exited during the run (see $TAG.log)"
        fi
        stop "$RELAY_PID"; RELAY_PID=
        # An HTTP proxy connects to the origin only when a request comes: no idle relayed connections.
        (( IDLE_CONNECTIONS > 0 )) && ! is_http_row "$row" && idle_connections_row "$row"
    fi
}

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
rps_cell() {  # req/s with the error count when there were errors
    local v e; v=$(cell "$1" "$2.rps"); e=$(get "$1" "$2.errors")
    [[ -n $e && $e != 0 ]] && v+=" (${e} err)"
    echo "$v"
}
table() {
    echo "| row | iperf3 1 stream Gbit/s | iperf3 4 streams Gbit/s | CPU s/Gbit (1 / 4) | idle RSS / private MiB | peak RSS MiB | peak private RSS MiB | per idle connection KiB (RSS / private) | listening after ms |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    local row s
    for row in $ROWS; do
        s=$(get "$row" skipped)
        if [[ -n $s ]]; then
            echo "| $row | skipped: $s | | | | | | | |"; continue
        fi
        local note=""; [[ -n $(get "$row" died) ]] && note=" (died)"
        printf '| %s | %s | %s | %s / %s | %s / %s | %s | %s | %s / %s | %s |\n' \
            "$row$note" "$(cell "$row" iperf1.gbps)" "$(cell "$row" iperf4.gbps)" \
            "$(cell "$row" iperf1.cpu_per_gbit)" "$(cell "$row" iperf4.cpu_per_gbit)" \
            "$(cell "$row" idle_rss_mib)" "$(cell "$row" idle_anon_mib)" \
            "$(cell "$row" vmhwm_mib)" "$(cell "$row" rssanon_mib)" \
            "$(cell "$row" idle_conn.kib_each)" "$(cell "$row" idle_conn.anon_kib_each)" "$(cell "$row" listen_ms)"
    done
    echo
    echo "| row | connections | keep-alive req/s | keep-alive p99 ms | keep-alive CPU s/10k req | close req/s | close p99 ms | close CPU s/10k req |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    local c
    for row in $ROWS; do
        [[ -n $(get "$row" skipped) ]] && continue
        for c in "${CONNECTION_COUNTS[@]}"; do
            printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$row" "$c" \
                "$(rps_cell "$row" "keepalive$c")" "$(cell "$row" "keepalive$c.p99_ms")" "$(cell "$row" "keepalive$c.cpu_per_10k")" \
                "$(rps_cell "$row" "close$c")" "$(cell "$row" "close$c.p99_ms")" "$(cell "$row" "close$c.cpu_per_10k")"
        done
    done
}

# ratio A B: A / B with two decimals, empty unless both are positive numbers.
ratio() {
    [[ $1 =~ ^[0-9.]+$ && $2 =~ ^[0-9.]+$ ]] || return 0
    calc '%.2f' '(b > 0 ? a / b : -1)' "a=$1" "b=$2" | grep -v '^-'
}
# judge VALUE LIMIT SUFFIX: "✓ VALUE" when VALUE <= LIMIT, "✗ VALUE" when not, "?" without both.
# Targets for the edgelb rows; relative ones show edgelb / HAProxy of the same run.
targets() {
    local rows=() row
    for row in $ROWS; do [[ $row == edgelb-* && $row != edgelb-http && -z $(get "$row" skipped) ]] && rows+=("$row"); done
    http_targets
    ((${#rows[@]} > 0)) || return 0
    echo
    local header="| target |" rule="|---|"
    for row in "${rows[@]}"; do header+=" $row |"; rule+=":-:|"; done
    echo "$header"; echo "$rule"
    local c first=${CONNECTION_COUNTS[0]}
    for c in "${CONNECTION_COUNTS[@]}"; do
        target_line "CPU per new connection (close), $c conns ≤ 1 × HAProxy" vs_haproxy "close$c.cpu_per_10k" 1
        target_line "CPU per keep-alive request, $c conns ≤ 1 × HAProxy" vs_haproxy "keepalive$c.cpu_per_10k" 1
    done
    target_line "keep-alive p99, $first conns ≤ 1.2 × HAProxy" vs_haproxy "keepalive$first.p99_ms" 1.2
    for c in "${CONNECTION_COUNTS[@]:1}"; do
        target_line "no p99 cliff: keep-alive p99, $c conns ≤ 1.2 × HAProxy" vs_haproxy "keepalive$c.p99_ms" 1.2
    done
    target_line "peak RSS ≤ 48 MiB" at_most vmhwm_mib 48 " MiB"
    target_line "peak private RSS ≤ 24 MiB" at_most rssanon_mib 24 " MiB"
    target_line "idle RSS ≤ 40 MiB" at_most idle_rss_mib 40 " MiB"
    target_line "RSS per idle relayed connection ≤ 1.2 × HAProxy" vs_haproxy idle_conn.kib_each 1.2
    target_line "2 event loops on 2 cores: new connections/s ≥ 1.8 × 1 loop" scaling
    target_line "no regression: CPU per Gbit, 1 stream ≤ 1 × HAProxy" vs_haproxy iperf1.cpu_per_gbit 1
    target_line "no regression: CPU per Gbit, 4 streams ≤ 1 × HAProxy" vs_haproxy iperf4.cpu_per_gbit 1
    target_line "listening within 1000 ms" at_most listen_ms 1000 " ms"
}
# http_targets: issue 15's, for edgelb-http against haproxy-http of the same run.
http_targets() {
    [[ " $ROWS " == *" edgelb-http "* && -z $(get edgelb-http skipped) ]] || return 0
    local rows=(edgelb-http) c
    echo
    echo "| HTTP target | edgelb-http |"
    echo "|---|:-:|"
    for c in "${CONNECTION_COUNTS[@]}"; do
        target_line "HTTP CPU per keep-alive request, $c conns ≤ 1.5 × HAProxy mode http" vs_haproxy_http "keepalive$c.cpu_per_10k" 1.5
        target_line "HTTP CPU per request with Connection: close, $c conns ≤ 1.5 × HAProxy mode http" vs_haproxy_http "close$c.cpu_per_10k" 1.5
        target_line "HTTP keep-alive p99, $c conns ≤ 1.5 × HAProxy mode http" vs_haproxy_http "keepalive$c.p99_ms" 1.5
    done
    target_line "HTTP peak RSS ≤ the TCP relay's 48 MiB + 16 MiB" at_most vmhwm_mib 64 " MiB"
}
vs_haproxy_http() { judge "$(ratio "$(get "$1" "$2")" "$(get haproxy-http "$2")")" "$3" "×"; }
# target_line LABEL CHECK ARGS...: one table line, CHECK ROW ARGS... printing each cell.
target_line() {
    local label=$1 check=$2 out row; shift 2
    out="| $label |"
    for row in "${rows[@]}"; do out+=" $("$check" "$row" "$@") |"; done
    echo "$out"
}
# scaling ROW: not measured here. The relay's two cores need two more for the load (wrk and the
# origin) or the load side is what the figure measures; this bench pins the relay to one core.
scaling() { echo "? needs 4+ cores, not measured"; }
vs_haproxy() { judge "$(ratio "$(get "$1" "$2")" "$(get haproxy "$2")")" "$3" "×"; }
at_most() { judge "$(get "$1" "$2")" "$3" "$4"; }

machine() {
    local jdk
    jdk=$("$JAVA" -version 2>&1 | sed -n '2p' || true)
    machine_line
    echo "- JDK: ${jdk:-none}"
    echo "- tools: $(haproxy -v 2>/dev/null | head -1 | awk '{print "HAProxy " $3}'), $(nginx -v 2>&1 | sed 's|.*/|nginx |'), $(wrk -v 2>&1 | head -1 | awk '{print $1 " " $2}'), $(iperf3 -v 2>/dev/null | head -1 | awk '{print $1 " " $2}')"
    echo "- rounds: $ROUNDS (figures are medians over rounds when more than 1)"
    echo "- load: wrk -t$WRK_THREADS with ${CONNECTION_COUNTS[*]} connections, ${WRK_SECONDS} s per run after ${WARMUP_SECONDS} s warm-up, ${FILE_BYTES}-byte file; iperf3 ${IPERF_SECONDS} s per run"
    if [[ $PIN == 1 ]]; then
        echo "- pinning: relay on CPU $RELAY_CPU; wrk, iperf3 client and server, origin nginx on CPU $LOAD_CPU"
    else
        echo "- pinning: none"
    fi
    [[ $NICE != 0 ]] && echo "- niceness of every benchmark process: $NICE"
    if [[ " $ROWS " == *" edgelb-"* && -f $AGENT_JAR ]]; then
        echo "- edgelb: \`${AGENT_JAR#"$REPO_DIR"/}\` (sha1 $(sha1sum <"$AGENT_JAR" | cut -c1-12), $(date -r "$AGENT_JAR" '+%Y-%m-%d %H:%M'))"
    fi
    echo "- edgelb JVM: \`$EDGELB_JVM_FLAGS${CDS_FLAGS[*]:+ ${CDS_FLAGS[*]}}\`, env \`$EDGELB_ENV\`, workers $EDGELB_WORKERS"
    echo "- load average before / after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)"
    local row p line=""
    for row in $ROWS; do p=$(get "$row" others_cores); [[ -n $p ]] && line+="${line:+, }$row $p"; done
    [[ -n $line ]] && echo "- noise: cores used by other processes on the machine during each row: $line"
}


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------
main() {
    check_tools
    check_ports
    RUN=$BENCH_DIR/results/$(date +%Y%m%d-%H%M%S)
    mkdir -p "$RUN" || die "cannot create $RUN"
    ln -sfn "$(basename "$RUN")" "$BENCH_DIR/results/latest"
    WORK=$(mktemp -d /tmp/edgelb-bench.XXXXXX)
    mkfifo "$WORK/nap.fifo"
    exec {SLEEP_FD}<>"$WORK/nap.fifo"
    : >"$RUN/results.tsv"
    LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
    say "results in $RUN"
    write_wrk_lua
    start_origin
    [[ " $ROWS " == *" edgelb-"* ]] && prepare_edgelb

    local row
    for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
        for row in $ROWS; do run_row "$row"; done
    done
    summarise

    {
        echo "Run $(date -u '+%Y-%m-%d %H:%M UTC'), raw results in \`bench/results/$(basename "$RUN")/\`:"
        echo
        machine
        echo
        table
        targets
    } >"$RUN/table.md"
    table | tee "$RUN/table-only.md"
    targets
    if [[ $UPDATE_README == auto ]]; then UPDATE_README=$([[ $ROWS == "$ALL_ROWS" ]] && echo 1 || echo 0); fi
    if [[ $UPDATE_README == 1 ]]; then update_readme "$RUN/table.md" relay.sh "Latest results"; say "bench/README.md updated"; fi
}

main
