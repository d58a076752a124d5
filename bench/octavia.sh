#!/usr/bin/env bash
# octavia.sh: the edgelb Octavia provider end to end, against the running fixture
# (tests/octavia/octavia-up.sh, noauth API on 127.0.0.1:9876, zone edge-site-1 → agent r1).
# Starts a real hub (API 127.0.0.1:18090, the fixture's token) and a real agent r1, creates N load
# balancers (--provider edgelb, one TCP listener + pool + member + monitor each) and measures
#   create call → every object ACTIVE      p50/p99, target < 5 s
#   member backend stopped → member ERROR  p99,     target < fall × interval + 2 s
# Each load balancer is timed from its own create call, by a watcher that runs while the others are
# still being created (the creates are sequential; timing them all from a watcher started after the
# last create counted the other creates too). Exits non-zero when a target is missed. Leftover
# bench-* load balancers are deleted first; everything it created is deleted on exit, and the hub
# and agent stop only once Octavia has forgotten them. KEEP=DIR keeps the hub and agent logs there.
# Needs: mvn -o -q -DskipTests package (hub and agent jars), curl, /usr/bin/python3.
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
# delete_lbs: cascade-delete ours, then wait (30 s cap) until Octavia lists none of them: the hub
# and agent must still run to complete the deletes, or they stay PENDING_DELETE for good.
delete_lbs() {
  local lb i
  for lb in "${LBS[@]}"; do api DELETE "loadbalancers/$lb?cascade=true" >/dev/null; done
  for ((i = 0; i < 300 && ${#LBS[@]} > 0; i++)); do
    curl -sf "$OCTAVIA/v2/lbaas/loadbalancers?fields=id" | grep -qE "$(IFS='|'; echo "${LBS[*]}")" || return 0
    nap 0.1
  done
  say "some load balancers were not deleted within 30 s: ${LBS[*]}"
}
keep_logs() { [[ -n ${KEEP:-} ]] && mkdir -p "$KEEP" && cp "$WORK"/hub.log "$WORK"/agent.log "$WORK"/*.us "$WORK"/created "$WORK"/returned "$KEEP"/ 2>/dev/null; true; }
trap 'rc=$?; delete_lbs; keep_logs; (exit $rc); cleanup' EXIT   # cleanup exits with the status it sees

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
            "listener_address": "vip"}, "log_level": "${HUB_LOG_LEVEL:-info}"}
JSON
spawn "$WORK/hub.log" java -jar "$HUB_JAR" run --config "$WORK/hub.json"
spawn "$WORK/agent.log" java -jar "$AGENT_JAR" run --config "$WORK/edgelb"
BACKENDS=()
for ((i = 0; i < N; i++)); do
  spawn "$WORK/backend$i.log" /usr/bin/python3 -m http.server --bind 127.0.0.1 $((PORT0 + 100 + i)); BACKENDS+=("$LAST_PID")
done
# Ready: the hub answers and has r1 online and in sync (a create before that measures the start-up).
for ((i = 0; i < 300; i++)); do
  curl -sf -H "Authorization: Bearer $(cat "$TOKEN_FILE")" http://127.0.0.1:18090/api/agents 2>/dev/null \
    | grep -q '"in_sync": *true' && break
  nap 0.1
done
((i < 300)) || die "the hub never had r1 in sync (see $WORK/hub.log, $WORK/agent.log)"
# Leftovers of an interrupted run hold VIP:ports this run needs.
for lb in $(curl -sf "$OCTAVIA/v2/lbaas/loadbalancers?fields=id,name" | /usr/bin/python3 -c '
import json, sys
print(" ".join(l["id"] for l in json.load(sys.stdin)["loadbalancers"] if (l.get("name") or "").startswith("bench-")))'); do
  LBS+=("$lb")
done
if ((${#LBS[@]} > 0)); then say "deleting ${#LBS[@]} leftover bench-* load balancers"; delete_lbs; LBS=(); fi

# watch MODE FILE OUTFILE: one python process polls each load balancer listed in FILE ("id t0_us"
# lines, read as they are appended) until MODE holds; writes µs from t0 per load balancer. Stops
# once N are done, or 60 s after it started. MODE active: every object ACTIVE; error: the member's
# operating status ERROR. (A python per probe would cost ~0.3 s each and measure itself.)
watch() {
  /usr/bin/python3 - "$OCTAVIA" "$1" "$2" "$3" "$N" <<'PY'
import json, sys, time, urllib.request
url, mode, listing, out, n = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
def get(path):
    with urllib.request.urlopen(url + "/v2/lbaas/" + path, timeout=10) as r:
        return json.load(r)
def tree_holds(lb):
    s = get("loadbalancers/%s/status" % lb)["statuses"]["loadbalancer"]
    if mode == "error":
        return s["listeners"][0]["pools"][0]["members"][0]["operating_status"] == "ERROR"
    ok = [s["provisioning_status"]]
    for l in s.get("listeners", []):
        ok.append(l["provisioning_status"])
        for p in l.get("pools", []):
            ok.append(p["provisioning_status"]); ok += [m["provisioning_status"] for m in p.get("members", [])]
            if p.get("health_monitor"): ok.append(p["health_monitor"]["provisioning_status"])
    return set(ok) == {"ACTIVE"}
# One list call per 0.1 s finds the candidates (LB ACTIVE; LB not ONLINE), one status-tree call
# confirms each: the watcher must not be what loads Octavia's API (a tree call per LB per cycle
# kept its one uwsgi process busy and slowed the hub's polls down).
t0, done, deadline = {}, set(), time.time() + 60
with open(out, "w") as f:
    while len(done) < n and time.time() < deadline:
        with open(listing) as l:
            for line in l:
                if line.strip():
                    lb, t = line.split(); t0.setdefault(lb, int(t))
        seen = time.time()
        listed = {x["id"]: x for x in get("loadbalancers?fields=id&fields=provisioning_status&fields=operating_status")["loadbalancers"]}
        for lb in sorted(set(t0) - done):
            x = listed.get(lb, {})
            candidate = x.get("provisioning_status") == "ACTIVE" if mode == "active" else x.get("operating_status") not in (None, "ONLINE")
            if candidate and tree_holds(lb):
                f.write("%d\n" % (seen * 1e6 - t0[lb])); f.flush(); done.add(lb)
        time.sleep(0.1)
if len(done) < n: print("%d of %d never got there within 60 s" % (n - len(done), n), file=sys.stderr)
PY
}

# ---- create N trees, each timed from its create call to all objects ACTIVE
: > "$WORK/created"
watch active "$WORK/created" "$WORK/active.us" & WATCHER=$!
for ((i = 0; i < N; i++)); do
  t0=$(now_us)
  lb=$(api POST loadbalancers "{\"loadbalancer\": {\"name\": \"bench-$i\", \"provider\": \"edgelb\", \"project_id\": \"bench\", \"vip_subnet_id\": \"8a49ad6d-a6b5-4e4b-9c12-1d3a1e1e0f01\",
        \"availability_zone\": \"$ZONE\", \"vip_address\": \"127.0.0.$((10 + i))\",
        \"listeners\": [{\"name\": \"l$i\", \"protocol\": \"TCP\", \"protocol_port\": $((PORT0 + i)),
          \"default_pool\": {\"name\": \"p$i\", \"protocol\": \"TCP\", \"lb_algorithm\": \"ROUND_ROBIN\",
            \"healthmonitor\": {\"type\": \"TCP\", \"delay\": $DELAY, \"timeout\": 1, \"max_retries\": $FALL, \"max_retries_down\": $FALL},
            \"members\": [{\"address\": \"127.0.0.1\", \"protocol_port\": $((PORT0 + 100 + i))}]}}]}}" \
        | field loadbalancer id) || die "create bench-$i failed"
  LBS+=("$lb")
  echo "$lb $t0" >> "$WORK/created"
  echo "$lb $(now_us)" >> "$WORK/returned"
done
wait "$WATCHER"
# ---- member down: stop each backend, time until Octavia shows the member ERROR
: > "$WORK/stopped"
for ((i = 0; i < N; i++)); do echo "${LBS[$i]} $(now_us)" >> "$WORK/stopped"; kill -TERM "${BACKENDS[$i]}" 2>/dev/null; done
watch error "$WORK/stopped" "$WORK/error.us"

pct() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {if (!NR) {print "inf"; exit} i=int((NR*p+99)/100); if (i<1)i=1; printf "%.2f", a[i]/1e6}'; }

A50=$(pct "$WORK/active.us" 50) A99=$(pct "$WORK/active.us" 99) E99=$(pct "$WORK/error.us" 99)
E_TARGET=$(( FALL * DELAY + 2 ))
printf 'create → ACTIVE (%d LBs): p50 %s s  p99 %s s  (target p99 < 5 s)\n' "$N" "$A50" "$A99"
printf 'member down → ERROR:        p99 %s s  (target < fall × interval + 2 = %d s)\n' "$E99" "$E_TARGET"
rc=0
[[ $(wc -l < "$WORK/active.us") -eq $N && $(calc '%d' "a < 5" a="$A99") -eq 1 ]] || { say "create → ACTIVE target missed"; rc=1; }
[[ $(wc -l < "$WORK/error.us") -eq $N && $(calc '%d' "e < t" e="$E99" t="$E_TARGET") -eq 1 ]] || { say "member ERROR target missed"; rc=1; }
exit $rc
