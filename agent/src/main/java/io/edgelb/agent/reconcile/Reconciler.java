package io.edgelb.agent.reconcile;

import io.edgelb.agent.balance.Balancers;
import io.edgelb.agent.balance.StickyTable;
import io.edgelb.agent.health.CheckTarget;
import io.edgelb.agent.health.HealthCheckService;
import io.edgelb.agent.health.MemberHealth;
import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.agent.http.l7.L7Table;
import io.edgelb.agent.pool.PoolRuntime;
import io.edgelb.agent.relay.ListenerRuntime;
import io.edgelb.agent.relay.RelayServer;
import io.edgelb.agent.relay.Route;
import io.edgelb.agent.tls.ListenerTls;
import io.edgelb.agent.tls.TlsSetupException;
import io.edgelb.model.Config;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.Listener;
import io.edgelb.model.ListenerMode;
import io.edgelb.model.Member;
import io.edgelb.model.Pool;
import io.edgelb.uci.system.SystemApplier;
import io.edgelb.uci.system.SystemCommandException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.tinylog.Logger;

/**
 * The one path by which configuration reaches the data plane: diffs a validated snapshot against
 * what runs and applies the difference. Members keep their health and counters while their
 * endpoint stays; removed members drain; listeners are re-bound before old sockets close; open
 * connections are never cut by a reload. A failed bind leaves everything as it was.
 *
 * <p>System state comes first: VXLAN links (members may only be reachable through them) and the
 * DNAT fast path are applied before any socket changes; a failed system command restores the
 * previous system state and fails the apply, and so does a failed bind afterwards. Between
 * applies, health and drain changes of members move DNAT slots only ({@link #refreshSystem}).
 *
 * <p>Threading: every method runs on the control thread, which owns all fields here. The data
 * plane reads the published runtimes (volatile routes, immutable pools) without locks; the API reads
 * only {@link #state()}, one immutable {@link RunningState} published after every change.
 */
public final class Reconciler {
    private final ListenerSockets sockets;
    private final HealthCheckService health;
    private final LongSupplier clockMillis;
    private final Drainer drainer;
    /** Null when this reconciler drives the relay only (tests); then no system command ever runs. */
    private final SystemApplier system;
    private final MemberHealth.TransitionListener eligibilityChanged;

    private Config running = Config.empty();
    private Map<String, MemberRuntime> members = Map.of();
    private Map<String, PoolRuntime> pools = Map.of();
    private Map<String, ListenerRuntime> listeners = Map.of();
    /** The monitor each member's health was built for (null: passive only), to see when it changes. */
    private final Map<MemberRuntime, HealthMonitor> healthBasis = new java.util.IdentityHashMap<>();
    /** Removed members that still have connections: shown in status until they are done. */
    private final List<MemberRuntime> leaving = new ArrayList<>();
    /** Written by the control thread after every change; the only field other threads read. */
    private volatile RunningState state = RunningState.EMPTY;

    public Reconciler(RelayServer server, HealthCheckService health, LongSupplier clockMillis) {
        this(server, health, clockMillis, null, () -> { });
    }

    /**
     * With a system applier for VXLAN and DNAT. {@code eligibilityChanged} runs on whatever thread saw a
     * member's health change; it must hand over to the control thread, which then calls
     * {@link #refreshSystem}.
     */
    public Reconciler(RelayServer server, HealthCheckService health, LongSupplier clockMillis, SystemApplier system,
                      Runnable eligibilityChanged) {
        this.sockets = new ListenerSockets(server);
        this.health = health;
        this.clockMillis = clockMillis;
        this.drainer = new Drainer(clockMillis);
        this.system = system;
        this.eligibilityChanged = (up, reason) -> eligibilityChanged.run();
    }

    /**
     * Applies a validated snapshot; throws with the reason when a system command fails or a socket
     * cannot be opened, changing nothing.
     */
    public void apply(Config next) throws RelayServer.BindException, SystemCommandException, TlsSetupException {
        try {
            applyChange(next);
        } finally {
            publish(); // a refusal may still have changed the system applier's last error
        }
    }

    private void applyChange(Config next) throws RelayServer.BindException, SystemCommandException, TlsSetupException {
        // First: files are read here, and a bad one must refuse the change before anything moves.
        Map<String, ListenerTls> nextTls = planTls(next);
        Map<String, MemberRuntime> nextMembers = planMembers(next);
        Map<String, PoolRuntime> nextPools = planPools(next, nextMembers);
        Map<String, ListenerRuntime> nextListeners = planListeners(next, nextPools);

        if (system != null) {
            system.apply(next, eligibleIn(next, nextMembers), this::eligibleNow);
        }
        try {
            sockets.prepare(relayListeners(next, nextListeners), next.listeners(), listeners, onVip(next));
        } catch (RelayServer.BindException e) {
            if (system != null) {
                system.revert(this::eligibleNow);
            }
            throw e;
        }
        // Nothing below can fail: the change is committed.
        sockets.commit();
        commitMembers(next, nextMembers);
        // The new settings from the snapshot: a reused runtime still carries its old route.
        Map<String, L7Table> l7 = L7Table.compileAll(next, nextPools);
        nextListeners.forEach((id, listener) -> listener.setRoute(routeFor(next.listeners().get(id), nextPools,
                l7.getOrDefault(id, L7Table.NONE), nextTls.get(id))));
        members = Collections.unmodifiableMap(nextMembers);
        pools = Collections.unmodifiableMap(nextPools);
        listeners.forEach((id, old) -> {
            if (!nextListeners.containsKey(id)) {
                old.stopping(); // its HTTP keep-alive clients must not go on sending requests to a removed listener
            }
        });
        listeners = Collections.unmodifiableMap(nextListeners);
        running = next;
        if (system != null) {
            // After commitMembers: a changed monitor replaced some members' health objects.
            for (MemberRuntime member : members.values()) {
                member.health().setListener(eligibilityChanged);
            }
        }
        health.update(checkTargets(next));
        sweepDrains();
    }

    /** The listeners on a VIP of an enabled VRRP instance: they listen before the VIP arrives. */
    private static java.util.Set<String> onVip(Config next) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Listener listener : next.listeners().values()) {
            if (next.vrrpHolding(listener.address()) != null) {
                ids.add(listener.id());
            }
        }
        return ids;
    }

    /** Whether a planned member may take connections under the next settings (health and drain carry over). */
    private static Predicate<String> eligibleIn(Config next, Map<String, MemberRuntime> planned) {
        return id -> {
            Member settings = next.members().get(id);
            MemberRuntime runtime = planned.get(id);
            return settings != null && runtime != null && settings.enabled() && settings.weight() > 0
                    && !runtime.isDrainedByOperator() && runtime.health().isUp();
        };
    }

    private boolean eligibleNow(String id) {
        MemberRuntime member = members.get(id);
        return member != null && member.acceptsNewConnections();
    }

    /**
     * Control thread: makes the DNAT slots follow the members' eligibility now (health re-read, so a
     * late or reordered transition event cannot leave a stale state). A failure is logged and shown in
     * the status; the next change tries again from the state the kernel still has.
     */
    public void refreshSystem() {
        if (system == null || !system.followsHealth()) {
            return;
        }
        try {
            if (system.refresh(this::eligibleNow)) {
                Logger.debug("DNAT slots or VRRP health answers follow member health");
            }
        } catch (SystemCommandException e) {
            Logger.error("could not update the DNAT members or VRRP health: {}", e.getMessage());
        }
        publish();
    }

    /** Control thread: makes what runs now visible to the API, in one write. */
    private void publish() {
        state = new RunningState(running, listeners, pools, List.copyOf(leaving), sockets.boundAddresses(),
                system == null ? null : SystemView.of(system));
    }

    /** Any thread: what runs, as last published by the control thread. */
    public RunningState state() {
        return state;
    }

    /** Agent stop: the VRRP answers say "stopping" (a restart keeps the VIPs; a stop gives them up after a grace). */
    public void vrrpStopping(long nowMillis) {
        if (system != null && system.vrrp() != null) {
            system.vrrp().stopping(nowMillis);
        }
    }

    /** Agent stop: the kernel must not keep balancing once nothing checks the members. */
    public void removeSystemDnat() {
        if (system != null) {
            system.removeDnat();
            publish();
        }
    }

    /** Keeps the runtime of every member whose endpoint is unchanged; new runtimes for the rest. */
    private Map<String, MemberRuntime> planMembers(Config next) {
        Map<String, MemberRuntime> planned = new LinkedHashMap<>();
        for (Member member : next.members().values()) {
            MemberRuntime existing = members.get(member.id());
            if (existing != null && existing.settings().sameEndpoint(member)) {
                planned.put(member.id(), existing);
            } else {
                HealthMonitor monitor = monitorFor(next, member.poolId());
                planned.put(member.id(), new MemberRuntime(member, newHealth(member, monitor)));
            }
        }
        return planned;
    }

    private Map<String, PoolRuntime> planPools(Config next, Map<String, MemberRuntime> nextMembers) {
        Map<String, PoolRuntime> planned = new LinkedHashMap<>();
        for (Pool pool : next.pools().values()) {
            List<MemberRuntime> poolMembers = new ArrayList<>();
            for (Member member : next.membersOf(pool.id())) {
                poolMembers.add(nextMembers.get(member.id()));
            }
            PoolRuntime previous = pools.get(pool.id());
            StickyTable<MemberRuntime> sticky = previous != null && previous.sticky() != null
                    && previous.settings().persistenceTimeoutMs() == pool.persistenceTimeoutMs()
                    ? previous.sticky()
                    : new StickyTable<>(pool.persistenceTimeoutMs(), StickyTable.DEFAULT_MAX_ENTRIES);
            planned.put(pool.id(), new PoolRuntime(pool, poolMembers, Balancers.create(pool.algorithm(), poolMembers),
                    sticky, clockMillis));
        }
        return planned;
    }

    /** Listener runtimes keep their counters by id; their route is set at commit. */
    private Map<String, ListenerRuntime> planListeners(Config next, Map<String, PoolRuntime> nextPools) {
        Map<String, ListenerRuntime> planned = new LinkedHashMap<>();
        for (io.edgelb.model.Listener listener : next.listeners().values()) {
            if (!listener.enabled()) {
                continue;
            }
            ListenerRuntime existing = listeners.get(listener.id());
            planned.put(listener.id(), existing != null ? existing
                    : new ListenerRuntime(routeFor(listener, nextPools, L7Table.NONE, null)));
        }
        return planned;
    }

    /** The listeners that need a socket, judged by their new settings (runtimes still hold the old). */
    private static Map<String, ListenerRuntime> relayListeners(Config next, Map<String, ListenerRuntime> all) {
        Map<String, ListenerRuntime> relay = new LinkedHashMap<>();
        all.forEach((id, runtime) -> {
            if (next.listeners().get(id).mode() == ListenerMode.RELAY) {
                relay.put(id, runtime);
            }
        });
        return relay;
    }

    private static Route routeFor(io.edgelb.model.Listener listener, Map<String, PoolRuntime> pools, L7Table l7,
                                  ListenerTls tls) {
        return Route.of(listener, listener.poolId() == null ? null : pools.get(listener.poolId()), l7, tls);
    }

    /**
     * A new TLS context for every enabled TERMINATED_HTTPS relay listener, from its files as they are
     * now (a reload is how changed certificates are taken): new connections get it at commit, open
     * ones keep the engine they were accepted with.
     */
    private static Map<String, ListenerTls> planTls(Config next) throws TlsSetupException {
        Map<String, ListenerTls> planned = new LinkedHashMap<>();
        for (io.edgelb.model.Listener listener : next.listeners().values()) {
            if (listener.enabled() && listener.isTls() && listener.mode() == ListenerMode.RELAY) {
                planned.put(listener.id(), ListenerTls.build(listener));
            }
        }
        return planned;
    }

    private void commitMembers(Config next, Map<String, MemberRuntime> nextMembers) {
        long drainMs = next.agent().drainTimeoutMs();
        for (MemberRuntime old : members.values()) {
            if (nextMembers.get(old.id()) != old) {
                old.markRemoved();
                healthBasis.remove(old);
                leaving.add(old);
                drainer.draining(old, drainMs);
                Logger.info("member {} removed: draining (up to {} ms)", old, drainMs);
            }
        }
        for (Member member : next.members().values()) {
            MemberRuntime runtime = nextMembers.get(member.id());
            runtime.update(member);
            HealthMonitor monitor = monitorFor(next, member.poolId());
            if (healthBasis.containsKey(runtime) && !sameHealthRules(healthBasis.get(runtime), monitor)) {
                runtime.replaceHealth(newHealth(member, monitor));
            }
            healthBasis.put(runtime, monitor);
            if (member.weight() == 0 || runtime.isDrainedByOperator()) {
                drainer.draining(runtime, drainMs);
            } else {
                drainer.resumed(runtime);
            }
        }
    }

    private MemberHealth newHealth(Member member, HealthMonitor monitor) {
        String label = member.id() + " (" + member.address() + ":" + member.protocolPort() + ")";
        return monitor == null ? MemberHealth.passiveOnly(label, clockMillis)
                : MemberHealth.monitored(label, monitor.maxRetries(), monitor.maxRetriesDown(), clockMillis);
    }

    private static boolean sameHealthRules(HealthMonitor a, HealthMonitor b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.maxRetries() == b.maxRetries() && a.maxRetriesDown() == b.maxRetriesDown();
    }

    /** The pool's monitor when it exists and is enabled, else null (passive health only). */
    private static HealthMonitor monitorFor(Config config, String poolId) {
        Pool pool = config.pools().get(poolId);
        if (pool == null || pool.healthMonitorId() == null) {
            return null;
        }
        HealthMonitor monitor = config.healthMonitors().get(pool.healthMonitorId());
        return monitor != null && monitor.enabled() ? monitor : null;
    }

    private List<CheckTarget> checkTargets(Config config) {
        List<CheckTarget> targets = new ArrayList<>();
        for (PoolRuntime pool : pools.values()) {
            HealthMonitor monitor = monitorFor(config, pool.id());
            if (monitor == null || !pool.settings().enabled()) {
                continue;
            }
            for (MemberRuntime member : pool.members()) {
                if (member.settings().enabled()) {
                    targets.add(new CheckTarget(member, monitor, pool.settings().protocol()));
                }
            }
        }
        return targets;
    }

    // --- operator actions and drain bookkeeping (control thread) -------------------------------

    /** Drains (true) or re-enables (false) a member through the API; false when there is no such member. */
    public boolean setDrained(String memberId, boolean drained) {
        MemberRuntime member = members.get(memberId);
        if (member == null) {
            return false;
        }
        member.setDrainedByOperator(drained);
        if (drained) {
            drainer.draining(member, running.agent().drainTimeoutMs());
            Logger.info("member {} drained by the operator", member);
        } else if (member.weight() > 0) {
            drainer.resumed(member);
            Logger.info("member {} enabled by the operator", member);
        }
        refreshSystem();
        publish();
        return true;
    }

    /** Closes connections of members whose drain time is up; the control thread calls it about once a second. */
    public void sweepDrains() {
        for (MemberRuntime done : drainer.sweep()) {
            leaving.remove(done);
        }
        leaving.removeIf(m -> m.activeConnections() == 0);
        publish();
    }

    public boolean hasDrains() {
        return !drainer.isEmpty() || !leaving.isEmpty();
    }

    /** Stops accepting on every listener (shutdown); open connections continue. */
    public void closeListeners() {
        sockets.closeAll();
        listeners.values().forEach(ListenerRuntime::stopping);
        publish();
    }

    /** The relay listeners' sockets (restart hand-off); control thread. */
    public List<io.netty.channel.ServerChannel> listeningChannels() {
        return sockets.channels();
    }

    /** Closes every open connection (end of a shutdown's grace period). */
    public int closeAllConnections() {
        java.util.Set<io.netty.channel.Channel> open = new java.util.LinkedHashSet<>();
        List<MemberRuntime> all = new ArrayList<>(members.values());
        all.addAll(leaving);
        for (MemberRuntime member : all) {
            open.addAll(member.connections());
        }
        for (ListenerRuntime listener : listeners.values()) {
            open.addAll(listener.httpClients()); // an idle HTTP client has no member to find it by
        }
        open.forEach(io.netty.channel.Channel::close);
        return open.size();
    }

    public int openConnections() {
        int open = 0;
        for (ListenerRuntime listener : listeners.values()) {
            open += listener.activeConnections();
        }
        return open;
    }

    // --- control thread (and tests driving it) --------------------------------------------------

    public Config running() {
        return running;
    }

    public Map<String, ListenerRuntime> listeners() {
        return listeners;
    }

    public Map<String, PoolRuntime> pools() {
        return pools;
    }

    public MemberRuntime member(String id) {
        return members.get(id);
    }

    /** The bound address of a relay listener, or null when it does not listen (from the published state). */
    public java.net.InetSocketAddress localAddress(String listenerId) {
        return state.bound().get(listenerId);
    }

    static boolean sameMonitor(HealthMonitor a, HealthMonitor b) {
        return Objects.equals(a, b);
    }
}
