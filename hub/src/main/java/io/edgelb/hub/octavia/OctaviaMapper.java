package io.edgelb.hub.octavia;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.model.AgentSettings;
import io.edgelb.model.ForwardedHeader;
import io.edgelb.model.Config;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.HubSettings;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Listener;
import io.edgelb.model.ListenerMode;
import io.edgelb.model.ListenerProtocol;
import io.edgelb.model.Member;
import io.edgelb.model.MonitorType;
import io.edgelb.model.Pool;
import io.edgelb.model.PoolProtocol;
import io.edgelb.model.SessionPersistence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one poll of Octavia into per-agent snapshots. A load balancer goes to every agent named by
 * one of its tags ({@code edgelb:<agent-id>}); its listeners, pools, members and health monitor map
 * field for field onto the model, keeping Octavia's ids.
 *
 * <p>Provisioning status: ACTIVE objects are used (and remembered); an object in PENDING_UPDATE is
 * used as it was when last ACTIVE, so a change in flight never makes a load balancer blink out on
 * the routers; PENDING_CREATE, PENDING_DELETE and ERROR objects are left out.
 *
 * <p>HTTP listeners with HTTP pools are HTTP listeners, with the insert_headers edgelb knows
 * (X-Forwarded-For, -Port, -Proto). What edgelb cannot do is mapped to the nearest thing or left
 * out, and said in a note: HTTPS listeners and pools are relayed as TCP (TLS passes through), as
 * are an HTTP listener with a PROXY pool and an HTTP pool under a TCP listener; TERMINATED_HTTPS, UDP, SCTP
 * and PROMETHEUS listeners and UDP/SCTP pools are left out; a PING monitor becomes a TCP connect
 * check of the member port (a Java agent cannot send ICMP without root raw sockets);
 * UDP-CONNECT/SCTP monitors are left out (the pool is then unmonitored); HTTP_COOKIE persistence
 * maps 1:1 on an HTTP pool under an HTTP listener, other cookie persistence is dropped (APP_COOKIE
 * is not there yet); a monitor timeout longer than its delay is cut to the delay. L7 policies are
 * not fetched from Octavia yet (the driver refuses them).
 *
 * <p>Load balancers of the hub's own provider go also to the agents of their availability zone's
 * profile, and their objects are used as Octavia lists them (PENDING_CREATE and PENDING_UPDATE are
 * the desired state: Octavia waits for us); PENDING_DELETE ones are left out. {@link #view} tells
 * the status book what they hold.
 */
final class OctaviaMapper {
    private final String tagPrefix;
    private final String listenerAddress;
    private final Map<String, JsonObject> lastActive;
    private final Map<String, JsonObject> nextActive = new HashMap<>();
    private final Set<String> notes = new LinkedHashSet<>();
    private final String provider;
    private final ZoneAgents zones;
    private final List<ProviderView.LoadBalancer> owned = new ArrayList<>();
    private final RouterPairs pairs;

    /** lastActive: the ACTIVE versions remembered from the previous poll (by id). */
    OctaviaMapper(String tagPrefix, String listenerAddress, Map<String, JsonObject> lastActive) {
        this(tagPrefix, listenerAddress, lastActive, null, null);
    }

    /** provider: whose load balancers the hub owns (null: none); zones: their availability zones' agents. */
    OctaviaMapper(String tagPrefix, String listenerAddress, Map<String, JsonObject> lastActive, String provider,
                  ZoneAgents zones) {
        this(tagPrefix, listenerAddress, lastActive, provider, zones, new RouterPairs());
    }

    /** pairs: the roles of router pairs (ACTIVE_STANDBY zones), kept by the source across polls. */
    OctaviaMapper(String tagPrefix, String listenerAddress, Map<String, JsonObject> lastActive, String provider,
                  ZoneAgents zones, RouterPairs pairs) {
        this.pairs = pairs;
        this.tagPrefix = tagPrefix;
        this.listenerAddress = listenerAddress;
        this.lastActive = lastActive;
        this.provider = provider;
        this.zones = zones;
    }

    /** The provider-owned load balancers of the last {@link #map} call. */
    ProviderView view() {
        return new ProviderView(List.copyOf(owned));
    }

    /** True when the hub's provider owns this load balancer. */
    boolean owns(JsonObject lb) {
        return provider != null && provider.equals(lb.getString("provider", null));
    }

    /** A provider-owned load balancer's zone, or null when it names none. */
    private ZoneAgents.Zone zoneOf(JsonObject lb) {
        String name = text(lb, "availability_zone");
        return name == null || zones == null ? null : zones.zone(name);
    }

    /** Tags, and for an owned load balancer its zone's agents: the routers that serve it. */
    List<String> routersOf(JsonObject lb) {
        List<String> routers = new ArrayList<>(agentsOf(lb));
        ZoneAgents.Zone zone = owns(lb) ? zoneOf(lb) : null;
        if (zone != null) {
            zone.agents().stream().filter(a -> !routers.contains(a)).forEach(routers::add);
        }
        return routers;
    }

    /** The ACTIVE versions of this poll, to pass to the next mapper. */
    Map<String, JsonObject> remembered() {
        return nextActive;
    }

    Set<String> notes() {
        return notes;
    }

    /**
     * Agent id → load balancer id → that load balancer's objects on the agent, in Octavia's order
     * (not validated yet: {@link RouterStateAssembler} makes each agent's state of them). Agents
     * that no load balancer names are absent.
     */
    Map<String, Map<String, Config>> map(OctaviaObjects objects) {
        Set<String> ownedLbs = new java.util.HashSet<>();
        objects.loadBalancers().stream().filter(this::owns).forEach(lb -> ownedLbs.add(lb.getString("id", "")));
        Set<String> ownedPools = new java.util.HashSet<>();
        Set<String> ownedMonitors = new java.util.HashSet<>();
        for (JsonObject pool : objects.pools()) {
            if (ownedLbs.stream().anyMatch(id -> belongsTo(pool, id))) {
                ownedPools.add(pool.getString("id", ""));
                String hm = text(pool, "healthmonitor_id");
                if (hm != null) {
                    ownedMonitors.add(hm);
                }
            }
        }
        Map<String, JsonObject> monitorsById = new HashMap<>();
        for (JsonObject hm : usable(objects.healthMonitors(), o -> ownedMonitors.contains(o.getString("id", "")))) {
            monitorsById.put(hm.getString("id", ""), hm);
        }
        List<JsonObject> listeners = usable(objects.listeners(), o -> ownedLbs.stream().anyMatch(id -> belongsTo(o, id)));
        List<JsonObject> pools = usable(objects.pools(), o -> ownedPools.contains(o.getString("id", "")));
        Set<String> usableLbs = new java.util.HashSet<>();
        usable(objects.loadBalancers(), this::owns).forEach(lb -> usableLbs.add(lb.getString("id", "")));
        Map<String, Map<String, Integer>> vridsByZone = new HashMap<>();
        for (JsonObject lb : objects.loadBalancers()) {
            ZoneAgents.Zone zone = owns(lb) ? zoneOf(lb) : null;
            if (zone != null && zone.pair() != null) {
                vridsByZone.computeIfAbsent(text(lb, "availability_zone"), z -> RouterPairs.vrids(
                        objects.loadBalancers().stream().filter(o -> owns(o) && z.equals(text(o, "availability_zone")))
                                .toList()));
            }
        }
        Map<String, Map<String, Config>> parts = new LinkedHashMap<>();
        for (JsonObject raw : objects.loadBalancers()) {
            String lbId = raw.getString("id", "");
            boolean isOwned = ownedLbs.contains(lbId);
            JsonObject lb = isOwned ? raw : nextActive.get(lbId);
            List<String> targets = routersOf(raw);
            Builder part = new Builder();
            if (usableLbs.contains(lbId) && lb != null && (!targets.isEmpty() || isOwned)) {
                for (JsonObject pool : pools) {
                    if (belongsTo(pool, lbId)) {
                        pool(part, pool, monitorsById, objects.membersByPool().getOrDefault(pool.getString("id", ""),
                                List.of()), isOwned);
                    }
                }
                boolean onPair = isOwned && zoneOf(raw) != null && zoneOf(raw).pair() != null;
                for (JsonObject listener : listeners) {
                    if (belongsTo(listener, lbId)) {
                        listener(part, listener, lb, onPair);
                    }
                }
            }
            Config built = part.build();
            String refusal = null;
            if (isOwned) {
                ZoneAgents.Zone zone = zoneOf(raw);
                refusal = zone != null && zone.error() != null ? zone.error() : part.unsupported;
                if (refusal != null) {
                    notes.add("loadbalancer " + lbId + ": " + refusal + "; the load balancer is ERROR");
                }
                String fingerprint = io.edgelb.model.json.ConfigJson.encodeText(built);
                if (zone != null && zone.pair() != null && zone.agents().size() == 2) {
                    fingerprint += " master=" + pairs.master(lbId, zone.agents()); // a failover is a change to wait for
                }
                owned.add(OwnedLoadBalancer.view(raw, targets, refusal, fingerprint, objects));
            }
            if (!usableLbs.contains(lbId) || refusal != null) {
                continue;
            }
            ZoneAgents.Zone zone = isOwned ? zoneOf(raw) : null;
            for (String agent : targets) {
                Config forAgent = built;
                if (zone != null && zone.pair() != null && zone.agents().contains(agent)) {
                    Integer vrid = vridsByZone.getOrDefault(text(raw, "availability_zone"), Map.of()).get(lbId);
                    String vip = text(raw, "vip_address");
                    if (vrid == null || vip == null) {
                        notes.add("loadbalancer " + lbId + ": " + (vip == null ? "has no vip_address"
                                : "more than 255 load balancers in its router pair's zone") + "; not on the pair");
                        continue;
                    }
                    forAgent = new Config(built.agent(), built.hub(), built.listeners(), built.pools(), built.members(),
                            built.healthMonitors(), Map.of(), Map.of(lbId, pairs.instance(lbId, vip, zone, agent, vrid)));
                }
                parts.computeIfAbsent(agent, a -> new LinkedHashMap<>()).put(lbId, forAgent);
            }
        }
        pairs.retain(ownedLbs);
        return parts;
    }

    /** The agents a load balancer is tagged for; pools of untagged load balancers never need their members. */
    List<String> agentsOf(JsonObject lb) {
        List<String> agents = new ArrayList<>();
        JsonValue tags = lb.get("tags");
        if (tags != null && tags.isArray()) {
            for (JsonValue tag : tags.asArray()) {
                if (tag.isString() && tag.asString().startsWith(tagPrefix)
                        && tag.asString().length() > tagPrefix.length()) {
                    agents.add(tag.asString().substring(tagPrefix.length()));
                }
            }
        }
        return agents;
    }

    /** ACTIVE objects, and PENDING_UPDATE ones as last seen ACTIVE. */
    List<JsonObject> usable(List<JsonObject> objects) {
        return usable(objects, o -> false);
    }

    /**
     * As {@link #usable(List)}; objects of provider-owned load balancers are the desired state as
     * they are (Octavia waits for us): every status but PENDING_DELETE and DELETED.
     */
    List<JsonObject> usable(List<JsonObject> objects, java.util.function.Predicate<JsonObject> owned) {
        List<JsonObject> result = new ArrayList<>();
        for (JsonObject o : objects) {
            String id = o.getString("id", "");
            String status = o.getString("provisioning_status", "ACTIVE");
            if (owned.test(o)) {
                if (!status.equals("PENDING_DELETE") && !status.equals("DELETED")) {
                    result.add(o);
                }
            } else if (status.equals("ACTIVE")) {
                nextActive.put(id, o);
                result.add(o);
            } else if (status.equals("PENDING_UPDATE") && lastActive.containsKey(id)) {
                nextActive.put(id, lastActive.get(id));
                result.add(lastActive.get(id));
            }
        }
        return result;
    }

    static boolean belongsTo(JsonObject child, String lbId) {
        JsonValue lbs = child.get("loadbalancers");
        if (lbs == null || !lbs.isArray()) {
            return false;
        }
        for (JsonValue lb : lbs.asArray()) {
            if (lb.isObject() && lbId.equals(lb.asObject().getString("id", null))) {
                return true;
            }
        }
        return false;
    }

    /** onPair: the load balancer's VIP moves between two routers, so its listeners listen on it whatever listener_address says. */
    private void listener(Builder b, JsonObject l, JsonObject lb, boolean onPair) {
        String id = l.getString("id", "");
        String protocol = l.getString("protocol", "TCP");
        if (!Set.of("TCP", "HTTP", "HTTPS").contains(protocol)) {
            notes.add("listener " + id + ": protocol " + protocol + " is not supported by edgelb; left out");
            return;
        }
        if (protocol.equals("HTTPS")) {
            notes.add("listener " + id + ": HTTPS is relayed as TCP (TLS passes through to the members)");
        }
        String address = listenerAddress.equals("vip") || onPair ? text(lb, "vip_address") : listenerAddress;
        String pool = text(l, "default_pool_id");
        if (pool != null && !b.pools.containsKey(pool)) {
            pool = null; // left out (unsupported or not ACTIVE): the listener refuses connections meanwhile
        }
        boolean http = protocol.equals("HTTP");
        Pool served = pool == null ? null : b.pools.get(pool);
        if (http && served != null && served.protocol() != PoolProtocol.HTTP) {
            // Octavia lets an HTTP listener send the PROXY protocol; edgelb's HTTP proxy does not.
            notes.add("listener " + id + ": HTTP with a " + served.protocol() + " pool is relayed as TCP");
            http = false;
        } else if (!http && served != null && served.protocol() == PoolProtocol.HTTP) {
            notes.add("pool " + pool + ": HTTP under a " + protocol + " listener is relayed as TCP");
            Pool relayed = served.withProtocol(PoolProtocol.TCP);
            if (served.persistence() == SessionPersistence.HTTP_COOKIE) {
                notes.add("pool " + pool + ": session_persistence HTTP_COOKIE needs an HTTP listener; not applied");
                relayed = relayed.withPersistence(SessionPersistence.NONE);
            }
            b.pools.put(pool, relayed);
        }
        List<String> cidrs = new ArrayList<>();
        JsonValue allowed = l.get("allowed_cidrs");
        if (allowed != null && allowed.isArray()) {
            allowed.asArray().forEach(c -> cidrs.add(c.isString() ? c.asString() : String.valueOf(c)));
        }
        Listener mapped = new Listener(id, address == null ? Listener.DEFAULT_ADDRESS : address,
                number(l, "protocol_port", 0), ListenerMode.RELAY, pool, number(l, "connection_limit", -1),
                number(l, "timeout_client_data", Listener.DEFAULT_TIMEOUT_CLIENT_DATA_MS),
                number(l, "timeout_member_connect", Listener.DEFAULT_TIMEOUT_MEMBER_CONNECT_MS),
                number(l, "timeout_member_data", Listener.DEFAULT_TIMEOUT_MEMBER_DATA_MS),
                cidrs, l.getBoolean("admin_state_up", true), false, ListenerProtocol.TCP, List.of(),
                Listener.DEFAULT_TIMEOUT_HTTP_REQUEST_MS);
        if (http) {
            mapped = mapped.withHttp(insertHeaders(id, l.get("insert_headers")), Listener.DEFAULT_TIMEOUT_HTTP_REQUEST_MS);
        } else if (insertHeaders(id, l.get("insert_headers")).size() > 0) {
            notes.add("listener " + id + ": insert_headers need an HTTP listener with an HTTP pool; not inserted");
        }
        b.listeners.put(id, mapped);
    }

    /**
     * Octavia's insert_headers dict ({"X-Forwarded-For": "true"}): the names edgelb inserts whose
     * value is true; the others are noted and left out.
     */
    private List<String> insertHeaders(String listenerId, JsonValue value) {
        List<String> names = new ArrayList<>();
        if (value == null || !value.isObject()) {
            return names;
        }
        for (JsonObject.Member entry : value.asObject()) {
            JsonValue v = entry.getValue();
            boolean on = v.isBoolean() ? v.asBoolean() : v.isString() && v.asString().equalsIgnoreCase("true");
            if (!on) {
                continue;
            }
            ForwardedHeader header = ForwardedHeader.byName(entry.getName());
            if (header == null) {
                notes.add("listener " + listenerId + ": insert_headers " + entry.getName()
                        + " is not supported by edgelb; not inserted");
            } else if (!names.contains(header.headerName())) {
                names.add(header.headerName());
            }
        }
        return names;
    }

    private void pool(Builder b, JsonObject p, Map<String, JsonObject> monitors, List<JsonObject> members,
                      boolean owned) {
        String id = p.getString("id", "");
        String protocol = p.getString("protocol", "TCP");
        PoolProtocol poolProtocol = switch (protocol) {
            case "TCP", "HTTPS" -> PoolProtocol.TCP;
            case "HTTP" -> PoolProtocol.HTTP; // back to TCP when its listener is not HTTP (see listener)
            case "PROXY" -> PoolProtocol.PROXY;
            case "PROXYV2" -> PoolProtocol.PROXYV2;
            default -> null;
        };
        if (poolProtocol == null) {
            notes.add("pool " + id + ": protocol " + protocol + " is not supported by edgelb; left out");
            return;
        }
        LbAlgorithm algorithm;
        try {
            algorithm = LbAlgorithm.parse(p.getString("lb_algorithm", "ROUND_ROBIN"));
        } catch (IllegalArgumentException e) {
            notes.add("pool " + id + ": " + e.getMessage() + "; ROUND_ROBIN used");
            algorithm = LbAlgorithm.ROUND_ROBIN;
        }
        SessionPersistence persistence = SessionPersistence.NONE;
        long persistenceMs = Pool.DEFAULT_PERSISTENCE_TIMEOUT_MS;
        JsonValue sp = p.get("session_persistence");
        if (sp != null && sp.isObject()) {
            String type = sp.asObject().getString("type", "");
            if (type.equals("SOURCE_IP")) {
                persistence = SessionPersistence.SOURCE_IP;
                persistenceMs = number(sp.asObject(), "persistence_timeout", persistenceMs / 1000) * 1000;
            } else if (type.equals("HTTP_COOKIE") && poolProtocol == PoolProtocol.HTTP) {
                persistence = SessionPersistence.HTTP_COOKIE; // dropped again if its listener is not HTTP
            } else if (owned) {
                // The driver refuses it at create time, but Octavia's fully populated create
                // sometimes hands the driver the pool without its session_persistence.
                b.unsupported = "pool " + id + ": session_persistence " + type + " is not supported by edgelb";
            } else {
                notes.add("pool " + id + ": session_persistence " + type + " is not supported yet (HTTP_COOKIE on"
                        + " HTTP pools only); not applied");
            }
        }
        String monitorId = text(p, "healthmonitor_id");
        if (monitorId != null) {
            monitorId = monitor(b, monitors.get(monitorId), monitorId);
        }
        b.pools.put(id, new Pool(id, algorithm, poolProtocol, persistence, persistenceMs, monitorId,
                p.getBoolean("admin_state_up", true)));
        for (JsonObject m : usable(members, o -> owned)) {
            String memberId = m.getString("id", "");
            b.members.put(memberId, new Member(memberId, id, text(m, "address"), number(m, "protocol_port", 0),
                    number(m, "weight", Member.DEFAULT_WEIGHT), m.getBoolean("backup", false),
                    m.getBoolean("admin_state_up", true), text(m, "monitor_address"), number(m, "monitor_port", 0)));
        }
    }

    /** Maps the pool's monitor; returns its id, or null when it is left out. */
    private String monitor(Builder b, JsonObject hm, String id) {
        if (hm == null) {
            return null; // not ACTIVE yet
        }
        String typeName = hm.getString("type", "");
        MonitorType type;
        if (typeName.equals("PING")) {
            notes.add("healthmonitor " + id + ": PING is checked as a TCP connect to the member port");
            type = MonitorType.TCP;
        } else {
            try {
                type = MonitorType.parse(typeName);
            } catch (IllegalArgumentException e) {
                notes.add("healthmonitor " + id + ": type " + typeName + " is not supported; the pool is unmonitored");
                return null;
            }
        }
        long delay = number(hm, "delay", HealthMonitor.DEFAULT_DELAY_MS / 1000) * 1000;
        long timeout = number(hm, "timeout", HealthMonitor.DEFAULT_TIMEOUT_MS / 1000) * 1000;
        if (timeout > delay) {
            notes.add("healthmonitor " + id + ": timeout " + timeout / 1000 + "s is longer than delay " + delay / 1000
                    + "s; cut to the delay");
            timeout = delay;
        }
        b.monitors.put(id, new HealthMonitor(id, type, delay, timeout,
                number(hm, "max_retries", HealthMonitor.DEFAULT_MAX_RETRIES),
                number(hm, "max_retries_down", HealthMonitor.DEFAULT_MAX_RETRIES_DOWN),
                orDefault(text(hm, "http_method"), HealthMonitor.DEFAULT_HTTP_METHOD),
                orDefault(text(hm, "url_path"), HealthMonitor.DEFAULT_URL_PATH),
                orDefault(text(hm, "expected_codes"), HealthMonitor.DEFAULT_EXPECTED_CODES),
                text(hm, "domain_name"), hm.getBoolean("admin_state_up", true)));
        return id;
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }

    static String text(JsonObject o, String name) {
        JsonValue v = o.get(name);
        return v != null && v.isString() ? v.asString() : null;
    }

    private static int number(JsonObject o, String name, int fallback) {
        JsonValue v = o.get(name);
        return v != null && v.isNumber() ? (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v.asDouble()))
                : fallback;
    }

    private static long number(JsonObject o, String name, long fallback) {
        JsonValue v = o.get(name);
        return v != null && v.isNumber() ? (long) v.asDouble() : fallback;
    }

    /** The objects of one load balancer, in Octavia's order. */
    private static final class Builder {
        final Map<String, Listener> listeners = new LinkedHashMap<>();
        final Map<String, Pool> pools = new LinkedHashMap<>();
        final Map<String, Member> members = new LinkedHashMap<>();
        final Map<String, HealthMonitor> monitors = new LinkedHashMap<>();
        /** For a provider-owned load balancer: the first option it asks for that edgelb does not serve. */
        String unsupported;

        Config build() {
            return new Config(AgentSettings.defaults(), HubSettings.disabled(), listeners, pools, members, monitors,
                    Map.of());
        }
    }
}
