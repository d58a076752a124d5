package io.edgelb.hub.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.edgelb.hub.registry.AgentRegistry;
import io.edgelb.model.Config;
import io.edgelb.model.json.ConfigJson;
import io.edgelb.model.sync.CurveKeyFile;
import io.edgelb.model.sync.SyncProtocol;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * Change notices for an agent whose SUB has not subscribed yet (its CURVE handshake is still
 * queued behind a join storm's): the real sync server on loopback, a raw agent with real jeromq
 * sockets and CURVE. Every wait is a socket receive with a deadline.
 */
class SyncServerNoticeTest {
    private static final int RECEIVE_TIMEOUT_MS = 10_000;
    /**
     * The hub's default. (With 60 s, one run of the whole hub suite saw the first handshake get no
     * ZAP answer within 10 s; three runs of this class alone did not: see the report of 2026-12-08.)
     */
    private static final long HEARTBEAT_MS = 1_000;

    private final ZMQ.Curve.KeyPair hubKeys = ZMQ.Curve.generateKeyPair();
    private final ZMQ.Curve.KeyPair agentKeys = ZMQ.Curve.generateKeyPair();
    private AgentRegistry registry;
    private SyncServer server;
    private String endpoint;
    private ZMQ.Context context;
    private final List<ZMQ.Socket> sockets = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        registry = new AgentRegistry(Map.of("r1", agentKeys.publicKey), System::currentTimeMillis, 15_000);
        registry.replaceAll(Map.of("r1", state(80)));
        CurveKeyFile keys = new CurveKeyFile(hubKeys.publicKey, hubKeys.secretKey);
        for (int attempt = 0; server == null; attempt++) {
            endpoint = "tcp://127.0.0.1:" + freePort();
            try {
                server = SyncServer.start(endpoint, 1, HEARTBEAT_MS, keys, registry, System::currentTimeMillis);
            } catch (IllegalStateException taken) {
                if (attempt >= 20) {
                    throw taken; // no two consecutive free ports after 20 tries
                }
            }
        }
        context = ZMQ.context(1);
    }

    @AfterEach
    void tearDown() {
        sockets.forEach(ZMQ.Socket::close); // a context with open sockets never terminates
        context.close();
        server.close();
    }

    @Test
    void anAgentWithoutSubscriptionHearsOfTheChangeOnItsRequestConnection() {
        ZMQ.Socket dealer = agentSocket(SocketType.DEALER);
        dealer.connect(endpoint);
        long first = ask(dealer);

        registry.replace("r1", state(81));

        List<byte[]> notice = receive(dealer);
        assertNotNull(notice, "no change notice on the request connection within " + RECEIVE_TIMEOUT_MS + " ms");
        assertEquals(SyncProtocol.KVNEW, new String(notice.get(0), StandardCharsets.UTF_8));
        assertEquals(registry.desired("r1").revision(), SyncProtocol.readLong(notice.get(2)));
        assertEquals(3, notice.size(), "KVNEW instance revision, as on PUB");
        long second = ask(dealer);
        assertEquals(registry.desired("r1").revision(), second, "the announced state is served");
        assertEquals(true, second > first);
        assertEquals(1, server.stats().updatesDirect.get());
    }

    @Test
    void aSubscribedAgentGetsTheNoticeOnPubOnly() {
        ZMQ.Socket sub = agentSocket(SocketType.SUB);
        sub.subscribe(SyncProtocol.topic("r1"));
        sub.connect(SyncProtocol.publisherOf(endpoint));
        ZMQ.Socket dealer = agentSocket(SocketType.DEALER);
        dealer.connect(endpoint);
        ask(dealer);
        long subscribed = registry.desired("r1").revision();
        List<byte[]> welcome = receiveNotice(sub); // the hub announces the current revision on each subscription
        assertNotNull(welcome, "no notice after subscribing");
        assertEquals(subscribed, SyncProtocol.readLong(welcome.get(3)));

        registry.replace("r1", state(81));

        List<byte[]> notice = receiveNotice(sub);
        assertNotNull(notice, "no change notice on PUB");
        assertEquals(SyncProtocol.KVNEW, new String(notice.get(1), StandardCharsets.UTF_8));
        assertEquals(registry.desired("r1").revision(), SyncProtocol.readLong(notice.get(3)));
        // Sent in the same pass of the sync loop as the PUB notice, so final by now:
        assertEquals(0, server.stats().updatesDirect.get(), "no second notice for a subscribed agent");
    }

    /** ICANHAZ, then the KTHXBAI's revision. */
    private long ask(ZMQ.Socket dealer) {
        dealer.sendMore(SyncProtocol.ICANHAZ);
        dealer.send("r1");
        List<byte[]> answer = receive(dealer);
        assertNotNull(answer, "no answer to ICANHAZ");
        assertEquals(SyncProtocol.KTHXBAI, new String(answer.get(0), StandardCharsets.UTF_8));
        assertArrayEquals(java.util.HexFormat.of().parseHex(server.instanceHex()), answer.get(1));
        return SyncProtocol.readLong(answer.get(2));
    }

    private ZMQ.Socket agentSocket(SocketType type) {
        ZMQ.Socket socket = context.socket(type);
        socket.setLinger(0);
        socket.setCurvePublicKey(ZMQ.Curve.z85Decode(agentKeys.publicKey));
        socket.setCurveSecretKey(ZMQ.Curve.z85Decode(agentKeys.secretKey));
        socket.setCurveServerKey(ZMQ.Curve.z85Decode(hubKeys.publicKey));
        socket.setReceiveTimeOut(RECEIVE_TIMEOUT_MS);
        sockets.add(socket);
        return socket;
    }

    /** The next KVNEW on a SUB (heartbeats skipped), or null when none came in time. */
    private static List<byte[]> receiveNotice(ZMQ.Socket sub) {
        long deadline = System.nanoTime() + RECEIVE_TIMEOUT_MS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            List<byte[]> message = receive(sub);
            if (message == null || message.size() > 1
                    && SyncProtocol.KVNEW.equals(new String(message.get(1), StandardCharsets.UTF_8))) {
                return message;
            }
        }
        return null;
    }

    /** One multipart message, or null when none came within the receive timeout. */
    private static List<byte[]> receive(ZMQ.Socket socket) {
        byte[] first = socket.recv(0);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>(List.of(first));
        while (socket.hasReceiveMore() && frames.size() < 8) {
            frames.add(socket.recv(0));
        }
        return frames;
    }

    private static Config state(int port) {
        return ConfigJson.decode("{\"pools\": {\"web\": {}}, \"members\": {\"m\": {\"pool\": \"web\", "
                + "\"address\": \"192.0.2.1\", \"protocol_port\": " + port + "}}}", "").config();
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
