package io.edgelb.agent.sync;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;

/**
 * What an agent tells its hub every few seconds: the revision it applies, the last apply error,
 * and the health and counters of the hub's own objects (by the hub's ids), taken from the
 * agent's {@code /api/status}.
 */
public final class HubStatusReport {
    private static final String[] MEMBER_FIELDS = {"operating_status", "weight", "drained", "active_connections",
            "total_connections", "bytes_in", "bytes_out", "connect_failures"};
    private static final String[] LISTENER_FIELDS = {"state", "active_connections", "total_connections", "bytes_in",
            "bytes_out", "request_errors"};

    /**
     * Largest body frame the hub takes (its ReportBody.MAX_FRAME_BYTES). Smaller reports go as
     * plain JSON, as before (older hubs read them); larger ones deflate-compressed.
     */
    static final int MAX_FRAME_BYTES = 1024 * 1024;
    static final int PLAIN_BYTES = 64 * 1024;
    /** What the hub inflates at most (its ReportBody.MAX_JSON_BYTES: 512 bytes × 2 × 10,000 objects). */
    static final int MAX_JSON_BYTES = 2 * io.edgelb.model.json.ConfigJson.MAX_OBJECTS * 512;

    private HubStatusReport() {
    }

    /**
     * The report's body frame: JSON, deflated when large. A report that does not fit even
     * compressed sends fewer members (the first ones, in a stable order) with
     * {@code "truncated": true} and the real count, so that the hub still sees a live, synced agent.
     */
    public static byte[] encode(JsonObject report) {
        byte[] plain = report.toString().getBytes(StandardCharsets.UTF_8);
        if (plain.length <= PLAIN_BYTES) {
            return plain;
        }
        byte[] packed = deflate(plain);
        if (fits(plain, packed)) {
            return packed;
        }
        JsonArray members = report.get("members").asArray();
        double over = Math.max((double) packed.length / MAX_FRAME_BYTES, (double) plain.length / MAX_JSON_BYTES);
        int keep = (int) (members.size() / over * 0.9);
        while (true) {
            JsonArray first = new JsonArray();
            for (int i = 0; i < keep; i++) {
                first.add(members.get(i));
            }
            JsonObject cut = Json.object();
            for (JsonObject.Member m : report) {
                cut.add(m.getName(), m.getName().equals("members") ? first : m.getValue());
            }
            cut.add("truncated", true).add("members_total", members.size());
            plain = cut.toString().getBytes(StandardCharsets.UTF_8);
            packed = deflate(plain);
            if (fits(plain, packed) || keep == 0) {
                return packed;
            }
            keep = keep / 2;
        }
    }

    private static boolean fits(byte[] plain, byte[] packed) {
        return packed.length <= MAX_FRAME_BYTES && plain.length <= MAX_JSON_BYTES;
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
            byte[] buffer = new byte[64 * 1024];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
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
        JsonArray vrrp = new JsonArray();
        for (JsonValue instance : array(agentStatus, "vrrp")) {
            if (HubObjects.isHub(instance.asObject().getString("id", ""))) {
                vrrp.add(copy(instance.asObject(), new String[] {"state"}));
            }
        }
        return Json.object().add("agent_id", agentId)
                .add("version", agentStatus.getString("version", "?"))
                .add("applied_revision", applied == null ? 0 : applied.revision())
                .add("hub_instance", applied == null ? Json.NULL : Json.value(applied.instance()))
                .add("last_apply_error", lastError == null ? Json.NULL : Json.value(lastError))
                .add("listeners", listeners)
                .add("members", members)
                .add("vrrp", vrrp);
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
