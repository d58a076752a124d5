# lib.sh: what the bench scripts share — messages, arithmetic, sleeping without a child,
# processes that are always ended however the script exits, /proc readings, pinning, the origin
# nginx and iperf3 server, wrk's result line, and the report's cells and README block. Sourced by
# relay.sh, soak.sh, profile.sh and packages.sh (set -uo pipefail there) after their settings: the
# functions read WORK, RUN, PORT_*, PIN*, FILE_BYTES and R from the caller.

BENCH_NAME=${BENCH_NAME:-$(basename "$0")}
say() { printf '[%s %(%H:%M:%S)T] %s\n' "$BENCH_NAME" -1 "$*" >&2; }
die() { say "error: $*"; exit 1; }
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }
# calc FORMAT EXPR [name=value...]: floating point with awk, "C" locale.
calc() {
    local fmt=$1 expr=$2; shift 2
    local args=() kv
    for kv in "$@"; do args+=(-v "$kv"); done
    LC_ALL=C awk "${args[@]}" "BEGIN { printf \"$fmt\", $expr }"
}
# Sleep without a child process (a read that times out on a private FIFO).
SLEEP_FD=
nap() { if [[ -n $SLEEP_FD ]]; then read -r -t "$1" -u "$SLEEP_FD" _; else sleep "$1"; fi; true; }

# ---------------------------------------------------------------------------------------------
# Command line: every script takes its settings from the environment and no arguments
# ---------------------------------------------------------------------------------------------
# print_usage SCRIPT FIRST LAST END_REGEX [SKIP...]: lines FIRST..LAST of SCRIPT's header comment,
# then every setting (NAME=${...}) between its "# Settings" line and the line matching END_REGEX,
# with its current value, except the SKIP names.
print_usage() {
    local script=$1 first=$2 last=$3 end=$4 v; shift 4
    sed -n "${first},${last}p" "$script" | sed 's/^# \{0,1\}//'
    echo
    echo "Settings (environment, current value):"
    sed -n "/^# Settings/,/$end/p" "$script" | grep -E '^[A-Z_]+=' | sed 's/=.*//' |
        grep -vxF -e BENCH_DIR -e REPO_DIR "${@/#/-e}" | while read -r v; do printf '  %-20s %s\n' "$v" "${!v}"; done
}
# no_arguments ARGS...: refuse arguments (settings are environment variables).
no_arguments() {
    [[ $# -eq 0 ]] && return 0
    echo "$BENCH_NAME: no arguments expected (settings are environment variables; -h lists them)" >&2
    exit 2
}
# set_ports: the ports of the bench topology, all from PORT_BASE (below the ephemeral range):
# relay http, +1 origin, +2 iperf3 server, +3 relay to iperf3, +9 agent API.
set_ports() {
    PORT_RELAY=$PORT_BASE
    PORT_ORIGIN=$((PORT_BASE + 1))
    PORT_IPERF=$((PORT_BASE + 2))
    PORT_RELAY_IPERF=$((PORT_BASE + 3))
    PORT_API=$((PORT_BASE + 9))
}

# ---------------------------------------------------------------------------------------------
# Processes: every one we start is recorded and ended on exit, however we exit.
# ---------------------------------------------------------------------------------------------
PIDS=()
LAST_PID=
WORK=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    local deadline=$(( $(now_us) + 3000000 ))
    for pid in "${PIDS[@]}"; do
        while kill -0 "$pid" 2>/dev/null && (( $(now_us) < deadline )); do nap 0.05; done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    [[ -n $WORK && -d $WORK ]] && rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

# spawn LOG CMD...: start CMD in the background; its pid is LAST_PID (taskset/env/timeout exec or
# forward signals, so the pid is the program's own or one that passes TERM on).
SPAWN_US=
spawn() {
    local log=$1; shift
    SPAWN_US=$(now_us)
    "$@" >"$log" 2>&1 </dev/null &
    LAST_PID=$!
    PIDS+=("$LAST_PID")
}
forget() {
    local keep=() p
    for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}
# stop PID [SECONDS]: TERM, then KILL after SECONDS (3); reaps it, forgets it, returns its status.
stop() {
    local pid=$1 deadline=$(( $(now_us) + ${2:-3} * 1000000 )) rc
    kill -TERM "$pid" 2>/dev/null
    while kill -0 "$pid" 2>/dev/null && (( $(now_us) < deadline )); do nap 0.05; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null; rc=$?
    forget "$pid"
    return "$rc"
}
# run_bounded LOG SECONDS CMD...: run a client on the load core, killed after SECONDS + 30.
run_bounded() {
    local log=$1 secs=$2; shift 2
    spawn "$log" "${PIN_LOAD[@]}" timeout -k 5 $((secs + 30)) "$@"
    local pid=$LAST_PID rc
    wait "$pid"; rc=$?
    forget "$pid"
    return "$rc"
}

# wait_listening PORT PID TIMEOUT_MS [T0_US]: prints ms from T0 (default: now) until PORT accepts
# a connection; returns 1 on time-out, 2 if PID died first.
wait_listening() {
    local port=$1 pid=$2 t0=${4:-$(now_us)} deadline
    deadline=$(( $(now_us) + $3 * 1000 ))
    while (( $(now_us) < deadline )); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            calc '%.0f' '(t - s) / 1000' "t=$(now_us)" "s=$t0"; return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 2
        nap 0.005
    done
    return 1
}

# ---------------------------------------------------------------------------------------------
# /proc readings, ports and pinning (callers set PORT_*, PIN, RELAY_CPU, LOAD_CPU)
# ---------------------------------------------------------------------------------------------
# status_kb FIELD PID...: a /proc/PID/status field (kB) summed over the pids (0 for a gone pid).
status_kb() {
    local field=$1 sum=0 pid v; shift
    for pid in "$@"; do
        v=$(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$pid/status" 2>/dev/null)
        sum=$(( sum + ${v:-0} ))
    done
    echo "$sum"
}
# start_sampler FILE PID...: samples the pids' summed RssAnon every 200 ms and keeps the peak in
# FILE; its pid is SAMPLER_PID (ended on exit with the others).
SAMPLER_PID=
start_sampler() {
    local out=$1; shift
    local pids=("$@")
    (
        exec {fd}<>"$WORK/nap.fifo"
        peak=0
        while :; do
            v=$(status_kb RssAnon "${pids[@]}")
            (( v > peak )) && { peak=$v; echo "$peak" >"$out"; }
            read -r -t 0.2 -u "$fd" _
        done
    ) &
    SAMPLER_PID=$!
    PIDS+=("$SAMPLER_PID")
}
check_ports() {
    local p busy=()
    for p in "$PORT_RELAY" "$PORT_ORIGIN" "$PORT_IPERF" "$PORT_RELAY_IPERF" "$PORT_API"; do
        [[ -n $(ss -Htln "sport = :$p") ]] && busy+=("$p")
    done
    ((${#busy[@]} == 0)) || die "ports in use: ${busy[*]} (set PORT_BASE to move them all)"
}
# NCPU, PIN (auto: pin when there are 2+ cores), and the command prefixes PIN_RELAY / PIN_LOAD.
NCPU=$(nproc)
set_pinning() {
    if [[ $PIN == auto ]]; then PIN=$([[ $NCPU -ge 2 ]] && echo 1 || echo 0); fi
    if [[ $PIN == 1 ]]; then
        PIN_RELAY=(taskset -c "$RELAY_CPU"); PIN_LOAD=(taskset -c "$LOAD_CPU")
    else
        PIN_RELAY=(); PIN_LOAD=()
    fi
}
# machine_line: the "- machine: CPU, cores, memory, kernel" line every report starts with.
machine_line() {
    echo "- machine: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $NCPU cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
}

# ---------------------------------------------------------------------------------------------
# Shared fixtures: the origin (nginx, static file) and the iperf3 server, both on the load core
# ---------------------------------------------------------------------------------------------
nginx_common() {  # nginx_common NAME ERROR_LOG: the main-context lines every nginx of ours shares
    cat <<NGINX
worker_processes 1;
daemon off;
master_process on;
pid $WORK/$1.pid;
error_log $2 warn;
worker_rlimit_nofile 20000;
events { worker_connections 12288; }
NGINX
}
# start_origin: nginx serving a FILE_BYTES file on PORT_ORIGIN and iperf3 -s on PORT_IPERF;
# sets ORIGIN_PID and IPERF_PID.
ORIGIN_PID=
IPERF_PID=
start_origin() {
    mkdir -p "$WORK/www" "$WORK/origin-tmp"
    head -c "$FILE_BYTES" /dev/urandom >"$WORK/www/file.bin"
    chmod -R a+rX "$WORK"
    { nginx_common origin "$RUN/origin-error.log"; cat <<NGINX
http {
    access_log off;
    sendfile on;
    tcp_nodelay on;
    keepalive_timeout 60s;
    keepalive_requests 100000000;
    default_type application/octet-stream;
    client_body_temp_path $WORK/origin-tmp/body;
    proxy_temp_path $WORK/origin-tmp/proxy;
    fastcgi_temp_path $WORK/origin-tmp/fastcgi;
    uwsgi_temp_path $WORK/origin-tmp/uwsgi;
    scgi_temp_path $WORK/origin-tmp/scgi;
    server {
        listen 127.0.0.1:$PORT_ORIGIN backlog=4096;
        root $WORK/www;
    }
}
NGINX
    } >"$RUN/origin-nginx.conf"
    spawn "$RUN/origin.out" "${PIN_LOAD[@]}" nginx -e "$RUN/origin-error.log" -p "$WORK" -c "$RUN/origin-nginx.conf"
    ORIGIN_PID=$LAST_PID
    wait_listening "$PORT_ORIGIN" "$ORIGIN_PID" 5000 >/dev/null || die "origin nginx did not start: $(tail -3 "$RUN/origin.out" "$RUN/origin-error.log")"
    spawn "$RUN/iperf3-server.log" "${PIN_LOAD[@]}" iperf3 -s -B 127.0.0.1 -p "$PORT_IPERF"
    IPERF_PID=$LAST_PID
    wait_listening "$PORT_IPERF" "$IPERF_PID" 5000 >/dev/null || die "iperf3 server did not start: $(tail -3 "$RUN/iperf3-server.log")"
}
# bench_uci FILE STATE_DIR WORKERS [PROTOCOL]: the agent's UCI configuration of the bench topology:
# a listener on PORT_RELAY to the origin (PROTOCOL HTTP: an HTTP listener adding X-Forwarded-For,
# and an HTTP pool), one on PORT_RELAY_IPERF to the iperf3 server (always TCP).
bench_uci() {
    local http_listener="" http_pool=""
    if [[ ${4:-TCP} == HTTP ]]; then
        http_listener=$'\toption protocol \'HTTP\'\n\tlist insert_headers \'X-Forwarded-For\''
        http_pool=$'\toption protocol \'HTTP\''
    fi
    cat >"$1" <<EOF
config agent 'main'
	option api '127.0.0.1:$PORT_API'
	option state_dir '$2'
	option workers '$3'

config listener 'bench'
	option address '127.0.0.1'
	option port '$PORT_RELAY'
	option pool 'origin'
$http_listener

config pool 'origin'
$http_pool
	option lb_algorithm 'ROUND_ROBIN'

config member 'origin_1'
	option pool 'origin'
	option address '127.0.0.1'
	option protocol_port '$PORT_ORIGIN'

config listener 'iperf'
	option address '127.0.0.1'
	option port '$PORT_RELAY_IPERF'
	option pool 'iperf_server'

config pool 'iperf_server'
	option lb_algorithm 'ROUND_ROBIN'

config member 'iperf_1'
	option pool 'iperf_server'
	option address '127.0.0.1'
	option protocol_port '$PORT_IPERF'
EOF
}
# write_wrk_lua: WRK_LUA, a wrk script whose last line is "RESULT key=value ..." (requests,
# duration_us, p50_us, p99_us, errors, non2xx).
WRK_LUA=
write_wrk_lua() {
    WRK_LUA=$WORK/report.lua
    cat >"$WRK_LUA" <<'LUA'
-- One machine-readable line at the end of a wrk run.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
LUA
}

# wrk_result LOG: the key=value words of the last RESULT line of a wrk log (see write_wrk_lua);
# status 1 when wrk printed none. The caller declares them: for kv in $words; do local "${kv%%=*}=${kv#*=}"; done
wrk_result() {
    local line; line=$(grep '^RESULT ' "$1" | tail -1)
    [[ -n $line ]] || return 1
    echo "${line#RESULT }"
}
# wrk_rate REQUESTS DURATION_US: requests per second, whole.
wrk_rate() { calc '%.0f' 'n / (d / 1e6)' "n=$1" "d=$2"; }

# ---------------------------------------------------------------------------------------------
# Results (R["row.key"], filled by the script's put) and the report
# ---------------------------------------------------------------------------------------------
get() { echo "${R["$1.$2"]:-}"; }
cell() {  # cell ROW KEY: the value, or "fail" when the measurement behind it failed, else "—"
    local v; v=$(get "$1" "$2")
    if [[ -n $v ]]; then echo "$v"; return; fi
    local m=${2%%.*}
    [[ -n $(get "$1" "$m.failed") ]] && { echo fail; return; }
    echo "—"
}
judge() {  # judge VALUE LIMIT SUFFIX: ✓ when VALUE <= LIMIT, ✗ when not, ? when either is no number
    [[ $1 =~ ^[0-9.]+$ && $2 =~ ^[0-9.]+$ ]] || { echo "?"; return; }
    if [[ $(calc '%d' '(a <= b)' "a=$1" "b=$2") == 1 ]]; then echo "✓ $1$3"; else echo "✗ $1$3"; fi
}
# update_readme BLOCK SCRIPT HEADING: replaces the "SCRIPT results" block of bench/README.md with
# the file BLOCK (appended under "## HEADING" when the README has no such block yet).
update_readme() {
    local readme=$BENCH_DIR/README.md block=$1 heading=$3
    local begin="<!-- $2 results: begin -->" end="<!-- $2 results: end -->"
    if [[ ! -f $readme ]] || ! grep -qF "$begin" "$readme"; then
        printf '\n## %s\n\n%s\n%s\n' "$heading" "$begin" "$end" >>"$readme"
    fi
    local tmp; tmp=$(mktemp "$BENCH_DIR/.README.XXXXXX")
    awk -v b="$begin" -v e="$end" -v f="$block" '
        $0 == b { print; while ((getline l < f) > 0) print l; skip = 1; next }
        $0 == e { skip = 0 }
        !skip { print }' "$readme" >"$tmp" && mv "$tmp" "$readme"
    chmod 644 "$readme"
}
