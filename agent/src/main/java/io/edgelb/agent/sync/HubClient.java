package io.edgelb.agent.sync;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import io.edgelb.model.json.ConfigJson;
import io.edgelb.model.json.Decoded;
import io.edgelb.model.sync.CurveKeyFile;
import io.edgelb.model.sync.SyncProtocol;
import io.edgelb.model.sync.WakePipe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.tinylog.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * Follows one or more hubs (the agent side of {@link SyncProtocol}): subscribes first, then asks
 * for the full state, and asks again whenever the hub announces a newer revision; watches
 * heartbeats, and on a gap (a heartbeat naming another revision or hub instance) or a silent hub
 * asks for the state again, paced with a jittered back-off. With several endpoints it follows the newest revision among the hubs that answer.
 * Status reports go to every hub that answers, every few seconds.
 *
 * <p>Threading: one thread ({@code edgelb-hub}) creates and owns every ZeroMQ socket. Accepted
 * states are handed to {@code onState} from that thread (the agent moves them to its control
 * thread). Shutdown: a flag and a wake-up pipe, then the context is terminated; never an interrupt.
 * Losing every hub changes nothing on the data plane: the last state stays in force.
 */
public final class HubClient implements AutoCloseable {
    public static final long STATUS_INTERVAL_MS = 5_000;
    /**
     * A prompt report (after an apply, a refusal, a member's health change) goes this long after the
     * event, so that a burst of events makes one report, and never sooner than PROMPT_GAP_MS after
     * the previous report: a member flapping ten times a second costs the hub one report a second.
     */
    static final long PROMPT_DELAY_MS = 200;
    static final long PROMPT_GAP_MS = 1_000;
    /** Set by any thread ({@link #reportSoon}), taken by the sync thread. */
    private final java.util.concurrent.atomic.AtomicBoolean promptWanted =
            new java.util.concurrent.atomic.AtomicBoolean();
    /** Constant, not growing: a hub back after a long outage is found within about a second. */
    private static final int RECONNECT_MS = 500;
    private static final int MAX_FRAMES = 6;

    /** Everything the client needs from the configuration. */
    public record Settings(String agentId, List<String> endpoints, String serverKey, CurveKeyFile keys) {
        public Settings {
            endpoints = List.copyOf(endpoints);
        }
    }

    private final Settings settings;
    private final Consumer<HubState> onState;
    private final Supplier<JsonObject> statusReport;
    private final LongSupplier clock;
    private final ZMQ.Context context = ZMQ.context(1);
    private final WakePipe wake;
    private final Thread thread;
    private final List<HubLink> links = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private volatile String lastError;
    private volatile long rejected;
    private HubState followed;

    /**
     * onState: called on the sync thread with each state to apply. statusReport: what to tell the
     * hub (called on the sync thread; must be thread-safe).
     */
    public HubClient(Settings settings, Consumer<HubState> onState, Supplier<JsonObject> statusReport,
                     LongSupplier clock) throws IOException {
        this.settings = settings;
        this.onState = onState;
        this.statusReport = statusReport;
        this.clock = clock;
        this.wake = new WakePipe();
        this.thread = new Thread(this::run, "edgelb-hub");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        try {
            for (String endpoint : settings.endpoints()) {
                links.add(connect(endpoint));
            }
            loop();
        } catch (ZMQException e) {
            if (e.getErrorCode() != ZMQ.Error.ETERM.getCode()) {
                Logger.error(e, "hub: the sync thread failed");
            }
        } catch (RuntimeException e) {
            Logger.error(e, "hub: the sync thread failed");
        } finally {
            for (HubLink link : links) {
                link.sub.close();
                link.dealer.close();
            }
        }
    }

    private HubLink connect(String endpoint) {
        ZMQ.Socket sub = clientSocket(SocketType.SUB);
        sub.setRcvHWM(1000);
        sub.subscribe(SyncProtocol.topic(settings.agentId()));
        sub.connect(SyncProtocol.publisherOf(endpoint)); // subscribe first: no update is missed
        ZMQ.Socket dealer = clientSocket(SocketType.DEALER);
        dealer.setImmediate(false); // jeromq's naming: queue only on completed connections
        dealer.setSndHWM(16);
        dealer.connect(endpoint);
        return new HubLink(endpoint, sub, dealer, clock.getAsLong());
    }

    private ZMQ.Socket clientSocket(SocketType type) {
        ZMQ.Socket socket = context.socket(type);
        socket.setLinger(0);
        socket.setCurvePublicKey(ZMQ.Curve.z85Decode(settings.keys().publicKey()));
        socket.setCurveSecretKey(ZMQ.Curve.z85Decode(settings.keys().secretKey()));
        socket.setCurveServerKey(ZMQ.Curve.z85Decode(settings.serverKey()));
        socket.setMaxMsgSize(SyncProtocol.MAX_MESSAGE_BYTES);
        // Jittered reconnects (jeromq adds up to one interval at random), so a fleet does not
        // hammer a restarted hub in step; every reconnect costs the hub a CURVE handshake.
        socket.setReconnectIVL(RECONNECT_MS);
        socket.setHeartbeatIvl(5_000);
        socket.setHeartbeatTimeout(15_000);
        return socket;
    }

    private void loop() {
        ZMQ.Poller poller = context.poller(links.size() * 2 + 1);
        int[] subIndex = new int[links.size()];
        int[] dealerIndex = new int[links.size()];
        for (int i = 0; i < links.size(); i++) {
            subIndex[i] = poller.register(links.get(i).sub, ZMQ.Poller.POLLIN);
            dealerIndex[i] = poller.register(links.get(i).dealer, ZMQ.Poller.POLLIN);
        }
        int wakeIndex = poller.register(wake.source(), ZMQ.Poller.POLLIN);
        long nextStatus = clock.getAsLong() + STATUS_INTERVAL_MS;
        long lastReport = Long.MIN_VALUE / 2;
        while (running) {
            long now = clock.getAsLong();
            long until = nextStatus;
            for (HubLink link : links) {
                until = Math.min(until, link.nextDeadline());
            }
            poller.poll(Math.max(1, Math.min(until - now, 1_000)));
            if (!running) {
                break;
            }
            if (poller.pollin(wakeIndex)) {
                wake.drain();
            }
            if (promptWanted.getAndSet(false)) {
                nextStatus = Math.min(nextStatus,
                        Math.max(clock.getAsLong() + PROMPT_DELAY_MS, lastReport + PROMPT_GAP_MS));
            }
            for (int i = 0; i < links.size(); i++) {
                HubLink link = links.get(i);
                if (poller.pollin(dealerIndex[i])) {
                    readAll(link, link.dealer, false);
                }
                if (poller.pollin(subIndex[i])) {
                    readAll(link, link.sub, true);
                }
            }
            now = clock.getAsLong();
            for (HubLink link : links) {
                tick(link, now);
            }
            if (now >= nextStatus) {
                report();
                lastReport = now;
                nextStatus = now + STATUS_INTERVAL_MS;
            }
        }
    }

    /** Timers of one link: ask for the state when due; notice a silent hub. */
    private void tick(HubLink link, long now) {
        if (link.isSilent(now)) {
            Logger.warn("hub {}: silent for {} ms; serving the last state and asking again", link.endpoint,
                    now - link.lastHeardMillis);
            link.resync(now, false);
        }
        if (link.isRequestDue(now)) {
            request(link, now);
            if (link.firstLongSilence(now)) {
                Logger.warn("hub {}: no answer for {} s (hub down or unreachable, or its key is not server_key);"
                        + " serving the last state", link.endpoint, link.syncingForMs(now) / 1000);
            }
        }
    }

    private void request(HubLink link, long now) {
        boolean sent = link.dealer.send(SyncProtocol.ICANHAZ, ZMQ.SNDMORE | ZMQ.DONTWAIT)
                && link.dealer.send(settings.agentId(), ZMQ.DONTWAIT);
        link.requested(now);
        Logger.debug("hub {}: snapshot request {}", link.endpoint, sent ? "sent" : "not sent (not connected)");
    }

    private void readAll(HubLink link, ZMQ.Socket socket, boolean fromSub) {
        for (int n = 0; n < 1000; n++) {
            byte[] first = socket.recv(ZMQ.DONTWAIT);
            if (first == null) {
                return;
            }
            List<byte[]> frames = new ArrayList<>();
            frames.add(first);
            boolean tooMany = false;
            while (socket.hasReceiveMore()) {
                byte[] frame = socket.recv(0);
                if (frames.size() < MAX_FRAMES) {
                    frames.add(frame);
                } else {
                    tooMany = true;
                }
            }
            try {
                if (tooMany) {
                    throw new IllegalArgumentException("more than " + MAX_FRAMES + " frames");
                }
                if (fromSub) {
                    frames.remove(0); // the topic: the SUB filter already checked it
                }
                handle(link, frames);
            } catch (IllegalArgumentException e) {
                rejected++;
                Logger.warn("hub {}: dropped a malformed message: {}", link.endpoint, e.getMessage());
            }
        }
    }

    private void handle(HubLink link, List<byte[]> frames) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("no frames");
        }
        String command = new String(frames.get(0), StandardCharsets.UTF_8);
        long now = clock.getAsLong();
        switch (command) {
            case SyncProtocol.KTHXBAI -> {
                need(frames, 4, command);
                link.answered(now);
                receive(link, frames);
                if (link.noticedNewer()) {
                    request(link, now); // the answer left before the change we were told of
                }
            }
            case SyncProtocol.KVNEW -> {
                need(frames, 3, command);
                String instance = HexFormat.of().formatHex(instance(frames.get(1)));
                long revision = SyncProtocol.readLong(frames.get(2));
                link.heard(now);
                if (link.holds(instance, revision)) {
                    return; // already held (a notice after a reconnection, or overtaken by the answer)
                }
                link.noticed(instance, revision);
                if (link.state == HubLink.State.ACTIVE) {
                    request(link, now);
                } else {
                    link.askSoonIfSyncing(now);
                }
            }
            case SyncProtocol.HUGZ -> {
                need(frames, 4, command);
                String instance = HexFormat.of().formatHex(instance(frames.get(1)));
                long revision = SyncProtocol.readLong(frames.get(2));
                link.heartbeat(now, SyncProtocol.readLong(frames.get(3)));
                if (link.state == HubLink.State.ACTIVE
                        && (!instance.equals(link.instance) || revision != link.revision)) {
                    Logger.info("hub {}: heartbeat names revision {} of instance {}, we hold {} of {}: resyncing",
                            link.endpoint, revision, instance, link.revision, link.instance);
                    link.resync(now, true);
                } else {
                    link.askSoonIfSyncing(now);
                }
            }
            case SyncProtocol.DENIED -> {
                String reason = frames.size() > 1 ? new String(frames.get(1), StandardCharsets.UTF_8) : "";
                lastError = "hub " + link.endpoint + " refused us: " + reason;
                Logger.error("hub {}: refused: {} (check agent_id)", link.endpoint, reason);
                link.refused();
            }
            default -> throw new IllegalArgumentException("unknown command '" + abbreviate(command) + "'");
        }
    }

    /** A full state (snapshot or update): decode, validate, then follow it if it is the newest. */
    private void receive(HubLink link, List<byte[]> frames) {
        String instance = HexFormat.of().formatHex(instance(frames.get(1)));
        long revision = SyncProtocol.readLong(frames.get(2));
        if (link.holds(instance, revision)) {
            return; // already have it or newer (a snapshot reply overtaken by an update)
        }
        link.instance = instance;
        link.revision = revision; // even if invalid below: no resync loop over a state we refuse
        String text = new String(frames.get(3), StandardCharsets.UTF_8);
        Decoded decoded = ConfigJson.decode(text, "hub state");
        if (!decoded.ok()) {
            rejected++;
            lastError = "revision " + revision + " from " + link.endpoint + " refused: "
                    + String.join("; ", decoded.errors());
            Logger.error("hub {}: revision {} refused, the last state stays in force:", link.endpoint, revision);
            decoded.errors().forEach(e -> Logger.error("  {}", e));
            return;
        }
        HubState state = new HubState(link.endpoint, instance, revision, decoded.config(),
                ConfigJson.encodeText(decoded.config()));
        if (followed != null && !followed.endpoint().equals(link.endpoint) && revision <= followed.revision()
                && isActive(followed.endpoint())) {
            Logger.debug("hub {}: revision {} is older than {} from {}; not followed", link.endpoint, revision,
                    followed.revision(), followed.endpoint());
            return;
        }
        followed = state;
        onState.accept(state);
    }

    private boolean isActive(String endpoint) {
        for (HubLink link : links) {
            if (link.endpoint.equals(endpoint)) {
                return link.state == HubLink.State.ACTIVE;
            }
        }
        return false;
    }

    private void report() {
        JsonObject status;
        try {
            status = statusReport.get();
        } catch (RuntimeException e) {
            Logger.warn("hub: cannot build the status report: {}", e.getMessage());
            return;
        }
        byte[] body = HubStatusReport.encode(status);
        for (HubLink link : links) {
            if (link.state == HubLink.State.ACTIVE) {
                boolean sent = link.dealer.send(SyncProtocol.STATUS, ZMQ.SNDMORE | ZMQ.DONTWAIT)
                        && link.dealer.send(settings.agentId(), ZMQ.SNDMORE | ZMQ.DONTWAIT)
                        && link.dealer.send(body.clone(), ZMQ.DONTWAIT);
                if (!sent) {
                    Logger.debug("hub {}: status report not sent (not connected)", link.endpoint);
                }
            }
        }
    }

    private static void need(List<byte[]> frames, int count, String command) {
        if (frames.size() != count) {
            throw new IllegalArgumentException(command + " with " + frames.size() + " frames, not " + count);
        }
    }

    private static byte[] instance(byte[] frame) {
        if (frame.length != 8) {
            throw new IllegalArgumentException("a hub instance of " + frame.length + " bytes, not 8");
        }
        return frame;
    }

    private static String abbreviate(String text) {
        String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 32 ? printable.substring(0, 32) + "..." : printable;
    }

    /** Last error to report (a refused state, a refusal by the hub); null when none. */
    public String lastError() {
        return lastError;
    }

    /** Any thread: send a STATUS report soon (coalesced and rate-limited, see PROMPT_GAP_MS). */
    public void reportSoon() {
        if (!promptWanted.getAndSet(true)) {
            wake.wake();
        }
    }

    public void clearError() {
        lastError = null;
    }

    /** For {@code /api/status}: each endpoint's state, the hub instance and revision last received. */
    public JsonObject describe(long now) {
        JsonArray endpoints = new JsonArray();
        for (HubLink link : links) {
            endpoints.add(Json.object().add("endpoint", link.endpoint)
                    .add("state", link.state == HubLink.State.ACTIVE ? "synced" : "syncing")
                    .add("instance", link.instance == null ? Json.NULL : Json.value(link.instance))
                    .add("revision", link.revision)
                    .add("last_heard_seconds_ago", link.lastHeardMillis == 0 ? Json.NULL
                            : Json.value((now - link.lastHeardMillis) / 1000)));
        }
        return Json.object().add("agent_id", settings.agentId()).add("endpoints", endpoints)
                .add("rejected_messages", rejected)
                .add("last_error", lastError == null ? Json.NULL : Json.value(lastError));
    }

    /** Stops the sync thread (flag and wake-up), then terminates the context; never interrupts. */
    @Override
    public void close() {
        running = false;
        wake.wake();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.term();
        try {
            wake.close();
        } catch (IOException e) {
            Logger.debug("hub: closing the wake pipe: {}", e.getMessage());
        }
    }
}
