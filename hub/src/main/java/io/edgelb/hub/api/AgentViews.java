package io.edgelb.hub.api;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.hub.registry.AgentRegistry;
import io.edgelb.model.json.ConfigJson;
import java.util.Map;
import java.util.TreeMap;

/** The JSON the hub API shows for agents: a summary per agent, and desired vs applied in detail. */
final class AgentViews {
    private AgentViews() {
    }

    static JsonObject summary(AgentRegistry registry, String agent) {
        AgentRegistry.Desired desired = registry.desired(agent);
        AgentRegistry.Reported reported = registry.reported(agent);
        long seen = registry.lastSeen(agent);
        JsonObject status = reported == null ? new JsonObject() : reported.status();
        long applied = status.getLong("applied_revision", 0);
        JsonValue error = status.get("last_apply_error");
        return Json.object()
                .add("id", agent)
                .add("online", registry.isOnline(agent))
                .add("last_seen", seen == 0 ? Json.NULL : Json.value(seen / 1000))
                .add("desired_revision", desired == null ? 0 : desired.revision())
                .add("applied_revision", applied)
                .add("in_sync", desired != null && applied == desired.revision())
                .add("last_apply_error", error == null ? Json.NULL : error)
                .add("health", health(status))
                .add("vrrp", status.get("vrrp") == null ? new com.eclipsesource.json.JsonArray() : status.get("vrrp"))
                .add("report_truncated", status.getBoolean("truncated", false));
    }

    static JsonObject detail(AgentRegistry registry, String agent) {
        AgentRegistry.Desired desired = registry.desired(agent);
        AgentRegistry.Reported reported = registry.reported(agent);
        JsonObject view = summary(registry, agent);
        view.add("desired", desired == null ? Json.NULL
                : Json.object().add("revision", desired.revision()).add("state", ConfigJson.encode(desired.config())));
        view.add("reported", reported == null ? Json.NULL
                : Json.object().add("at", reported.atMillis() / 1000).add("status", reported.status()));
        return view;
    }

    /**
     * Members by operating status, from the agent's last report (already validated by the sync
     * server's StatusReportCheck); a truncated report counts the members it left out as unknown.
     */
    private static JsonObject health(JsonObject status) {
        Map<String, Integer> counts = new TreeMap<>();
        JsonValue members = status.get("members");
        int total = 0;
        if (members != null && members.isArray()) {
            for (JsonValue member : members.asArray()) {
                if (member.isObject()) {
                    counts.merge(member.asObject().getString("operating_status", "UNKNOWN"), 1, Integer::sum);
                    total++;
                }
            }
        }
        long all = Math.max(total, status.getLong("members_total", total));
        if (all > total) {
            counts.merge("UNKNOWN", (int) (all - total), Integer::sum);
        }
        JsonObject health = Json.object().add("members", all);
        counts.forEach((state, n) -> health.add(state.toLowerCase(java.util.Locale.ROOT), n));
        return health;
    }
}
