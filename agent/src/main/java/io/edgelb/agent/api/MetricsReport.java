package io.edgelb.agent.api;

import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.agent.pool.PoolRuntime;
import io.edgelb.agent.reconcile.RunningState;
import io.edgelb.agent.reconcile.SystemView;
import io.edgelb.agent.vrrp.VrrpStatus;
import io.edgelb.agent.relay.ListenerRuntime;
import io.edgelb.model.OperatingStatus;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Renders {@code GET /metrics} in the Prometheus text format (version 0.0.4), every name prefixed
 * {@code edgelb_}, listener series labelled {@code listener}, member series {@code pool} and
 * {@code member}. Each family is written with its HELP and TYPE lines once, then all its series.
 */
public final class MetricsReport {
    private final StringBuilder out = new StringBuilder(4096);

    private MetricsReport() {
    }

    public static String render(AgentFacts facts, RunningState running) {
        return render(facts, running, List.of());
    }

    public static String render(AgentFacts facts, RunningState running, List<VrrpStatus> vrrp) {
        MetricsReport m = new MetricsReport();
        m.family("edgelb_info", "gauge", "Agent version and data-plane transport.");
        m.sample("edgelb_info", "version=\"" + escape(facts.version()) + "\",transport=\"" + facts.transport() + "\"", 1);
        m.single("edgelb_config_generation", "gauge", "Generation of the configuration in force.", facts.generation());
        m.single("edgelb_reloads_total", "counter", "Configuration reloads applied.", facts.reloads());
        m.single("edgelb_reload_failures_total", "counter", "Configuration reloads rejected.", facts.reloadFailures());
        m.single("edgelb_last_reload_success", "gauge", "1 if the last reload was applied.",
                facts.lastReload() == null || facts.lastReload().ok() ? 1 : 0);

        // dnat listeners are forwarded by the kernel, uncounted: no series rather than a false 0.
        List<ListenerRuntime> listeners = running.listeners().values().stream()
                .filter(l -> !l.settings().mode().uciName().equals("dnat")).toList();
        m.listeners(listeners, "edgelb_listener_connections_active", "gauge", "Open client connections.",
                ListenerRuntime::activeConnections);
        m.listeners(listeners, "edgelb_listener_connections_total", "counter", "Client connections accepted.",
                ListenerRuntime::totalConnections);
        m.family("edgelb_listener_connections_rejected_total", "counter",
                "Client connections refused, by reason (cidr, limit, no_member).");
        for (ListenerRuntime l : listeners) {
            for (ListenerRuntime.Rejection why : ListenerRuntime.Rejection.values()) {
                m.sample("edgelb_listener_connections_rejected_total", "listener=\"" + escape(l.id()) + "\",reason=\""
                        + why.name().toLowerCase(Locale.ROOT) + "\"", l.rejectedCount(why));
            }
        }
        m.listeners(listeners, "edgelb_listener_timeouts_total", "counter",
                "Connections closed by the data inactivity timeout.", ListenerRuntime::timeouts);
        m.listeners(listeners, "edgelb_listener_spliced_total", "counter",
                "Connection directions moved to splice(2) because they carried bulk data.",
                ListenerRuntime::splicedDirections);
        m.listeners(listeners, "edgelb_listener_bytes_in_total", "counter", "Bytes received from clients.",
                ListenerRuntime::bytesIn);
        m.listeners(listeners, "edgelb_listener_bytes_out_total", "counter", "Bytes sent to clients.",
                ListenerRuntime::bytesOut);
        List<ListenerRuntime> http = listeners.stream().filter(l -> l.settings().isHttp()).toList();
        m.listeners(http, "edgelb_listener_http_requests_total", "counter",
                "HTTP requests read from clients (HTTP listeners).", l -> l.http().requests());
        m.family("edgelb_listener_http_responses_total", "counter",
                "HTTP responses sent to clients, by class, the agent's own error answers included.");
        for (ListenerRuntime l : http) {
            for (int type = 1; type <= 5; type++) {
                m.sample("edgelb_listener_http_responses_total", "listener=\"" + escape(l.id()) + "\",code=\""
                        + type + "xx\"", l.http().responses(type));
            }
        }
        m.listeners(http, "edgelb_listener_http_request_errors_total", "counter",
                "HTTP requests refused as malformed, too large, too slow or unsupported (400, 408, 414, 431, 501, 505).",
                l -> l.http().requestErrors());
        m.listeners(listeners.stream().filter(l -> l.settings().isTls()).toList(),
                "edgelb_listener_tls_handshake_failures_total", "counter",
                "TLS handshakes that failed (TERMINATED_HTTPS listeners): version, cipher, client certificate, timeout.",
                ListenerRuntime::tlsHandshakeFailures);

        List<PoolRuntime> pools = List.copyOf(running.pools().values());
        m.members(pools, "edgelb_member_up", "gauge", "1 if the member takes new connections.",
                mr -> mr.acceptsNewConnections() ? 1 : 0);
        m.family("edgelb_member_status", "gauge", "Operating status of the member (one series per status, 1 = current).");
        for (PoolRuntime pool : pools) {
            for (MemberRuntime member : pool.members()) {
                OperatingStatus current = member.status();
                for (OperatingStatus status : OperatingStatus.values()) {
                    if (status == OperatingStatus.DEGRADED) {
                        continue; // pools only
                    }
                    m.sample("edgelb_member_status", memberLabels(pool, member) + ",status=\"" + status.name() + "\"",
                            status == current ? 1 : 0);
                }
            }
        }
        m.members(pools, "edgelb_member_weight", "gauge", "Configured weight.", MemberRuntime::weight);
        m.members(pools, "edgelb_member_connections_active", "gauge", "Open connections to the member.",
                MemberRuntime::activeConnections);
        m.members(pools, "edgelb_member_connections_total", "counter", "Connections sent to the member.",
                MemberRuntime::totalConnections);
        m.members(pools, "edgelb_member_connect_errors_total", "counter", "Failed connects to the member.",
                MemberRuntime::connectFailures);
        m.members(pools, "edgelb_member_retries_total", "counter",
                "Connections retried on another member after a failed connect to this one.", MemberRuntime::retries);
        m.members(pools, "edgelb_member_bytes_in_total", "counter", "Bytes relayed from clients to the member.",
                MemberRuntime::bytesIn);
        m.members(pools, "edgelb_member_bytes_out_total", "counter", "Bytes relayed from the member to clients.",
                MemberRuntime::bytesOut);
        if (running.system() != null) {
            m.dnat(running.system());
        }
        m.vrrp(vrrp);
        return m.out.toString();
    }

    /** Which VRRP state each instance is in (one series per state, 1 = current) and how often it changed. */
    private void vrrp(List<VrrpStatus> statuses) {
        if (statuses.isEmpty()) {
            return;
        }
        family("edgelb_vrrp_state", "gauge", "VRRP state of the instance on this router (one series per state, 1 = current).");
        for (VrrpStatus v : statuses) {
            for (VrrpStatus.State state : VrrpStatus.State.values()) {
                sample("edgelb_vrrp_state", "vrrp=\"" + escape(v.id()) + "\",state=\"" + state.name() + "\"",
                        state == v.state() ? 1 : 0);
            }
        }
        family("edgelb_vrrp_transitions_total", "counter", "VRRP state changes seen since the agent started.");
        for (VrrpStatus v : statuses) {
            sample("edgelb_vrrp_transitions_total", "vrrp=\"" + escape(v.id()) + "\"", v.transitions());
        }
    }

    /** The kernel path: how many of each dnat listener's map slots a member holds (0: no new connections). */
    private void dnat(SystemView system) {
        String name = "edgelb_dnat_member_slots";
        family(name, "gauge", "Slots of the dnat listener's kernel map that send to the member.");
        for (SystemView.Dnat listener : system.dnat()) {
            listener.shares().forEach((member, count) -> sample(name, "listener=\"" + escape(listener.listenerId())
                    + "\",member=\"" + escape(member) + "\"", count));
        }
        single("edgelb_system_apply_ok", "gauge", "0 while the last VXLAN/DNAT command failed.",
                system.lastError() == null ? 1 : 0);
    }

    private void listeners(List<ListenerRuntime> listeners, String name, String type, String help,
                           ToLongFunction<ListenerRuntime> value) {
        family(name, type, help);
        for (ListenerRuntime l : listeners) {
            sample(name, "listener=\"" + escape(l.id()) + "\"", value.applyAsLong(l));
        }
    }

    private void members(List<PoolRuntime> pools, String name, String type, String help,
                         ToLongFunction<MemberRuntime> value) {
        family(name, type, help);
        for (PoolRuntime pool : pools) {
            for (MemberRuntime member : pool.members()) {
                sample(name, memberLabels(pool, member), value.applyAsLong(member));
            }
        }
    }

    private static String memberLabels(PoolRuntime pool, MemberRuntime member) {
        return "pool=\"" + escape(pool.id()) + "\",member=\"" + escape(member.id()) + "\"";
    }

    private void single(String name, String type, String help, long value) {
        family(name, type, help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String labels, long value) {
        out.append(name).append('{').append(labels).append("} ").append(value).append('\n');
    }

    /** Label values escape backslash, quote and newline (exposition format). */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
