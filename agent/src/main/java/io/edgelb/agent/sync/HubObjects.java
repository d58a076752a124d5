package io.edgelb.agent.sync;

import io.edgelb.model.Config;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.L7Policy;
import io.edgelb.model.L7Rule;
import io.edgelb.model.Listener;
import io.edgelb.model.Member;
import io.edgelb.model.Pool;
import io.edgelb.model.VrrpInstance;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Puts hub-delivered objects beside the local ones in one snapshot. Their ids get the prefix
 * {@value #PREFIX}: UCI section names cannot hold '-', so a hub object can never replace a local
 * one nor be replaced by a local edit, and LuCI can tell them apart (they are read-only there).
 * References between hub objects are renamed with them; a hub object never refers to a local one.
 */
public final class HubObjects {
    public static final String PREFIX = "hub-";

    private HubObjects() {
    }

    public static boolean isHub(String id) {
        return id != null && id.startsWith(PREFIX);
    }

    /** The id the hub knows an object by. */
    public static String hubId(String id) {
        return isHub(id) ? id.substring(PREFIX.length()) : id;
    }

    /** The hub's objects with namespaced ids. */
    public static Config namespaced(Config hub) {
        Map<String, Listener> listeners = new LinkedHashMap<>();
        for (Listener l : hub.listeners().values()) {
            listeners.put(PREFIX + l.id(), l.withIds(PREFIX + l.id(), ref(l.poolId())));
        }
        Map<String, Pool> pools = new LinkedHashMap<>();
        for (Pool p : hub.pools().values()) {
            pools.put(PREFIX + p.id(), new Pool(PREFIX + p.id(), p.algorithm(), p.protocol(), p.persistence(),
                    p.persistenceTimeoutMs(), ref(p.healthMonitorId()), p.enabled()));
        }
        Map<String, Member> members = new LinkedHashMap<>();
        for (Member m : hub.members().values()) {
            members.put(PREFIX + m.id(), new Member(PREFIX + m.id(), ref(m.poolId()), m.address(), m.protocolPort(),
                    m.weight(), m.backup(), m.enabled(), m.monitorAddress(), m.monitorPort()));
        }
        Map<String, HealthMonitor> monitors = new LinkedHashMap<>();
        for (HealthMonitor h : hub.healthMonitors().values()) {
            monitors.put(PREFIX + h.id(), new HealthMonitor(PREFIX + h.id(), h.type(), h.delayMs(), h.timeoutMs(),
                    h.maxRetries(), h.maxRetriesDown(), h.httpMethod(), h.urlPath(), h.expectedCodes(), h.domainName(),
                    h.enabled()));
        }
        Map<String, VrrpInstance> vrrps = new LinkedHashMap<>();
        for (VrrpInstance v : hub.vrrps().values()) {
            vrrps.put(PREFIX + v.id(), new VrrpInstance(PREFIX + v.id(), v.enabled(), v.device(), v.virtualRouterId(),
                    v.priority(), v.vips(), v.unicastPeers(), v.unicastSrcIp(), v.advertIntMs(), v.version(),
                    v.authPass(), v.nopreempt(), v.preemptDelayMs(), v.listeners().stream().map(HubObjects::ref).toList()));
        }
        Map<String, L7Policy> policies = new LinkedHashMap<>();
        for (L7Policy p : hub.l7policies().values()) {
            policies.put(PREFIX + p.id(), new L7Policy(PREFIX + p.id(), ref(p.listenerId()), p.action(), p.position(),
                    ref(p.redirectPoolId()), p.redirectUrl(), p.redirectPrefix(), p.redirectHttpCode(), p.enabled()));
        }
        Map<String, L7Rule> rules = new LinkedHashMap<>();
        for (L7Rule r : hub.l7rules().values()) {
            rules.put(PREFIX + r.id(), new L7Rule(PREFIX + r.id(), ref(r.policyId()), r.type(), r.compareType(), r.key(),
                    r.value(), r.invert(), r.enabled()));
        }
        return new Config(hub.agent(), hub.hub(), listeners, pools, members, monitors, Map.of(), vrrps, policies,
                rules);
    }

    /** The local snapshot with the (namespaced) hub objects added; hub may be null (none). */
    public static Config compose(Config local, Config namespacedHub) {
        if (namespacedHub == null) {
            return local;
        }
        return new Config(local.agent(), local.hub(),
                merged(local.listeners(), namespacedHub.listeners()),
                merged(local.pools(), namespacedHub.pools()),
                merged(local.members(), namespacedHub.members()),
                merged(local.healthMonitors(), namespacedHub.healthMonitors()),
                local.vxlans(), merged(local.vrrps(), namespacedHub.vrrps()),
                merged(local.l7policies(), namespacedHub.l7policies()),
                merged(local.l7rules(), namespacedHub.l7rules()));
    }

    private static <T> Map<String, T> merged(Map<String, T> local, Map<String, T> hub) {
        Map<String, T> all = new LinkedHashMap<>(local);
        all.putAll(hub); // disjoint by construction: hub ids hold '-', UCI names cannot
        return all;
    }

    private static String ref(String id) {
        return id == null ? null : PREFIX + id;
    }
}
