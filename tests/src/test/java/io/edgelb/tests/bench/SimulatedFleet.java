package io.edgelb.tests.bench;

import io.edgelb.model.sync.CurveKeyFile;
import io.edgelb.model.sync.SyncProtocol;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntPredicate;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * N simulated routers in one JVM: per router a real jeromq SUB and DEALER with CURVE, speaking
 * the agent's side of the sync protocol as {@code HubClient} does (ask for the state on start, on
 * a notice naming a newer revision or another hub instance, and on a heartbeat naming one, at most
 * once a second), and a STATUS report every 5 s once it holds a state, as an agent does.
 *
 * <p>Threading: the bench's main thread owns everything here (jeromq sockets are not
 * thread-safe); nothing else touches it.
 */
final class SimulatedFleet implements AutoCloseable {
    private static final long REPORT_EVERY_NS = 5_000_000_000L;
    /** HubClient's MIN_EARLY_REQUEST_GAP_MS: a router re-asks on a heartbeat at most this often. */
    private static final long REASK_GAP_NS = 1_000_000_000L;
    private static final int MAX_FRAMES = 6;

    private final int n;
    private final List<String> ids;
    private final ZMQ.Context context;
    private final ZMQ.Socket[] subs;
    private final ZMQ.Socket[] dealers;
    private final ZMQ.Poller poller;
    /** Hub instance (hex) and revision of the last state each router received; null/0 before. */
    final String[] instance;
    final long[] revision;
    /** System.nanoTime() of events, per router; 0 = not yet. */
    final long[] receivedAt;
    final long[] subHeardAt;
    final long[] noticedAt;
    private final long[] askedAt;
    private final int[] asks;
    private final int[] asksNotQueued;
    private final int[] answers;
    private final long[] lastSubAt;
    private final long[] nextReportAt;
    private long reportsSent;
    private String endpoint;

    private SimulatedFleet(int n, List<String> ids) {
        this.n = n;
        this.ids = ids;
        this.context = ZMQ.context(2);
        context.setMaxSockets(2 * n + 64);
        this.subs = new ZMQ.Socket[n];
        this.dealers = new ZMQ.Socket[n];
        this.poller = context.poller(2 * n);
        this.instance = new String[n];
        this.revision = new long[n];
        this.receivedAt = new long[n];
        this.subHeardAt = new long[n];
        this.noticedAt = new long[n];
        this.askedAt = new long[n];
        this.asks = new int[n];
        this.asksNotQueued = new int[n];
        this.answers = new int[n];
        this.lastSubAt = new long[n];
        this.nextReportAt = new long[n];
    }

    /** Connects every router (SUB first, then DEALER with its first request queued) at once. */
    static SimulatedFleet connect(List<String> ids, List<CurveKeyFile> keys, String serverKey, String endpoint,
                                  boolean subsLater) {
        SimulatedFleet fleet = new SimulatedFleet(ids.size(), ids);
        fleet.endpoint = endpoint;
        for (int i = 0; i < fleet.n; i++) {
            ZMQ.Socket sub = fleet.client(SocketType.SUB, keys.get(i), serverKey);
            sub.subscribe(SyncProtocol.topic(ids.get(i)));
            if (!subsLater) {
                sub.connect(SyncProtocol.publisherOf(endpoint));
            }
            ZMQ.Socket dealer = fleet.client(SocketType.DEALER, keys.get(i), serverKey);
            dealer.setSndHWM(16);
            dealer.connect(endpoint);
            fleet.subs[i] = sub;
            fleet.dealers[i] = dealer;
            fleet.poller.register(sub, ZMQ.Poller.POLLIN);
            fleet.poller.register(dealer, ZMQ.Poller.POLLIN);
            fleet.ask(i, System.nanoTime());
        }
        return fleet;
    }

    private ZMQ.Socket client(SocketType type, CurveKeyFile keys, String serverKey) {
        ZMQ.Socket socket = context.socket(type);
        socket.setLinger(0);
        socket.setReconnectIVL(500); // HubClient's RECONNECT_MS
        socket.setCurvePublicKey(ZMQ.Curve.z85Decode(keys.publicKey()));
        socket.setCurveSecretKey(ZMQ.Curve.z85Decode(keys.secretKey()));
        socket.setCurveServerKey(ZMQ.Curve.z85Decode(serverKey));
        socket.setMaxMsgSize(SyncProtocol.MAX_MESSAGE_BYTES);
        return socket;
    }

    /**
     * Connects the SUBs left out by {@code connect(..., true)}: every router then holds its state
     * while its subscription is still in its handshake, which a join storm gives some of them.
     */
    void connectSubs() {
        for (int i = 0; i < n; i++) {
            subs[i].connect(SyncProtocol.publisherOf(endpoint));
        }
    }

    int size() {
        return n;
    }

    long reportsSent() {
        return reportsSent;
    }

    /**
     * Serves the routers until every one satisfies {@code done}, or the deadline passes; false then.
     * Each poll waits at most 100 ms, so the bound holds whatever the hub does.
     */
    boolean serveUntil(IntPredicate done, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        int from = 0;
        while (true) {
            while (from < n && done.test(from)) {
                from++; // routers that are done stay done in every condition used here
            }
            boolean all = true;
            for (int i = from; i < n && all; i++) {
                all = done.test(i);
            }
            if (all) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            serveOnce(100);
        }
    }

    /** Serves the routers for a fixed time (a quiet period: heartbeats and reports only). */
    void serveFor(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() - end < 0) {
            serveOnce(Math.max(1, Math.min(100, (end - System.nanoTime()) / 1_000_000)));
        }
    }

    private void serveOnce(long waitMs) {
        poller.poll(waitMs);
        for (int i = 0; i < n; i++) {
            if (poller.pollin(2 * i)) {
                drain(i, true);
            }
            if (poller.pollin(2 * i + 1)) {
                drain(i, false);
            }
        }
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (instance[i] != null && now - nextReportAt[i] >= 0) {
                report(i);
                nextReportAt[i] = now + REPORT_EVERY_NS;
            }
        }
    }

    private void drain(int i, boolean sub) {
        ZMQ.Socket socket = sub ? subs[i] : dealers[i];
        for (int count = 0; count < 1000; count++) {
            byte[] first = socket.recv(ZMQ.DONTWAIT);
            if (first == null) {
                return;
            }
            List<byte[]> frames = new ArrayList<>();
            frames.add(first);
            while (socket.hasReceiveMore()) {
                byte[] frame = socket.recv(0);
                if (frames.size() < MAX_FRAMES) {
                    frames.add(frame);
                }
            }
            long now = System.nanoTime();
            if (sub) {
                frames.remove(0);
                if (subHeardAt[i] == 0) {
                    subHeardAt[i] = now;
                }
                lastSubAt[i] = now;
            }
            handle(i, frames, now);
        }
    }

    private void handle(int i, List<byte[]> frames, long now) {
        if (frames.isEmpty() || frames.size() > 5 || (frames.size() > 1 && frames.get(1).length != 8)) {
            return; // not what the hub sends; a router drops it
        }
        String command = new String(frames.get(0), StandardCharsets.UTF_8);
        if (command.equals(SyncProtocol.KVNEW) && frames.size() == 3) {
            if (newer(i, frames)) {
                if (noticedAt[i] == 0) {
                    noticedAt[i] = now;
                }
                ask(i, now); // a notice is answered at once, as HubClient does
            }
        } else if (command.equals(SyncProtocol.HUGZ) && frames.size() == 4) {
            if (differs(i, frames) && now - askedAt[i] >= REASK_GAP_NS) {
                ask(i, now);
            }
        } else if (command.equals(SyncProtocol.KTHXBAI) && frames.size() == 4 && answers[i]++ >= 0
                && newer(i, frames)) {
            boolean first = instance[i] == null;
            instance[i] = HexFormat.of().formatHex(frames.get(1));
            revision[i] = SyncProtocol.readLong(frames.get(2));
            receivedAt[i] = now;
            if (first) { // spread the reports over the interval, as agents started at random times are
                nextReportAt[i] = now + REPORT_EVERY_NS * i / n;
            }
        }
    }

    private boolean newer(int i, List<byte[]> frames) {
        String inst = HexFormat.of().formatHex(frames.get(1));
        return !inst.equals(instance[i]) || SyncProtocol.readLong(frames.get(2)) > revision[i];
    }

    private boolean differs(int i, List<byte[]> frames) {
        String inst = HexFormat.of().formatHex(frames.get(1));
        return !inst.equals(instance[i]) || SyncProtocol.readLong(frames.get(2)) != revision[i];
    }

    private void ask(int i, long now) {
        askedAt[i] = now;
        asks[i]++;
        if (dealers[i].send(SyncProtocol.ICANHAZ, ZMQ.SNDMORE | ZMQ.DONTWAIT)) {
            dealers[i].send(ids.get(i), ZMQ.DONTWAIT);
        } else {
            asksNotQueued[i]++;
        }
    }

    /** What one router saw, for a failure message. */
    String describe(int i, long now) {
        return "revision " + revision[i] + ", asked " + asks[i] + " times (" + asksNotQueued[i] + " not queued), "
                + answers[i] + " answers, SUB last heard " + (lastSubAt[i] == 0 ? "never"
                : (now - lastSubAt[i]) / 1_000_000 + " ms ago");
    }

    /** What HubStatusReport.build gives for the bench's state: one listener, two members. */
    private void report(int i) {
        String id = ids.get(i);
        String body = "{\"agent_id\":\"" + id + "\",\"version\":\"bench\",\"applied_revision\":" + revision[i]
                + ",\"hub_instance\":\"" + instance[i] + "\",\"last_apply_error\":null,\"listeners\":[{\"id\":\"web\","
                + "\"state\":\"up\",\"active_connections\":3,\"total_connections\":1200,\"bytes_in\":123456,"
                + "\"bytes_out\":654321,\"request_errors\":0}],\"members\":[" + member("web_1") + "," + member("web_2")
                + "],\"vrrp\":[]}";
        if (dealers[i].send(SyncProtocol.STATUS, ZMQ.SNDMORE | ZMQ.DONTWAIT)
                && dealers[i].send(id, ZMQ.SNDMORE | ZMQ.DONTWAIT)
                && dealers[i].send(body.getBytes(StandardCharsets.UTF_8), ZMQ.DONTWAIT)) {
            reportsSent++;
        }
    }

    private static String member(String id) {
        return "{\"id\":\"" + id + "\",\"pool\":\"web\",\"operating_status\":\"ONLINE\",\"weight\":1,\"drained\":false,"
                + "\"active_connections\":1,\"total_connections\":600,\"bytes_in\":61728,\"bytes_out\":327160,"
                + "\"connect_failures\":0}";
    }

    @Override
    public void close() {
        for (int i = 0; i < n; i++) {
            subs[i].close();
            dealers[i].close();
        }
        context.close();
    }
}
