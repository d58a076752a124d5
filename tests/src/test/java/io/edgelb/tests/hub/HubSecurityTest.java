package io.edgelb.tests.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import io.edgelb.agent.testing.Closer;
import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.model.sync.CurveKeyFile;
import io.edgelb.model.sync.SyncProtocol;
import io.edgelb.tests.AgentProcess;
import io.edgelb.tests.HubProcess;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * Test 4: a rogue agent key, a rogue hub key and garbage frames are refused and logged; nothing is
 * applied and nothing crashes. The rogue peers are real: agent and hub processes with the wrong
 * keys, and raw jeromq sockets.
 */
class HubSecurityTest {
    private static final Duration SYNC = Duration.ofSeconds(20);
    /** How long a peer must stay without state to count as "gets nothing": several heartbeats. */
    private static final Duration QUIET = Duration.ofSeconds(3);

    @TempDir
    Path dir;
    private final Closer closer = new Closer();

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    private <T extends AutoCloseable> T closing(T resource) {
        return closer.add(resource);
    }

    private record Fleet(HubTestbed bed, HubProcess hub, AgentProcess r1, int port) {
    }

    /** A hub with agent r1 (enrolled, running, synced) and an enrolled but idle id r2. */
    private Fleet fleet(TcpBackend backend) throws Exception {
        HubTestbed bed = new HubTestbed(dir, List.of("r1", "r2"), 0.5);
        int port = HubTestbed.freePort();
        bed.writePools(Map.of("r1", HubTestbed.objects(port, Map.of("m1", backend.port())),
                "r2", HubTestbed.objects(HubTestbed.freePort(), Map.of("secret", backend.port()))));
        HubProcess hub = closing(bed.startHub());
        String api = "127.0.0.1:" + HubTestbed.freePort();
        AgentProcess r1 = closing(AgentProcess.start(bed.agentConfig("r1", api), api));
        r1.awaitStatus(s -> HubTestbed.members(s).containsKey("hub-m1"), SYNC, "r1 synced");
        return new Fleet(bed, hub, r1, port);
    }

    @Test
    void aRogueAgentKeyGetsNothingAndChangesNothing() throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        Fleet f = fleet(a);
        // A real agent process with a key the hub does not know, claiming to be r1.
        Path rogueKey = dir.resolve("rogue.key");
        HubTestbed.newKeys(rogueKey);
        String api = "127.0.0.1:" + HubTestbed.freePort();
        AgentProcess rogue = closing(AgentProcess.start(
                f.bed().agentConfig("r1", api, rogueKey, f.bed().hubKeys.publicKey(), f.bed().endpoint()), api));
        // A raw client with another unknown key: asks for r1's state and listens on r1's topic.
        try (ZMQ.Context context = ZMQ.context(1);
             ZMQ.Socket dealer = client(context, SocketType.DEALER, HubTestbed.newKeys(dir.resolve("raw.key")),
                     f.bed().hubKeys.publicKey());
             ZMQ.Socket sub = client(context, SocketType.SUB, CurveKeyFile.read(dir.resolve("raw.key")),
                     f.bed().hubKeys.publicKey())) {
            sub.subscribe(SyncProtocol.topic("r1"));
            sub.subscribe(new byte[0]); // everything, if it could
            sub.connect(SyncProtocol.publisherOf(f.bed().endpoint()));
            dealer.connect(f.bed().endpoint());
            dealer.sendMore(SyncProtocol.ICANHAZ);
            dealer.send("r1");
            dealer.sendMore(SyncProtocol.STATUS);
            dealer.sendMore("r1");
            dealer.send("{\"applied_revision\": 42, \"last_apply_error\": \"rogue\"}");
            assertNull(receiveWithin(dealer, QUIET), "the hub answered an unknown key");
            assertNull(receiveWithin(sub, Duration.ofMillis(500)), "an unknown key received updates");
        }
        JsonObject status = rogue.status();
        assertEquals(Map.of(), HubTestbed.members(status), "the rogue agent got no objects");
        assertEquals("syncing", status.get("hub").asObject().get("endpoints").asArray().get(0).asObject()
                .getString("state", "?"));
        assertTrue(f.hub().log().contains("not in the agents allow-list"), f.hub().log());
        assertTrue(counter(f.hub().metrics(), "edgelb_hub_handshakes_total{result=\"refused\"}") >= 2);
        JsonObject r1 = f.hub().agent("r1");
        assertTrue(r1.get("last_apply_error").isNull(), "the rogue's report was not taken: " + r1);
        assertEquals("a", HubTestbed.landOn(f.port()), "the real r1 still serves");
    }

    @Test
    void aRogueHubIsRefused() throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        TcpBackend evil = closing(TcpBackend.start("evil"));
        HubTestbed bed = new HubTestbed(dir, List.of("r1"), 0.5);
        int port = HubTestbed.freePort();
        bed.writePools(Map.of("r1", HubTestbed.objects(port, Map.of("m1", evil.port()))));
        // The rogue hub knows r1's public key (public keys are no secret) but not the real hub's secret key.
        Path rogueHubKey = dir.resolve("rogue-hub.key");
        HubTestbed.newKeys(rogueHubKey);
        int roguePort = HubTestbed.freePortPair();
        String rogueApi = "127.0.0.1:" + HubTestbed.freePort();
        Path rogueConfig = dir.resolve("rogue-hub.json");
        bed.writeHubConfig(rogueConfig, rogueHubKey, roguePort, rogueApi);
        HubProcess rogue = closing(HubProcess.start(rogueConfig, rogueApi));

        String api = "127.0.0.1:" + HubTestbed.freePort();
        AgentProcess r1 = closing(AgentProcess.start(bed.agentConfig("r1", api, dir.resolve("r1.key"),
                bed.hubKeys.publicKey(), "tcp://127.0.0.1:" + roguePort), api));
        long until = System.nanoTime() + QUIET.toNanos();
        while (System.nanoTime() < until) {
            JsonObject status = r1.status();
            assertEquals(Map.of(), HubTestbed.members(status), "a hub without the configured key delivered state");
            assertTrue(status.get("hub").asObject().get("endpoints").asArray().get(0).asObject().get("instance")
                    .isNull(), "heard from the rogue hub");
        }
        assertTrue(rogue.isAlive() && r1.isAlive());
        JsonObject seen = rogue.agent("r1");
        assertEquals(false, seen.getBoolean("online", true), "the rogue hub never talked to r1: " + seen);
        assertTrue(a.accepted() == 0 && evil.accepted() == 0);
    }

    @Test
    void anEnrolledKeyOnAnotherAgentsTopicLearnsRevisionsButNoConfiguration() throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        TcpBackend b = closing(TcpBackend.start("b"));
        Fleet f = fleet(a);
        try (ZMQ.Context context = ZMQ.context(1);
             ZMQ.Socket sub = client(context, SocketType.SUB, f.bed().agentKeys.get("r2"), f.bed().hubKeys.publicKey())) {
            sub.subscribe(SyncProtocol.topic("r1"));
            String publisher = SyncProtocol.publisherOf(f.bed().endpoint());
            sub.connect(publisher);
            // Heartbeats come every 0.5 s. Once in CI nothing came in 20 s, the hub logging
            // nothing (cause not found; HubReportTest saw the same). An agent asks again after
            // a silence; this client connects again.
            List<byte[]> first = null;
            long deadline0 = System.nanoTime() + SYNC.toNanos();
            while (first == null && System.nanoTime() < deadline0) {
                first = nextMessage(sub, Duration.ofSeconds(4));
                if (first == null) {
                    sub.disconnect(publisher);
                    sub.connect(publisher);
                }
            }
            assertTrue(first != null && first.size() >= 4, "r2's key is enrolled: it does receive r1's topic");
            long before = SyncProtocol.readLong(first.get(3));
            // r1's members change while r2 listens.
            assertEquals(200, f.hub().pushMembers("r1", "web", "{\"members\": {\"m2\": {\"address\": "
                    + "\"127.0.0.1\", \"protocol_port\": " + b.port() + "}}}", f.bed().hubToken()).statusCode());
            f.r1().awaitStatus(s -> HubTestbed.members(s).equals(Map.of("hub-m2", "hub")), SYNC, "r1 changed");
            long deadline = System.nanoTime() + SYNC.toNanos();
            boolean noticed = false;
            while (!noticed && System.nanoTime() < deadline) {
                List<byte[]> message = nextMessage(sub, Duration.ofSeconds(2));
                if (message == null) {
                    continue;
                }
                String command = new String(message.get(1), StandardCharsets.UTF_8);
                assertTrue(command.equals(SyncProtocol.KVNEW) || command.equals(SyncProtocol.HUGZ), command);
                for (byte[] frame : message.subList(2, message.size())) {
                    assertEquals(8, frame.length, command + " carries only instance, revision, interval");
                }
                noticed |= command.equals(SyncProtocol.KVNEW) && SyncProtocol.readLong(message.get(3)) > before;
            }
            assertTrue(noticed, "the change was announced on r1's topic, as a revision only");
        }
        assertEquals("b", HubTestbed.landOn(f.port()), "r1 got its state the authenticated way");
    }

    /** One whole message (every frame) that arrives within the time, or null. */
    private static List<byte[]> nextMessage(ZMQ.Socket socket, Duration timeout) {
        byte[] first = receiveWithin(socket, timeout);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>(List.of(first));
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        return frames;
    }

    @Test
    void garbageFramesAreLoggedAndDroppedAndNothingCrashes() throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        TcpBackend b = closing(TcpBackend.start("b"));
        Fleet f = fleet(a);
        // Raw bytes that are not ZMTP at all, on both hub ports.
        Random random = new Random(4);
        for (int port : new int[] {f.bed().hubPort, f.bed().hubPort + 1}) {
            try (Socket raw = new Socket("127.0.0.1", port)) {
                byte[] junk = new byte[64 * 1024];
                random.nextBytes(junk);
                OutputStream out = raw.getOutputStream();
                out.write(junk);
                out.flush();
            } catch (java.io.IOException resetByHub) {
                // the hub may close on the first bad byte: that is a refusal too
            }
        }
        // An enrolled agent (r2's key) sending malformed messages.
        try (ZMQ.Context context = ZMQ.context(1);
             ZMQ.Socket dealer = answeredDealer(context, f)) {
            while (dealer.hasReceiveMore() || receiveWithin(dealer, Duration.ofMillis(300)) != null) {
                dealer.recv(ZMQ.DONTWAIT); // the rest of it, and any late answer to a repeated request
            }
            dealer.send("ICANHAZ"); // one frame: no agent id
            for (int i = 0; i < 6; i++) {
                dealer.sendMore("x");
            }
            dealer.send("x"); // seven frames
            dealer.sendMore("RM -RF /");
            dealer.send("r2");
            dealer.sendMore(SyncProtocol.STATUS);
            dealer.sendMore("r2");
            dealer.send("{not json");
            dealer.sendMore(SyncProtocol.STATUS);
            dealer.sendMore("r2");
            dealer.send("[".repeat(100_000));
            // r2's key asking for r1's state: refused, and told why.
            dealer.sendMore(SyncProtocol.ICANHAZ);
            dealer.send("r1");
            byte[] reply = receiveWithin(dealer, SYNC);
            assertEquals(SyncProtocol.DENIED, new String(reply, StandardCharsets.UTF_8));
            String reason = dealer.recvStr();
            assertTrue(reason.contains("belongs to agent 'r2'"), reason);
            // Larger than the hub accepts: the hub drops the connection (jeromq reconnects by itself).
            dealer.sendMore(SyncProtocol.STATUS);
            dealer.sendMore("r2");
            dealer.send(new byte[2 * 1024 * 1024]);
            // Still answered afterwards (asking again, as agents do: what followed the big message was
            // lost with the connection), with r2's state only.
            reply = null;
            for (int attempt = 0; attempt < 10 && reply == null; attempt++) {
                dealer.sendMore(SyncProtocol.ICANHAZ);
                dealer.send("r2");
                reply = receiveWithin(dealer, Duration.ofSeconds(2));
            }
            assertEquals(SyncProtocol.KTHXBAI, new String(reply, StandardCharsets.UTF_8));
            dealer.recv();
            dealer.recv();
            assertTrue(dealer.recvStr().contains("\"secret\""));
        }
        assertTrue(f.hub().isAlive());
        String log = f.hub().log();
        assertTrue(log.contains("sync: dropped a malformed message"), log);
        assertTrue(log.contains("not JSON"), log);
        // (each agent's bad messages are logged once a minute per kind; the counter sees them all)
        assertTrue(log.contains("asked as 'r1': refused"), log);
        assertTrue(counter(f.hub().metrics(), "edgelb_hub_messages_dropped_total") >= 6);
        // The fleet still works: a change reaches r1 and traffic follows.
        assertEquals(200, f.hub().pushMembers("r1", "web", "{\"members\": {\"m2\": {\"address\": \"127.0.0.1\", "
                + "\"protocol_port\": " + b.port() + "}}}", f.bed().hubToken()).statusCode());
        f.r1().awaitStatus(s -> HubTestbed.members(s).equals(Map.of("hub-m2", "hub")), SYNC, "r1 after the garbage");
        assertEquals("b", HubTestbed.landOn(f.port()));
    }

    private static ZMQ.Socket client(ZMQ.Context context, SocketType type, CurveKeyFile keys, String serverKey) {
        ZMQ.Socket socket = context.socket(type);
        socket.setLinger(0);
        socket.setCurvePublicKey(ZMQ.Curve.z85Decode(keys.publicKey()));
        socket.setCurveSecretKey(ZMQ.Curve.z85Decode(keys.secretKey()));
        socket.setCurveServerKey(ZMQ.Curve.z85Decode(serverKey));
        return socket;
    }

    /**
     * A DEALER with r2's key whose snapshot request the hub answered (KTHXBAI first): an established
     * connection for the garbage to meet. Like a real agent, it tries a new connection when one stays
     * silent (a handshake stalled on a loaded machine), a few times; a hub that stopped answering
     * after the raw junk still fails here.
     */
    private ZMQ.Socket answeredDealer(ZMQ.Context context, Fleet f) {
        for (int attempt = 0; attempt < 5; attempt++) {
            ZMQ.Socket dealer = client(context, SocketType.DEALER, f.bed().agentKeys.get("r2"),
                    f.bed().hubKeys.publicKey());
            dealer.connect(f.bed().endpoint());
            dealer.sendMore(SyncProtocol.ICANHAZ);
            dealer.send("r2");
            byte[] welcome = receiveWithin(dealer, Duration.ofSeconds(4));
            if (welcome != null) {
                assertEquals(SyncProtocol.KTHXBAI, new String(welcome, StandardCharsets.UTF_8));
                return dealer;
            }
            dealer.close();
        }
        throw new AssertionError("no answer to an enrolled key on five connections; hub log:\n" + hubLog(f));
    }

    private static String hubLog(Fleet f) {
        try {
            return f.hub().log();
        } catch (java.io.IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** The first frame that arrives within the time, or null. */
    private static byte[] receiveWithin(ZMQ.Socket socket, Duration timeout) {
        socket.setReceiveTimeOut((int) timeout.toMillis());
        return socket.recv(0);
    }

    private static long counter(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\d+)$", Pattern.MULTILINE).matcher(metrics);
        assertTrue(m.find(), series + " missing in\n" + metrics);
        return Long.parseLong(m.group(1));
    }
}
