package io.edgelb.agent.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import io.edgelb.model.sync.CurveKeyFile;
import io.edgelb.model.sync.SyncProtocol;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * The agent's hub client against a scripted hub on loopback (real jeromq sockets, CURVE): the
 * Clone order, heartbeat gaps, and what it does with malformed states from an authenticated hub.
 */
class HubClientTest {
    private static final String STATE = "{\"pools\": {\"web\": {}}, \"members\": {\"m1\": {\"pool\": \"web\", "
            + "\"address\": \"192.0.2.10\", \"protocol_port\": 80}}}";
    private static final byte[] INSTANCE = {1, 2, 3, 4, 5, 6, 7, 8};

    private ZMQ.Context context;
    private ZMQ.Socket router;
    private ZMQ.Socket pub;
    private HubClient client;
    private final BlockingQueue<HubState> delivered = new LinkedBlockingQueue<>();

    @BeforeEach
    void setUp() throws Exception {
        ZMQ.Curve.KeyPair hubKeys = ZMQ.Curve.generateKeyPair();
        ZMQ.Curve.KeyPair agentKeys = ZMQ.Curve.generateKeyPair();
        context = ZMQ.context(1);
        router = server(SocketType.ROUTER, hubKeys);
        pub = server(SocketType.XPUB, hubKeys);
        String endpoint = null;
        for (int attempt = 0; endpoint == null; attempt++) {
            int port = router.bindToRandomPort("tcp://127.0.0.1");
            try {
                pub.bind("tcp://127.0.0.1:" + (port + 1)); // the publisher is on the next port
                endpoint = "tcp://127.0.0.1:" + port;
            } catch (org.zeromq.ZMQException taken) {
                router.unbind("tcp://127.0.0.1:" + port);
                assertTrue(attempt < 50, "no two consecutive free ports");
            }
        }
        client = new HubClient(new HubClient.Settings("r1", List.of(endpoint), hubKeys.publicKey,
                new CurveKeyFile(agentKeys.publicKey, agentKeys.secretKey)), delivered::add,
                () -> Json.object().add("agent_id", "r1"), System::currentTimeMillis);
        client.start();
        byte[] subscription = recv(pub, 10_000);
        assertNotNull(subscription, "the agent subscribes");
        assertEquals("\u0001r1 ", new String(subscription, StandardCharsets.UTF_8), "subscribed to its own topic");
    }

    @AfterEach
    void tearDown() {
        client.close();
        router.close();
        pub.close();
        context.term();
    }

    private ZMQ.Socket server(SocketType type, ZMQ.Curve.KeyPair keys) {
        ZMQ.Socket socket = context.socket(type);
        socket.setLinger(0);
        socket.setCurveServer(true);
        socket.setCurveSecretKey(ZMQ.Curve.z85Decode(keys.secretKey));
        return socket;
    }

    private static byte[] recv(ZMQ.Socket socket, int timeoutMs) {
        socket.setReceiveTimeOut(timeoutMs);
        return socket.recv(0);
    }

    /** Waits for the agent's ICANHAZ; returns its routing identity. */
    private byte[] awaitRequest() {
        while (true) {
            byte[] identity = recv(router, 10_000);
            assertNotNull(identity, "no snapshot request");
            String command = router.recvStr();
            String agent = router.hasReceiveMore() ? router.recvStr() : null;
            while (router.hasReceiveMore()) {
                router.recv();
            }
            if (command.equals(SyncProtocol.ICANHAZ)) {
                assertEquals("r1", agent);
                return identity;
            }
        }
    }

    /** Fails if the agent asks for its state within the window (status reports are ignored). */
    private void assertNoRequestWithin(int windowMs) {
        long deadline = System.nanoTime() + windowMs * 1_000_000L;
        for (long left = windowMs; left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
            byte[] identity = recv(router, (int) Math.max(1, left));
            if (identity == null) {
                return;
            }
            String command = router.recvStr();
            while (router.hasReceiveMore()) {
                router.recv();
            }
            assertTrue(!command.equals(SyncProtocol.ICANHAZ), "asked for a state it already holds");
        }
    }

    private void reply(byte[] identity, long revision, String json) {
        router.sendMore(identity);
        router.sendMore(SyncProtocol.KTHXBAI);
        router.sendMore(INSTANCE.clone());
        router.sendMore(SyncProtocol.longBytes(revision));
        router.send(json);
    }

    private void publish(byte[]... frames) {
        pub.sendMore(SyncProtocol.topic("r1"));
        for (int i = 0; i < frames.length; i++) {
            pub.send(frames[i], i < frames.length - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private HubState next() throws InterruptedException {
        return delivered.poll(10, TimeUnit.SECONDS);
    }

    @Test
    void followsTheSnapshotThenAsksForEachAnnouncedRevisionAndAgainOnAGap() throws Exception {
        reply(awaitRequest(), 10, STATE);
        HubState first = next();
        assertNotNull(first);
        assertEquals(10, first.revision());
        assertEquals("0102030405060708", first.instance());
        assertTrue(first.objects().members().containsKey("m1"));

        // A notice carries no state: the agent asks for it on the authenticated socket.
        publish(bytes(SyncProtocol.KVNEW), INSTANCE.clone(), SyncProtocol.longBytes(11));
        reply(awaitRequest(), 11, STATE.replace("80", "81"));
        assertEquals(81, next().objects().members().get("m1").protocolPort());
        // A notice of what it holds (as after a reconnection) asks for nothing.
        publish(bytes(SyncProtocol.KVNEW), INSTANCE.clone(), SyncProtocol.longBytes(11));
        assertNoRequestWithin(500);
        // A heartbeat naming a revision it never saw: a notice was lost; it asks again.
        publish(bytes(SyncProtocol.HUGZ), INSTANCE.clone(), SyncProtocol.longBytes(13), SyncProtocol.longBytes(1000));
        reply(awaitRequest(), 13, STATE.replace("80", "83"));
        HubState resynced = next();
        assertEquals(13, resynced.revision());
        assertEquals(83, resynced.objects().members().get("m1").protocolPort());
        assertTrue(delivered.isEmpty(), "nothing delivered twice");
    }

    @Test
    void anAnswerOlderThanTheAnnouncedRevisionIsFollowedByAnotherRequest() throws Exception {
        reply(awaitRequest(), 10, STATE);
        assertNotNull(next());
        publish(bytes(SyncProtocol.KVNEW), INSTANCE.clone(), SyncProtocol.longBytes(12));
        // The hub answered before the change reached it: revision 11, older than the notice.
        reply(awaitRequest(), 11, STATE.replace("80", "81"));
        assertEquals(11, next().revision());
        reply(awaitRequest(), 12, STATE.replace("80", "82"));
        assertEquals(82, next().objects().members().get("m1").protocolPort());
    }

    @Test
    void dropsMalformedMessagesFromItsHubAndKeepsGoing() throws Exception {
        reply(awaitRequest(), 10, STATE);
        assertNotNull(next());
        publish(bytes(SyncProtocol.KVNEW), INSTANCE.clone()); // too few frames
        publish(bytes(SyncProtocol.KVNEW), new byte[7], SyncProtocol.longBytes(11)); // bad instance
        publish(bytes(SyncProtocol.KVNEW), INSTANCE.clone(), new byte[3]); // bad revision
        publish(bytes(SyncProtocol.KVNEW), INSTANCE.clone(), SyncProtocol.longBytes(11), bytes(STATE)); // a state on PUB
        publish(bytes("FORMAT C:"), INSTANCE.clone(), SyncProtocol.longBytes(12), bytes(STATE));

        publish(bytes(SyncProtocol.KVNEW), INSTANCE.clone(), SyncProtocol.longBytes(13));
        reply(awaitRequest(), 13, "{\"members\": [");
        publish(bytes(SyncProtocol.KVNEW), INSTANCE.clone(), SyncProtocol.longBytes(14));
        reply(awaitRequest(), 14, STATE.replace("\"protocol_port\": 80", "\"protocol_port\": 80, \"weight\": 300"));
        io.edgelb.testkit.Await.until(() -> client.lastError() != null
                && client.lastError().contains("members.m1.weight: weight 300 is out of range"),
                java.time.Duration.ofSeconds(5), "the refusal recorded for the hub");
        publish(bytes(SyncProtocol.KVNEW), INSTANCE.clone(), SyncProtocol.longBytes(15));
        reply(awaitRequest(), 15, "[".repeat(50_000));
        io.edgelb.testkit.Await.until(() -> client.lastError().contains("nests deeper than 16"),
                java.time.Duration.ofSeconds(5), "the deep document refused");
        assertNull(delivered.poll(500, TimeUnit.MILLISECONDS), "nothing malformed was delivered");

        publish(bytes(SyncProtocol.KVNEW), INSTANCE.clone(), SyncProtocol.longBytes(16));
        reply(awaitRequest(), 16, STATE.replace("80", "86"));
        HubState good = next();
        assertNotNull(good, "a good state after the garbage is still taken");
        assertEquals(16, good.revision());
        assertTrue(client.describe(System.currentTimeMillis()).getLong("rejected_messages", 0) >= 8,
                client.describe(System.currentTimeMillis()).toString());
    }

    /** The next command the agent sends on its dealer within the window, or null. */
    private String nextCommand(int windowMs) {
        byte[] identity = recv(router, Math.max(1, windowMs));
        if (identity == null) {
            return null;
        }
        String command = router.recvStr();
        while (router.hasReceiveMore()) {
            router.recv();
        }
        return command;
    }

    @Test
    void reportSoonSendsAStatusPromptlyAndAFlappingCallerGetsAtMostOneASecond() throws Exception {
        reply(awaitRequest(), 1, "{}");
        assertNotNull(next(), "the snapshot is delivered");
        long asked = System.nanoTime();
        client.reportSoon();
        String command;
        do {
            command = nextCommand(1_500);
            assertNotNull(command, "no STATUS within 1.5 s of reportSoon (the regular one comes after 5 s)");
        } while (!command.equals(SyncProtocol.STATUS));
        long tookMs = (System.nanoTime() - asked) / 1_000_000;
        assertTrue(tookMs < 1_500, "prompt report after " + tookMs + " ms");

        // A member flapping: reportSoon every 50 ms for 3 s costs at most one report a second
        // (plus, at worst, the regular 5 s one).
        long end = System.nanoTime() + 3_000_000_000L;
        int reports = 0;
        while (System.nanoTime() < end) {
            client.reportSoon();
            String sent = nextCommand(50);
            if (SyncProtocol.STATUS.equals(sent)) {
                reports++;
            }
        }
        assertTrue(reports >= 2 && reports <= 4, reports + " reports in 3 s of flapping");
    }
}
