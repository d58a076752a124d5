#!/usr/bin/env bash
# packages.sh: what edgelb's OpenWrt packages cost a router: the size of each package, and the
# agent's memory and start-up when it runs as procd runs it, from the packaged runtime with the
# launcher's flags (/usr/sbin/edgelb run), on 127.0.0.1 only. See bench/README.md for the method.
#
# Usage: bench/packages.sh [-h]      (every setting is an environment variable, listed below)
#
# stdout gets markdown tables and nothing else; progress goes to stderr. Raw results (packages,
# configs, agent logs, smaps and NMT readings, results.tsv, table.md) go to
# bench/results/packages-<stamp>/. A run with the default VARIANTS (or UPDATE_README=1) rewrites
# the packages block of bench/README.md.

set -uo pipefail

# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
DEFAULT_VARIANTS=shipped

DIST=${DIST:-}                          # built packages to measure; empty: build them into the results
JDK=${JDK:-}                            # build.sh --jdk: the JDK the runtime is jlink'd from (empty: its default)
BUILD=${BUILD:-1}                       # 0: never run maven (the agent jar must exist when DIST is empty)
VARIANTS=${VARIANTS:-$DEFAULT_VARIANTS} # launcher as shipped, or with java_opts added (-h lists them)
EXTRA_JAVA_OPTS=${EXTRA_JAVA_OPTS:-}    # added to every variant's java_opts
STARTS=${STARTS:-5}                     # timed starts per variant once the CDS archives exist (median)
IDLE_SECONDS=${IDLE_SECONDS:-5}         # settle time before an idle reading
WARMUP_SECONDS=${WARMUP_SECONDS:-2}     # wrk before the measured loads
LOAD_SECONDS=${LOAD_SECONDS:-5}         # each measured load: iperf3 -P1, -P4, wrk keep-alive, wrk close
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
FILE_BYTES=${FILE_BYTES:-1024}          # size of the static file the origin serves
PORT_BASE=${PORT_BASE:-29180}           # relay http; +1 origin; +2 iperf3 server; +3 relay iperf; +9 agent api
PIN=${PIN:-auto}                        # auto: pin when there are 2+ cores; 1 force; 0 never
RELAY_CPU=${RELAY_CPU:-0}               # the agent runs alone on this core
LOAD_CPU=${LOAD_CPU:-1}                 # wrk, iperf3 (both ends) and the origin share this one
NMT=${NMT:-1}                           # 1: one more run of the first variant with NMT, read with jcmd
JCMD=${JCMD:-jcmd}                      # of a JDK of the runtime's version (attaches to the agent)
START_TIMEOUT_MS=${START_TIMEOUT_MS:-60000}   # the first start also writes the JDK's CDS archive
UPDATE_README=${UPDATE_README:-auto}    # auto: only with the default VARIANTS; 1 always; 0 never

# java_opts (the agent section's option, EDGELB_JAVA_OPTS here) and environment of each variant.
# The launcher puts java_opts last, so each one overrides the launcher's own flag of that name.
variant() {
    case $1 in
        shipped)   echo "|" ;;                                                        # the launcher as it is
        reloc0)    echo "-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0|" ;; # CDS mapped where dumped
        reloc1)    echo "-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=1|" ;; # CDS always relocated
        unpooled)  echo "-Dio.netty.allocator.type=unpooled|" ;;
        adaptive)  echo "-Dio.netty.allocator.type=adaptive|" ;;                      # netty 4.2's default
        c1-one)    echo "-XX:CICompilerCount=1|" ;;
        xss256k)   echo "-Xss256k|" ;;
        heap16)    echo "-Xmx16m|" ;;
        arena2)    echo "|MALLOC_ARENA_MAX=2" ;;                                      # glibc only; musl has no arenas
        bench)     echo "$(grep -v '^#' "$BENCH_DIR/edgelb-jvm.flags" | tr -s ' \n' ' ' | sed 's/ $//')|MALLOC_ARENA_MAX=2" ;;
        *) return 1 ;;
    esac
}
ALL_VARIANTS="shipped reloc0 reloc1 unpooled adaptive c1-one xss256k heap16 arena2 bench"

usage() {
    print_usage "${BASH_SOURCE[0]}" 2 11 '^# java_opts' DEFAULT_VARIANTS
    echo
    echo "Variants (java_opts | environment):"
    local v; for v in $ALL_VARIANTS; do printf '  %-10s %s\n' "$v" "$(variant "$v")"; done
}
. "$BENCH_DIR/lib.sh"
if [[ ${1:-} == -h || ${1:-} == --help ]]; then usage; exit 0; fi
no_arguments "$@"
set_ports
for v in $VARIANTS; do variant "$v" >/dev/null || { echo "packages.sh: unknown variant '$v' (-h lists them)" >&2; exit 2; }; done

mib() { calc '%.1f' 'b / 1048576' "b=$1"; }

# ---------------------------------------------------------------------------------------------
# /proc readings
# ---------------------------------------------------------------------------------------------
pss_kb() { awk '$1 == "Pss:" { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null; }
# cpu_ms PID: CPU time of the process and of the children it waited for (the launcher's), in ms.
CLK_TCK=$(getconf CLK_TCK)
cpu_ms() {
    local stat rest f
    { stat=$(<"/proc/$1/stat"); } 2>/dev/null || return 0
    rest=${stat##*) }
    read -ra f <<<"$rest"
    echo $(( (f[11] + f[12] + f[13] + f[14]) * 1000 / CLK_TCK ))
}
# smaps_groups PID: resident and anonymous (private, not backed by a file) kB per kind of mapping.
smaps_groups() {
    awk '
        /^[0-9a-f]+-[0-9a-f]+ / {
            name = (NF >= 6) ? $6 : ""
            if (name ~ /libjvm\.so$/) g = "libjvm.so"
            else if (name ~ /\.jsa$/) g = "CDS archives (.jsa)"
            else if (name ~ /\/lib\/modules$/) g = "lib/modules"
            else if (name ~ /\.so[.0-9]*$/) g = "other shared libraries"
            else if (name ~ /\.jar$/) g = "agent jar"
            else if (name == "[heap]") g = "[heap] (brk malloc)"
            else if (name ~ /^\[stack/) g = "[stack]"
            else if (name == "") g = "anonymous (Java heap, metaspace, code, stacks, malloc arenas)"
            else g = "other files"
            next
        }
        $1 == "Rss:" { rss[g] += $2 }
        $1 == "Anonymous:" { anon[g] += $2 }
        END { for (g in rss) if (rss[g] > 0) printf "%s\t%d\t%d\n", g, rss[g], anon[g] }' "/proc/$1/smaps" | sort -t$'\t' -k2,2nr
}


# ---------------------------------------------------------------------------------------------
# Tools, ports, pinning
# ---------------------------------------------------------------------------------------------
check_tools() {
    local missing=() t
    declare -A pkg=([nginx]=nginx [wrk]=wrk [iperf3]=iperf3 [jq]=jq [taskset]=util-linux [ss]=iproute2
        [timeout]=coreutils [tar]=tar)
    for t in "${!pkg[@]}"; do command -v "$t" >/dev/null || missing+=("${pkg[$t]}"); done
    ((${#missing[@]} == 0)) || die "missing tools; install them with: apt-get install ${missing[*]}"
    if [[ $NMT == 1 ]] && ! command -v "$JCMD" >/dev/null; then
        say "no $JCMD: no NMT reading (JCMD=path/to/jcmd of a JDK of the runtime's version)"; NMT=0
    fi
}
set_pinning

# ---------------------------------------------------------------------------------------------
# Results: R["variant.key"], and results.tsv
# ---------------------------------------------------------------------------------------------
declare -A R=()
put() { R["$1.$2"]=$3; printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$RUN/results.tsv"; }

# ---------------------------------------------------------------------------------------------
# Packages: built (or given), sized, installed into staging roots as opkg unpacks them
# ---------------------------------------------------------------------------------------------
IPK_AGENT=
IPK_RUNTIME=
first() { [[ -f $1 ]] && echo "$1"; true; }  # first GLOB: the first file a glob matched, or nothing
prepare_packages() {
    if [[ -z $DIST ]]; then
        local jar=$REPO_DIR/agent/target/edgelb-agent.jar
        if [[ ! -f $jar ]]; then
            [[ $BUILD == 1 ]] || die "${jar#"$REPO_DIR"/} is missing and BUILD=0"
            say "building the agent (mvn -q -DskipTests package; log: $RUN/build.log)"
            (cd "$REPO_DIR" && mvn -q -DskipTests package) >"$RUN/build.log" 2>&1 || die "maven failed: see $RUN/build.log"
        fi
        DIST=$RUN/dist
        say "building the packages (packaging/openwrt/build.sh; log: $RUN/build-packages.log)"
        "$REPO_DIR/packaging/openwrt/build.sh" --out "$DIST" --packages edgelb,runtime ${JDK:+--jdk "$JDK"} \
            >"$RUN/build-packages.log" 2>&1 || die "build.sh failed: $(tail -3 "$RUN/build-packages.log")"
    fi
    IPK_AGENT=$(first "$DIST"/edgelb_*.ipk)
    IPK_RUNTIME=$(first "$DIST"/edgelb-runtime_*.ipk)
    [[ -f $IPK_AGENT && -f $IPK_RUNTIME ]] || die "no edgelb_*.ipk and edgelb-runtime_*.ipk in $DIST"
}

# install ROOT: both packages unpacked into ROOT, as opkg does (outer tar, then data.tar.gz).
install_into() {
    mkdir -p "$1"
    local ipk
    for ipk in "$IPK_AGENT" "$IPK_RUNTIME"; do
        tar -xzOf "$ipk" ./data.tar.gz | tar -xzf - -C "$1" || die "cannot unpack $ipk"
    done
}

measure_packages() {
    local ipk name ipks=("$IPK_AGENT" "$IPK_RUNTIME")
    local luci; luci=$(first "$DIST"/luci-app-edgelb_*.ipk)
    [[ -n $luci ]] && ipks+=("$luci")
    for ipk in "${ipks[@]}"; do
        name=$(basename "$ipk"); name=${name%%_*}
        put "$name" file "$(basename "$ipk")"
        put "$name" ipk_bytes "$(stat -c %s "$ipk")"
        put "$name" unpacked_bytes "$(tar -xzOf "$ipk" ./data.tar.gz | tar -tvzf - | awk '$1 ~ /^-/ { s += $3 } END { print s + 0 }')"
        put "$name" installed_size "$(tar -xzOf "$ipk" ./control.tar.gz | tar -xzOf - ./control | sed -n 's/^Installed-Size: *//p')"
    done
    local root=$WORK/sizes jre
    install_into "$root"
    jre=$root/usr/lib/edgelb/jre
    put runtime jre_bytes "$(du -sb "$jre" | cut -f1)"
    put runtime modules_bytes "$(stat -c %s "$jre/lib/modules")"
    put runtime libjvm_bytes "$(stat -c %s "$jre/lib/server/libjvm.so")"
    put runtime native_bytes "$(du -sb "$root/usr/lib/edgelb/native" 2>/dev/null | cut -f1)"
    put runtime version "$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$jre/release")"
    put runtime modules "$(sed -n 's/^MODULES="\(.*\)"/\1/p' "$jre/release")"
    put runtime vm "$("$jre/bin/java" -version 2>&1 | sed -n '3p')"
    rm -rf "$root"
}

agent_config() {  # agent_config FILE STATE_DIR
    bench_uci "$1" "$2" 1
}

# ---------------------------------------------------------------------------------------------
# The agent, started as procd starts it: ROOT/usr/sbin/edgelb run --config FILE, which execs java
# ---------------------------------------------------------------------------------------------
AGENT_PID=
LAUNCHER_PID=
LISTEN_MS=
START_CPU_MS=
# start_agent TAG ROOT CONFIG JAVA_OPTS ENV: sets LAUNCHER_PID (the procd-facing shell), AGENT_PID
# (its JVM: the launcher runs java as a child, not exec'd, since the restart hand-off), LISTEN_MS and
# START_CPU_MS (both processes); 1 on failure.
start_agent() {
    local tag=$1 root=$2 config=$3 opts=$4 env_words rc
    read -ra env_words <<<"$5"
    spawn "$RUN/$tag.log" env -u JAVA_HOME EDGELB_JAVA_OPTS="$opts" "${env_words[@]}" "${PIN_RELAY[@]}" \
        "$root/usr/sbin/edgelb" run --config "$config"
    LAUNCHER_PID=$LAST_PID
    LISTEN_MS=$(wait_listening "$PORT_RELAY" "$LAUNCHER_PID" "$START_TIMEOUT_MS" "$SPAWN_US"); rc=$?
    AGENT_PID=$(pgrep -n -P "$LAUNCHER_PID" java)
    [[ -n $AGENT_PID ]] && PIDS+=("$AGENT_PID") # ended on exit with the rest
    START_CPU_MS=$(( $(cpu_ms "$LAUNCHER_PID") + $(cpu_ms "${AGENT_PID:-0}") ))
    if (( rc != 0 )) || [[ -z $AGENT_PID ]]; then
        say "  the agent did not listen ($([[ $rc == 2 ]] && echo exited || echo "timed out or no JVM")): $(tail -2 "$RUN/$tag.log")"
        stop_agent 3
        return 1
    fi
    wait_listening "$PORT_RELAY_IPERF" "$AGENT_PID" 5000 >/dev/null && wait_listening "$PORT_API" "$AGENT_PID" 5000 >/dev/null
}
# stop_agent SECONDS: SIGTERM to the launcher, as procd stops it; the launcher exits at once and its
# JVM offers its sockets for the hand-off window, drains, then exits. Waits (up to SECONDS, then
# KILL) until the JVM is gone too, so the next start binds its own sockets. Returns the launcher's status.
stop_agent() {
    local secs=$1 rc=0 deadline
    [[ -n $LAUNCHER_PID ]] && { stop "$LAUNCHER_PID" "$secs"; rc=$?; }
    if [[ -n $AGENT_PID ]]; then
        deadline=$(( $(now_us) + secs * 1000000 ))
        while kill -0 "$AGENT_PID" 2>/dev/null && (( $(now_us) < deadline )); do nap 0.05; done
        kill -KILL "$AGENT_PID" 2>/dev/null
        forget "$AGENT_PID"
    fi
    LAUNCHER_PID= AGENT_PID=
    return "$rc"
}

# loads VARIANT TAG: the loopback loads through the agent; requests, errors and Gbit/s recorded.
loads() {
    local v=$1 tag=$2 name log words requests errors non2xx duration_us n bits
    run_bounded "$RUN/$tag-warmup.log" "$WARMUP_SECONDS" wrk -t1 -c"$WRK_CONNECTIONS" -d"${WARMUP_SECONDS}s" \
        "http://127.0.0.1:$PORT_RELAY/file.bin" >/dev/null
    for n in 1 4; do
        run_bounded "$RUN/$tag-iperf-P$n.json" "$LOAD_SECONDS" iperf3 -c 127.0.0.1 -p "$PORT_RELAY_IPERF" \
            -t "$LOAD_SECONDS" -P "$n" -J --connect-timeout 3000
        bits=$(jq -r '.end.sum_received.bits_per_second // empty' "$RUN/$tag-iperf-P$n.json" 2>/dev/null)
        put "$v" "$tag.iperf$n.gbps" "$( [[ -n $bits ]] && calc '%.2f' 'b / 1e9' "b=$bits" || echo fail)"
    done
    for name in keepalive close; do
        log=$RUN/$tag-wrk-$name.log
        local hdr=(); [[ $name == close ]] && hdr=(-H "Connection: close")
        run_bounded "$log" "$LOAD_SECONDS" wrk -t1 -c"$WRK_CONNECTIONS" -d"${LOAD_SECONDS}s" --timeout 5s \
            -s "$WRK_LUA" "${hdr[@]}" "http://127.0.0.1:$PORT_RELAY/file.bin"
        words=$(wrk_result "$log") || { put "$v" "$tag.$name.rps" fail; continue; }
        for kv in $words; do local "${kv%%=*}=${kv#*=}"; done
        put "$v" "$tag.$name.rps" "$(wrk_rate "$requests" "$duration_us")"
        put "$v" "$tag.$name.errors" "$((errors + non2xx))"
    done
}

# memory VARIANT KEY PID: RSS, private (anonymous) RSS and PSS now, in MiB; smaps groups to a file.
memory() {
    put "$1" "$2.rss_mib" "$(calc '%.1f' 'k / 1024' "k=$(status_kb VmRSS "$3")")"
    put "$1" "$2.anon_mib" "$(calc '%.1f' 'k / 1024' "k=$(status_kb RssAnon "$3")")"
    put "$1" "$2.pss_mib" "$(calc '%.1f' 'k / 1024' "k=$(pss_kb "$3")")"
    smaps_groups "$3" >"$RUN/$1-smaps-$2.tsv"
}

run_variant() {
    local v=$1 opts env root config i starts=() cpus=()
    IFS='|' read -r opts env <<<"$(variant "$v")"
    opts="$opts${EXTRA_JAVA_OPTS:+ $EXTRA_JAVA_OPTS}"
    put "$v" java_opts "$opts"
    put "$v" env "$env"
    root=$WORK/root-$v
    install_into "$root"
    config=$RUN/$v.uci
    agent_config "$config" "$WORK/state-$v"

    say "variant $v: first start after install (writes the JDK's CDS archive; the agent's at its stop)"
    start_agent "$v-first" "$root" "$config" "$opts" "$env" || { put "$v" failed "first start"; return; }
    put "$v" first_ms "$LISTEN_MS"; put "$v" first_cpu_ms "$START_CPU_MS"
    run_bounded "$RUN/$v-first-wrk.log" 1 wrk -t1 -c4 -d1s "http://127.0.0.1:$PORT_RELAY/file.bin" >/dev/null
    stop_agent 30
    put "$v" cds_bytes "$(du -sb "$root/usr/lib/edgelb/cds" 2>/dev/null | cut -f1)"
    put "$v" cds_base_bytes "$(stat -c %s "$root/usr/lib/edgelb/cds/base.jsa" 2>/dev/null)"

    say "variant $v: second start (tries the agent's archive, then uses it)"
    start_agent "$v-second" "$root" "$config" "$opts" "$env" || { put "$v" failed "second start"; return; }
    put "$v" second_ms "$LISTEN_MS"; put "$v" second_cpu_ms "$START_CPU_MS"
    stop_agent 30
    [[ -f $root/usr/lib/edgelb/cds/edgelb.jsa ]] || say "  warning: the agent's CDS archive was not accepted"

    say "variant $v: $STARTS starts with both archives, the last one measured idle and under load"
    for ((i = 1; i <= STARTS; i++)); do
        start_agent "$v-start$i" "$root" "$config" "$opts" "$env" || { put "$v" failed "start $i"; return; }
        starts+=("$LISTEN_MS"); cpus+=("$START_CPU_MS")
        (( i < STARTS )) && stop_agent 30
    done
    put "$v" start_ms "$(printf '%s\n' "${starts[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
    put "$v" start_range "$(printf '%s\n' "${starts[@]}" | sort -n | sed -n '1p;$p' | paste -sd-)"
    put "$v" start_cpu_ms "$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
    put "$v" cmdline "$(tr '\0' ' ' <"/proc/$AGENT_PID/cmdline")"

    local pid=$AGENT_PID
    nap "$IDLE_SECONDS"
    memory "$v" idle "$pid"
    start_sampler "$RUN/$v-rssanon-peak" "$pid"
    loads "$v" "$v-load"
    put "$v" load.hwm_mib "$(calc '%.1f' 'k / 1024' "k=$(status_kb VmHWM "$pid")")"
    stop "$SAMPLER_PID"
    put "$v" load.anon_peak_mib "$(calc '%.1f' 'k / 1024' "k=$(cat "$RUN/$v-rssanon-peak" 2>/dev/null || echo 0)")"
    memory "$v" load "$pid"
    nap "$IDLE_SECONDS"
    memory "$v" after "$pid"
    kill -0 "$pid" 2>/dev/null || put "$v" failed "the agent exited during the load"
    stop_agent 30
    put "$v" stop_status "$?"
}

# nmt VARIANT: one more start with native memory tracking; jcmd's summary idle and under load.
nmt() {
    local v=$1 opts env root=$WORK/root-$1 config=$RUN/$1.uci
    IFS='|' read -r opts env <<<"$(variant "$v")"
    opts="$opts${EXTRA_JAVA_OPTS:+ $EXTRA_JAVA_OPTS} -XX:NativeMemoryTracking=summary"
    say "variant $v: NMT run"
    start_agent "$v-nmt" "$root" "$config" "$opts" "$env" || return
    nap "$IDLE_SECONDS"
    "$JCMD" "$AGENT_PID" VM.native_memory summary >"$RUN/$v-nmt-idle.txt" 2>&1
    local pid=$AGENT_PID
    start_sampler "$RUN/$v-nmt-rssanon-peak" "$pid"
    loads "$v" "$v-nmt-load"
    "$JCMD" "$pid" VM.native_memory summary >"$RUN/$v-nmt-load.txt" 2>&1
    stop "$SAMPLER_PID"
    stop_agent 30
    grep -q 'Total: reserved' "$RUN/$v-nmt-idle.txt" || say "  jcmd gave no NMT summary: $(head -2 "$RUN/$v-nmt-idle.txt")"
}

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
machine() {
    machine_line
    echo "- packages: \`$(basename "$IPK_AGENT")\`, \`$(basename "$IPK_RUNTIME")\` (edgelb sha1 $(sha1sum <"$IPK_AGENT" | cut -c1-12))"
    echo "- runtime: Java $(get runtime version), $(get runtime vm), modules $(get runtime modules)"
    echo "- agent: \`workers '1'\`, launcher defaults (heap 32m); load: wrk -t1 -c$WRK_CONNECTIONS after ${WARMUP_SECONDS} s warm-up, iperf3 -P1 and -P4, wrk keep-alive and Connection: close, ${LOAD_SECONDS} s each, ${FILE_BYTES}-byte file"
    if [[ $PIN == 1 ]]; then echo "- pinning: agent on CPU $RELAY_CPU; wrk, iperf3 and the origin nginx on CPU $LOAD_CPU"; fi
    echo "- load average before / after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)"
}

sizes_table() {
    echo "| package | .ipk MiB (download) | unpacked MiB | Installed-Size |"
    echo "|---|---:|---:|---:|"
    local name
    for name in edgelb edgelb-runtime luci-app-edgelb; do
        [[ -n $(get "$name" ipk_bytes) ]] || continue
        echo "| \`$(get "$name" file)\` | $(mib "$(get "$name" ipk_bytes)") | $(mib "$(get "$name" unpacked_bytes)") | $(get "$name" installed_size) |"
    done
    local sum_ipk=$(( $(get edgelb ipk_bytes) + $(get edgelb-runtime ipk_bytes) ))
    local sum_unpacked=$(( $(get edgelb unpacked_bytes) + $(get edgelb-runtime unpacked_bytes) ))
    put total ipk_bytes "$sum_ipk"
    echo "| edgelb + edgelb-runtime | **$(mib "$sum_ipk")** | $(mib "$sum_unpacked") | |"
    echo
    local jre modules libjvm
    jre=$(get runtime jre_bytes); modules=$(get runtime modules_bytes); libjvm=$(get runtime libjvm_bytes)
    echo "Runtime (\`/usr/lib/edgelb/jre\`): $(mib "$jre") MiB unpacked: \`lib/modules\` $(mib "$modules"), \`libjvm.so\` $(mib "$libjvm"), the rest $(mib $((jre - modules - libjvm))); netty's epoll library (\`/usr/lib/edgelb/native\`) $(mib "$(get runtime native_bytes)") MiB. The CDS archives the launcher writes at the first start and stop (\`/usr/lib/edgelb/cds\`, flash on a router): $(mib "$(get "${VARIANTS%% *}" cds_bytes)") MiB, of which the JDK's (\`base.jsa\`) $(mib "$(get "${VARIANTS%% *}" cds_base_bytes)")."
}

variants_table() {
    echo "| variant | first start ms (CPU ms) | second start ms | start ms, median of $STARTS (range; CPU ms) | idle RSS / private / PSS MiB | under load: peak RSS / peak private MiB | after load RSS / private MiB | load: keep-alive / close req/s (errors), iperf3 1 / 4 Gbit/s |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
    local v
    for v in $VARIANTS; do
        if [[ -n $(get "$v" failed) ]]; then echo "| $v | failed: $(get "$v" failed) | | | | | | |"; continue; fi
        local ka_err close_err errs
        ka_err=$(get "$v" "$v-load.keepalive.errors"); close_err=$(get "$v" "$v-load.close.errors")
        errs=$(( ${ka_err:-0} + ${close_err:-0} ))
        printf '| %s | %s (%s) | %s | %s (%s; %s) | %s / %s / %s | %s / %s | %s / %s | %s / %s (%s), %s / %s |\n' \
            "$v" "$(cell "$v" first_ms)" "$(cell "$v" first_cpu_ms)" "$(cell "$v" second_ms)" \
            "$(cell "$v" start_ms)" "$(cell "$v" start_range)" "$(cell "$v" start_cpu_ms)" \
            "$(cell "$v" idle.rss_mib)" "$(cell "$v" idle.anon_mib)" "$(cell "$v" idle.pss_mib)" \
            "$(cell "$v" load.hwm_mib)" "$(cell "$v" load.anon_peak_mib)" \
            "$(cell "$v" after.rss_mib)" "$(cell "$v" after.anon_mib)" \
            "$(cell "$v" "$v-load.keepalive.rps")" "$(cell "$v" "$v-load.close.rps")" "$errs" \
            "$(cell "$v" "$v-load.iperf1.gbps")" "$(cell "$v" "$v-load.iperf4.gbps")"
    done
    echo
    for v in $VARIANTS; do
        local o e
        o=$(get "$v" java_opts); e=$(get "$v" env)
        [[ $v == shipped && -z $o && -z $e ]] && { echo "- \`shipped\`: the launcher's own flags"; continue; }
        echo "- \`$v\`: java_opts \`${o:-(none)}\`${e:+, env \`$e\`}"
    done
    echo
    echo "JVM command line (\`${VARIANTS%% *}\`, staging root shortened to ROOT): \`$(get "${VARIANTS%% *}" cmdline | sed "s|$WORK/root-[^/]*|ROOT|g; s|$RUN/||g; s/ *$//")\`"
}

targets_table() {
    local v=${VARIANTS%% *}
    echo "| target (\`$v\`) | where we stand |"
    echo "|---|:-:|"
    echo "| edgelb + edgelb-runtime ≤ 20 MiB compressed | $(judge "$(mib "$(get total ipk_bytes)")" 20 " MiB") |"
    echo "| idle RSS ≤ 40 MiB | $(judge "$(get "$v" idle.rss_mib)" 40 " MiB") |"
    echo "| listening ≤ 1 s (median start with both CDS archives) | $(judge "$(get "$v" start_ms)" 1000 " ms") |"
    echo "| listening ≤ 1 s (first start after install) | $(judge "$(get "$v" first_ms)" 1000 " ms") |"
}

smaps_table() {
    local v=${VARIANTS%% *}
    [[ -s $RUN/$v-smaps-idle.tsv ]] || return 0
    echo "Where the RSS is (\`$v\`, /proc/PID/smaps; private = anonymous pages, MiB):"
    echo
    echo "| mapping | idle RSS | idle private | under load RSS | under load private |"
    echo "|---|---:|---:|---:|---:|"
    awk -F'\t' '
        FNR == NR { ir[$1] = $2; ia[$1] = $3; order[++n] = $1; next }
        { lr[$1] = $2; la[$1] = $3; if (!($1 in ir)) order[++n] = $1 }
        END { for (i = 1; i <= n; i++) { g = order[i]
            printf "| %s | %.1f | %.1f | %.1f | %.1f |\n", g, ir[g] / 1024, ia[g] / 1024, lr[g] / 1024, la[g] / 1024 } }' \
        "$RUN/$v-smaps-idle.tsv" "$RUN/$v-smaps-load.tsv"
}

nmt_table() {
    local v=${VARIANTS%% *}
    [[ -s $RUN/$v-nmt-idle.txt && -s $RUN/$v-nmt-load.txt ]] && grep -q 'Total: reserved' "$RUN/$v-nmt-idle.txt" || return 0
    echo "Native memory tracking (\`$v\` + \`-XX:NativeMemoryTracking=summary\`, \`jcmd PID VM.native_memory summary\`), committed MiB:"
    echo
    echo "| NMT category | idle | under load |"
    echo "|---|---:|---:|"
    awk '
        function kb(s) { sub(/KB.*/, "", s); return s + 0 }
        /^Total: reserved=/ { split($0, p, "committed="); c = kb(p[2]); cat = "Total" }
        /^-  *[A-Za-z]/ && /committed=/ { line = $0; sub(/^- */, "", line); cat = line; sub(/ *\(.*/, "", cat)
            split($0, p, "committed="); c = kb(p[2]) }
        cat != "" && c != "" { if (FNR == NR) { idle[cat] = c; order[++n] = cat } else { load[cat] = c; if (!(cat in idle)) order[++n] = cat }
            cat = ""; c = "" }
        END { for (i = 1; i <= n; i++) { g = order[i]; if (idle[g] + load[g] >= 102)
            printf "| %s | %.1f | %.1f |\n", g, idle[g] / 1024, load[g] / 1024 } }' \
        "$RUN/$v-nmt-idle.txt" "$RUN/$v-nmt-load.txt"
    echo
    echo "(Categories under 0.1 MiB left out; NMT's own bookkeeping is in *Native Memory Tracking*. Committed is not resident: the heap and code cache are committed ahead of use.)"
}


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------
main() {
    check_tools
    check_ports
    RUN=$BENCH_DIR/results/packages-$(date +%Y%m%d-%H%M%S)
    mkdir -p "$RUN" || die "cannot create $RUN"
    ln -sfn "$(basename "$RUN")" "$BENCH_DIR/results/packages-latest"
    WORK=$(mktemp -d /tmp/edgelb-packages.XXXXXX)
    mkfifo "$WORK/nap.fifo"
    exec {SLEEP_FD}<>"$WORK/nap.fifo"
    : >"$RUN/results.tsv"
    LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
    say "results in $RUN"
    prepare_packages
    measure_packages
    write_wrk_lua
    start_origin
    local v
    for v in $VARIANTS; do run_variant "$v"; done
    [[ $NMT == 1 ]] && nmt "${VARIANTS%% *}"

    {
        echo "Run $(date -u '+%Y-%m-%d %H:%M UTC'), raw results in \`bench/results/$(basename "$RUN")/\`:"
        echo
        machine
        echo
        sizes_table
        echo
        variants_table
        echo
        targets_table
        echo
        smaps_table
        echo
        nmt_table
    } >"$RUN/table.md"
    sed -n '/^| package/,$p' "$RUN/table.md"
    if [[ $UPDATE_README == auto ]]; then UPDATE_README=$([[ $VARIANTS == "$DEFAULT_VARIANTS" && -z $EXTRA_JAVA_OPTS ]] && echo 1 || echo 0); fi
    if [[ $UPDATE_README == 1 ]]; then update_readme "$RUN/table.md" packages.sh "Latest packages.sh results"; say "bench/README.md updated"; fi
}

main
