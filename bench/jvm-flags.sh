#!/usr/bin/env bash
# jvm-flags.sh: run relay.sh's edgelb row once per JVM flag variant and print one table, so the
# effect of each flag on CPU, latency, RSS and start-up is seen side by side.
#
# Usage: bench/jvm-flags.sh [-h]
#   VARIANTS   which variants, in order (default: all, see below)
#   ROW        the relay.sh row to run (default edgelb-epoll)
#   every relay.sh setting (WRK_SECONDS, IPERF_SECONDS, ROUNDS, AGENT_JAR, BUILD, ...) passes through.
# The combined table goes to stdout and to bench/results/jvm-flags-<stamp>.md. relay.sh cleans
# up its own processes; this script starts none of its own.

set -uo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROW=${ROW:-edgelb-epoll}
NO_RELOC=(-XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0)
ROUTER=$(grep -v '^#' "$BENCH_DIR/edgelb-jvm.flags" | tr -s ' \n' ' ' | sed 's/ $//')

# without FLAG...: the router flags minus the given ones.
without() {
    local kept=() f x skip
    for f in $ROUTER; do
        skip=0
        for x in "$@"; do [[ $f == "$x" ]] && skip=1; done
        ((skip)) || kept+=("$f")
    done
    echo "${kept[*]}"
}

# The brief's starting point, before any measurement.
BRIEF="-XX:+UseSerialGC -Xms16m -Xmx32m -Xss256k -XX:ReservedCodeCacheSize=24m -XX:MaxMetaspaceSize=48m \
-XX:-UsePerfData -XX:+AlwaysPreTouch"

# name | JVM flags | environment | EDGELB_CDS (1: with an AppCDS archive of the agent)
variant() {
    case $1 in
        router)        echo "$ROUTER|MALLOC_ARENA_MAX=2|1" ;;   # the default, as deployed
        no-cds)        echo "$ROUTER|MALLOC_ARENA_MAX=2|0" ;;   # JDK's own CDS archive only
        reloc)         echo "$(without "${NO_RELOC[@]}")|MALLOC_ARENA_MAX=2|1" ;;   # Debian's relocation default
        no-share)      echo "$(without "${NO_RELOC[@]}") -Xshare:off|MALLOC_ARENA_MAX=2|0" ;;
        pretouch)      echo "$(without -Xms8m) -Xms16m -XX:+AlwaysPreTouch|MALLOC_ARENA_MAX=2|1" ;;
        heap16)        echo "$(without -Xmx32m) -Xmx16m|MALLOC_ARENA_MAX=2|1" ;;
        c2)            echo "$(without -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1)|MALLOC_ARENA_MAX=2|1" ;;
        adaptive)      echo "$(without -Dio.netty.allocator.type=unpooled) -Dio.netty.allocator.type=adaptive|MALLOC_ARENA_MAX=2|1" ;;
        pooled)        echo "$(without -Dio.netty.allocator.type=unpooled) -Dio.netty.allocator.type=pooled|MALLOC_ARENA_MAX=2|1" ;;
        glibc-arenas)  echo "$ROUTER||1" ;;
        brief)         echo "$BRIEF|MALLOC_ARENA_MAX=2|0" ;;
        stock)         echo "||0" ;;   # no flags at all: G1, C2, heap 1/4 of RAM
        *) return 1 ;;
    esac
}
VARIANTS=${VARIANTS:-"router no-cds reloc no-share pretouch heap16 c2 adaptive pooled glibc-arenas brief stock"}

if [[ ${1:-} == -h || ${1:-} == --help ]]; then sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0; fi
for v in $VARIANTS; do variant "$v" >/dev/null || { echo "jvm-flags.sh: unknown variant $v" >&2; exit 2; }; done

header=''
rows=()
notes=()
for v in $VARIANTS; do
    IFS='|' read -r flags env cds <<<"$(variant "$v")"
    echo "[jvm-flags.sh] variant $v" >&2
    out=$(ROWS=$ROW UPDATE_README=0 EDGELB_JVM_FLAGS="$flags" EDGELB_ENV="$env" EDGELB_CDS="$cds" \
        "$BENCH_DIR/relay.sh") || { echo "[jvm-flags.sh] relay.sh failed for $v" >&2; exit 1; }
    [[ -z $header ]] && header=$(sed -n '1,2p' <<<"$out")
    rows+=("$(grep -E "^\| ${ROW}( \(died\))? \|" <<<"$out" | sed "s/^| ${ROW}[^|]*|/| $v |/")")
    notes+=("- \`$v\`: \`${flags:-(JVM defaults)}\`${env:+, env \`$env\`}$([[ $cds == 1 ]] && echo ', AppCDS archive')")
done

result=$(
    echo "${header/#| row |/| variant |}"
    printf '%s\n' "${rows[@]}"
    echo
    printf '%s\n' "${notes[@]}"
)
mkdir -p "$BENCH_DIR/results"
echo "$result" | tee "$BENCH_DIR/results/jvm-flags-$(date +%Y%m%d-%H%M%S).md"
