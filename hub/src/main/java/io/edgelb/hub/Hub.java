package io.edgelb.hub;

import io.edgelb.model.secret.ApiToken;
import io.edgelb.hub.api.HubApi;
import io.edgelb.hub.config.HubConfig;
import io.edgelb.hub.octavia.OctaviaSource;
import io.edgelb.hub.registry.AgentRegistry;
import io.edgelb.hub.source.DesiredStateSource;
import io.edgelb.hub.source.FileSource;
import io.edgelb.hub.sync.SyncServer;
import io.edgelb.model.HostPort;
import io.edgelb.model.sync.CurveKeyFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * The running hub: a desired-state source, the agent registry, the sync server and the REST API.
 * Stateless apart from its cache: everything is read again from the source after a restart.
 */
public final class Hub implements AutoCloseable {
    /** Agents report every 5 s; three missed reports and the agent counts as offline. */
    private static final long ONLINE_WINDOW_MS = 15_000;

    private final DesiredStateSource source;
    private final SyncServer sync;
    private final HubApi api;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean failed;

    private Hub(DesiredStateSource source, SyncServer sync, HubApi api) {
        this.source = source;
        this.sync = sync;
        this.api = api;
    }

    /** Starts everything; the message of the exception says what could not start. */
    public static Hub start(HubConfig config) throws IOException {
        LongSupplier clock = System::currentTimeMillis;
        CurveKeyFile keys = CurveKeyFile.read(Path.of(config.keyFile()));
        ApiToken token = ApiToken.loadOrCreate(Path.of(config.apiTokenFile()));
        AgentRegistry registry = new AgentRegistry(config.agents(), clock, ONLINE_WINDOW_MS);
        DesiredStateSource source = config.source() instanceof HubConfig.FileSourceConfig file
                ? new FileSource(Path.of(file.path()), file.intervalMs(), clock)
                : new OctaviaSource((HubConfig.OctaviaSourceConfig) config.source(), clock);
        SyncServer sync = SyncServer.start(config.bind(), config.ioThreads(), config.heartbeatMs(), keys, registry,
                clock);
        HubApi api;
        try {
            api = HubApi.start(HostPort.parse(config.api()), registry, source, sync.stats(), token, clock);
        } catch (IOException e) {
            sync.close();
            throw new IOException("cannot open the API on " + config.api() + ": " + e.getMessage(), e);
        }
        Hub hub = new Hub(source, sync, api);
        sync.onFailure(hub::failed);
        source.start(registry);
        Logger.info("edgelb hub serving {} agent(s) from {}; public key {}; API http://{}/api/agents",
                config.agents().size(), source.describe(), keys.publicKey(), config.api());
        return hub;
    }

    private void failed() {
        failed = true;
        stopped.countDown();
    }

    /** True when the hub stopped because a part of it failed (not because it was closed). */
    public boolean hasFailed() {
        return failed;
    }

    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        source.close();
        api.close();
        sync.close();
        stopped.countDown();
    }
}
