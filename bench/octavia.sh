#!/usr/bin/env bash
# octavia.sh: the edgelb Octavia provider end to end, against the running fixture
# (tests/octavia/octavia-up.sh, noauth API on 127.0.0.1:9876, zone edge-site-1 → agent r1).
# Starts a real hub (API 127.0.0.1:18090, the fixture's token) and a real agent r1, creates N load
# balancers (--provider edgelb, one TCP listener + pool + member + monitor each) and measures
#   create call → every object ACTIVE      p50/p99, target < 5 s
#   member backend stopped → member ERROR  p99,     target < fall × interval + 2 s
# Exits non-zero when a target is missed. Everything it created is deleted on exit.
# Needs: mvn -o -q -DskipTests package (hub and agent jars), curl, python3.
set -uo pipefail
cd "$(dirname "$0")/.."
N=${N:-20}
OCTAVIA=${OCTAVIA:-http://127.0.0.1:9876}
BASE=${BASE:-/var/lib/octavia-dev}
ZONE=${ZONE:-edge-site-1}
DELAY=1 FALL=3                       # monitor: delay 1 s, max_retries_down 3
PORT0=${PORT0:-19100}                # listeners PORT0.., backends PORT0+100..
source bench/lib.sh
WORK=$(mktemp -d /tmp/octavia-bench.XXXXXX)
HUB_JAR=hub/target/edgelb-hub.jar AGENT_JAR=agent/target/edgelb-agent.jar
[[ -f $HUB_JAR && -f $AGENT_JAR ]] || die "build first: mvn -o -q -DskipTests package"
curl -sf "$OCTAVIA/v2/lbaas/providers" | grep -q '"edgelb"' \
  || die "the edgelb provider is not enabled in Octavia ($OCTAVIA): run tests/octavia/octavia-up.sh"
TOKEN_FILE=$BASE/edgelb/hub-api.token
api() { curl -sf -X "$1" -H 'Content-Type: application/json' "$OCTAVIA/v2/lbaas/$2" ${3:+-d "$3"} || { [[ $1 == POST ]] && curl -s -X POST -H "Content-Type: application/json" "$OCTAVIA/v2/lbaas/$2" -d "$3" >&2; false; }; }
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[sys.argv[1]][sys.argv[2]])' "$@"; }

LBS=()
delete_lbs() { local lb; for lb in "${LBS[@]}"; do api DELETE "loadbalancers/$lb?cascade=true" >/dev/null; done; }
trap 'delete_lbs; cleanup' EXIT

# ---- hub and agent (keys, allow-list, the agent's hub section)
java -jar "$HUB_JAR" keygen --out "$WORK/hub.key" > "$WORK/hub.pub" 2>/dev/null || die "hub keygen"
cat > "$WORK/edgelb" <<UCI
config agent 'main'
	option enabled '1'
	option api '127.0.0.1:18089'

config hub 'hub'
	option enabled '1'
	option agent_id 'r1'
	option key_file '$WORK/agent.key'
	list endpoint 'tcp://127.0.0.1:18570'
	option server_key '$(tail -1 "$WORK/hub.pub")'
UCI
java -jar "$AGENT_JAR" keygen --config "$WORK/edgelb" --out "$WORK/agent.key" > "$WORK/agent.pub" 2>/dev/null || die "agent keygen"
cat > "$WORK/hub.json" <<JSON
{"bind": "tcp://127.0.0.1:18570", "key_file": "$WORK/hub.key", "api": "127.0.0.1:18090",
 "api_token_file": "$TOKEN_FILE", "agents": {"r1": "$(tail -1 "$WORK/agent.pub")"},
 "source": {"type": "octavia", "url": "$OCTAVIA", "interval": 10, "provider": "edgelb",
            "listener_address": "vip", "auth": {"type": "none"}}}
JSON
spawn "$WORK/hub.log" java -jar "$HUB_JAR" run --config "$WORK/hub.json"
spawn "$WORK/agent.log" java -jar "$AGENT_JAR" run --config "$WORK/edgelb"
BACKENDS=()
for ((i = 0; i < N; i++)); do
  spawn "$WORK/backend$i.log" python3 -m http.server --bind 127.0.0.1 $((PORT0 + 100 + i)); BACKENDS+=("$LAST_PID")
done
nap 3

# ---- create N trees; time each from its create call to all objects ACTIVE
declare -A T0
for ((i = 0; i < N; i++)); do
  T0[$i]=$(now_us)
  lb=$(api POST loadbalancers "{\"loadbalancer\": {\"name\": \"bench-$i\", \"provider\": \"edgelb\", \"project_id\": \"bench\",
        \"availability_zone\": \"$ZONE\", \"vip_address\": \"127.0.0.$((10 + i))\",
        \"listeners\": [{\"name\": \"l$i\", \"protocol\": \"TCP\", \"protocol_port\": $((PORT0 + i)),
          \"default_pool\": {\"protocol\": \"TCP\", \"lb_algorithm\": \"ROUND_ROBIN\",
            \"healthmonitor\": {\"type\": \"TCP\", \"delay\": $DELAY, \"timeout\": 1, \"max_retries\": $FALL, \"max_retries_down\": $FALL},
            \"members\": [{\"address\": \"127.0.0.1\", \"protocol_port\": $((PORT0 + 100 + i))}]}}]}}" \
        | field loadbalancer id) || die "create bench-$i failed"
  LBS+=("$lb")
done
tree_active() {  # every object in the status tree ACTIVE
  api GET "loadbalancers/$1/status" | python3 -c '
import json,sys; s=json.load(sys.stdin)["statuses"]["loadbalancer"]; ok=[s["provisioning_status"]]
for l in s.get("listeners",[]):
  ok.append(l["provisioning_status"])
  for p in l.get("pools",[]):
    ok.append(p["provisioning_status"]); ok += [m["provisioning_status"] for m in p.get("members",[])]
    if p.get("health_monitor"): ok.append(p["health_monitor"]["provisioning_status"])
sys.exit(0 if set(ok)=={"ACTIVE"} else 1)'
}
member_status() { api GET "loadbalancers/$1/status" | python3 -c '
import json,sys; s=json.load(sys.stdin)["statuses"]["loadbalancer"]
print(s["listeners"][0]["pools"][0]["members"][0]["operating_status"])'; }
wait_all() {  # wait_all PREDICATE OUTFILE: per LB, µs from T0 until PREDICATE LB holds (30 s cap)
  local pred=$1 out=$2 i done=() left=$N deadline=$(( $(now_us) + 30000000 ))
  : > "$out"
  while (( left > 0 && $(now_us) < deadline )); do
    for ((i = 0; i < N; i++)); do
      [[ -n ${done[$i]:-} ]] && continue
      if $pred "${LBS[$i]}"; then done[$i]=1; left=$((left - 1)); echo $(( $(now_us) - T0[$i] )) >> "$out"; fi
    done
    nap 0.1
  done
  (( left == 0 )) || say "$left of $N never got there within 30 s"
}
pct() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {if (!NR) {print "inf"; exit} i=int((NR*p+99)/100); if (i<1)i=1; printf "%.2f", a[i]/1e6}'; }
wait_all tree_active "$WORK/active.us"
# ---- member down: stop each backend, time until Octavia shows the member ERROR
is_error() { [[ $(member_status "$1") == ERROR ]]; }
for ((i = 0; i < N; i++)); do T0[$i]=$(now_us); kill -TERM "${BACKENDS[$i]}" 2>/dev/null; done
wait_all is_error "$WORK/error.us"

A50=$(pct "$WORK/active.us" 50) A99=$(pct "$WORK/active.us" 99) E99=$(pct "$WORK/error.us" 99)
E_TARGET=$(( FALL * DELAY + 2 ))
printf 'create → ACTIVE (%d LBs): p50 %s s  p99 %s s  (target p99 < 5 s)\n' "$N" "$A50" "$A99"
printf 'member down → ERROR:        p99 %s s  (target < fall × interval + 2 = %d s)\n' "$E99" "$E_TARGET"
rc=0
[[ $(wc -l < "$WORK/active.us") -eq $N && $(calc '%d' "a < 5" a="$A99") -eq 1 ]] || { say "create → ACTIVE target missed"; rc=1; }
[[ $(wc -l < "$WORK/error.us") -eq $N && $(calc '%d' "e < t" e="$E99" t="$E_TARGET") -eq 1 ]] || { say "member ERROR target missed"; rc=1; }
exit $rc
