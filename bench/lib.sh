# lib.sh: what the bench scripts share — messages, arithmetic, sleeping without a child, and
# processes that are always ended however the script exits. Sourced by relay.sh and packages.sh
# (set -uo pipefail there); run_bounded uses the caller's PIN_LOAD.

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
