package io.edgelb.agent.sync;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;

/**
 * What an agent tells its hub every few seconds: the revision it applies, the last apply error,
 * and the health and counters of the hub's own objects (by the hub's ids), taken from the
 * agent's {@code /api/status}.
 */
public final class HubStatusReport {
    private static final String[] MEMBER_FIELDS = {"operating_status", "weight", "drained", "active_connections",
            "total_connections", "bytes_in", "bytes_out", "connect_failures"};
    private static final String[] LISTENER_FIELDS = {"state", "active_connections", "total_connections", "bytes_in",
            "bytes_out"};

    private HubStatusReport() {
    }

    public static JsonObject build(String agentId, HubState applied, String lastError, JsonObject agentStatus) {
        JsonArray members = new JsonArray();
        JsonArray listeners = new JsonArray();
        for (JsonValue pool : array(agentStatus, "pools")) {
            String poolId = pool.asObject().getString("id", "");
            if (!HubObjects.isHub(poolId)) {
                continue;
            }
            for (JsonValue member : array(pool.asObject(), "members")) {
                members.add(copy(member.asObject(), MEMBER_FIELDS).add("pool", HubObjects.hubId(poolId)));
            }
        }
        for (JsonValue listener : array(agentStatus, "listeners")) {
            if (HubObjects.isHub(listener.asObject().getString("id", ""))) {
                listeners.add(copy(listener.asObject(), LISTENER_FIELDS));
            }
        }
        return Json.object().add("agent_id", agentId)
                .add("version", agentStatus.getString("version", "?"))
                .add("applied_revision", applied == null ? 0 : applied.revision())
                .add("hub_instance", applied == null ? Json.NULL : Json.value(applied.instance()))
                .add("last_apply_error", lastError == null ? Json.NULL : Json.value(lastError))
                .add("listeners", listeners)
                .add("members", members);
    }

    private static JsonObject copy(JsonObject from, String[] fields) {
        JsonObject to = Json.object().add("id", HubObjects.hubId(from.getString("id", "")));
        for (String field : fields) {
            JsonValue value = from.get(field);
            if (value != null) {
                to.add(field, value);
            }
        }
        return to;
    }

    private static Iterable<JsonValue> array(JsonObject object, String name) {
        JsonValue value = object.get(name);
        return value != null && value.isArray() ? value.asArray() : new JsonArray();
    }
}
