package io.edgelb.hub.sync;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonValue;
import io.edgelb.hub.registry.AgentRegistry;
import io.edgelb.model.json.JsonGuard;

/**
 * Takes the STATUS reports that reach the sync server: body decoded ({@link ReportBody}), parsed,
 * validated ({@link StatusReportCheck}) and only then handed to the registry. Sync thread only.
 */
final class StatusIntake {
    private final AgentRegistry registry;
    private final SyncStats stats;
    private final RefusalLog refusals;

    StatusIntake(AgentRegistry registry, SyncStats stats, RefusalLog refusals) {
        this.registry = registry;
        this.stats = stats;
        this.refusals = refusals;
    }

    /**
     * A status report: decoded, parsed and validated field by field here, so that nothing read
     * later from a report can fail; a refused one is logged and counted, and the last good one stays.
     */
    void take(long now, String agent, byte[] body) {
        String text;
        try {
            text = ReportBody.text(body);
        } catch (ReportBody.Refused e) {
            if (e.reason.equals("size")) {
                registry.seen(agent); // it is alive, only its report is too large: never "offline" for that
            }
            reject(now, agent, e.reason, e.getMessage());
            return;
        }
        String refused = JsonGuard.check(text, ReportBody.MAX_JSON_BYTES, 16);
        if (refused != null) {
            reject(now, agent, "json", refused);
            return;
        }
        JsonValue value;
        try {
            value = Json.parse(text);
        } catch (com.eclipsesource.json.ParseException e) {
            reject(now, agent, "json", "not JSON: " + e.getMessage());
            return;
        }
        if (!value.isObject()) {
            reject(now, agent, "json", "not an object");
            return;
        }
        StatusReportCheck.Result checked = StatusReportCheck.check(value.asObject());
        if (checked.refused() != null) {
            reject(now, agent, "field", checked.refused());
            return;
        }
        if (checked.report().getBoolean("truncated", false)) {
            stats.reportsTruncated.incrementAndGet();
        }
        registry.report(agent, checked.report());
        stats.statusReports.incrementAndGet();
    }

    private void reject(long now, String agent, String reason, String why) {
        stats.reportsRejected.get(reason).incrementAndGet();
        stats.messagesDropped.incrementAndGet();
        refusals.warn(now, agent + " status " + reason, "sync: dropped a status report from agent " + agent + ": " + why);
    }
}
