package io.edgelb.agent.sync;

import io.edgelb.model.Config;

/**
 * One full state received from a hub: who sent it (endpoint, hub instance), its revision, the
 * objects with the hub's own ids, and their JSON text (what is persisted and compared).
 */
public record HubState(String endpoint, String instance, long revision, Config objects, String json) {

    /** True when both carry the same objects, whatever their revision or sender. */
    public boolean sameObjects(HubState other) {
        return other != null && json.equals(other.json);
    }
}
