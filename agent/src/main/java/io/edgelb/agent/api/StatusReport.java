package io.edgelb.agent.api;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import io.edgelb.agent.health.MemberHealth;
import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.agent.pool.PoolRuntime;
import io.edgelb.agent.reconcile.RunningState;
import io.edgelb.agent.reconcile.SystemView;
import io.edgelb.agent.vrrp.VrrpStatus;
import io.edgelb.agent.relay.HttpCounters;
import io.edgelb.agent.relay.ListenerRuntime;
import io.edgelb.agent.sync.HubObjects;
import io.edgelb.model.Listener;
import io.edgelb.model.Member;
import io.edgelb.model.VxlanLink;
import java.util.List;
import java.util.Map;

/**
 * Builds {@code GET /api/status}: listeners, pools and members with operating status, counters and
 * the last check, plus the configuration generation and last reload. LuCI, the CLI's status
 * command and operators' scripts read this shape; change it only by adding fields.
 */
public final class StatusReport {
    private StatusReport() {
    }

    public static JsonObject build(AgentFacts facts, RunningState running, long nowMillis) {
        JsonObject status = Json.object()
                .add("version", facts.version())
                .add("transport", facts.transport())
                .add("config", facts.configPath())
                .add("generation", facts.generation())
                .add("started_at", facts.startedAtMillis() / 1000)
                .add("uptime_seconds", (nowMillis - facts.startedAtMillis()) / 1000)
                .add("reloads", facts.reloads())
                .add("reload_failures", facts.reloadFailures())
                .add("last_reload", lastReload(facts.lastReload()));
        JsonArray listeners = new JsonArray();
        for (ListenerRuntime listener : running.listeners().values()) {
            listeners.add(listener(listener, running.isListening(listener.id())));
        }
        JsonArray pools = new JsonArray();
        for (PoolRuntime pool : running.pools().values()) {
            pools.add(pool(pool, nowMillis));
        }
        JsonArray leaving = new JsonArray();
        for (MemberRuntime member : running.leaving()) {
            leaving.add(member(member, nowMillis));
        }
        status.add("listeners", listeners).add("pools", pools).add("removed_members", leaving);
        if (running.system() != null) {
            status.add("system", system(running.system()));
        }
        return status;
    }

    /**
     * What edgelb programmed into the kernel: VXLAN links and, per dnat listener, how many of its map's
     * slots each member holds (0 = no new connections), plus the last failed system command.
     */
    /** The {@code vrrp} array: one object per enabled instance, {@code since} in epoch seconds (0: agent start). */
    public static JsonArray vrrp(List<VrrpStatus> statuses) {
        JsonArray array = new JsonArray();
        for (VrrpStatus v : statuses) {
            JsonArray vips = new JsonArray();
            v.vips().forEach(vips::add);
            JsonArray listeners = new JsonArray();
            v.listeners().forEach(listeners::add);
            array.add(Json.object()
                    .add("id", v.id())
                    .add("state", v.state().name())
                    .add("since", v.sinceMillis() / 1000)
                    .add("transitions", v.transitions())
                    .add("device", v.device())
                    .add("virtual_router_id", v.virtualRouterId())
                    .add("priority", v.priority())
                    .add("vips", vips)
                    .add("listeners", listeners)
                    .add("healthy", v.healthy())
                    .add("reason", v.reason()));
        }
        return array;
    }

    private static JsonObject system(SystemView system) {
        JsonArray links = new JsonArray();
        for (VxlanLink link : system.links()) {
            JsonArray remotes = new JsonArray();
            link.remotes().forEach(remotes::add);
            links.add(Json.object().add("id", link.id()).add("vni", link.vni()).add("remotes", remotes)
                    .add("addresses", addresses(link.addresses()))
                    .add("mtu", link.mtu()));
        }
        JsonArray dnat = new JsonArray();
        for (SystemView.Dnat listener : system.dnat()) {
            JsonObject members = Json.object();
            for (Map.Entry<String, Integer> share : listener.shares().entrySet()) {
                members.add(share.getKey(), share.getValue());
            }
            dnat.add(Json.object().add("listener", listener.listenerId()).add("slots", listener.slots())
                    .add("snat", listener.snat()).add("members", members));
        }
        String error = system.lastError();
        return Json.object()
                .add("vxlan", Json.object().add("applier", system.vxlanApplier()).add("links", links))
                .add("dnat", Json.object().add("backend", system.dnatBackend()).add("listeners", dnat))
                .add("last_error", error == null ? Json.NULL : Json.value(error));
    }

    private static JsonObject lastReload(AgentFacts.LastReload reload) {
        if (reload == null) {
            return Json.object();
        }
        JsonArray errors = new JsonArray();
        reload.errors().forEach(errors::add);
        JsonArray warnings = new JsonArray();
        reload.warnings().forEach(warnings::add);
        return Json.object().add("at", reload.atMillis() / 1000).add("ok", reload.ok())
                .add("error", reload.ok() || reload.errors().isEmpty() ? Json.NULL : Json.value(reload.errors().get(0)))
                .add("errors", errors).add("warnings", warnings);
    }

    private static JsonObject listener(ListenerRuntime runtime, boolean listening) {
        Listener l = runtime.settings();
        JsonObject rejected = Json.object();
        for (ListenerRuntime.Rejection why : ListenerRuntime.Rejection.values()) {
            rejected.add(why.name().toLowerCase(java.util.Locale.ROOT), runtime.rejectedCount(why));
        }
        // The kernel forwards a dnat listener's connections without the agent: it has no counts, and
        // a 0 would read as "no traffic". null, and the reason, instead.
        boolean kernel = l.mode().uciName().equals("dnat");
        JsonObject out = Json.object()
                .add("id", l.id())
                .add("address", l.address())
                .add("port", l.port())
                .add("mode", l.mode().uciName())
                .add("protocol", l.protocol().name())
                .add("pool", l.poolId() == null ? Json.NULL : Json.value(l.poolId()))
                .add("state", listening ? "listening" : kernel ? "kernel" : "not listening")
                .add("connection_limit", l.connectionLimit())
                .add("active_connections", kernel ? Json.NULL : Json.value(runtime.activeConnections()))
                .add("total_connections", kernel ? Json.NULL : Json.value(runtime.totalConnections()))
                .add("rejected_connections", rejected)
                .add("request_errors", runtime.requestErrors())
                .add("timeouts", runtime.timeouts())
                .add("spliced", runtime.splicedDirections())
                .add("bytes_in", runtime.bytesIn())
                .add("bytes_out", runtime.bytesOut())
                .add("source", source(l.id()));
        if (l.isHttp()) {
            HttpCounters http = runtime.http();
            JsonObject responses = Json.object();
            for (int type = 1; type <= 5; type++) {
                responses.add(type + "xx", http.responses(type));
            }
            out.add("http", Json.object().add("requests", http.requests()).add("responses", responses)
                    .add("request_errors", http.requestErrors()));
        }
        if (l.isTls()) {
            out.add("tls", Json.object().add("handshake_failures", runtime.tlsHandshakeFailures()));
        }
        return kernel ? out.add("counts", "kernel path: not counted") : out;
    }

    private static JsonObject pool(PoolRuntime pool, long nowMillis) {
        JsonArray members = new JsonArray();
        for (MemberRuntime member : pool.members()) {
            members.add(member(member, nowMillis));
        }
        return Json.object()
                .add("id", pool.id())
                .add("lb_algorithm", pool.settings().algorithm().name())
                .add("protocol", pool.settings().protocol().name())
                .add("healthmonitor", pool.settings().healthMonitorId() == null ? Json.NULL
                        : Json.value(pool.settings().healthMonitorId()))
                .add("operating_status", pool.status().name())
                .add("members", members)
                .add("source", source(pool.id()));
    }

    /** "hub" for objects the hub delivered (read-only in LuCI), "local" for /etc/config/edgelb's. */
    private static String source(String id) {
        return HubObjects.isHub(id) ? "hub" : "local";
    }

    static JsonObject member(MemberRuntime member, long nowMillis) {
        Member m = member.settings();
        MemberHealth health = member.health();
        // A monitored member shows its last active check: a failed relay connect in between says
        // less about the member than the check that decides its state.
        MemberHealth.Observation last = health.isMonitored() ? health.lastCheck() : health.lastObservation();
        JsonObject lastCheck = last.atMillis() == 0 ? Json.object()
                : Json.object().add("ok", last.ok()).add("detail", last.detail())
                        .add("active", last.active())
                        .add("at", last.atMillis() / 1000)
                        .add("age_seconds", Math.max(0, nowMillis - last.atMillis()) / 1000.0);
        return Json.object()
                .add("id", m.id())
                .add("address", m.address())
                .add("protocol_port", m.protocolPort())
                .add("weight", m.weight())
                .add("backup", m.backup())
                .add("admin_state_up", m.enabled())
                .add("drained", member.isDrainedByOperator())
                .add("operating_status", member.status().name())
                .add("active_connections", member.activeConnections())
                .add("total_connections", member.totalConnections())
                .add("bytes_in", member.bytesIn())
                .add("bytes_out", member.bytesOut())
                .add("connect_failures", member.connectFailures())
                .add("retries", member.retries())
                .add("last_check", lastCheck)
                .add("source", source(m.id()));
    }

    private static JsonArray addresses(List<String> addresses) {
        JsonArray array = new JsonArray();
        addresses.forEach(array::add);
        return array;
    }
}
