package io.edgelb.agent.http.l7;

import io.edgelb.agent.pool.PoolRuntime;
import io.edgelb.agent.relay.HttpCounters;
import io.edgelb.model.Config;
import io.edgelb.model.L7Policy;
import io.edgelb.model.L7Rule;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The L7 policies of one HTTP listener, compiled once per configuration (regular expressions
 * included): immutable and shared by every event loop. Octavia's semantics: policies are tried by
 * position, lower first, ties by id; one acts when all its enabled rules match (a policy without
 * rules never does); when none acts the listener's default pool serves the request.
 */
public final class L7Table {
    public static final L7Table NONE = new L7Table(List.of());

    /** A policy ready to act: its redirect pool's runtime resolved. */
    public record Compiled(L7Policy policy, List<RuleMatcher> rules, PoolRuntime pool) {
        public Compiled {
            rules = List.copyOf(rules);
        }
    }

    private final List<Compiled> policies;

    private L7Table(List<Compiled> policies) {
        this.policies = List.copyOf(policies);
    }

    /** The tables of every listener that has enabled policies, from one validated snapshot. */
    public static Map<String, L7Table> compileAll(Config config, Map<String, PoolRuntime> pools) {
        Map<String, List<RuleMatcher>> rules = new HashMap<>();
        for (L7Rule rule : config.l7rules().values()) {
            if (rule.enabled()) {
                rules.computeIfAbsent(rule.policyId(), k -> new ArrayList<>()).add(new RuleMatcher(rule));
            }
        }
        Map<String, List<Compiled>> byListener = new HashMap<>();
        for (L7Policy policy : config.l7policies().values()) {
            List<RuleMatcher> own = rules.get(policy.id());
            if (!policy.enabled() || own == null) {
                continue; // without rules a policy never matches
            }
            PoolRuntime pool = policy.redirectPoolId() == null ? null : pools.get(policy.redirectPoolId());
            byListener.computeIfAbsent(policy.listenerId(), k -> new ArrayList<>()).add(new Compiled(policy, own, pool));
        }
        Map<String, L7Table> tables = new HashMap<>();
        byListener.forEach((listener, list) -> {
            list.sort(Comparator.comparingInt((Compiled c) -> c.policy().position())
                    .thenComparing(c -> c.policy().id()));
            tables.put(listener, new L7Table(list));
        });
        return tables;
    }

    public boolean isEmpty() {
        return policies.isEmpty();
    }

    /** The first policy whose rules all match, or null. Runs on the client's event loop. */
    public Compiled decide(HttpRequest request, HttpCounters counters) {
        for (Compiled compiled : policies) {
            if (matches(compiled, request, counters)) {
                return compiled;
            }
        }
        return null;
    }

    private static boolean matches(Compiled compiled, HttpRequest request, HttpCounters counters) {
        for (RuleMatcher rule : compiled.rules()) {
            RuleMatcher.Result result = rule.match(request);
            if (result == RuleMatcher.Result.ABORTED) {
                counters.regexAborted();
            }
            if (result != RuleMatcher.Result.MATCH) {
                return false;
            }
        }
        return true;
    }

    /** Where a REDIRECT_TO_URL or REDIRECT_PREFIX policy sends the client (validated targets). */
    public static String location(L7Policy policy, HttpRequest request) {
        return switch (policy.action()) {
            case REDIRECT_TO_URL -> policy.redirectUrl();
            case REDIRECT_PREFIX -> policy.redirectPrefix() + RequestTarget.forLocation(request.uri());
            default -> throw new IllegalArgumentException(policy.action() + " does not redirect");
        };
    }
}
