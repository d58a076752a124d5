package io.edgelb.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One immutable configuration snapshot: everything the agent should run. Maps keep the order of
 * the source file so that listings and generated rules are stable.
 */
public record Config(
        AgentSettings agent,
        HubSettings hub,
        Map<String, Listener> listeners,
        Map<String, Pool> pools,
        Map<String, Member> members,
        Map<String, HealthMonitor> healthMonitors,
        Map<String, VxlanLink> vxlans,
        Map<String, VrrpInstance> vrrps) {

    public Config {
        listeners = frozen(listeners);
        pools = frozen(pools);
        members = frozen(members);
        healthMonitors = frozen(healthMonitors);
        vxlans = frozen(vxlans);
        vrrps = frozen(vrrps);
    }

    /** Without VRRP instances: hub-delivered states and tests (VRRP is the router's own, like VXLAN). */
    public Config(AgentSettings agent, HubSettings hub, Map<String, Listener> listeners, Map<String, Pool> pools,
                  Map<String, Member> members, Map<String, HealthMonitor> healthMonitors,
                  Map<String, VxlanLink> vxlans) {
        this(agent, hub, listeners, pools, members, healthMonitors, vxlans, Map.of());
    }

    /** The enabled VRRP instance one of whose VIPs is {@code address}, or null. */
    public VrrpInstance vrrpHolding(String address) {
        for (VrrpInstance vrrp : vrrps.values()) {
            if (vrrp.enabled() && vrrp.holds(address)) {
                return vrrp;
            }
        }
        return null;
    }

    public static Config empty() {
        return new Config(AgentSettings.defaults(), HubSettings.disabled(), Map.of(), Map.of(), Map.of(), Map.of(),
                Map.of());
    }

    /** Members of one pool, in file order. */
    public List<Member> membersOf(String poolId) {
        List<Member> result = new ArrayList<>();
        for (Member member : members.values()) {
            if (poolId.equals(member.poolId())) {
                result.add(member);
            }
        }
        return result;
    }

    /** Builds an id-keyed map in iteration order; a convenience for tests and codecs. */
    public static <T> Map<String, T> byId(Collection<T> items, Function<T, String> id) {
        Map<String, T> map = new LinkedHashMap<>();
        for (T item : items) {
            map.put(id.apply(item), item);
        }
        return map;
    }

    private static <T> Map<String, T> frozen(Map<String, T> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
