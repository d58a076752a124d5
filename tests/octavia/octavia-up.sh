#!/usr/bin/env bash
# (The project's copy of the team's shared/octavia scripts: CI runs from a clean clone.)
# octavia-up.sh - install (Debian 12 packages) and start a REAL OpenStack Octavia API
# (11.0.0, Zed) for integration tests, loopback only, idempotent.
#
# What runs (all as root, all bound to 127.0.0.1, all state under $OCTAVIA_DEV_DIR):
#   mariadbd           private instance, 127.0.0.1:$DB_PORT       (octavia + keystone DBs)
#   rabbitmq (beam)    private node octavia-dev@localhost, 127.0.0.1:$RABBIT_PORT (API -> worker RPC)
#   octavia-worker     amphora provider with *noop* compute/network/amphora drivers:
#                      objects really go PENDING_* -> ACTIVE (about 0.3-3 s)
#   octavia API        uwsgi, auth_strategy=noauth    http://127.0.0.1:$NOAUTH_PORT
#   keystone           uwsgi, fernet tokens           http://127.0.0.1:$KEYSTONE_PORT/v3   (WITH_KEYSTONE=1)
#   octavia API        uwsgi, auth_strategy=keystone  http://127.0.0.1:$KEYSTONE_API_PORT  (WITH_KEYSTONE=1)
#   neutron-server     ML2, no agents, keystone auth   http://127.0.0.1:$NEUTRON_PORT  (WITH_KEYSTONE=1)
#                      in the catalog, holding the network edge-vip / subnet edge-vip-subnet
#                      (192.0.2.0/24) of the hub project: the openstack CLI resolves
#                      --vip-subnet-id there; Octavia's noop network driver never calls it
# Both APIs share one database and one worker, so they see the same objects.
#
# Usage: sudo bash tests/octavia/octavia-up.sh        (re-running is safe; it only starts what is not running)
# Stop:  sudo bash tests/octavia/octavia-down.sh      (PURGE=1 also deletes $OCTAVIA_DEV_DIR)
set -euo pipefail

BASE=${OCTAVIA_DEV_DIR:-/var/lib/octavia-dev}
NOAUTH_PORT=${NOAUTH_PORT:-9876}
KEYSTONE_API_PORT=${KEYSTONE_API_PORT:-9877}
KEYSTONE_PORT=${KEYSTONE_PORT:-5000}
NEUTRON_PORT=${NEUTRON_PORT:-9696}
DB_PORT=${DB_PORT:-13306}
RABBIT_PORT=${RABBIT_PORT:-5673}
RABBIT_DIST_PORT=${RABBIT_DIST_PORT:-25673}
WITH_KEYSTONE=${WITH_KEYSTONE:-1}
ADMIN_PASSWORD=${ADMIN_PASSWORD:-admin}
NOAUTH_PROJECT=${NOAUTH_PROJECT:-e3cd678b11784734bc366148aa37580e}
RABBIT_NODE=octavia-dev@localhost
EDGELB_HUB_PORT=${EDGELB_HUB_PORT:-18090}   # the test hub's API (tests/.../octavia/)

log() { echo "[octavia-up] $(date +%H:%M:%S) $*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root"
T_START=$(date +%s)

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
port_open() { (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
wait_for() { # wait_for SECONDS DESCRIPTION CMD...
  local secs=$1 what=$2; shift 2; local t0=$(date +%s)
  until "$@" >/dev/null 2>&1; do
    [ $(( $(date +%s) - t0 )) -ge "$secs" ] && die "timeout waiting for $what"
    sleep 0.5
  done
  log "$what ready after $(( $(date +%s) - t0 ))s"
}
http_ok() { curl -sf -o /dev/null --max-time 5 "$1"; }

# ---------------------------------------------------------------- 1. packages
PKGS="octavia-api python3-octaviaclient python3-openstackclient uwsgi-plugin-python3
      mariadb-server rabbitmq-server openssl curl"
[ "$WITH_KEYSTONE" = 1 ] && PKGS="$PKGS keystone neutron-server"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
  log "installing:$missing"
  t0=$(date +%s)
  # Keep the packages' own services (system mariadb, rabbitmq, octavia-api on :9876,
  # keystone on :5000) from being started by the maintainer scripts.
  added_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; added_policy=1
  fi
  # All debconf questions of octavia-common/octavia-api/keystone default to "false"
  # (no DB setup, no keystone registration); make that explicit anyway.
  cat <<'EOF' | debconf-set-selections
octavia-common octavia/configure_db boolean false
octavia-common octavia/configure_rabbit boolean false
octavia-common octavia/configure_ksat boolean false
octavia-api octavia/configure_api-endpoint boolean false
keystone keystone/configure_db boolean false
keystone keystone/create-admin-tenant boolean false
keystone keystone/register-endpoint boolean false
neutron-common neutron/configure_db boolean false
neutron-common neutron/configure_rabbit boolean false
neutron-common neutron/configure_ksat boolean false
neutron-server neutron/configure_api-endpoint boolean false
EOF
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true
  apt-get install -y -q --no-install-recommends $missing >"/tmp/octavia-dev-apt.log" 2>&1 \
    || { tail -30 /tmp/octavia-dev-apt.log; [ $added_policy = 1 ] && rm -f /usr/sbin/policy-rc.d; die "apt-get install failed"; }
  [ $added_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
  log "packages installed in $(( $(date +%s) - t0 ))s"
fi

mkdir -p "$BASE"/{log,run,edgelb,certs/storage,mysql,rabbitmq/mnesia,keystone/fernet-keys,keystone/credential-keys}
chmod 700 "$BASE"

# ---------------------------------------------------------------- 2. MariaDB (private instance)
MYSQL=(mariadb --no-defaults -S "$BASE/run/mysqld.sock" -uroot)
if ! alive "$BASE/run/mariadb.pid"; then
  if [ ! -d "$BASE/mysql/mysql" ]; then
    log "initialising MariaDB datadir"
    mariadb-install-db --no-defaults --datadir="$BASE/mysql" --user=root \
      --auth-root-authentication-method=socket >"$BASE/log/mariadb-install.log" 2>&1
  fi
  log "starting MariaDB on 127.0.0.1:$DB_PORT"
  setsid /usr/sbin/mariadbd --no-defaults --user=root --datadir="$BASE/mysql" \
    --bind-address=127.0.0.1 --port="$DB_PORT" --socket="$BASE/run/mysqld.sock" \
    --pid-file="$BASE/run/mariadb.pid" --log-error="$BASE/log/mariadb.err" \
    --innodb-buffer-pool-size=64M --max-connections=300 --skip-name-resolve \
    --character-set-server=utf8mb4 </dev/null >/dev/null 2>&1 &
  wait_for 60 "MariaDB" "${MYSQL[@]}" -e 'SELECT 1'
fi
"${MYSQL[@]}" <<EOF
CREATE DATABASE IF NOT EXISTS octavia CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS keystone CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS neutron CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS 'octavia'@'127.0.0.1' IDENTIFIED BY 'octavia';
CREATE USER IF NOT EXISTS 'keystone'@'127.0.0.1' IDENTIFIED BY 'keystone';
CREATE USER IF NOT EXISTS 'neutron'@'127.0.0.1' IDENTIFIED BY 'neutron';
GRANT ALL ON octavia.* TO 'octavia'@'127.0.0.1';
GRANT ALL ON keystone.* TO 'keystone'@'127.0.0.1';
GRANT ALL ON neutron.* TO 'neutron'@'127.0.0.1';
EOF

# ---------------------------------------------------------------- 3. RabbitMQ (private node)
cat > "$BASE/rabbitmq/rabbitmq-env.conf" <<EOF
NODENAME=$RABBIT_NODE
NODE_IP_ADDRESS=127.0.0.1
NODE_PORT=$RABBIT_PORT
DIST_PORT=$RABBIT_DIST_PORT
MNESIA_BASE=$BASE/rabbitmq/mnesia
LOG_BASE=$BASE/log/rabbitmq
PID_FILE=$BASE/run/rabbitmq.pid
ENABLED_PLUGINS_FILE=$BASE/rabbitmq/enabled_plugins
SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
EOF
[ -f "$BASE/rabbitmq/enabled_plugins" ] || echo '[].' > "$BASE/rabbitmq/enabled_plugins"
rabbit_env() {
  exec env HOME="$BASE/rabbitmq" ERL_EPMD_ADDRESS=127.0.0.1 \
      RABBITMQ_CONF_ENV_FILE="$BASE/rabbitmq/rabbitmq-env.conf" \
      RABBITMQ_CONFIG_FILE="$BASE/rabbitmq/rabbitmq" "$@"
}
if ! alive "$BASE/run/rabbitmq.pid"; then
  log "starting RabbitMQ node $RABBIT_NODE on 127.0.0.1:$RABBIT_PORT"
  ( rabbit_env setsid /usr/lib/rabbitmq/bin/rabbitmq-server </dev/null >"$BASE/log/rabbitmq-server.out" 2>&1 ) &
  wait_for 120 "RabbitMQ" port_open "$RABBIT_PORT"
fi
TRANSPORT_URL="rabbit://guest:guest@127.0.0.1:$RABBIT_PORT/"

# ---------------------------------------------------------------- 3b. the edgelb provider package
# The hub API token shared by the provider (driver + agent) and the test hub: 0600, random once.
if [ ! -s "$BASE/edgelb/hub-api.token" ]; then
  (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$BASE/edgelb/hub-api.token")
fi
chmod 600 "$BASE/edgelb/hub-api.token"
# Build python3-edgelb-octavia from octavia-provider/ and install it when its content changed
# (hash of the tracked sources, stamped under $BASE); then the API processes must reload it.
SRC_DIR=$(cd "$(dirname "$0")/../.." && pwd)/octavia-provider
PROVIDER_CHANGED=0
if [ -x "$SRC_DIR/build-deb.sh" ] || [ -f "$SRC_DIR/build-deb.sh" ]; then
  hash=$(cd "$SRC_DIR" && find . -type f ! -path './build/*' ! -path '*/__pycache__/*' ! -name '*.pyc' \
           ! -path './*.egg-info/*' ! -path './.pytest_cache/*' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)
  if [ "$(cat "$BASE/edgelb/provider.sha256" 2>/dev/null)" != "$hash" ] \
     || ! dpkg-query -W -f='${Status}' python3-edgelb-octavia 2>/dev/null | grep -q 'install ok installed'; then
    log "building + installing python3-edgelb-octavia from $SRC_DIR"
    out=$(mktemp -d)
    bash "$SRC_DIR/build-deb.sh" "$out" >"$BASE/log/edgelb-deb-build.log" 2>&1 \
      || { tail -20 "$BASE/log/edgelb-deb-build.log"; die "octavia-provider/build-deb.sh failed"; }
    dpkg -i "$out"/python3-edgelb-octavia_*.deb >>"$BASE/log/edgelb-deb-build.log" 2>&1 \
      || { tail -20 "$BASE/log/edgelb-deb-build.log"; die "dpkg -i python3-edgelb-octavia failed"; }
    rm -rf "$out"
    echo "$hash" > "$BASE/edgelb/provider.sha256"
    PROVIDER_CHANGED=1
  fi
else
  log "WARNING: $SRC_DIR/build-deb.sh missing: the edgelb provider is not installed"
fi
# Octavia's API loads every enabled provider at start-up and dies on a missing one: enable edgelb
# (and its provider agent) only when the package is installed.
EDGELB_DRIVER="" EDGELB_AGENTS=""
if dpkg-query -W -f='${Status}' python3-edgelb-octavia 2>/dev/null | grep -q 'install ok installed'; then
  EDGELB_DRIVER=",edgelb:edgelb edge routers (octavia-provider/)" EDGELB_AGENTS=edgelb
fi

# ---------------------------------------------------------------- 4. octavia config + schema
if [ ! -f "$BASE/certs/ca.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$BASE/certs/ca.key" -out "$BASE/certs/ca.pem" \
    -days 3650 -subj "/CN=octavia-dev-ca" >/dev/null 2>&1
fi
cat > "$BASE/octavia.conf" <<EOF
[DEFAULT]
debug = false
log_dir = $BASE/log
transport_url = $TRANSPORT_URL

[api_settings]
bind_host = 127.0.0.1
bind_port = $NOAUTH_PORT
auth_strategy = noauth
enabled_provider_drivers = amphora:Amphora provider (noop compute/network/amphora backends),noop_driver:The no-op provider (objects stay PENDING_*)$EDGELB_DRIVER
default_provider_driver = amphora

[driver_agent]
# the edgelb provider agent (in python3-edgelb-octavia) hands hub statuses to these sockets
status_socket_path = $BASE/run/status.sock
stats_socket_path = $BASE/run/stats.sock
get_socket_path = $BASE/run/get.sock
enabled_provider_agents = $EDGELB_AGENTS

[edgelb]
hub_url = http://127.0.0.1:$EDGELB_HUB_PORT
hub_token_file = $BASE/edgelb/hub-api.token

[database]
connection = mysql+pymysql://octavia:octavia@127.0.0.1:$DB_PORT/octavia

[controller_worker]
amphora_driver = amphora_noop_driver
compute_driver = compute_noop_driver
network_driver = network_noop_driver
image_driver = image_noop_driver
loadbalancer_topology = SINGLE
workers = 1
client_ca = $BASE/certs/ca.pem

[certificates]
cert_generator = local_cert_generator
cert_manager = local_cert_manager
ca_certificate = $BASE/certs/ca.pem
ca_private_key = $BASE/certs/ca.key
storage_path = $BASE/certs/storage

[oslo_messaging]
topic = octavia_prov

[oslo_policy]
policy_file = /etc/octavia/policy.d/00_default_policy.yaml
EOF
cat > "$BASE/octavia-keystone.conf" <<EOF
# overlay for the keystone-authenticated API instance (loaded after octavia.conf)
[DEFAULT]
log_file = octavia-wsgi-keystone.log

[api_settings]
bind_port = $KEYSTONE_API_PORT
auth_strategy = keystone

[keystone_authtoken]
www_authenticate_uri = http://127.0.0.1:$KEYSTONE_PORT
auth_url = http://127.0.0.1:$KEYSTONE_PORT
auth_type = password
username = octavia
password = octavia
project_name = service
user_domain_name = Default
project_domain_name = Default
region_name = RegionOne
EOF
log "octavia-db-manage upgrade head"
octavia-db-manage --config-file "$BASE/octavia.conf" upgrade head >"$BASE/log/octavia-db-manage.log" 2>&1 \
  || { tail -20 "$BASE/log/octavia-db-manage.log"; die "octavia-db-manage failed"; }

# A config change (this file rewrites octavia.conf every run) or a new package needs new API processes.
conf_hash=$(sha256sum "$BASE/octavia.conf" "$BASE/octavia-keystone.conf" | sha256sum | cut -c1-64)
if [ "$(cat "$BASE/run/conf.sha256" 2>/dev/null)" != "$conf_hash" ]; then PROVIDER_CHANGED=1; fi
restart_pidfile() { # name: stop it so that the start below starts it anew
  local f="$BASE/run/$1.pid" pid
  alive "$f" || return 0
  pid=$(cat "$f"); log "restarting $1 (pid $pid)"; kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  rm -f "$f"
}
if [ "$PROVIDER_CHANGED" = 1 ]; then
  for p in octavia-api octavia-api-keystone octavia-driver-agent; do restart_pidfile "$p"; done
fi
echo "$conf_hash" > "$BASE/run/conf.sha256"

# ---------------------------------------------------------------- 5. uwsgi helper
write_uwsgi_ini() { # name port wsgi-file pyargv [env]
  # Processes, not threads: Octavia's API talks to RabbitMQ through oslo.messaging on eventlet,
  # whose greenlets cannot move between uwsgi threads ("greenlet.error: cannot switch to a
  # different thread" stalled a request for 30 s with threads = 8). Four processes serve the
  # hub's four parallel reads. A changed ini restarts a running API.
  local old=""
  [ -f "$BASE/uwsgi-$1.ini" ] && old=$(sha256sum < "$BASE/uwsgi-$1.ini")
  cat > "$BASE/uwsgi-$1.ini" <<EOF
[uwsgi]
plugins = python3
http-socket = 127.0.0.1:$2
wsgi-file = $3
${4:+pyargv = $4}
${5:+env = $5}
master = true
processes = 4
threads = 1
enable-threads = true
lazy-apps = true
need-app = true
buffer-size = 65535
# uwsgi's http-socket does not keep connections alive: say so, otherwise
# python-requests/keystoneauth (openstack CLI) get ECONNRESET on reused connections
add-header = Connection: close
die-on-term = true
no-orphans = true
chdir = $BASE
pidfile = $BASE/run/$1.pid
name = $1
EOF
  if [ -n "$old" ] && [ "$old" != "$(sha256sum < "$BASE/uwsgi-$1.ini")" ]; then restart_pidfile "$1"; fi
}
start_uwsgi() { # name
  if ! alive "$BASE/run/$1.pid"; then
    log "starting $1"
    (cd "$BASE" && uwsgi_python3 --ini "$BASE/uwsgi-$1.ini" --daemonize2 "$BASE/log/$1.log" 2>/dev/null)
  fi
}

# ---------------------------------------------------------------- 6. octavia worker + noauth API
if ! alive "$BASE/run/octavia-worker.pid"; then
  log "starting octavia-worker"
  [ -f "$BASE/log/octavia-worker.log" ] && mv -f "$BASE/log/octavia-worker.log" "$BASE/log/octavia-worker.log.1"
  setsid octavia-worker --config-file "$BASE/octavia.conf" </dev/null >"$BASE/log/octavia-worker.out" 2>&1 &
  echo $! > "$BASE/run/octavia-worker.pid"
fi
write_uwsgi_ini octavia-api "$NOAUTH_PORT" /usr/bin/octavia-wsgi "--config-file=$BASE/octavia.conf"
start_uwsgi octavia-api
# The driver agent runs the provider agents ([driver_agent] enabled_provider_agents = edgelb: the
# edgelb agent polls the hub's /api/octavia/status) and serves their status/stats sockets.
if ! alive "$BASE/run/octavia-driver-agent.pid"; then
  log "starting octavia-driver-agent"
  setsid octavia-driver-agent --config-file "$BASE/octavia.conf" --log-file "$BASE/log/octavia-driver-agent.log" \
    </dev/null >"$BASE/log/octavia-driver-agent.out" 2>&1 &
  echo $! > "$BASE/run/octavia-driver-agent.pid"
fi

# ---------------------------------------------------------------- 7. keystone + keystone-auth API
if [ "$WITH_KEYSTONE" = 1 ]; then
  cat > "$BASE/keystone/keystone.conf" <<EOF
[DEFAULT]
log_dir = $BASE/log
log_file = keystone.log

[database]
connection = mysql+pymysql://keystone:keystone@127.0.0.1:$DB_PORT/keystone

[identity]
# cheaper bcrypt for a test deployment (default 12): token requests ~50 ms instead of ~0.5 s
password_hash_rounds = 4

[token]
provider = fernet
expiration = 86400

[fernet_tokens]
key_repository = $BASE/keystone/fernet-keys

[fernet_receipts]
key_repository = $BASE/keystone/fernet-keys

[credential]
key_repository = $BASE/keystone/credential-keys

[oslo_policy]
policy_dirs = /etc/keystone/policy.d
EOF
  KM=(keystone-manage --config-file "$BASE/keystone/keystone.conf")
  if [ ! -f "$BASE/keystone/.bootstrapped" ]; then
    log "keystone db_sync + fernet/credential keys + bootstrap"
    # (keystone-manage prints a harmless eventlet 'getcurrent' traceback at exit)
    "${KM[@]}" db_sync >"$BASE/log/keystone-manage.log" 2>&1
    [ -f "$BASE/keystone/fernet-keys/0" ] || "${KM[@]}" fernet_setup --keystone-user root --keystone-group root >>"$BASE/log/keystone-manage.log" 2>&1
    [ -f "$BASE/keystone/credential-keys/0" ] || "${KM[@]}" credential_setup --keystone-user root --keystone-group root >>"$BASE/log/keystone-manage.log" 2>&1
    "${KM[@]}" bootstrap --bootstrap-username admin --bootstrap-password "$ADMIN_PASSWORD" \
      --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-service-name keystone \
      --bootstrap-region-id RegionOne \
      --bootstrap-admin-url "http://127.0.0.1:$KEYSTONE_PORT/v3" \
      --bootstrap-public-url "http://127.0.0.1:$KEYSTONE_PORT/v3" \
      --bootstrap-internal-url "http://127.0.0.1:$KEYSTONE_PORT/v3" >>"$BASE/log/keystone-manage.log" 2>&1
    touch "$BASE/keystone/.bootstrapped"
  fi
  write_uwsgi_ini keystone "$KEYSTONE_PORT" /usr/bin/keystone-wsgi-public "" \
    "OS_KEYSTONE_CONFIG_FILES=$BASE/keystone/keystone.conf"
  start_uwsgi keystone
  write_uwsgi_ini octavia-api-keystone "$KEYSTONE_API_PORT" /usr/bin/octavia-wsgi \
    "--config-file=$BASE/octavia.conf --config-file=$BASE/octavia-keystone.conf"
  start_uwsgi octavia-api-keystone
  wait_for 180 "keystone" http_ok "http://127.0.0.1:$KEYSTONE_PORT/v3"
  # service user for keystonemiddleware, a 'hub' project/user, load-balancer catalog entry
  cat > "$BASE/keystone/seed.py" <<'PYEOF'
import json, os, sys, urllib.request, urllib.error
KS = os.environ["KS_URL"]
def call(method, path, body=None, token=None):
    req = urllib.request.Request(KS + path, data=json.dumps(body).encode() if body is not None else None, method=method)
    req.add_header("Content-Type", "application/json")
    if token: req.add_header("X-Auth-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            raw = r.read(); return r.status, r.headers, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        raw = e.read(); return e.code, e.headers, (json.loads(raw) if raw else None)
st, h, _ = call("POST", "/auth/tokens", {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": os.environ["ADMIN_PASSWORD"]}}}, "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}})
assert st == 201, st
T = h["X-Subject-Token"]
def ensure(kind, plural, query, body):
    st, _, d = call("GET", "/%s?%s" % (plural, query), token=T); assert st == 200, (st, d)
    if d[plural]: return d[plural][0]["id"]
    st, _, d = call("POST", "/" + plural, {kind: body}, token=T); assert st == 201, (st, d)
    return d[kind]["id"]
def grant(p, u, r):
    st, _, d = call("PUT", "/projects/%s/users/%s/roles/%s" % (p, u, r), token=T); assert st in (200, 201, 204), (st, d)
roles = {r: ensure("role", "roles", "name=" + r, {"name": r}) for r in
         ["admin", "member", "reader", "service", "load-balancer_member", "load-balancer_observer",
          "load-balancer_admin", "load-balancer_global_observer"]}
svc_p = ensure("project", "projects", "name=service", {"name": "service", "domain_id": "default"})
hub_p = ensure("project", "projects", "name=hub", {"name": "hub", "domain_id": "default"})
oct_u = ensure("user", "users", "name=octavia", {"name": "octavia", "domain_id": "default", "password": "octavia", "default_project_id": svc_p})
hub_u = ensure("user", "users", "name=hub", {"name": "hub", "domain_id": "default", "password": "hubpass", "default_project_id": hub_p})
grant(svc_p, oct_u, roles["admin"]); grant(svc_p, oct_u, roles["service"])
grant(hub_p, hub_u, roles["member"]); grant(hub_p, hub_u, roles["load-balancer_member"])
# The edgelb provider: the hub reads availability zone profiles (the zone's routers) and load
# balancers of every project. load-balancer_admin allows exactly that in Octavia's default policy,
# without making the hub a Keystone (cloud-wide) admin.
grant(hub_p, hub_u, roles["load-balancer_admin"])
grant(svc_p, ensure("user", "users", "name=neutron", {"name": "neutron", "domain_id": "default", "password": "neutron",
                                                     "default_project_id": svc_p}), roles["admin"])
for kind, name, url in (("load-balancer", "octavia", os.environ["OCTAVIA_URL"]),
                        ("network", "neutron", os.environ["NEUTRON_URL"])):
    svc = ensure("service", "services", "type=" + kind, {"type": kind, "name": name, "enabled": True})
    for iface in ("public", "internal", "admin"):
        ensure("endpoint", "endpoints", "service_id=%s&interface=%s" % (svc, iface),
               {"service_id": svc, "interface": iface, "url": url, "region_id": "RegionOne", "enabled": True})
print(hub_p)
PYEOF
  HUB_PROJECT=$(KS_URL="http://127.0.0.1:$KEYSTONE_PORT/v3" ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    OCTAVIA_URL="http://127.0.0.1:$KEYSTONE_API_PORT" NEUTRON_URL="http://127.0.0.1:$NEUTRON_PORT" \
    python3 "$BASE/keystone/seed.py")
  log "keystone seeded (hub project $HUB_PROJECT)"

  # ---- neutron-server: a real Neutron API (ML2, flat networks, no agents and no ports bound) so
  # that the plain openstack CLI can create load balancers: it looks the VIP subnet up there.
  mkdir -p "$BASE/neutron/lock"
  cat > "$BASE/neutron/neutron.conf" <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $NEUTRON_PORT
core_plugin = ml2
service_plugins =
auth_strategy = keystone
transport_url = $TRANSPORT_URL
api_workers = 1
rpc_workers = 0
rpc_state_report_workers = 0
notify_nova_on_port_status_changes = false
notify_nova_on_port_data_changes = false
log_dir = $BASE/log
log_file = neutron-server.log
state_path = $BASE/neutron

[database]
connection = mysql+pymysql://neutron:neutron@127.0.0.1:$DB_PORT/neutron

[keystone_authtoken]
www_authenticate_uri = http://127.0.0.1:$KEYSTONE_PORT/v3
auth_url = http://127.0.0.1:$KEYSTONE_PORT/v3
auth_type = password
username = neutron
password = neutron
project_name = service
user_domain_name = Default
project_domain_name = Default

[oslo_concurrency]
lock_path = $BASE/neutron/lock

[ml2]
type_drivers = flat
tenant_network_types =
mechanism_drivers =
extension_drivers =

[ml2_type_flat]
flat_networks = *
EOF
  if [ ! -f "$BASE/neutron/.migrated" ]; then
    log "neutron-db-manage upgrade heads"
    neutron-db-manage --config-file "$BASE/neutron/neutron.conf" upgrade heads >"$BASE/log/neutron-db-manage.log" 2>&1 \
      || { tail -20 "$BASE/log/neutron-db-manage.log"; die "neutron-db-manage"; }
    touch "$BASE/neutron/.migrated"
  fi
  if ! alive "$BASE/run/neutron-server.pid"; then
    log "starting neutron-server on 127.0.0.1:$NEUTRON_PORT"
    setsid neutron-server --config-file "$BASE/neutron/neutron.conf" </dev/null >"$BASE/log/neutron-server.out" 2>&1 &
    echo $! > "$BASE/run/neutron-server.pid"
  fi
  wait_for 120 "neutron-server" http_ok "http://127.0.0.1:$NEUTRON_PORT/"
  # As admin (a flat provider network; there are no tenant network types), owned by the hub project.
  OSA=(env OS_AUTH_URL="http://127.0.0.1:$KEYSTONE_PORT/v3" OS_IDENTITY_API_VERSION=3 OS_USERNAME=admin
       OS_PASSWORD="$ADMIN_PASSWORD" OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default
       OS_REGION_NAME=RegionOne openstack)
  "${OSA[@]}" network show edge-vip >/dev/null 2>&1 \
    || "${OSA[@]}" network create edge-vip --project hub --provider-network-type flat \
       --provider-physical-network edge >/dev/null || die "neutron network edge-vip"
  "${OSA[@]}" subnet show edge-vip-subnet >/dev/null 2>&1 \
    || "${OSA[@]}" subnet create edge-vip-subnet --project hub --network edge-vip --subnet-range 192.0.2.0/24 \
       --no-dhcp >/dev/null || die "neutron subnet edge-vip-subnet"
  log "neutron: network edge-vip, subnet edge-vip-subnet (192.0.2.0/24)"
fi

# ---------------------------------------------------------------- 8. wait for the APIs
wait_for 180 "octavia API (noauth) :$NOAUTH_PORT" http_ok "http://127.0.0.1:$NOAUTH_PORT/v2/lbaas/providers"
[ "$WITH_KEYSTONE" = 1 ] && wait_for 180 "octavia API (keystone) :$KEYSTONE_API_PORT" http_ok "http://127.0.0.1:$KEYSTONE_API_PORT/"
wait_for 60 "octavia-worker RPC consumer" grep -q "Starting V2 consumer" "$BASE/log/octavia-worker.log"

# ---------------------------------------------------------------- 8b. the edgelb zone
# A load balancer of the edgelb provider needs an availability zone whose profile names its routers.
# Tests that need other agent sets create their own zones and delete them.
if dpkg-query -W -f='${Status}' python3-edgelb-octavia 2>/dev/null | grep -q 'install ok installed'; then
  OSN=(openstack --os-auth-type none --os-endpoint "http://127.0.0.1:$NOAUTH_PORT" loadbalancer)
  if ! "${OSN[@]}" availabilityzoneprofile show edge-site-1-profile >/dev/null 2>&1; then
    "${OSN[@]}" availabilityzoneprofile create --name edge-site-1-profile --provider edgelb \
      --availability-zone-data '{"agents": ["r1"]}' >/dev/null || die "availability zone profile"
  fi
  if ! "${OSN[@]}" availabilityzone show edge-site-1 >/dev/null 2>&1; then
    "${OSN[@]}" availabilityzone create --name edge-site-1 --availabilityzoneprofile edge-site-1-profile \
      >/dev/null || die "availability zone edge-site-1"
  fi
fi

cat > "$BASE/env.sh" <<EOF
# source me
export OCTAVIA_NOAUTH_URL=http://127.0.0.1:$NOAUTH_PORT
export OCTAVIA_NOAUTH_PROJECT=$NOAUTH_PROJECT
export EDGELB_HUB_API=127.0.0.1:$EDGELB_HUB_PORT
export EDGELB_HUB_TOKEN_FILE=$BASE/edgelb/hub-api.token
EOF
if [ "$WITH_KEYSTONE" = 1 ]; then cat >> "$BASE/env.sh" <<EOF
export OCTAVIA_KEYSTONE_URL=http://127.0.0.1:$KEYSTONE_API_PORT
export OS_AUTH_URL=http://127.0.0.1:$KEYSTONE_PORT/v3
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=hub OS_PASSWORD=hubpass OS_PROJECT_NAME=hub
export OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default OS_REGION_NAME=RegionOne
EOF
fi

log "up in $(( $(date +%s) - T_START ))s"
echo "OCTAVIA_NOAUTH_URL=http://127.0.0.1:$NOAUTH_PORT   (auth_strategy=noauth; send project_id in POST bodies)"
if [ "$WITH_KEYSTONE" = 1 ]; then
  echo "OCTAVIA_KEYSTONE_URL=http://127.0.0.1:$KEYSTONE_API_PORT   (auth_strategy=keystone; X-Auth-Token)"
  echo "KEYSTONE_URL=http://127.0.0.1:$KEYSTONE_PORT/v3   users: admin/$ADMIN_PASSWORD (project admin), hub/hubpass (project hub)"
fi
echo "env file: $BASE/env.sh   logs: $BASE/log   stop: octavia-down.sh"
