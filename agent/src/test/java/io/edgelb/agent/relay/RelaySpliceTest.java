package io.edgelb.agent.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.net.Transport;
import io.edgelb.testkit.Await;
import io.edgelb.agent.testing.Closer;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.agent.testing.TestConfig;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Pool;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bulk directions move to splice(2) on epoll: bytes, counters, half-close and resets must come out
 * exactly as without it, including a FIN that overtakes bytes still waiting behind a full pipe.
 */
class RelaySpliceTest {
    private final Closer closer = new Closer();

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    private RelayHarness relayTo(TcpBackend member) throws Exception {
        closer.add(member);
        RelayHarness harness = closer.add(new RelayHarness(Transport.epoll()));
        return harness.apply(TestConfig.create().listener("web", "web")
                .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN)).member("m", "web", member).build());
    }

    @Test
    void aSplicedEchoKeepsEveryByteAndTheCounters() throws Exception {
        RelayHarness harness = relayTo(TcpBackend.start("m").greet(false).trailer("bye\n"));
        byte[] data = new byte[48 * 1024 * 1024];
        new Random(11).nextBytes(data);
        try (Socket client = harness.connect("web")) {
            CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = client.getOutputStream();
                    for (int off = 0; off < data.length; off += 1 << 16) {
                        out.write(data, off, Math.min(1 << 16, data.length - off));
                    }
                    client.shutdownOutput(); // half-close while both ways are spliced
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] back = client.getInputStream().readAllBytes();
            upload.get(60, TimeUnit.SECONDS);
            assertEquals(data.length + 4, back.length);
            assertArrayEquals(sha(data), sha(java.util.Arrays.copyOf(back, data.length)));
            assertEquals("bye\n", new String(back, data.length, 4, StandardCharsets.US_ASCII),
                    "the member wrote this after our FIN: the reverse direction stayed open");
        }
        ListenerRuntime web = harness.listener("web");
        assertEquals(2, web.splicedDirections(), "both directions carried bulk and were spliced");
        Await.until(() -> web.bytesOut() == data.length + 4, Duration.ofSeconds(5), "spliced bytes counted");
        assertEquals(data.length, web.bytesIn());
        assertEquals(data.length, harness.member("m").bytesIn());
    }

    @Test
    void aFinThatOvertakesBytesBehindAFullPipeCutsNothing() throws Exception {
        long total = 24L * 1024 * 1024;
        TcpBackend member = TcpBackend.start("m").greet(false).streaming(total);
        RelayHarness harness = relayTo(member);
        try (Socket client = harness.connect("web")) {
            client.setReceiveBufferSize(64 * 1024);
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long received = 0;
            // Read until the member has written everything and sent its FIN, then stop: the relay
            // now holds the stream's tail in sockets and in its pipe, behind the FIN.
            while (member.streamsWritten() == 0) {
                int n = in.read(buffer);
                assertTrue(n > 0, "the stream ended before the member finished writing");
                received += n;
            }
            Await.until(() -> harness.listener("web").splicedDirections() == 1, Duration.ofSeconds(5), "splice");
            // Then read the rest: every byte, then the end of the stream.
            received += in.transferTo(OutputStream.nullOutputStream());
            assertEquals(total, received);
        }
        Await.until(() -> harness.listener("web").bytesOut() == total, Duration.ofSeconds(5), "counters");
    }

    @Test
    void aResetInTheMiddleOfASplicedStreamReachesTheClient() throws Exception {
        TcpBackend member = TcpBackend.start("m").greet(false).streaming(8L * 1024 * 1024).resetAfterStream();
        RelayHarness harness = relayTo(member);
        try (Socket client = harness.connect("web")) {
            InputStream in = client.getInputStream();
            assertThrows(SocketException.class, () -> in.transferTo(OutputStream.nullOutputStream()),
                    "a member's reset must reach the client as a reset, not as a clean end");
        }
        assertEquals(1, harness.listener("web").splicedDirections());
    }

    @Test
    void shortExchangesAreNeverSpliced() throws Exception {
        RelayHarness harness = relayTo(TcpBackend.start("m"));
        for (int i = 0; i < 20; i++) {
            try (Socket client = harness.connect("web")) {
                client.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("m", RelayHarness.greeting(client));
                assertEquals("hello", RelayHarness.greeting(client));
            }
        }
        assertEquals(0, harness.listener("web").splicedDirections());
    }

    @Test
    void aLongKeepAliveConnectionOfShortExchangesIsNeverSpliced() throws Exception {
        // 1,000 request/response round trips of 1 KiB: each direction moves 1 MiB in all, past the
        // splice threshold, but never more than one small message per read. splice(2) would cost
        // two pipe operations per message for nothing (the keep-alive profile: half the samples).
        RelayHarness harness = relayTo(TcpBackend.start("m").greet(false));
        byte[] message = new byte[1024];
        new Random(5).nextBytes(message);
        byte[] back = new byte[message.length];
        try (Socket client = harness.connect("web")) {
            client.setTcpNoDelay(true);
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            for (int i = 0; i < 1000; i++) {
                out.write(message);
                out.flush();
                assertEquals(message.length, in.readNBytes(back, 0, back.length), "echo " + i);
            }
            assertArrayEquals(message, back);
        }
        assertTrue(harness.listener("web").bytesIn() > SpliceDirection.THRESHOLD, "past the threshold");
        assertEquals(0, harness.listener("web").splicedDirections(), "small reads are not bulk");
    }

    private static byte[] sha(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
