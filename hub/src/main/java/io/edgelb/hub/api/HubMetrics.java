package io.edgelb.hub.api;

import io.edgelb.hub.registry.AgentRegistry;
import io.edgelb.hub.source.DesiredStateSource;
import io.edgelb.hub.sync.SyncStats;
import java.util.List;

/** Renders the hub's {@code GET /metrics} in the Prometheus text format, names prefixed {@code edgelb_hub_}. */
final class HubMetrics {
    private final StringBuilder out = new StringBuilder(4096);

    private HubMetrics() {
    }

    static String render(AgentRegistry registry, DesiredStateSource source, SyncStats stats, long now) {
        HubMetrics m = new HubMetrics();
        List<String> agents = registry.agents().stream().sorted().toList();
        long online = agents.stream().filter(registry::isOnline).count();
        m.family("edgelb_hub_agents", "gauge", "Agents in the allow-list, by state.");
        m.sample("edgelb_hub_agents{state=\"online\"}", online);
        m.sample("edgelb_hub_agents{state=\"offline\"}", agents.size() - online);
        m.family("edgelb_hub_agent_online", "gauge", "1 if the agent was heard from recently.");
        agents.forEach(a -> m.sample("edgelb_hub_agent_online{agent=\"" + a + "\"}", registry.isOnline(a) ? 1 : 0));
        m.family("edgelb_hub_agent_in_sync", "gauge", "1 if the agent reported applying the desired revision.");
        agents.forEach(a -> m.sample("edgelb_hub_agent_in_sync{agent=\"" + a + "\"}",
                AgentViews.summary(registry, a).getBoolean("in_sync", false) ? 1 : 0));
        m.counter("edgelb_hub_handshakes_total{result=\"accepted\"}", "CURVE handshakes by ZAP outcome.",
                stats.handshakesAccepted.get(), "edgelb_hub_handshakes_total");
        m.sample("edgelb_hub_handshakes_total{result=\"refused\"}", stats.handshakesRefused.get());
        m.counter("edgelb_hub_snapshots_sent_total", "Full states sent on request.", stats.snapshotsSent.get(), null);
        m.counter("edgelb_hub_updates_published_total", "Change notices published (the agent then asks for its state).",
                stats.updatesPublished.get(), null);
        m.counter("edgelb_hub_updates_direct_total", "Change notices also sent on an agent's request connection,"
                + " as its SUB had not subscribed yet.", stats.updatesDirect.get(), null);
        m.counter("edgelb_hub_heartbeats_sent_total", "Heartbeats published.", stats.heartbeatsSent.get(), null);
        m.counter("edgelb_hub_status_reports_total", "Status reports received.", stats.statusReports.get(), null);
        m.counter("edgelb_hub_messages_dropped_total", "Malformed, oversized or unauthenticated messages dropped.",
                stats.messagesDropped.get(), null);
        m.family("edgelb_hub_reports_rejected_total", "counter",
                "Status reports refused (the last good report stays), by reason.");
        for (String reason : SyncStats.REJECT_REASONS) {
            m.sample("edgelb_hub_reports_rejected_total{reason=\"" + reason + "\"}",
                    stats.reportsRejected.get(reason).get());
        }
        m.counter("edgelb_hub_reports_truncated_total", "Status reports the agent cut short to fit one frame.",
                stats.reportsTruncated.get(), null);
        m.counter("edgelb_hub_frames_refused_total",
                "Incoming frames refused while the heap was nearly full; each closes its connection.",
                stats.framesRefused.get(), null);
        m.counter("edgelb_hub_source_failures_total", "Failed reads of the desired-state source.", source.failures(),
                null);
        m.family("edgelb_hub_source_last_success_age_seconds", "gauge",
                "Seconds since the source was last read successfully (-1: never).");
        long age = source.lastSuccessAgeMs(now);
        m.sample("edgelb_hub_source_last_success_age_seconds", age < 0 ? -1 : age / 1000);
        return m.out.toString();
    }

    private void counter(String series, String help, long value, String family) {
        String name = family != null ? family : series;
        family(name, "counter", help);
        sample(series, value);
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String series, long value) {
        out.append(series).append(' ').append(value).append('\n');
    }
}
