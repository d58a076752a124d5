package io.edgelb.agent.daemon;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import io.edgelb.agent.api.AgentControl;
import io.edgelb.agent.api.AgentFacts;
import io.edgelb.agent.api.ApiServer;
import io.edgelb.model.secret.ApiToken;
import io.edgelb.agent.api.MetricsReport;
import io.edgelb.agent.api.StatusReport;
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
import java.util.List;
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
    private final ScheduledExecutorService control;
    private final LongSupplier clock = System::currentTimeMillis;
    private final long startedAt = clock.getAsLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** Coalesces health transitions: one DNAT refresh queued on the control thread at a time. */
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private final String version;
    /** Hub-delivered objects and the hub client (io.edgelb.agent.sync); driven from the control thread. */
    private final HubFollower hub = new HubFollower(clock);
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
        this.reconciler = new Reconciler(new RelayServer(transport, group), health, clock,
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
        localConfig = config;
        hub.configure(config.hub(), this::deliverHubState, this::status);
        Config composed = hub.compose(config);
        List<String> hubErrors = HubFollower.problemsOf(composed);
        if (!hubErrors.isEmpty()) {
            Logger.error("the persisted hub state does not fit the local configuration; serving local objects only:");
            Logging.firstLines(hubErrors).forEach(e -> Logger.error("  {}", e));
            composed = config;
        }
        try {
            reconciler.apply(composed);
        } catch (RelayServer.BindException | SystemCommandException e) {
            throw new IllegalStateException(e.getMessage());
        }
        AgentSettings settings = config.agent();
        try {
            token = ApiToken.loadOrCreate(Path.of(settings.effectiveTokenFile()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create the API token file "
                    + settings.effectiveTokenFile() + ": " + e.getMessage());
        }
        api = ApiServer.start(HostPort.parse(settings.api()), group, transport, this, token);
        generation = 1;
        lastReload = new AgentFacts.LastReload(clock.getAsLong(), true, List.of(), initial.warnings());
        Logging.firstLines(initial.warnings()).forEach(w -> Logger.warn("{}", w));
        Logger.info("edgelb {} serving generation 1 of {}: {} listener(s), {} pool(s), {} member(s); "
                        + "{} event loop(s), transport {}; API http://{}/api/status",
                version, source.describe(), composed.listeners().size(), composed.pools().size(),
                composed.members().size(), workers, transport, api.address());
        scheduleDrainSweep();
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
        return StatusReport.build(facts(), reconciler, clock.getAsLong()).add("hub", hub.describe());
    }

    @Override
    public String metrics() {
        return MetricsReport.render(facts(), reconciler);
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
        ConfigSource.Loaded loaded = source.load();
        long now = clock.getAsLong();
        if (!loaded.ok()) {
            return rejected(now, loaded.errors(), loaded.warnings());
        }
        Config previous = reconciler.running();
        hub.configure(loaded.config().hub(), this::deliverHubState, this::status);
        Config composed = hub.compose(loaded.config());
        List<String> hubErrors = HubFollower.problemsOf(composed);
        if (!hubErrors.isEmpty()) {
            return rejected(now, hubErrors, loaded.warnings());
        }
        List<String> refused = reconcile(composed, "");
        if (!refused.isEmpty()) {
            return rejected(now, refused, loaded.warnings());
        }
        localConfig = loaded.config();
        List<String> warnings = new java.util.ArrayList<>(loaded.warnings());
        warnings.addAll(applyAgentSettings(previous.agent(), loaded.config().agent()));
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

    /** Agent-level settings: the API moves at once; what sizes the process waits for a restart. */
    private List<String> applyAgentSettings(AgentSettings before, AgentSettings after) {
        List<String> notes = new java.util.ArrayList<>();
        if (!before.api().equals(after.api())) {
            try {
                ApiServer moved = ApiServer.start(HostPort.parse(after.api()), group, transport, this, token);
                ApiServer old = api;
                api = moved;
                old.close();
                Logger.info("API moved to http://{}/", moved.address());
            } catch (IllegalStateException e) {
                notes.add("agent: " + e.getMessage() + "; the API stays on " + before.api());
            }
        }
        notes.addAll(RestartOnlySettings.changed(before, after));
        return notes;
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
            long timeoutMs = reconciler.running().agent().shutdownTimeoutMs();
            reconciler.closeListeners();
            int open = reconciler.openConnections();
            Logger.info("stopping ({}): listeners closed, waiting up to {} ms for {} open connection(s)", why,
                    timeoutMs, open);
            waitForConnections(clock.getAsLong() + timeoutMs);
        });
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
