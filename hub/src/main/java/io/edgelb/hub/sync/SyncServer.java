package io.edgelb.hub.sync;

import io.edgelb.hub.registry.AgentRegistry;
import io.edgelb.model.sync.CurveKeyFile;
import io.edgelb.model.sync.SyncProtocol;
import io.edgelb.model.sync.WakePipe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.tinylog.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import zmq.Msg;
import zmq.io.Metadata;

/**
 * The hub's side of the sync protocol ({@link SyncProtocol}): answers state requests from the key
 * that owns the agent id, announces each agent's new revision when it changes, sends heartbeats,
 * takes status reports; {@link ZapHandler} decides which CURVE keys may connect at all.
 *
 * <p>Threading: one thread ({@code hub-sync}) creates and owns every ZeroMQ socket (jeromq sockets
 * are not thread-safe). Other threads only write to the registry and wake it through a pipe.
 * Shutdown: a flag and a wake-up, then the context is terminated; the thread is never interrupted.
 */
public final class SyncServer implements AutoCloseable {
    private static final int MAX_FRAMES = 4;
    private static final int MAX_BATCH = 1000;
    /** Many agents reconnect at once after a restart; the default backlog of 100 makes them back off for seconds. */
    private static final int BACKLOG = 4096;
    private static final int ZMTP_HEARTBEAT_MS = 5_000;
    private static final int ZMTP_TIMEOUT_MS = 15_000;

    private final ZMQ.Context context;
    private final AgentRegistry registry;
    private final CurveKeyFile keys;
    private final String bind;
    private final long heartbeatMs;
    private final LongSupplier clock;
    private final WakePipe wake;
    private final byte[] instance = new byte[8];
    private final SyncStats stats = new SyncStats();
    private final RefusalLog refusals = new RefusalLog();
    private final ZapHandler zapHandler;
    private final StatusIntake reports;
    /** Sync thread only. */
    private final NoticeRoutes routes = new NoticeRoutes();
    private final CompletableFuture<Void> bound = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** Sync thread only. */
    private long framesRefusedLogged;
    /** Called once, from the sync thread, when it dies of anything but a shutdown. */
    private volatile Runnable onFailure = () -> { };
    /** How long close() waits for the thread and then for the ZeroMQ context, each. */
    private static final long CLOSE_WAIT_MS = 3_000;

    private SyncServer(String bind, int ioThreads, long heartbeatMs, CurveKeyFile keys, AgentRegistry registry,
                       LongSupplier clock) throws IOException {
        this.context = ZMQ.context(ioThreads);
        this.bind = bind;
        this.heartbeatMs = heartbeatMs;
        this.keys = keys;
        this.registry = registry;
        this.clock = clock;
        this.wake = new WakePipe();
        new SecureRandom().nextBytes(instance);
        this.zapHandler = new ZapHandler(registry.allowList(), stats, refusals, clock);
        this.reports = new StatusIntake(registry, stats, refusals);
        this.thread = new Thread(this::run, "hub-sync");
    }

    /** Binds ROUTER on the bind port and PUB on the next; throws IllegalStateException when it cannot. */
    public static SyncServer start(String bind, int ioThreads, long heartbeatMs, CurveKeyFile keys,
                                   AgentRegistry registry, LongSupplier clock) throws IOException {
        SyncServer server = new SyncServer(bind, ioThreads, heartbeatMs, keys, registry, clock);
        registry.onChange(server::wake);
        server.thread.start();
        try {
            server.bound.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            server.close();
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            server.close();
            throw new IllegalStateException("the sync server did not start: " + e);
        }
        return server;
    }

    /** What to do when the sync thread fails (the hub exits non-zero so its supervisor restarts it). */
    public void onFailure(Runnable action) {
        this.onFailure = action;
    }

    public SyncStats stats() {
        return stats;
    }

    public String instanceHex() {
        return java.util.HexFormat.of().formatHex(instance);
    }

    /** Any thread: makes the sync thread look at the registry now. */
    public void wake() {
        wake.wake();
    }

    private void run() {
        ZMQ.Socket zap = null;
        ZMQ.Socket router = null;
        ZMQ.Socket pub = null;
        try {
            // The ZAP handler must exist before the first handshake: without one, CURVE admits any key.
            zap = context.socket(SocketType.REP);
            zap.setLinger(0);
            zap.bind(ZapHandler.ENDPOINT);
            router = serverSocket(SocketType.ROUTER);
            router.setMaxMsgSize(ReportBody.MAX_FRAME_BYTES + 1024);
            InboundGuard guard = new InboundGuard(stats); // bounds whole messages, not frames only
            router.setMsgAllocator(guard);
            // XPUB: it tells us when an agent (re)subscribes, and we send its state at once, so an
            // agent that reconnects after a hub restart is in sync before the first heartbeat.
            pub = serverSocket(SocketType.XPUB);
            pub.setXpubVerbose(true);
            pub.setMaxMsgSize(1024); // subscriptions only
            pub.setMsgAllocator(guard);
            try {
                router.bind(bind);
                pub.bind(SyncProtocol.publisherOf(bind));
            } catch (ZMQException e) {
                throw new IllegalStateException("cannot bind " + bind + " and " + SyncProtocol.publisherOf(bind)
                        + ": " + e.getMessage());
            }
            bound.complete(null);
            Logger.info("sync: snapshots on {}, updates on {}, heartbeat {} ms, instance {}", bind,
                    SyncProtocol.publisherOf(bind), heartbeatMs, instanceHex());
            loop(zap, router, pub);
        } catch (ZMQException e) {
            bound.completeExceptionally(e);
            if (e.getErrorCode() != ZMQ.Error.ETERM.getCode() && running) {
                fail(e);
            }
        } catch (Throwable e) { // also OutOfMemoryError: a dead sync thread must never go unnoticed
            bound.completeExceptionally(e);
            if (running) {
                fail(e);
            }
        } finally {
            for (ZMQ.Socket socket : new ZMQ.Socket[] {pub, router, zap}) {
                if (socket != null) {
                    try {
                        socket.close();
                    } catch (RuntimeException e) {
                        Logger.debug("closing a socket: {}", e.getMessage());
                    }
                }
            }
        }
    }

    private void fail(Throwable e) {
        Logger.error(e, "sync: the sync thread failed; the hub stops");
        onFailure.run();
    }

    private ZMQ.Socket serverSocket(SocketType type) {
        ZMQ.Socket socket = context.socket(type);
        socket.setLinger(0);
        socket.setCurveServer(true);
        socket.setCurveSecretKey(ZMQ.Curve.z85Decode(keys.secretKey()));
        socket.setZapDomain("edgelb");
        socket.setBacklog(BACKLOG);
        socket.setHeartbeatIvl(ZMTP_HEARTBEAT_MS);
        socket.setHeartbeatTimeout(ZMTP_TIMEOUT_MS);
        socket.setSndHWM(10_000);
        return socket;
    }

    private void loop(ZMQ.Socket zap, ZMQ.Socket router, ZMQ.Socket pub) {
        ZMQ.Poller poller = context.poller(4);
        int zapIndex = poller.register(zap, ZMQ.Poller.POLLIN);
        int routerIndex = poller.register(router, ZMQ.Poller.POLLIN);
        int pubIndex = poller.register(pub, ZMQ.Poller.POLLIN);
        int wakeIndex = poller.register(wake.source(), ZMQ.Poller.POLLIN);
        long nextBeat = clock.getAsLong() + heartbeatMs;
        while (running) {
            long wait = Math.max(0, nextBeat - clock.getAsLong());
            if (poller.poll(wait) < 0) {
                break;
            }
            if (poller.pollin(zapIndex)) {
                zapHandler.answerAll(zap);
            }
            if (poller.pollin(routerIndex)) {
                for (int i = 0; i < MAX_BATCH && serveOne(router); i++) {
                    // serveOne returns false when nothing is left to read
                }
            }
            if (poller.pollin(pubIndex)) {
                subscriptions(pub);
            }
            if (poller.pollin(wakeIndex)) {
                wake.drain();
            }
            if (!running) {
                break;
            }
            if (registry.isReady()) {
                publishChanged(pub, router);
            }
            long now = clock.getAsLong();
            if (now >= nextBeat) {
                logRefusedFrames(now);
                heartbeats(pub);
                nextBeat = now + heartbeatMs;
            }
        }
    }

    /** InboundGuard counts from I/O threads; the log line is written here, at most once a minute. */
    private void logRefusedFrames(long now) {
        long refused = stats.framesRefused.get();
        if (refused != framesRefusedLogged) {
            framesRefusedLogged = refused;
            refusals.warn(now, "frames refused", "sync: closed connection(s) whose messages did not fit the heap ("
                    + refused + " frames refused so far); see edgelb_hub_frames_refused_total");
        }
    }

    // --- requests from agents ---------------------------------------------------------------------

    /** Reads and answers one message; false when none was waiting. Bad messages are logged and dropped. */
    private boolean serveOne(ZMQ.Socket router) {
        Msg identity = router.recvMsg(ZMQ.DONTWAIT);
        if (identity == null) {
            return false;
        }
        List<Msg> frames = new ArrayList<>();
        boolean tooMany = false;
        while (router.hasReceiveMore()) {
            Msg frame = router.recvMsg(0);
            if (frames.size() < MAX_FRAMES) {
                frames.add(frame);
            } else {
                tooMany = true;
            }
        }
        long now = clock.getAsLong();
        Metadata metadata = frames.isEmpty() ? null : frames.get(0).getMetadata();
        String agent = metadata == null ? null : metadata.get(Metadata.USER_ID);
        if (agent == null || agent.isEmpty() || !registry.allowList().containsKey(agent)) {
            drop(now, "unauthenticated", "a message without an authenticated agent");
            return true;
        }
        if (frames.size() < 2 || tooMany) {
            drop(now, agent, "a malformed message (" + (frames.size() + (tooMany ? "+" : "")) + " frames) from agent "
                    + agent);
            return true;
        }
        String command = text(frames.get(0));
        String claimed = text(frames.get(1));
        if (!claimed.equals(agent)) {
            // The key decides who an agent is, never what it says.
            drop(now, agent + " claims", "agent " + agent + " asked as '" + claimed + "': refused");
            reply(router, identity.data(), SyncProtocol.DENIED,
                    ("this key belongs to agent '" + agent + "', not '" + claimed + "'").getBytes(StandardCharsets.UTF_8));
            return true;
        }
        routes.heardOn(agent, identity.data());
        switch (command) {
            case SyncProtocol.ICANHAZ -> snapshot(router, identity.data(), agent);
            case SyncProtocol.STATUS -> reports.take(now, agent, frames.size() > 2 ? frames.get(2).data() : null);
            default -> drop(now, agent + " command", "an unknown command from agent " + agent);
        }
        return true;
    }

    private void snapshot(ZMQ.Socket router, byte[] identity, String agent) {
        registry.seen(agent);
        AgentRegistry.Desired desired = registry.desired(agent);
        if (desired == null) {
            Logger.debug("sync: agent {} asked before the source was read; it will ask again", agent);
            return;
        }
        reply(router, identity, SyncProtocol.KTHXBAI, instance, SyncProtocol.longBytes(desired.revision()),
                desired.json().getBytes(StandardCharsets.UTF_8));
        stats.snapshotsSent.incrementAndGet();
        Logger.debug("sync: snapshot revision {} to agent {}", desired.revision(), agent);
    }

    private void drop(long now, String cause, String what) {
        stats.messagesDropped.incrementAndGet();
        refusals.warn(now, cause, "sync: dropped " + what);
    }

    private static void reply(ZMQ.Socket router, byte[] identity, String command, byte[]... frames) {
        router.send(identity, ZMQ.SNDMORE | ZMQ.DONTWAIT);
        router.send(command.getBytes(StandardCharsets.UTF_8), (frames.length > 0 ? ZMQ.SNDMORE : 0) | ZMQ.DONTWAIT);
        for (int i = 0; i < frames.length; i++) {
            router.send(frames[i], (i < frames.length - 1 ? ZMQ.SNDMORE : 0) | ZMQ.DONTWAIT);
        }
    }

    private static String text(Msg frame) {
        return frame.size() > 256 ? "" : new String(frame.data(), StandardCharsets.UTF_8);
    }

    // --- updates and heartbeats -------------------------------------------------------------------

    /**
     * Announces each change on PUB; an agent whose topic has no subscriber yet (its SUB is still in
     * its handshake) gets the same notice on ROUTER, at the connection of its last request.
     */
    private void publishChanged(ZMQ.Socket pub, ZMQ.Socket router) {
        List<String> changed = registry.takeChanged();
        for (String agent : changed) {
            AgentRegistry.Desired desired = registry.desired(agent);
            if (desired == null) {
                continue;
            }
            byte[] revision = SyncProtocol.longBytes(desired.revision());
            publish(pub, agent, SyncProtocol.KVNEW, revision);
            stats.updatesPublished.incrementAndGet();
            byte[] direct = routes.directRoute(agent);
            if (direct != null) {
                reply(router, direct, SyncProtocol.KVNEW, instance, revision);
                stats.updatesDirect.incrementAndGet();
            }
            Logger.debug("sync: announced revision {} to agent {}{}", desired.revision(), agent,
                    direct != null ? " (also on its request connection: not subscribed yet)" : "");
        }
    }

    /**
     * An agent subscribed (first connection or reconnection): tell it its current revision, so it
     * asks for the state if it missed a change while the connection was down.
     */
    private void subscriptions(ZMQ.Socket pub) {
        for (int i = 0; i < MAX_BATCH; i++) {
            byte[] frame = pub.recv(ZMQ.DONTWAIT);
            if (frame == null) {
                return;
            }
            while (pub.hasReceiveMore()) {
                pub.recv(0);
            }
            if (frame.length < 3 || frame[0] > 1 || frame[frame.length - 1] != ' ') {
                continue; // a topic that is not an agent's
            }
            String agent = new String(frame, 1, frame.length - 2, StandardCharsets.UTF_8);
            if (!registry.allowList().containsKey(agent)) {
                continue; // any enrolled key may subscribe to anything; only agents' topics count
            }
            routes.subscription(agent, frame[0] == 1);
            if (frame[0] == 0) {
                continue; // the topic's last subscriber left
            }
            AgentRegistry.Desired desired = registry.desired(agent);
            if (desired != null) {
                publish(pub, agent, SyncProtocol.KVNEW, SyncProtocol.longBytes(desired.revision()));
                stats.updatesPublished.incrementAndGet();
                Logger.debug("sync: agent {} subscribed; announced revision {}", agent, desired.revision());
            }
        }
    }

    private void heartbeats(ZMQ.Socket pub) {
        byte[] interval = SyncProtocol.longBytes(heartbeatMs);
        for (Map.Entry<String, AgentRegistry.Desired> entry : registry.allDesired().entrySet()) {
            publish(pub, entry.getKey(), SyncProtocol.HUGZ, SyncProtocol.longBytes(entry.getValue().revision()),
                    interval);
            stats.heartbeatsSent.incrementAndGet();
        }
    }

    /** Never a state: the PUB socket cannot tell which key subscribed to which topic. */
    private void publish(ZMQ.Socket pub, String agent, String command, byte[] revision, byte[]... more) {
        pub.send(SyncProtocol.topic(agent), ZMQ.SNDMORE);
        pub.send(command.getBytes(StandardCharsets.UTF_8), ZMQ.SNDMORE);
        pub.send(instance.clone(), ZMQ.SNDMORE);
        pub.send(revision, more.length > 0 ? ZMQ.SNDMORE : 0);
        for (int i = 0; i < more.length; i++) {
            pub.send(more[i], i < more.length - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    /**
     * Stops the thread (flag + wake-up; it closes its sockets, all with linger 0), then terminates
     * the context; never interrupts the thread. Bounded whatever the sockets hold: a context that
     * does not terminate in time (a stuck I/O thread) is left behind, and the process exits anyway.
     */
    @Override
    public void close() {
        running = false;
        wake();
        try {
            thread.join(CLOSE_WAIT_MS);
            if (thread.isAlive()) {
                Logger.warn("sync: the sync thread did not stop within {} ms", CLOSE_WAIT_MS);
            }
            Thread term = new Thread(context::term, "hub-sync-term");
            term.setDaemon(true);
            term.start();
            term.join(CLOSE_WAIT_MS);
            if (term.isAlive()) {
                Logger.warn("sync: ZeroMQ did not terminate within {} ms; leaving it", CLOSE_WAIT_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            wake.close();
        } catch (IOException e) {
            Logger.debug("closing the wake pipe: {}", e.getMessage());
        }
    }
}
