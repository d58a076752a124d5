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
WORK=${WORK:-$(mktemp -d /tmp/octavia-bench.XXXXXX)}
HUB_JAR=hub/target/edgelb-hub.jar AGENT_JAR=agent/target/edgelb-agent.jar
[[ -f $HUB_JAR && -f $AGENT_JAR ]] || die "build first: mvn -o -q -DskipTests package"
curl -sf "$OCTAVIA/v2/lbaas/providers" | grep -q '"edgelb"' \
  || die "the edgelb provider is not enabled in Octavia ($OCTAVIA): run tests/octavia/octavia-up.sh"
TOKEN_FILE=$BASE/edgelb/hub-api.token
api() { curl -sf -X "$1" -H 'Content-Type: application/json' "$OCTAVIA/v2/lbaas/$2" ${3:+-d "$3"} || { [[ $1 == POST ]] && curl -s -X POST -H "Content-Type: application/json" "$OCTAVIA/v2/lbaas/$2" -d "$3" >&2; false; }; }
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[sys.argv[1]][sys.argv[2]])' "$@"; }

LBS=()
delete_lbs() { local lb; for lb in "${LBS[@]}"; do api DELETE "loadbalancers/$lb?cascade=true" >/dev/null; done; }
trap 'rc=$?; delete_lbs; (exit $rc); cleanup' EXIT   # cleanup exits with the status it sees

# ---- hub and agent (keys, allow-list, the agent's hub section)
java -jar "$HUB_JAR" keygen --out "$WORK/hub.key" > "$WORK/hub.pub" 2>/dev/null || die "hub keygen"
cat > "$WORK/edgelb" <<UCI
config agent 'main'
	option enabled '1'
	option api '127.0.0.1:18089'
	option state_dir '$WORK'

config hub 'hub'
	option enabled '1'
	option agent_id 'r1'
	option key_file '$WORK/agent.key'
	list endpoint 'tcp://127.0.0.1:18570'
	option server_key '$(tail -1 "$WORK/hub.pub")'
	option state_file '$WORK/hub-state.json'
UCI
java -jar "$AGENT_JAR" keygen --config "$WORK/edgelb" --out "$WORK/agent.key" > "$WORK/agent.pub" 2>/dev/null || die "agent keygen"
cat > "$WORK/hub.json" <<JSON
{"bind": "tcp://127.0.0.1:18570", "key_file": "$WORK/hub.key", "api": "127.0.0.1:18090",
 "api_token_file": "$TOKEN_FILE", "agents": {"r1": "$(tail -1 "$WORK/agent.pub")"},
 "source": {"type": "octavia", "url": "$OCTAVIA", "interval": 10, "provider": "edgelb",
            "listener_address": "vip"}}
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
  lb=$(api POST loadbalancers "{\"loadbalancer\": {\"name\": \"bench-$i\", \"provider\": \"edgelb\", \"project_id\": \"bench\", \"vip_subnet_id\": \"8a49ad6d-a6b5-4e4b-9c12-1d3a1e1e0f01\",
        \"availability_zone\": \"$ZONE\", \"vip_address\": \"127.0.0.$((10 + i))\",
        \"listeners\": [{\"name\": \"l$i\", \"protocol\": \"TCP\", \"protocol_port\": $((PORT0 + i)),
          \"default_pool\": {\"name\": \"p$i\", \"protocol\": \"TCP\", \"lb_algorithm\": \"ROUND_ROBIN\",
            \"healthmonitor\": {\"type\": \"TCP\", \"delay\": $DELAY, \"timeout\": 1, \"max_retries\": $FALL, \"max_retries_down\": $FALL},
            \"members\": [{\"address\": \"127.0.0.1\", \"protocol_port\": $((PORT0 + 100 + i))}]}}]}}" \
        | field loadbalancer id) || die "create bench-$i failed"
  LBS+=("$lb")
done
# wait_all MODE OUTFILE: one python process polls every load balancer's status tree (a python per
# probe would cost ~0.3 s each and measure itself); per LB, µs from T0 until MODE holds (30 s cap).
# MODE active: every object ACTIVE; error: the member's operating status ERROR.
wait_all() {
  local i t0s=""
  for ((i = 0; i < N; i++)); do t0s+="${LBS[$i]}=${T0[$i]} "; done
  /usr/bin/python3 - "$OCTAVIA" "$1" "$2" $t0s <<'PY'
import json, sys, time, urllib.request
url, mode, out, pairs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
t0 = dict(p.split("=") for p in pairs)
def holds(lb):
    with urllib.request.urlopen("%s/v2/lbaas/loadbalancers/%s/status" % (url, lb), timeout=10) as r:
        s = json.load(r)["statuses"]["loadbalancer"]
    if mode == "error":
        return s["listeners"][0]["pools"][0]["members"][0]["operating_status"] == "ERROR"
    ok = [s["provisioning_status"]]
    for l in s.get("listeners", []):
        ok.append(l["provisioning_status"])
        for p in l.get("pools", []):
            ok.append(p["provisioning_status"]); ok += [m["provisioning_status"] for m in p.get("members", [])]
            if p.get("health_monitor"): ok.append(p["health_monitor"]["provisioning_status"])
    return set(ok) == {"ACTIVE"}
left, deadline = set(t0), time.time() + 30
with open(out, "w") as f:
    while left and time.time() < deadline:
        for lb in sorted(left):
            if holds(lb):
                f.write("%d\n" % (time.time() * 1e6 - int(t0[lb]))); left.discard(lb)
        time.sleep(0.05)
if left: print("%d of %d never got there within 30 s" % (len(left), len(t0)), file=sys.stderr)
PY
}
pct() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {if (!NR) {print "inf"; exit} i=int((NR*p+99)/100); if (i<1)i=1; printf "%.2f", a[i]/1e6}'; }
wait_all active "$WORK/active.us"
# ---- member down: stop each backend, time until Octavia shows the member ERROR
for ((i = 0; i < N; i++)); do T0[$i]=$(now_us); kill -TERM "${BACKENDS[$i]}" 2>/dev/null; done
wait_all error "$WORK/error.us"

A50=$(pct "$WORK/active.us" 50) A99=$(pct "$WORK/active.us" 99) E99=$(pct "$WORK/error.us" 99)
E_TARGET=$(( FALL * DELAY + 2 ))
printf 'create → ACTIVE (%d LBs): p50 %s s  p99 %s s  (target p99 < 5 s)\n' "$N" "$A50" "$A99"
printf 'member down → ERROR:        p99 %s s  (target < fall × interval + 2 = %d s)\n' "$E99" "$E_TARGET"
rc=0
[[ $(wc -l < "$WORK/active.us") -eq $N && $(calc '%d' "a < 5" a="$A99") -eq 1 ]] || { say "create → ACTIVE target missed"; rc=1; }
[[ $(wc -l < "$WORK/error.us") -eq $N && $(calc '%d' "e < t" e="$E99" t="$E_TARGET") -eq 1 ]] || { say "member ERROR target missed"; rc=1; }
exit $rc
