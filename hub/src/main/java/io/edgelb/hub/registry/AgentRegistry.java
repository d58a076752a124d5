package io.edgelb.hub.registry;

import com.eclipsesource.json.JsonObject;
import io.edgelb.model.Config;
import io.edgelb.model.json.ConfigJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * What the hub knows per agent: the desired state (encoded once, with its revision) and what the
 * agent last reported. Sources write desired state from their own threads, the sync thread reads
 * it and takes the list of changed agents, the API reads everything: all under one lock, since
 * every operation is short.
 *
 * <p>Revisions come from a hybrid clock, {@code max(previous + 1, now in ms)}: strictly increasing,
 * larger after a restart than before it, and comparable between hubs that read the same source.
 */
public final class AgentRegistry {
    private final Map<String, String> allowList;
    private final LongSupplier clock;
    private final long onlineWindowMs;
    private final Map<String, Desired> desired = new LinkedHashMap<>();
    private final Map<String, Reported> reported = new LinkedHashMap<>();
    private final Map<String, Long> lastSeen = new LinkedHashMap<>();
    private final Set<String> changed = new LinkedHashSet<>();
    private long reports;
    private long lastRevision;
    private boolean ready;
    private Runnable onChange = () -> { };

    /** allowList: agent id → public key; only these agents get state. */
    public AgentRegistry(Map<String, String> allowList, LongSupplier clock, long onlineWindowMs) {
        this.allowList = Map.copyOf(allowList);
        this.clock = clock;
        this.onlineWindowMs = onlineWindowMs;
    }

    /** Called (outside the lock) after desired state changed; the sync server wakes up on it. */
    public void onChange(Runnable listener) {
        this.onChange = listener;
    }

    /** The desired state of one agent, its JSON text and revision. */
    public record Desired(long revision, Config config, String json) {
    }

    /** The last status report of an agent, as received. */
    public record Reported(long atMillis, JsonObject status) {
    }

    /**
     * Replaces the desired state of every agent with a source's complete result (agents it does
     * not name get an empty state). Only agents whose encoded state differs get a new revision.
     * The first call makes the registry ready: until then the hub answers nobody, so that a hub
     * that has not yet read its source never tells agents to drop what they serve.
     */
    public void replaceAll(Map<String, Config> states) {
        boolean any;
        synchronized (this) {
            for (String agent : allowList.keySet()) {
                update(agent, states.getOrDefault(agent, Config.empty()));
            }
            any = !changed.isEmpty() || !ready;
            ready = true;
        }
        if (any) {
            onChange.run();
        }
    }

    /** Replaces one agent's desired state (an operator push); false when it is not in the allow-list. */
    public boolean replace(String agent, Config state) {
        synchronized (this) {
            if (!allowList.containsKey(agent)) {
                return false;
            }
            update(agent, state);
        }
        onChange.run();
        return true;
    }

    private void update(String agent, Config state) {
        String json = ConfigJson.encodeText(state);
        Desired current = desired.get(agent);
        if (current != null && current.json().equals(json)) {
            return;
        }
        lastRevision = Math.max(lastRevision + 1, clock.getAsLong());
        desired.put(agent, new Desired(lastRevision, state, json));
        changed.add(agent);
    }

    public synchronized boolean isReady() {
        return ready;
    }

    /** The agents whose desired state changed since the last call. */
    public synchronized List<String> takeChanged() {
        List<String> result = new ArrayList<>(changed);
        changed.clear();
        return result;
    }

    /** Null before the source was read, or for an agent outside the allow-list. */
    public synchronized Desired desired(String agent) {
        return ready ? desired.get(agent) : null;
    }

    public synchronized Map<String, Desired> allDesired() {
        return ready ? Map.copyOf(desired) : Map.of();
    }

    public Set<String> agents() {
        return allowList.keySet();
    }

    public Map<String, String> allowList() {
        return allowList;
    }

    public synchronized void seen(String agent) {
        lastSeen.put(agent, clock.getAsLong());
    }

    public synchronized void report(String agent, JsonObject status) {
        long now = clock.getAsLong();
        lastSeen.put(agent, now);
        reported.put(agent, new Reported(now, status));
        reports++;
    }

    /** Reports taken since start: readers that derive from them can tell nothing new came. */
    public synchronized long reports() {
        return reports;
    }

    public synchronized Reported reported(String agent) {
        return reported.get(agent);
    }

    /** 0 when never seen. */
    public synchronized long lastSeen(String agent) {
        return lastSeen.getOrDefault(agent, 0L);
    }

    public synchronized boolean isOnline(String agent) {
        long seen = lastSeen.getOrDefault(agent, 0L);
        return seen != 0 && clock.getAsLong() - seen <= onlineWindowMs;
    }
}
