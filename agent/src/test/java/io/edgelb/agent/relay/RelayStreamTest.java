package io.edgelb.agent.relay;

import static io.edgelb.agent.testing.RelayHarness.greeting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.net.Transport;
import io.edgelb.agent.testing.Closer;
import io.edgelb.testkit.Await;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.agent.testing.TestConfig;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Listener;
import io.edgelb.model.Pool;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bytes through the relay: integrity, half-close, backpressure and the inactivity timeout. */
class RelayStreamTest {
    private final Closer closer = new Closer();

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    private RelayHarness relayTo(Transport transport, TcpBackend backend, Listener listener) throws Exception {
        closer.add(backend);
        RelayHarness harness = new RelayHarness(transport);
        closer.add(harness);
        return harness.apply(TestConfig.create()
                .listener(listener)
                .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN))
                .member("m", "web", backend)
                .build());
    }

    private static Listener listener() {
        return Listener.of("web", "127.0.0.1", 0, "web");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void thirtyTwoMebibytesEchoIntact(Transport transport) throws Exception {
        RelayHarness harness = relayTo(transport, TcpBackend.start("m").greet(false), listener());
        byte[] data = new byte[32 * 1024 * 1024];
        new Random(7).nextBytes(data);
        try (Socket client = harness.connect("web")) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = client.getOutputStream();
                    for (int off = 0; off < data.length; off += 1 << 16) {
                        out.write(data, off, Math.min(1 << 16, data.length - off));
                    }
                    client.shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] echoed = client.getInputStream().readAllBytes();
            writer.get(30, TimeUnit.SECONDS);
            assertEquals(data.length, echoed.length);
            assertArrayEquals(sha256(data), sha256(echoed));
        }
        Await.until(() -> harness.listener("web").bytesOut() == data.length, Duration.ofSeconds(5), "byte counters");
        assertEquals(data.length, harness.listener("web").bytesIn());
        assertEquals(data.length, harness.member("m").bytesOut());
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void halfCloseKeepsTheOtherDirectionOpen(Transport transport) throws Exception {
        RelayHarness harness = relayTo(transport, TcpBackend.start("m").trailer("bye\n"), listener());
        try (Socket client = harness.connect("web")) {
            client.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            // "bye" is written by the member only after it saw our EOF: the reverse way stayed open.
            assertEquals("m\nping\nbye\n", RelayHarness.readAll(client));
        }
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aSlowClientStopsTheMemberInsteadOfFillingMemory(Transport transport) throws Exception {
        long total = 64L * 1024 * 1024;
        RelayHarness harness = relayTo(transport, TcpBackend.start("m").greet(false).streaming(total), listener());
        ListenerRuntime web;
        try (Socket client = harness.connect("web")) {
            client.setReceiveBufferSize(64 * 1024);
            web = harness.listener("web");
            long[] last = {-1};
            // The member writes as fast as it can while the client reads nothing: the relay's reads
            // must stall once its buffers and the sockets' are full.
            Await.until(() -> {
                long now = web.bytesOut();
                boolean stalled = now > 0 && now == last[0];
                last[0] = now;
                return stalled;
            }, Duration.ofSeconds(10), "the relay to stop reading from the member");
            long buffered = web.bytesOut();
            assertTrue(buffered < 24L * 1024 * 1024,
                    "relay read " + buffered + " bytes of 64 MiB for a client that reads nothing");
            InputStream in = client.getInputStream();
            long received = in.transferTo(OutputStream.nullOutputStream());
            assertEquals(total, received, "once the client reads, everything arrives");
        }
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void anIdleConnectionIsClosedAfterTheDataTimeout(Transport transport) throws Exception {
        Listener impatient = Listener.of("web", "127.0.0.1", 0, "web").withLimits(Listener.UNLIMITED,
                300, Listener.DEFAULT_TIMEOUT_MEMBER_CONNECT_MS, 60_000);
        RelayHarness harness = relayTo(transport, TcpBackend.start("m").mode(TcpBackend.Mode.SILENT), impatient);
        long start = System.nanoTime();
        try (Socket client = harness.connect("web")) {
            assertEquals("m", greeting(client));
            assertEquals(-1, client.getInputStream().read(), "the relay closes the idle connection");
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMs >= 250, "closed after " + elapsedMs + " ms, before the 300 ms timeout");
        assertEquals(1, harness.listener("web").timeouts());
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void trafficKeepsAConnectionAliveBeyondTheTimeout(Transport transport) throws Exception {
        Listener impatient = Listener.of("web", "127.0.0.1", 0, "web").withLimits(Listener.UNLIMITED,
                60_000, Listener.DEFAULT_TIMEOUT_MEMBER_CONNECT_MS, 400);
        RelayHarness harness = relayTo(transport, TcpBackend.start("m"), impatient);
        try (Socket client = harness.connect("web")) {
            assertEquals("m", greeting(client));
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1200);
            while (System.nanoTime() < end) { // three timeouts long, a message every ~100 ms
                client.getOutputStream().write("x\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("x", greeting(client));
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // pacing
            }
        }
        assertEquals(0, harness.listener("web").timeouts());
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
