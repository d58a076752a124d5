package io.edgelb.hub.source;

import io.edgelb.hub.registry.AgentRegistry;

/**
 * Where per-agent desired state comes from (a JSON file, Octavia). A source reads its origin on its
 * own schedule and hands each complete result, every agent at once, to
 * {@link AgentRegistry#replaceAll}; it never hands over a partial or invalid result.
 */
public interface DesiredStateSource extends AutoCloseable {
    /** Names the source in logs and the API. */
    String describe();

    /** Starts reading; the first result may arrive later (the hub stays silent until it does). */
    void start(AgentRegistry registry);

    /** Seconds since the last successful read, -1 before the first. */
    long lastSuccessAgeMs(long now);

    /** Failed reads since start. */
    long failures();

    @Override
    void close();
}
