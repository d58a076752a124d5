package io.edgelb.agent.api;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A short history of each listener's counters (bytes in and out, active connections), so that
 * LuCI's 10-minute traffic graph is full when the page opens: {@code GET /api/history}.
 *
 * <p>Bounded: at most {@code capacity} samples per listener (the oldest go first) and at most
 * {@link #MAX_LISTENERS} listeners; listeners that are gone are forgotten at the next sample.
 *
 * <p>Threading: {@link #sample} is called by one thread only (the agent's control thread, on a
 * timer), which owns the ring buffers. Every sample publishes an immutable copy through one
 * volatile field; {@link #toJson} (API event loops) reads only that copy.
 */
public final class TrafficHistory {
    /** Listeners beyond this many get no history: the memory stays bounded on any configuration. */
    public static final int MAX_LISTENERS = 1000;

    /** One listener's counters at one moment. */
    public record Sample(long atMillis, long bytesIn, long bytesOut, int activeConnections) {
    }

    private final int capacity;
    private final long intervalMillis;
    /** Control thread only. */
    private final Map<String, Ring> rings = new HashMap<>();
    /** Written by the sampling thread, read by any: listener id to its samples, oldest first. */
    private volatile Map<String, List<Sample>> published = Map.of();

    public TrafficHistory(int capacity, long intervalMillis) {
        if (capacity < 1 || intervalMillis < 1) {
            throw new IllegalArgumentException("capacity and interval must be positive");
        }
        this.capacity = capacity;
        this.intervalMillis = intervalMillis;
    }

    public long intervalMillis() {
        return intervalMillis;
    }

    /**
     * Sampling thread: records one sample per listener of {@code now} (id to counters, in the
     * order the status lists them) and forgets listeners that are not in it.
     */
    public void sample(Map<String, Sample> now) {
        rings.keySet().retainAll(now.keySet());
        Map<String, List<Sample>> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Sample> e : now.entrySet()) {
            Ring ring = rings.get(e.getKey());
            if (ring == null) {
                if (rings.size() >= MAX_LISTENERS) {
                    continue;
                }
                ring = new Ring(capacity);
                rings.put(e.getKey(), ring);
            }
            ring.add(e.getValue());
            copy.put(e.getKey(), ring.toList());
        }
        published = Map.copyOf(copy);
    }

    /** Any thread: the samples of one listener, oldest first (empty when there are none). */
    public List<Sample> samples(String listenerId) {
        return published.getOrDefault(listenerId, List.of());
    }

    /**
     * Any thread: {@code {"interval_seconds": 10, "listeners": {"ID": {"samples": [{"age_seconds",
     * "bytes_in", "bytes_out", "active_connections"}, ...]}}}}, samples oldest first; ages are
     * relative to nowMillis, so that a client's clock need not agree with the router's.
     */
    public JsonObject toJson(long nowMillis) {
        JsonObject listeners = Json.object();
        for (Map.Entry<String, List<Sample>> e : new java.util.TreeMap<>(published).entrySet()) {
            JsonArray samples = new JsonArray();
            for (Sample s : e.getValue()) {
                samples.add(Json.object()
                        .add("age_seconds", Math.max(0, nowMillis - s.atMillis()) / 1000.0)
                        .add("bytes_in", s.bytesIn())
                        .add("bytes_out", s.bytesOut())
                        .add("active_connections", s.activeConnections()));
            }
            listeners.add(e.getKey(), Json.object().add("samples", samples));
        }
        return Json.object().add("interval_seconds", intervalMillis / 1000.0).add("listeners", listeners);
    }

    /** A fixed-size ring of samples; the oldest is overwritten. */
    private static final class Ring {
        private final Sample[] slots;
        private int next;
        private int size;

        Ring(int capacity) {
            slots = new Sample[capacity];
        }

        void add(Sample s) {
            slots[next] = s;
            next = (next + 1) % slots.length;
            size = Math.min(size + 1, slots.length);
        }

        List<Sample> toList() {
            List<Sample> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                out.add(slots[(next - size + i + slots.length) % slots.length]);
            }
            return List.copyOf(out);
        }
    }
}
