package io.edgelb.hub.octavia;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.hub.registry.AgentRegistry;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * The status of the provider-owned load balancers for {@code GET /api/octavia/status}: provisioning
 * from the routers' applied revisions, operating status from their reports, listener statistics,
 * and a cursor per object that moves only when its status really changes.
 *
 * <p>Threading: every method is synchronized on the book; the hub-octavia thread hands it each
 * poll ({@link #update}), the API threads ask it ({@link #answer}), which recomputes from the
 * registry's latest reports first. The registry has its own lock and never calls back, so the
 * order book → registry is the only one.
 */
public final class ProviderStatusBook {
    private static final String[] KINDS = {"loadbalancer", "listener", "pool", "member", "healthmonitor"};

    /** One object's last computed status; seq: the cursor at which it last changed. */
    private record Entry(String lb, String kind, String id, String observed, String provisioning, String operating,
                         long seq) {
        boolean sameAs(String observed, String provisioning, String operating) {
            return Objects.equals(this.observed, observed) && Objects.equals(this.provisioning, provisioning)
                    && Objects.equals(this.operating, operating);
        }
    }

    private record Stat(JsonObject totals, long seq) {
    }

    /** Without a new report, answers reuse the last recompute this long. */
    static final long RECOMPUTE_QUIET_MS = 1_000;

    private final AgentRegistry registry;
    private final LongSupplier clock;
    private long reportsSeen = -1;
    private long recomputedAt;
    private final String instance;
    private final long firstCursor;
    private long cursor;
    private ProviderView view = new ProviderView(List.of());
    private final ProvisioningTracker tracker = new ProvisioningTracker();
    private final ListenerStatistics statistics = new ListenerStatistics();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, Stat> stats = new HashMap<>();
    private final Map<String, Long> asOf = new HashMap<>();

    public ProviderStatusBook(AgentRegistry registry, LongSupplier clock) {
        this.registry = registry;
        this.clock = clock;
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        this.instance = java.util.HexFormat.of().formatHex(random);
        // Starts at the clock: a cursor of an earlier run of this hub is most likely below it, so unknown.
        this.firstCursor = clock.getAsLong() * 1000;
        this.cursor = firstCursor;
    }

    /**
     * A poll's view, after its states went to the registry. hubRefusals: router → load balancer →
     * why the hub left its part out of the router's state or held it at its last good version.
     */
    public synchronized void update(ProviderView next, Map<String, Map<String, String>> hubRefusals) {
        Map<String, Set<String>> routersByLb = new HashMap<>();
        for (ProviderView.LoadBalancer lb : next.loadBalancers()) {
            routersByLb.put(lb.id(), new HashSet<>(lb.routers()));
            for (String router : lb.routers()) {
                AgentRegistry.Desired desired = registry.desired(router);
                tracker.record(lb.id(), router, lb.fingerprint(), desired == null ? Long.MAX_VALUE : desired.revision(),
                        hubRefusals.getOrDefault(router, Map.of()).get(lb.id()));
            }
        }
        tracker.retain(routersByLb);
        view = next;
        recompute();
    }

    /** The answer to {@code GET /api/octavia/status?since=}: changes after since, or everything. */
    public synchronized JsonObject answer(long since) {
        // The provider agent asks five times a second. Without a new report, statuses change only
        // as routers go offline (a 15 s window): a recompute a second is enough then.
        long now = clock.getAsLong();
        long reports = registry.reports();
        if (reports != reportsSeen || now - recomputedAt >= RECOMPUTE_QUIET_MS) {
            recompute();
        }
        boolean full = since <= 0 || since < firstCursor || since > cursor;
        Map<String, JsonObject> byLb = new LinkedHashMap<>();
        for (Entry e : entries.values()) {
            if ((!full && e.seq() <= since) || (e.provisioning() == null && e.operating() == null)) {
                continue;
            }
            JsonObject status = byLb.computeIfAbsent(e.lb(), lb -> {
                JsonObject s = Json.object();
                for (String kind : KINDS) {
                    s.add(kind + "s", new JsonArray());
                }
                return s;
            });
            JsonObject item = Json.object().add("id", e.id());
            if (e.provisioning() != null) {
                item.add("provisioning_status", e.provisioning());
            }
            if (e.operating() != null) {
                item.add("operating_status", e.operating());
            }
            status.get(e.kind() + "s").asArray().add(item);
        }
        JsonArray lbs = new JsonArray();
        byLb.forEach((id, status) -> lbs.add(Json.object().add("id", id).add("as_of", asOf.getOrDefault(id, 0L))
                .add("status", status)));
        JsonArray listeners = new JsonArray();
        stats.values().stream().filter(s -> full || s.seq() > since).forEach(s -> listeners.add(s.totals()));
        return Json.object().add("hub_instance", instance).add("cursor", cursor).add("loadbalancers", lbs)
                .add("statistics", Json.object().add("listeners", listeners));
    }

    private void recompute() {
        reportsSeen = registry.reports();
        recomputedAt = clock.getAsLong();
        Map<String, Map<String, JsonObject>> members = new HashMap<>();
        Map<String, Map<String, JsonObject>> listenerCounters = new HashMap<>();
        Set<String> seen = new HashSet<>();
        Set<String> listenerIds = new HashSet<>();
        for (ProviderView.LoadBalancer lb : view.loadBalancers()) {
            for (String router : lb.routers()) {
                members.computeIfAbsent(router, r -> byId(r, "members"));
                listenerCounters.computeIfAbsent(router, r -> byId(r, "listeners"));
            }
            Provisioning creating = Provisioning.of(lb, tracker, registry, false);
            Provisioning deleting = Provisioning.of(lb, tracker, registry, true);
            Map<String, String> operating = operating(lb, members);
            boolean lbDeleting = lb.provisioning().equals("PENDING_DELETE");
            long newest = 0;
            for (String router : lb.routers()) {
                AgentRegistry.Reported report = registry.reported(router);
                if (report != null) {
                    newest = Math.max(newest, report.atMillis());
                }
            }
            asOf.put(lb.id(), Math.max(newest, creating.appliedRevision()));
            for (ProviderView.Item listed : lb.items()) {
                // A cascade delete leaves the children ACTIVE in Octavia, but its driver updater
                // removes a child's row only when told that child is DELETED: each one is reported.
                ProviderView.Item item = lbDeleting && !listed.kind().equals("loadbalancer")
                        ? new ProviderView.Item(listed.kind(), listed.id(), "PENDING_DELETE", listed.adminUp(),
                                listed.ref(), listed.monitored())
                        : listed;
                String key = item.kind() + "/" + item.id();
                seen.add(key);
                Provisioning verdict = item.provisioning().equals("PENDING_DELETE") ? deleting : creating;
                String provisioning = verdict.statusFor(item, lb.refusal());
                String op = provisioning != null && provisioning.equals("DELETED")
                        || item.provisioning().equals("PENDING_DELETE") ? null : operating.get(key);
                Entry last = entries.get(key);
                if (last == null || !last.sameAs(item.provisioning(), provisioning, op)) {
                    if ("ERROR".equals(provisioning) && (last == null || !"ERROR".equals(last.provisioning()))) {
                        Logger.warn("octavia: {} {} of loadbalancer {} is ERROR: {}", item.kind(), item.id(), lb.id(),
                                verdict.error() != null ? verdict.error() : lb.refusal());
                    }
                    entries.put(key, new Entry(lb.id(), item.kind(), item.id(), item.provisioning(), provisioning, op,
                            ++cursor));
                }
                if (item.kind().equals("listener")) {
                    listenerIds.add(item.id());
                    statistic(item.id(), lb.routers(), listenerCounters);
                }
            }
        }
        entries.keySet().retainAll(seen);
        stats.keySet().retainAll(listenerIds);
        statistics.retain(listenerIds);
        Set<String> lbIds = new HashSet<>();
        view.loadBalancers().forEach(lb -> lbIds.add(lb.id()));
        asOf.keySet().retainAll(lbIds);
    }

    private void statistic(String listener, List<String> routers, Map<String, Map<String, JsonObject>> counters) {
        Map<String, JsonObject> perRouter = new HashMap<>();
        for (String router : routers) {
            JsonObject entry = counters.getOrDefault(router, Map.of()).get(listener);
            if (entry != null) {
                perRouter.put(router, entry);
            }
        }
        JsonObject totals = statistics.total(listener, perRouter);
        Stat last = stats.get(listener);
        if (last == null || !last.totals().equals(totals)) {
            stats.put(listener, new Stat(totals, ++cursor));
        }
    }

    /** Operating status by "kind/id" for one load balancer's objects. */
    private Map<String, String> operating(ProviderView.LoadBalancer lb, Map<String, Map<String, JsonObject>> reports) {
        Map<String, String> result = new HashMap<>();
        Map<String, List<String>> enabledByPool = new HashMap<>();
        for (ProviderView.Item item : lb.items()) {
            if (item.kind().equals("member")) {
                List<String> seen = new ArrayList<>();
                for (String router : lb.routers()) {
                    JsonObject m = reports.getOrDefault(router, Map.of()).get(item.id());
                    if (m != null) {
                        boolean draining = m.getBoolean("drained", false) || m.getLong("weight", 1) == 0;
                        seen.add(draining ? OperatingStatus.DRAINING : m.getString("operating_status", "ONLINE"));
                    }
                }
                String status = OperatingStatus.member(item.adminUp(), seen);
                result.put("member/" + item.id(), status);
                if (item.adminUp()) {
                    enabledByPool.computeIfAbsent(item.ref(), p -> new ArrayList<>()).add(status);
                }
            }
        }
        Map<String, String> pools = new HashMap<>();
        List<String> listeners = new ArrayList<>();
        for (ProviderView.Item item : lb.items()) {
            switch (item.kind()) {
                case "pool" -> {
                    String s = OperatingStatus.pool(item.adminUp(), enabledByPool.getOrDefault(item.id(), List.of()));
                    pools.put(item.id(), s);
                    result.put("pool/" + item.id(), s);
                }
                case "healthmonitor" -> result.put("healthmonitor/" + item.id(),
                        OperatingStatus.healthMonitor(item.adminUp()));
                default -> { }
            }
        }
        for (ProviderView.Item item : lb.items()) {
            if (item.kind().equals("listener")) {
                String s = OperatingStatus.listener(item.adminUp(), item.ref() == null ? null : pools.get(item.ref()));
                listeners.add(s);
                result.put("listener/" + item.id(), s);
            }
        }
        boolean allOffline = !lb.routers().isEmpty() && lb.routers().stream().noneMatch(registry::isOnline);
        result.put("loadbalancer/" + lb.id(), OperatingStatus.loadBalancer(lb.adminUp(), allOffline, listeners));
        return result;
    }

    /** A router's last report's members or listeners by id (reports passed StatusReportCheck). */
    private Map<String, JsonObject> byId(String router, String field) {
        AgentRegistry.Reported report = registry.reported(router);
        Map<String, JsonObject> result = new HashMap<>();
        JsonValue list = report == null ? null : report.status().get(field);
        if (list != null && list.isArray()) {
            for (JsonValue v : list.asArray()) {
                if (v.isObject()) {
                    result.put(v.asObject().getString("id", ""), v.asObject());
                }
            }
        }
        return result;
    }
}
