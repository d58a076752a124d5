package io.edgelb.hub.octavia;

import com.eclipsesource.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Cumulative listener counters for Octavia, which stores absolute values: the sum over the
 * listener's routers, where a router whose counters go backwards (it restarted) is carried on from
 * its last value, so a total never shrinks while the hub runs. active_connections is a gauge and
 * is summed as it is. Owned by the {@link ProviderStatusBook} (its lock).
 */
final class ListenerStatistics {
    static final String[] COUNTERS = {"bytes_in", "bytes_out", "total_connections", "request_errors"};

    /** What one router last reported for one listener, and what earlier lives of it had counted. */
    private static final class Carry {
        final long[] last = new long[COUNTERS.length];
        final long[] base = new long[COUNTERS.length];
    }

    private final Map<String, Map<String, Carry>> carries = new HashMap<>();

    /**
     * The totals of one listener; entries: each router's listener entry of its last report (routers
     * without one are left out and keep their carried values).
     */
    JsonObject total(String listener, Map<String, JsonObject> entries) {
        Map<String, Carry> byRouter = carries.computeIfAbsent(listener, k -> new HashMap<>());
        long active = 0;
        for (Map.Entry<String, JsonObject> entry : entries.entrySet()) {
            Carry carry = byRouter.computeIfAbsent(entry.getKey(), k -> new Carry());
            for (int i = 0; i < COUNTERS.length; i++) {
                long now = entry.getValue().getLong(COUNTERS[i], 0);
                if (now < carry.last[i]) {
                    carry.base[i] += carry.last[i];
                }
                carry.last[i] = now;
            }
            active += entry.getValue().getLong("active_connections", 0);
        }
        long[] sum = new long[COUNTERS.length];
        for (Carry carry : byRouter.values()) {
            for (int i = 0; i < COUNTERS.length; i++) {
                sum[i] += carry.base[i] + carry.last[i];
            }
        }
        JsonObject out = new JsonObject().add("id", listener);
        for (int i = 0; i < COUNTERS.length; i++) {
            out.add(COUNTERS[i], sum[i]);
        }
        return out.add("active_connections", active);
    }

    /** Forgets listeners Octavia no longer lists. */
    void retain(Set<String> listeners) {
        carries.keySet().retainAll(listeners);
    }
}
