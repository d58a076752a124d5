#!/usr/bin/env bash
# bench/netns.sh — edgelb (relay and DNAT) against HAProxy, nginx stream, plain routing and a
# hand-written nft numgen DNAT, through the seed topology in network namespaces:
#   client 203.0.113.2 -- router 203.0.113.1 / 198.51.100.1 -- compute VTEP (VNI 100) -- vm1, vm2
# The router joins the overlay with vx100 (192.0.2.1/24, MTU 1450); vm1 and vm2 (192.0.2.11-12)
# run an origin nginx (1 KiB file) and vm1 an iperf3 server. Every row listens on 203.0.113.1:80
# (balanced over vm1 and vm2) and :5201 (vm1 only: iperf3's data streams must reach the server
# that has its control connection). Needs root. See bench/NETNS.md.
set -euo pipefail

ROWS=${ROWS:-"direct nft-numgen edgelb-dnat edgelb-relay haproxy nginx-stream"}
WRK_SECONDS=${WRK_SECONDS:-10}
WARMUP_SECONDS=${WARMUP_SECONDS:-3}
IPERF_SECONDS=${IPERF_SECONDS:-5}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
FILE_BYTES=${FILE_BYTES:-1024}
PIN=${PIN:-auto}
RELAY_CPU=${RELAY_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
AGENT_JAR=${AGENT_JAR:-$ROOT/agent/target/edgelb-agent.jar}
EDGELB_JVM_FLAGS=${EDGELB_JVM_FLAGS:-"-XX:+UseSerialGC -Xms16m -Xmx32m -Xss256k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:MaxDirectMemorySize=16m -XX:-UsePerfData"}
STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=${OUT:-$ROOT/bench/results/netns-$STAMP}
NS=elbb$$-
C=${NS}client R=${NS}router H=${NS}compute V1=${NS}vm1 V2=${NS}vm2
VIP=203.0.113.1

usage() {
	sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
	cat <<-EOF

	Settings (environment) and their current values:
	  ROWS="$ROWS"
	  WRK_SECONDS=$WRK_SECONDS WARMUP_SECONDS=$WARMUP_SECONDS IPERF_SECONDS=$IPERF_SECONDS
	  WRK_CONNECTIONS=$WRK_CONNECTIONS FILE_BYTES=$FILE_BYTES PIN=$PIN (relay CPU $RELAY_CPU, load CPU $LOAD_CPU)
	  AGENT_JAR=$AGENT_JAR
	  EDGELB_JVM_FLAGS="$EDGELB_JVM_FLAGS"
	  OUT=$OUT
	EOF
}
[[ ${1:-} == -h || ${1:-} == --help ]] && { usage; exit 0; }

say() { printf '[netns.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { say "error: $*"; exit 1; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

(( EUID == 0 )) || die "needs root (network namespaces)"
for tool in ip bridge nft wrk iperf3 jq haproxy nginx java taskset; do
	command -v "$tool" >/dev/null || die "$tool is missing (Debian: iproute2 nftables wrk iperf3 jq haproxy nginx libnginx-mod-stream)"
done
[[ -f $AGENT_JAR ]] || die "$AGENT_JAR is missing: mvn -q -DskipTests package"
mkdir -p "$OUT"

if [[ $PIN == auto ]]; then PIN=$(( $(nproc) >= 2 ? 1 : 0 )); fi
# Starts a relay in the background; RELAY_PIDS gets its pid (taskset, ip netns exec and env exec
# the next program, so that pid ends up being the relay's own).
relay_spawn() {
	local log=$1; shift
	if (( PIN )); then taskset -c "$RELAY_CPU" "$@" > "$log" 2>&1 & else "$@" > "$log" 2>&1 & fi
	RELAY_PIDS=($!)
}
load_pin() { if (( PIN )); then taskset -c "$LOAD_CPU" "$@"; else "$@"; fi; }

# --- topology ------------------------------------------------------------------------------

cleanup() {
	local ns pid
	for ns in $(ip netns list | awk -v p="$NS" 'index($1, p) == 1 { print $1 }'); do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
		ip netns del "$ns" 2>/dev/null || true
	done
}
trap cleanup EXIT INT TERM

leftovers() {  # namespaces of earlier runs whose script is gone
	local ns pid
	for ns in $(ip netns list | awk '$1 ~ /^elbb[0-9]+-/ { print $1 }'); do
		pid=${ns#elbb}; pid=${pid%%-*}
		kill -0 "$pid" 2>/dev/null && continue
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
		ip netns del "$ns" 2>/dev/null || true
	done
}

build_topology() {
	local ns i
	for ns in "$C" "$R" "$H" "$V1" "$V2"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
	ip -n "$R" link add eth0 type veth peer name eth0 netns "$C"
	ip -n "$R" link add eth1 type veth peer name eth0 netns "$H"
	ip -n "$C" addr add 203.0.113.2/24 dev eth0; ip -n "$C" link set eth0 up
	ip -n "$C" route add default via "$VIP"
	ip -n "$R" addr add "$VIP/24" dev eth0; ip -n "$R" link set eth0 up
	ip -n "$R" addr add 198.51.100.1/24 dev eth1; ip -n "$R" link set eth1 up
	ip -n "$H" addr add 198.51.100.2/24 dev eth0; ip -n "$H" link set eth0 up
	in_ns "$R" sysctl -qw net.ipv4.ip_forward=1
	# Closed connections leave conntrack entries for minutes (TIME_WAIT 120 s): the next row would
	# start with a full table and pay for it. Short timeouts let the table empty between rows.
	for state in time_wait fin_wait close_wait last_ack; do
		in_ns "$R" sysctl -qw "net.netfilter.nf_conntrack_tcp_timeout_$state=2" 2>/dev/null || true
	done
	# compute: bridge on VNI 100, learning, flooding to the router's VTEP
	ip -n "$H" link add br100 type bridge; ip -n "$H" link set br100 up
	ip -n "$H" link add vxlan100 mtu 1450 type vxlan id 100 local 198.51.100.2 dstport 4789 dev eth0
	ip -n "$H" link set vxlan100 master br100 up
	in_ns "$H" bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst 198.51.100.1
	# router: the link edgelb would make from the README's overlay example (made here for every row)
	ip -n "$R" link add vx100 mtu 1450 type vxlan id 100 local 198.51.100.1 dstport 4789 dev eth1 nolearning
	in_ns "$R" bridge fdb append 00:00:00:00:00:00 dev vx100 dst 198.51.100.2
	ip -n "$R" addr add 192.0.2.1/24 dev vx100; ip -n "$R" link set vx100 up
	for i in 1 2; do
		ns=${NS}vm$i
		ip -n "$H" link add "vm$i" mtu 1450 type veth peer name eth0 netns "$ns"
		ip -n "$H" link set "vm$i" master br100 up
		ip -n "$ns" link set eth0 address "02:00:00:00:00:1$i" mtu 1450 up
		ip -n "$ns" addr add "192.0.2.1$i/24" dev eth0
		ip -n "$ns" route add default via 192.0.2.1
		in_ns "$R" bridge fdb append "02:00:00:00:00:1$i" dev vx100 dst 198.51.100.2
		ip -n "$R" neigh replace "192.0.2.1$i" lladdr "02:00:00:00:00:1$i" dev vx100 nud permanent
	done
}

start_origins() {
	local i
	head -c "$FILE_BYTES" /dev/zero | tr '\0' 'x' > "$OUT/1k"
	for i in 1 2; do
		cat > "$OUT/origin$i.conf" <<-EOF
		worker_processes 1;
		pid $OUT/origin$i.pid;
		error_log $OUT/origin$i.err warn;
		events { worker_connections 4096; }
		http {
		  access_log off;
		  keepalive_requests 1000000;
		  server { listen 80 reuseport; root $OUT; location / { try_files \$uri =404; } }
		}
		EOF
		load_pin ip netns exec "${NS}vm$i" nginx -c "$OUT/origin$i.conf"
	done
	load_pin ip netns exec "$V1" iperf3 -s -D -p 5201 --logfile "$OUT/iperf3-server.log"
	for i in 1 2; do
		wait_http "$R" "http://192.0.2.1$i/1k" || die "origin vm$i does not answer"
	done
}

wait_http() {  # wait_http NS URL: up to 10 s
	local i
	for i in $(seq 100); do
		in_ns "$1" curl -sf -m 1 -o /dev/null "$2" && return 0
		sleep 0.1
	done
	return 1
}

# --- rows ----------------------------------------------------------------------------------

RELAY_PIDS=()
HTTP_URL="" IPERF_HOST=""

start_row() {
	local row=$1
	RELAY_PIDS=()
	HTTP_URL="http://$VIP/1k" IPERF_HOST=$VIP
	case $row in
	direct)
		HTTP_URL="http://192.0.2.11/1k" IPERF_HOST=192.0.2.11 ;;
	nft-numgen)
		cat > "$OUT/numgen.nft" <<-EOF
		table ip bench {
		  chain dstnat {
		    type nat hook prerouting priority dstnat; policy accept;
		    ip daddr $VIP tcp dport 80 dnat to numgen inc mod 2 map { 0 : 192.0.2.11, 1 : 192.0.2.12 }
		    ip daddr $VIP tcp dport 5201 dnat to 192.0.2.11
		  }
		}
		EOF
		in_ns "$R" nft -f "$OUT/numgen.nft" ;;
	edgelb-dnat | edgelb-relay)
		local mode=${row#edgelb-}
		cat > "$OUT/edgelb-$mode" <<-EOF
		config agent 'main'
		  option api '127.0.0.1:8089'
		  option state_dir '$OUT/state-$mode'
		  option workers '1'
		config listener 'web_in'
		  option address '$VIP'
		  option port '80'
		  option mode '$mode'
		  option pool 'web'
		config listener 'iperf_in'
		  option address '$VIP'
		  option port '5201'
		  option mode '$mode'
		  option pool 'iperf'
		config pool 'web'
		config pool 'iperf'
		config member 'web1'
		  option pool 'web'
		  option address '192.0.2.11'
		  option protocol_port '80'
		config member 'web2'
		  option pool 'web'
		  option address '192.0.2.12'
		  option protocol_port '80'
		config member 'iperf1'
		  option pool 'iperf'
		  option address '192.0.2.11'
		  option protocol_port '5201'
		EOF
		# shellcheck disable=SC2086
		relay_spawn "$OUT/edgelb-$mode.log" ip netns exec "$R" env MALLOC_ARENA_MAX=2 java $EDGELB_JVM_FLAGS \
			-jar "$AGENT_JAR" run --config "$OUT/edgelb-$mode"
		wait_http "$R" "http://127.0.0.1:8089/api/status" || die "edgelb ($mode) did not start: $(tail -5 "$OUT/edgelb-$mode.log")"
		if [[ $mode == dnat ]]; then RELAY_PIDS=(); fi  # nothing of the agent is in the data path
		;;
	haproxy)
		cat > "$OUT/haproxy.cfg" <<-EOF
		global
		  nbthread 1
		  maxconn 8000
		defaults
		  mode tcp
		  timeout connect 5s
		  timeout client 60s
		  timeout server 60s
		listen http
		  bind $VIP:80
		  balance roundrobin
		  server vm1 192.0.2.11:80
		  server vm2 192.0.2.12:80
		listen iperf
		  bind $VIP:5201
		  server vm1 192.0.2.11:5201
		EOF
		relay_spawn "$OUT/haproxy.log" ip netns exec "$R" haproxy -db -f "$OUT/haproxy.cfg" ;;
	nginx-stream)
		local modules; modules=$(nginx -V 2>&1 | tr ' ' '\n' | sed -n 's/^--modules-path=//p')
		cat > "$OUT/nginx-stream.conf" <<-EOF
		load_module ${modules:-/usr/lib/nginx/modules}/ngx_stream_module.so;
		worker_processes 1;
		daemon off;
		pid $OUT/nginx-stream.pid;
		error_log $OUT/nginx-stream.err warn;
		events { worker_connections 8000; }
		stream {
		  upstream web { server 192.0.2.11:80; server 192.0.2.12:80; }
		  server { listen $VIP:80; proxy_pass web; }
		  server { listen $VIP:5201; proxy_pass 192.0.2.11:5201; }
		}
		EOF
		relay_spawn "$OUT/nginx-stream.log" ip netns exec "$R" nginx -c "$OUT/nginx-stream.conf" ;;
	*) die "unknown row $row" ;;
	esac
	wait_http "$C" "$HTTP_URL" || die "$row: $HTTP_URL does not answer from the client"
	if [[ $row == nginx-stream ]]; then RELAY_PIDS+=($(pgrep -P "${RELAY_PIDS[0]}" || true)); fi
}

stop_row() {
	local row=$1 pid
	case $row in
	nft-numgen) in_ns "$R" nft delete table ip bench ;;
	esac
	pkill -TERM -f "edgelb-agent.jar run --config $OUT/" 2>/dev/null || true
	for pid in $(ip netns pids "$R"); do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in $(seq 50); do [[ -z $(ip netns pids "$R") ]] && break; sleep 0.1; done
	for pid in $(ip netns pids "$R"); do kill -KILL "$pid" 2>/dev/null || true; done
	in_ns "$R" nft delete table inet edgelb 2>/dev/null || true
}

settle_conntrack() {  # until the router's conntrack table is (nearly) empty, at most 30 s
	local n=0 i
	if command -v conntrack >/dev/null; then in_ns "$R" conntrack -F >/dev/null 2>&1 || true; fi
	for i in $(seq 300); do
		n=$(in_ns "$R" cat /proc/sys/net/netfilter/nf_conntrack_count 2>/dev/null || echo 0)
		(( n < 64 )) && return 0
		sleep 0.1
	done
	say "warning: $n conntrack entries still in the router's table"
}

# CPU: the relay's processes (utime + stime, all threads) and the whole machine (every mode
# but idle and iowait), in clock ticks. The kernel rows have no relay process: the machine
# figure is the one that compares every row (same load side everywhere).
relay_ticks() {
	local pid t=0
	for pid in "${RELAY_PIDS[@]}"; do
		[[ -r /proc/$pid/stat ]] || continue
		t=$(( t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat") ))
	done
	echo "$t"
}
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
HZ=$(getconf CLK_TCK)

declare -A RES
measure() {  # measure ROW
	local row=$1 r0 m0 r1 m1 json out
	load_pin ip netns exec "$C" wrk -t1 -c"$WRK_CONNECTIONS" -d"${WARMUP_SECONDS}s" "$HTTP_URL" > /dev/null
	for streams in 1 4; do
		r0=$(relay_ticks) m0=$(machine_ticks)
		json=$(load_pin ip netns exec "$C" timeout $(( IPERF_SECONDS + 30 )) iperf3 -c "$IPERF_HOST" -p 5201 \
			-t "$IPERF_SECONDS" -P "$streams" -J) || json='{}'
		r1=$(relay_ticks) m1=$(machine_ticks)
		echo "$json" > "$OUT/$row-iperf-$streams.json"
		local bits; bits=$(jq -r '.end.sum_received.bits_per_second // empty' <<< "$json")
		RES[$row.gbit$streams]=$(awk -v b="${bits:-0}" 'BEGIN { printf "%.2f", b / 1e9 }')
		local gbit; gbit=$(awk -v b="${bits:-0}" -v s="$IPERF_SECONDS" 'BEGIN { print b * s / 1e9 }')
		RES[$row.mcpu_gbit$streams]=$(awk -v t=$(( m1 - m0 )) -v g="$gbit" -v hz="$HZ" 'BEGIN { printf (g > 0 ? "%.3f" : "—"), t / hz / g }')
		RES[$row.rcpu_gbit$streams]=$(awk -v t=$(( r1 - r0 )) -v g="$gbit" -v hz="$HZ" -v n="${#RELAY_PIDS[@]}" 'BEGIN { printf (g > 0 && n > 0 ? "%.3f" : "—"), t / hz / g }')
	done
	for kind in keepalive close; do
		local header=()
		[[ $kind == close ]] && header=(-H "Connection: close")
		r0=$(relay_ticks) m0=$(machine_ticks)
		out=$(load_pin ip netns exec "$C" timeout $(( WRK_SECONDS + 30 )) wrk -t1 -c"$WRK_CONNECTIONS" \
			-d"${WRK_SECONDS}s" --latency "${header[@]}" "$HTTP_URL") || out=""
		r1=$(relay_ticks) m1=$(machine_ticks)
		echo "$out" > "$OUT/$row-wrk-$kind.txt"
		local requests rps p99 errors
		requests=$(awk '/requests in/ { print $1 }' <<< "$out")
		rps=$(awk '/^Requests\/sec/ { printf "%.0f", $2 }' <<< "$out")
		p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } printf "%.2f", v }' <<< "$out")
		errors=$(awk '/Socket errors|Non-2xx/ { print "err" }' <<< "$out" | head -1)
		RES[$row.rps_$kind]="${rps:-fail}${errors:+ ($errors)}"
		RES[$row.p99_$kind]=${p99:-—}
		RES[$row.mcpu_$kind]=$(awk -v t=$(( m1 - m0 )) -v n="${requests:-0}" -v hz="$HZ" 'BEGIN { printf (n > 0 ? "%.3f" : "—"), t / hz / n * 10000 }')
		RES[$row.rcpu_$kind]=$(awk -v t=$(( r1 - r0 )) -v n="${requests:-0}" -v hz="$HZ" -v p="${#RELAY_PIDS[@]}" 'BEGIN { printf (n > 0 && p > 0 ? "%.3f" : "—"), t / hz / n * 10000 }')
	done
}

table() {
	local row
	echo "| row | iperf3 1 / 4 streams Gbit/s | machine CPU s/Gbit (1 / 4) | relay CPU s/Gbit (1 / 4) | keep-alive req/s | keep-alive p99 ms | keep-alive machine / relay CPU s/10k req | close req/s | close p99 ms | close machine / relay CPU s/10k req |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for row in $ROWS; do
		echo "| $row | ${RES[$row.gbit1]:-} / ${RES[$row.gbit4]:-} | ${RES[$row.mcpu_gbit1]:-} / ${RES[$row.mcpu_gbit4]:-} | ${RES[$row.rcpu_gbit1]:-} / ${RES[$row.rcpu_gbit4]:-} | ${RES[$row.rps_keepalive]:-} | ${RES[$row.p99_keepalive]:-} | ${RES[$row.mcpu_keepalive]:-} / ${RES[$row.rcpu_keepalive]:-} | ${RES[$row.rps_close]:-} | ${RES[$row.p99_close]:-} | ${RES[$row.mcpu_close]:-} / ${RES[$row.rcpu_close]:-} |"
	done
}

ratio() { awk -v a="${1%% *}" -v b="${2%% *}" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3f", a / b; else print "?" }'; }
check() { awk -v r="$1" -v op="$2" -v t="$3" 'BEGIN { if (r == "?") print "?"; else if ((op == ">=" && r >= t) || (op == "<=" && r <= t)) print "✓ " r; else print "✗ " r }'; }

targets() {
	echo
	echo "| target | ratio |"
	echo "|---|:-:|"
	if [[ " $ROWS " == *" edgelb-dnat "* && " $ROWS " == *" nft-numgen "* ]]; then
		echo "| edgelb DNAT Gbit/s (1 stream) ≥ 0.97 × nft numgen | $(check "$(ratio "${RES[edgelb-dnat.gbit1]}" "${RES[nft-numgen.gbit1]}")" '>=' 0.97) |"
		echo "| edgelb DNAT Gbit/s (4 streams) ≥ 0.97 × nft numgen | $(check "$(ratio "${RES[edgelb-dnat.gbit4]}" "${RES[nft-numgen.gbit4]}")" '>=' 0.97) |"
		echo "| edgelb DNAT keep-alive req/s ≥ 0.97 × nft numgen | $(check "$(ratio "${RES[edgelb-dnat.rps_keepalive]}" "${RES[nft-numgen.rps_keepalive]}")" '>=' 0.97) |"
		echo "| edgelb DNAT close req/s ≥ 0.97 × nft numgen | $(check "$(ratio "${RES[edgelb-dnat.rps_close]}" "${RES[nft-numgen.rps_close]}")" '>=' 0.97) |"
	fi
	if [[ " $ROWS " == *" edgelb-relay "* && " $ROWS " == *" haproxy "* ]]; then
		echo "| edgelb relay CPU s/10k req (keep-alive) ≤ HAProxy | $(check "$(ratio "${RES[edgelb-relay.rcpu_keepalive]}" "${RES[haproxy.rcpu_keepalive]}")" '<=' 1) |"
		echo "| edgelb relay CPU s/10k req (close) ≤ HAProxy | $(check "$(ratio "${RES[edgelb-relay.rcpu_close]}" "${RES[haproxy.rcpu_close]}")" '<=' 1) |"
		echo "| edgelb relay CPU s/Gbit (4 streams) ≤ HAProxy | $(check "$(ratio "${RES[edgelb-relay.rcpu_gbit4]}" "${RES[haproxy.rcpu_gbit4]}")" '<=' 1) |"
	fi
}

main() {
	leftovers
	say "results in $OUT"
	build_topology
	start_origins
	local row
	for row in $ROWS; do
		settle_conntrack
		say "row $row"
		start_row "$row"
		measure "$row"
		stop_row "$row"
	done
	{
		echo "Run $(date -u '+%Y-%m-%d %H:%M') UTC; $(nproc) cores, kernel $(uname -r); pinning: $( (( PIN )) && echo "relays on CPU $RELAY_CPU, load on CPU $LOAD_CPU" || echo none)"
		echo "load: wrk -t1 -c$WRK_CONNECTIONS ${WRK_SECONDS}s after ${WARMUP_SECONDS}s warm-up, $FILE_BYTES-byte file; iperf3 ${IPERF_SECONDS}s"
		echo
		table
		targets
	} | tee "$OUT/table.md"
}

main "$@"
