package io.edgelb.hub.octavia;

import io.edgelb.model.AgentSettings;
import io.edgelb.model.Config;
import io.edgelb.model.ConfigValidator;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.HubSettings;
import io.edgelb.model.Listener;
import io.edgelb.model.Member;
import io.edgelb.model.Pool;
import io.edgelb.model.VrrpInstance;
import io.edgelb.model.Problem;
import io.edgelb.model.json.ConfigJson;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds one router's state from the parts its load balancers put on it, so that one load
 * balancer cannot spoil the others: a part that does not validate alone or together with the
 * parts before it (a VIP:port another load balancer already listens on, mostly) is replaced by
 * its last good version when that still fits, and left out otherwise. Parts unchanged since the
 * last poll are taken first, then the others in Octavia's order, so the load balancer that had a
 * port keeps it and the change that clashes is the one refused.
 *
 * <p>The common case costs one validation of the whole state; only a router with a bad part pays
 * one validation per part. Owned by the Octavia poll thread, like the last good parts it keeps.
 */
final class RouterStateAssembler {
    /** The assembled state and, per load balancer left out or held at its last good version, why. */
    record Result(Config state, Map<String, String> refused) {
    }

    /** router → load balancer → its last part that went into the router's state. */
    private final Map<String, Map<String, Config>> lastGood = new HashMap<>();

    /** parts: load balancer id → its objects on this router, in Octavia's order. */
    Result assemble(String router, Map<String, Config> parts) {
        Config whole = union(parts.values());
        if (!ConfigValidator.hasErrors(ConfigValidator.validate(whole))) {
            lastGood.put(router, new LinkedHashMap<>(parts));
            return new Result(whole, Map.of());
        }
        Map<String, Config> previous = lastGood.getOrDefault(router, Map.of());
        // Unchanged parts went together before and go first: the change that brings a clash is
        // the one refused, never the load balancer that had the port already.
        Set<String> order = new LinkedHashSet<>();
        parts.forEach((lb, part) -> {
            if (part.equals(previous.get(lb))) {
                order.add(lb);
            }
        });
        parts.keySet().stream().filter(lb -> !order.contains(lb)).forEach(order::add);
        Map<String, Config> accepted = new LinkedHashMap<>();
        Map<String, String> refused = new LinkedHashMap<>();
        for (String lb : order) {
            Config part = parts.get(lb);
            String problem = firstError(accepted, lb, part);
            if (problem == null) {
                accepted.put(lb, part);
                continue;
            }
            Config kept = previous.get(lb);
            boolean keptFits = kept != null && !kept.equals(part) && firstError(accepted, lb, kept) == null;
            if (keptFits) {
                accepted.put(lb, kept);
            }
            refused.put(lb, problem + (keptFits ? " (its last good version stays)" : " (left out)"));
        }
        Map<String, Config> inOrder = new LinkedHashMap<>();
        parts.keySet().stream().filter(accepted::containsKey).forEach(lb -> inOrder.put(lb, accepted.get(lb)));
        lastGood.put(router, inOrder);
        return new Result(union(inOrder.values()), refused);
    }

    /** Forgets routers that no load balancer names any more. */
    void retain(Set<String> routers) {
        lastGood.keySet().retainAll(routers);
    }

    /** The first error of accepted plus this part, as "path: message"; null when it validates. */
    private static String firstError(Map<String, Config> accepted, String lb, Config part) {
        Map<String, Config> trial = new LinkedHashMap<>(accepted);
        trial.put(lb, part);
        List<Problem> problems = ConfigValidator.validate(union(trial.values()));
        return problems.stream().filter(Problem::isError).findFirst()
                .map(p -> ConfigJson.pathOf("", p) + ": " + p.message()).orElse(null);
    }

    static Config union(Iterable<Config> parts) {
        Map<String, Listener> listeners = new LinkedHashMap<>();
        Map<String, Pool> pools = new LinkedHashMap<>();
        Map<String, Member> members = new LinkedHashMap<>();
        Map<String, HealthMonitor> monitors = new LinkedHashMap<>();
        Map<String, VrrpInstance> vrrps = new LinkedHashMap<>();
        for (Config part : parts) {
            listeners.putAll(part.listeners());
            pools.putAll(part.pools());
            members.putAll(part.members());
            monitors.putAll(part.healthMonitors());
            vrrps.putAll(part.vrrps());
        }
        return new Config(AgentSettings.defaults(), HubSettings.disabled(), listeners, pools, members, monitors,
                Map.of(), vrrps);
    }
}
