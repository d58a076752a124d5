package io.edgelb.agent.daemon;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import io.edgelb.agent.api.AgentControl;
import io.edgelb.agent.api.AgentFacts;
import io.edgelb.agent.vrrp.VrrpObserver;
import io.edgelb.agent.reconcile.RunningState;
import io.edgelb.agent.api.ApiServer;
import io.edgelb.agent.handoff.AdoptedListeners;
import io.edgelb.agent.handoff.ListenerHandoff;
import io.edgelb.model.secret.ApiToken;
import io.edgelb.agent.api.MetricsReport;
import io.edgelb.agent.api.StatusReport;
import io.edgelb.agent.api.TrafficHistory;
import io.edgelb.agent.health.HealthCheckService;
import io.edgelb.agent.net.Transport;
import io.edgelb.agent.reconcile.Reconciler;
import io.edgelb.agent.relay.RelayServer;
import io.edgelb.agent.sync.HubFollower;
import io.edgelb.agent.sync.HubObjects;
import io.edgelb.agent.sync.HubState;
import io.edgelb.model.AgentSettings;
import io.edgelb.model.Config;
import io.edgelb.model.HostPort;
import io.edgelb.uci.system.ProcessCommandRunner;
import io.edgelb.uci.system.SystemCommandException;
import io.edgelb.uci.system.SystemDetection;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * The running agent: owns the event loops, the control thread, the reconciler, health checks and
 * the local API; reloads on request and shuts down gracefully.
 *
 * <p>Threads: N event loops ({@code edgelb-io-*}) run all sockets (relay, health checks, API);
 * one control thread ({@code edgelb-control}) does everything that changes configuration —
 * reloads, drain/enable, drain sweeps, shutdown — so those never race each other. The data
 * plane only reads what the control thread publishes.
 */
public final class Agent implements AgentControl {
    /** Checks in flight at once, whatever the number of members: bounds sockets and CPU on a router. */
    private static final int MAX_CONCURRENT_CHECKS = 32;
    private static final long DRAIN_SWEEP_MS = 1_000;
    private static final long SHUTDOWN_POLL_MS = 100;

    private final ConfigSource source;
    private final Transport transport;
    private final EventLoopGroup group;
    private final HealthCheckService health;
    private final Reconciler reconciler;
    private final AdoptedListeners adopted; // control thread after the constructor
    private final ScheduledExecutorService control;
    private final LongSupplier clock = System::currentTimeMillis;
    private final long startedAt = clock.getAsLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Coalesces health transitions: one DNAT refresh queued on the control thread at a time. */
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private final String version;
    /** Hub-delivered objects and the hub client (io.edgelb.agent.sync); driven from the control thread. */
    private final HubFollower hub = new HubFollower(clock);
    /** VRRP states as seen on the devices; sampled on the control thread. */
    private final VrrpObserver vrrp = new VrrpObserver();
    /** Listener counters every 10 s for the last 10 minutes; sampled on the control thread. */
    private final TrafficHistory traffic = new TrafficHistory(60, 10_000);
    /** The last valid local (UCI) snapshot, which hub states are composed with. Control thread. */
    private Config localConfig;

    // Written on the control thread, read by API threads.
    private volatile ApiServer api;
    private volatile ApiToken token;
    private volatile long generation;
    private volatile long reloads;
    private volatile long reloadFailures;
    private volatile AgentFacts.LastReload lastReload;
    private volatile boolean shuttingDown;
    private boolean sweepScheduled;

    private Agent(ConfigSource source, Transport transport, int workers, AgentSettings settings) {
        this.source = source;
        this.transport = transport;
        this.group = transport.newGroup(workers, "edgelb-io");
        this.health = new HealthCheckService(group, transport, MAX_CONCURRENT_CHECKS);
        // Restart hand-off: the sockets a stopping agent passes on, adopted by the first apply.
        this.adopted = AdoptedListeners.receive(transport, group, Path.of(settings.stateDir()));
        this.reconciler = new Reconciler(new RelayServer(transport, group, adopted), health, clock,
                new SystemDetection(new ProcessCommandRunner()).applier(settings), this::queueSystemRefresh);
        this.control = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "edgelb-control");
            thread.setDaemon(true);
            return thread;
        });
        String implementation = Agent.class.getPackage().getImplementationVersion();
        this.version = implementation == null ? "dev" : implementation;
    }

    /**
     * Starts serving a validated configuration: listeners, health checks, API. Throws
     * {@link StartupException} with a message for the operator when a socket cannot be opened.
     */
    public static Agent start(ConfigSource source, ConfigSource.Loaded initial, Transport transport)
            throws StartupException {
        AgentSettings settings = initial.config().agent();
        int workers = settings.workers() == AgentSettings.AUTO_WORKERS
                ? Runtime.getRuntime().availableProcessors() : settings.workers();
        Agent agent = new Agent(source, transport, workers, settings);
        try {
            agent.control.submit(() -> agent.startServing(initial, workers)).get();
        } catch (java.util.concurrent.ExecutionException e) {
            agent.stopNow();
            throw new StartupException(String.valueOf(e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            agent.stopNow();
            throw new StartupException("interrupted while starting");
        }
        return agent;
    }

    /** Control thread: the first apply, the token and the API; a failure message goes to the operator. */
    private void startServing(ConfigSource.Loaded initial, int workers) {
        Config config = initial.config();
        AgentSettings settings = config.agent();
        try {
            token = ApiToken.loadOrCreate(Path.of(settings.effectiveTokenFile()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the API token file "
                    + settings.effectiveTokenFile() + ": " + e.getMessage());
        }
        List<String> refused;
        try {
            refused = commitLocal(config, true);
        } finally {
            adopted.closeRest(); // restart hand-off: sockets no listener of this configuration took
        }
        if (!refused.isEmpty()) {
            throw new IllegalStateException(String.join("; ", refused));
        }
        generation = 1;
        lastReload = new AgentFacts.LastReload(clock.getAsLong(), true, List.of(), initial.warnings());
        Logging.firstLines(initial.warnings()).forEach(w -> Logger.warn("{}", w));
        Config composed = reconciler.running();
        Logger.info("edgelb {} serving generation 1 of {}: {} listener(s), {} pool(s), {} member(s); "
                        + "{} event loop(s), transport {}; API http://{}/api/status",
                version, source.describe(), composed.listeners().size(), composed.pools().size(),
                composed.members().size(), workers, transport, api.address());
        scheduleDrainSweep();
        control.scheduleWithFixedDelay(this::sampleTraffic, 0, traffic.intervalMillis(), TimeUnit.MILLISECONDS);
        control.scheduleWithFixedDelay(this::observeVrrp, 0, VrrpObserver.INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** Control thread, twice a second: which VRRP instances this router is master of. */
    private void observeVrrp() {
        RunningState state = reconciler.state();
        vrrp.observe(state.config(), state.system() == null ? Map.of() : state.system().vrrpHealth(), clock.getAsLong());
    }

    /**
     * Control thread: the one path from a valid local snapshot (at start or a reload) to what runs.
     * The hub's objects are composed in and the whole checked, the API's new address is bound, then
     * the snapshot is reconciled; only after that commit do the API move and the hub client follow
     * the new settings. Returns what refused it, or nothing; a refusal changes nothing that runs.
     */
    private List<String> commitLocal(Config local, boolean first) {
        Config composed = hub.composeFor(local.hub(), local);
        List<String> hubErrors = HubFollower.problemsOf(composed);
        if (!hubErrors.isEmpty()) {
            if (!first) {
                return hubErrors;
            }
            Logger.error("the persisted hub state does not fit the local configuration; serving local objects only:");
            Logging.firstLines(hubErrors).forEach(e -> Logger.error("  {}", e));
            composed = local;
        }
        String emptied = first ? null : refuseClosingEveryListener(reconciler.running(), composed, local);
        if (emptied != null) {
            return List.of(emptied);
        }
        HostPort apiAddress = HostPort.parse(local.agent().api());
        ApiServer moved = null;
        if (first) {
            // At start the API opens after the first commit, so its first answer already shows what
            // runs; a port it cannot bind fails the start, which closes what the commit opened.
            List<String> refused = reconcile(composed, "");
            if (!refused.isEmpty()) {
                return refused;
            }
            try {
                api = ApiServer.start(apiAddress, group, transport, this, token);
            } catch (IllegalStateException e) {
                return List.of("agent: " + e.getMessage());
            }
            return followCommitted(local);
        }
        if (!apiAddress.equals(api.address())) {
            try {
                moved = ApiServer.start(apiAddress, group, transport, this, token);
            } catch (IllegalStateException e) {
                return List.of("agent: " + e.getMessage() + "; the API stays on " + api.address());
            }
        }
        List<String> refused = reconcile(composed, "");
        if (!refused.isEmpty()) {
            if (moved != null) {
                moved.close();
            }
            return refused;
        }
        if (moved != null) {
            ApiServer old = api;
            api = moved;
            if (old != null) {
                old.close();
                Logger.info("API moved to http://{}/", moved.address());
            }
        }
        return followCommitted(local);
    }

    /** Control thread, after a commit: the hub client follows the committed local settings. */
    private List<String> followCommitted(Config local) {
        localConfig = local;
        hub.configure(local.hub(), this::deliverHubState, this::status);
        return List.of();
    }

    /**
     * An empty or truncated file parses as a valid configuration without listeners: applying it would
     * close every listener. That is refused unless the file says it means it ({@code option enabled '0'}
     * in {@code config agent}).
     */
    private static String refuseClosingEveryListener(Config running, Config next, Config local) {
        if (running.listeners().isEmpty() || !next.listeners().isEmpty() || !local.agent().enabled()) {
            return null;
        }
        return "the new configuration has no listeners and would close all " + running.listeners().size()
                + " running (an empty or truncated file?); refused. To stop serving on purpose, set"
                + " option enabled '0' in config agent";
    }

    // --- AgentControl (called from API event loops and signal handlers) ------------------------

    @Override
    public CompletableFuture<JsonObject> reload() {
        return CompletableFuture.supplyAsync(this::reloadNow, control);
    }

    @Override
    public CompletableFuture<Boolean> setDrained(String memberId, boolean drained) {
        return CompletableFuture.supplyAsync(() -> {
            boolean found = reconciler.setDrained(memberId, drained);
            scheduleDrainSweep();
            return found;
        }, control);
    }

    @Override
    public JsonObject status() {
        return StatusReport.build(facts(), reconciler.state(), clock.getAsLong())
                .add("vrrp", StatusReport.vrrp(vrrp.statuses())).add("hub", hub.describe());
    }

    @Override
    public JsonObject history() {
        return traffic.toJson(clock.getAsLong());
    }

    /** Control thread, every 10 s. */
    private void sampleTraffic() {
        long now = clock.getAsLong();
        Map<String, TrafficHistory.Sample> samples = new LinkedHashMap<>();
        reconciler.listeners().forEach((id, l) ->
                samples.put(id, new TrafficHistory.Sample(now, l.bytesIn(), l.bytesOut(), l.activeConnections())));
        traffic.sample(samples);
    }

    @Override
    public String metrics() {
        return MetricsReport.render(facts(), reconciler.state(), vrrp.statuses());
    }

    private AgentFacts facts() {
        return new AgentFacts(version, transport.name(), startedAt, source.describe(), generation, reloads,
                reloadFailures, lastReload);
    }

    /** Control thread: read the source again and apply it, or keep the running config and say why. */
    private JsonObject reloadNow() {
        if (shuttingDown) {
            return Json.object().add("ok", false).add("errors", new JsonArray().add("the agent is shutting down"));
        }
        long now = clock.getAsLong();
        try {
            return reloadFrom(source.load(), now);
        } catch (Exception | OutOfMemoryError e) {
            // Whatever failed (netty rethrows checked exceptions undeclared), the reload is reported.
            Logger.error(e, "reload failed");
            return rejected(now, List.of("internal error while reloading: " + e), List.of());
        }
    }

    private JsonObject reloadFrom(ConfigSource.Loaded loaded, long now) {
        if (!loaded.ok()) {
            return rejected(now, loaded.errors(), loaded.warnings());
        }
        Config previous = reconciler.running();
        List<String> refused = commitLocal(loaded.config(), false);
        if (!refused.isEmpty()) {
            return rejected(now, refused, loaded.warnings());
        }
        List<String> warnings = new java.util.ArrayList<>(loaded.warnings());
        warnings.addAll(RestartOnlySettings.changed(previous.agent(), loaded.config().agent()));
        generation++;
        reloads++;
        lastReload = new AgentFacts.LastReload(now, true, List.of(), warnings);
        Logging.firstLines(warnings).forEach(w -> Logger.warn("{}", w));
        Config config = loaded.config();
        Logger.info("configuration generation {} applied: {} listener(s), {} pool(s), {} member(s)", generation,
                config.listeners().size(), config.pools().size(), config.members().size());
        scheduleDrainSweep();
        return outcome(lastReload);
    }

    /**
     * Control thread: applies a validated snapshot; what refused it (a port that cannot be bound, a
     * system command that failed), each prefixed, or nothing. A refusal changes nothing that runs.
     */
    private List<String> reconcile(Config composed, String prefix) {
        try {
            reconciler.apply(composed);
            return List.of();
        } catch (RelayServer.BindException e) {
            return List.of(prefix + e.getMessage());
        } catch (SystemCommandException e) {
            return List.of(prefix + "system: " + e.getMessage()
                    + " (previous VXLAN/DNAT state restored; listeners unchanged)");
        } catch (io.edgelb.agent.tls.TlsSetupException e) {
            return List.of(prefix + e.getMessage());
        }
    }

    private JsonObject rejected(long now, List<String> errors, List<String> warnings) {
        reloadFailures++;
        lastReload = new AgentFacts.LastReload(now, false, errors, warnings);
        Logger.error("new configuration rejected; still serving generation {}:", generation);
        Logging.firstLines(errors).forEach(e -> Logger.error("  {}", e));
        return outcome(lastReload);
    }

    private JsonObject outcome(AgentFacts.LastReload reload) {
        JsonArray errors = new JsonArray();
        reload.errors().forEach(errors::add);
        JsonArray warnings = new JsonArray();
        reload.warnings().forEach(warnings::add);
        return Json.object().add("ok", reload.ok()).add("generation", generation).add("errors", errors)
                .add("warnings", warnings);
    }

    /** Any thread (health loop, relay loops): hands a DNAT refresh to the control thread, once. */
    private void queueSystemRefresh() {
        if (!refreshQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            control.execute(() -> {
                refreshQueued.set(false);
                if (!shuttingDown) {
                    reconciler.refreshSystem();
                    hub.healthChanged();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            refreshQueued.set(false);
        }
    }

    // --- hub states (io.edgelb.agent.sync) -------------------------------------------------------

    /** Hub client thread: moves a received state to the control thread. */
    private void deliverHubState(HubState state) {
        try {
            control.execute(() -> applyHubState(state));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            Logger.debug("hub state revision {} arrived while stopping", state.revision());
        }
    }

    /**
     * Control thread: the same path as a reload. The hub's objects join the last good local snapshot,
     * the whole is validated and reconciled; a state that does not fit is refused and reported, and the
     * previous one stays in force. Only a real change of objects reconciles and persists.
     */
    private void applyHubState(HubState state) {
        if (shuttingDown || localConfig == null) {
            return;
        }
        if (!hub.changes(state)) {
            hub.applied(state);
            return;
        }
        Config composed = HubObjects.compose(localConfig, HubObjects.namespaced(state.objects()));
        List<String> errors = HubFollower.problemsOf(composed);
        if (errors.isEmpty()) {
            errors = reconcile(composed, "hub: ");
        }
        if (!errors.isEmpty()) {
            hub.refused(state, errors);
            return;
        }
        hub.applied(state);
        generation++;
        Logger.info("hub revision {} from {} applied as generation {}: {} listener(s), {} pool(s), {} member(s)",
                state.revision(), state.endpoint(), generation, state.objects().listeners().size(),
                state.objects().pools().size(), state.objects().members().size());
        scheduleDrainSweep();
    }

    // --- drains ----------------------------------------------------------------------------------

    /** Runs the drain sweep once a second while any member drains; nothing runs when none does. */
    private void scheduleDrainSweep() {
        if (sweepScheduled || !reconciler.hasDrains()) {
            return;
        }
        sweepScheduled = true;
        control.schedule(() -> {
            sweepScheduled = false;
            reconciler.sweepDrains();
            scheduleDrainSweep();
        }, DRAIN_SWEEP_MS, TimeUnit.MILLISECONDS);
    }

    // --- shutdown --------------------------------------------------------------------------------

    /**
     * Graceful stop: no new connections, open ones get up to shutdown_timeout to finish, then the
     * rest are closed. Returns at once; {@link #awaitStopped()} waits for the end.
     */
    public void shutdown(String why) {
        control.execute(() -> {
            if (shuttingDown) {
                return;
            }
            shuttingDown = true;
            reconciler.vrrpStopping(clock.getAsLong());
            // Restart hand-off (io.edgelb.agent.handoff): a successor may take the listening sockets first.
            ListenerHandoff.offer(transport, group, Path.of(reconciler.running().agent().stateDir()), control,
                    this::releaseForSuccessor, taken -> drain(why));
        });
    }

    /** Control thread: a successor takes over; it binds the API itself, so that goes now. */
    private List<io.netty.channel.ServerChannel> releaseForSuccessor() {
        ApiServer current = api;
        if (current != null) {
            current.close();
        }
        return reconciler.listeningChannels();
    }

    private void drain(String why) {
        long timeoutMs = reconciler.running().agent().shutdownTimeoutMs();
        reconciler.closeListeners();
        int open = reconciler.openConnections();
        Logger.info("stopping ({}): listeners closed, waiting up to {} ms for {} open connection(s)", why,
                timeoutMs, open);
        waitForConnections(clock.getAsLong() + timeoutMs);
    }

    private void waitForConnections(long deadline) {
        int open = reconciler.openConnections();
        if (open > 0 && clock.getAsLong() < deadline) {
            control.schedule(() -> waitForConnections(deadline), SHUTDOWN_POLL_MS, TimeUnit.MILLISECONDS);
            return;
        }
        if (open > 0) {
            Logger.info("closing {} connection(s) still open", reconciler.closeAllConnections());
        }
        stopNow();
        Logger.info("stopped");
    }

    private void stopNow() {
        hub.close();
        health.close();
        reconciler.removeSystemDnat();
        ApiServer current = api;
        if (current != null) {
            current.close();
        }
        reconciler.closeListeners();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        control.shutdown();
        stopped.countDown();
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    public boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    public Transport transport() {
        return transport;
    }

    public HostPort apiAddress() {
        return api.address();
    }

    public long generation() {
        return generation;
    }

    /** The agent could not start; the message is for the operator. */
    public static final class StartupException extends Exception {
        public StartupException(String message) {
            super(message);
        }
    }
}
