package io.edgelb.tests.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.model.sync.CurveKeyFile;
import io.edgelb.model.sync.SyncProtocol;
import io.edgelb.tests.AgentProcess;
import io.edgelb.tests.HubProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * Issue 10 §3: one multipart message of 1,200 frames of 250 KiB (each under ZMQ_MAXMSGSIZE, about
 * 300 MB in all) from an enrolled key, against a hub with a 128 MiB heap. The hub must survive it,
 * keep serving a real agent, and still stop within seconds on SIGTERM.
 */
class HubMessageBoundTest {
    private static final Duration SYNC = Duration.ofSeconds(60);
    private static final int FRAMES = 1_200;
    private static final int FRAME_BYTES = 250 * 1024;

    @TempDir
    Path dir;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        toClose.add(resource);
        return resource;
    }

    @Test
    void aHugeMultipartMessageIsRefusedAndTheHubServesAndStops() throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        TcpBackend b = closing(TcpBackend.start("b"));
        HubTestbed bed = new HubTestbed(dir, List.of("r1", "r2"), 0.5);
        int port = HubTestbed.freePort();
        bed.writePools(Map.of("r1", HubTestbed.objects(port, Map.of("m1", a.port())),
                "r2", HubTestbed.objects(HubTestbed.freePort(), Map.of("m2", a.port()))));
        HubProcess hub = closing(bed.startHub());
        String api = "127.0.0.1:" + HubTestbed.freePort();
        AgentProcess r1 = closing(AgentProcess.start(bed.agentConfig("r1", api), api));
        r1.awaitStatus(s -> HubTestbed.members(s).containsKey("hub-m1"), SYNC, "r1 synced");

        byte[] frame = new byte[FRAME_BYTES]; // one array: jeromq wraps it per frame, the test stays small
        try (ZMQ.Context context = ZMQ.context(1);
             ZMQ.Socket dealer = client(context, bed.agentKeys.get("r2"), bed.hubKeys.publicKey())) {
            dealer.connect(bed.endpoint());
            dealer.sendMore(SyncProtocol.STATUS);
            dealer.sendMore("r2");
            for (int i = 0; i < FRAMES - 1; i++) {
                dealer.sendMore(frame);
            }
            dealer.send(frame);
            // Refused (the fix), or the hub ran out of memory (what happened before): either way it is over.
            hub.awaitAgents(agents -> counter(hub, "edgelb_hub_frames_refused_total") > 0
                    || log(hub).contains("OutOfMemoryError"), SYNC, "the hub refused the message");
        }
        assertTrue(hub.isAlive(), hub.log());
        assertTrue(!hub.log().contains("OutOfMemoryError"), hub.log());
        // Still serving: a change reaches r1 and traffic follows.
        assertEquals(200, hub.pushMembers("r1", "web", "{\"members\": {\"m2\": {\"address\": \"127.0.0.1\", "
                + "\"protocol_port\": " + b.port() + "}}}", bed.hubToken()).statusCode());
        r1.awaitStatus(s -> HubTestbed.members(s).equals(Map.of("hub-m2", "hub")), SYNC, "r1 after the big message");
        assertEquals("b", HubTestbed.landOn(port));
        // SIGTERM: the hub exits within seconds, whatever its sockets hold.
        ProcessHandle process = ProcessHandle.of(hub.pid()).orElseThrow();
        long start = System.nanoTime();
        process.destroy();
        process.onExit().get(8, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs < 8_000, "SIGTERM took " + tookMs + " ms");
    }

    private static ZMQ.Socket client(ZMQ.Context context, CurveKeyFile keys, String serverKey) {
        ZMQ.Socket socket = context.socket(SocketType.DEALER);
        socket.setLinger(0);
        socket.setCurvePublicKey(ZMQ.Curve.z85Decode(keys.publicKey()));
        socket.setCurveSecretKey(ZMQ.Curve.z85Decode(keys.secretKey()));
        socket.setCurveServerKey(ZMQ.Curve.z85Decode(serverKey));
        return socket;
    }

    private static String log(HubProcess hub) {
        try {
            return hub.log();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static long counter(HubProcess hub, String series) {
        try {
            Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\d+)$", Pattern.MULTILINE)
                    .matcher(hub.metrics());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (java.io.IOException e) {
            return -1; // a hub that does not answer has not refused anything yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
