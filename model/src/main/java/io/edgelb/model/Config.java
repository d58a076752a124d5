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
        Map<String, VrrpInstance> vrrps,
        Map<String, L7Policy> l7policies,
        Map<String, L7Rule> l7rules) {

    public Config {
        listeners = frozen(listeners);
        pools = frozen(pools);
        members = frozen(members);
        healthMonitors = frozen(healthMonitors);
        vxlans = frozen(vxlans);
        vrrps = frozen(vrrps);
        l7policies = frozen(l7policies);
        l7rules = frozen(l7rules);
    }

    /** Without L7 policies and rules. */
    public Config(AgentSettings agent, HubSettings hub, Map<String, Listener> listeners, Map<String, Pool> pools,
                  Map<String, Member> members, Map<String, HealthMonitor> healthMonitors,
                  Map<String, VxlanLink> vxlans, Map<String, VrrpInstance> vrrps) {
        this(agent, hub, listeners, pools, members, healthMonitors, vxlans, vrrps, Map.of(), Map.of());
    }

    /** Without VRRP instances: hub-delivered states and tests (VRRP is the router's own, like VXLAN). */
    public Config(AgentSettings agent, HubSettings hub, Map<String, Listener> listeners, Map<String, Pool> pools,
                  Map<String, Member> members, Map<String, HealthMonitor> healthMonitors,
                  Map<String, VxlanLink> vxlans) {
        this(agent, hub, listeners, pools, members, healthMonitors, vxlans, Map.of(), Map.of(), Map.of());
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

    /** The same snapshot with these L7 policies and rules. */
    public Config withL7(Map<String, L7Policy> policies, Map<String, L7Rule> rules) {
        return new Config(agent, hub, listeners, pools, members, healthMonitors, vxlans, vrrps, policies, rules);
    }

    /** Enabled policies of one listener in Octavia's order: position, lower first, then id. */
    public List<L7Policy> policiesOf(String listenerId) {
        List<L7Policy> result = new ArrayList<>();
        for (L7Policy policy : l7policies.values()) {
            if (policy.enabled() && listenerId.equals(policy.listenerId())) {
                result.add(policy);
            }
        }
        result.sort(java.util.Comparator.comparingInt(L7Policy::position).thenComparing(L7Policy::id));
        return result;
    }

    /** Enabled rules of one policy, in file order. */
    public List<L7Rule> rulesOf(String policyId) {
        List<L7Rule> result = new ArrayList<>();
        for (L7Rule rule : l7rules.values()) {
            if (rule.enabled() && policyId.equals(rule.policyId())) {
                result.add(rule);
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
