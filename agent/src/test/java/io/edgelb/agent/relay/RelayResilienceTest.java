package io.edgelb.agent.relay;

import static io.edgelb.agent.testing.RelayHarness.greeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.net.Transport;
import io.edgelb.agent.testing.Closer;
import io.edgelb.testkit.Await;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.SynSwallower;
import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.agent.testing.TestConfig;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Member;
import io.edgelb.model.MonitorType;
import io.edgelb.model.OperatingStatus;
import io.edgelb.model.Pool;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Failed connects, dying members, resets: what a client must (not) see. */
class RelayResilienceTest {
    private final Closer closer = new Closer();

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    private <T extends AutoCloseable> T closing(T resource) {
        return closer.add(resource);
    }

    /** A loopback port with nothing listening: connects to it are refused. */
    private static int closedPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aRefusedConnectIsRetriedOnAnotherMemberUnseen(Transport transport) throws Exception {
        TcpBackend good = closing(TcpBackend.start("good"));
        RelayHarness harness = closing(new RelayHarness(transport)).apply(TestConfig.create()
                .listener("web", "web")
                .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN))
                .member(Member.of("dead", "web", "127.0.0.1", closedPort()))
                .member("good", "web", good)
                .build());
        for (int i = 0; i < 10; i++) {
            try (Socket client = harness.connect("web")) {
                assertEquals("good", greeting(client));
            }
        }
        assertTrue(harness.member("dead").connectFailures() >= 1);
        assertTrue(harness.member("dead").retries() >= 1);
        assertEquals(10, harness.listener("web").totalConnections());
        assertEquals(0, harness.member("dead").activeConnections(), "a failed attempt leaves no count behind");
        assertEquals(0, harness.listener("web").requestErrors(), "a retried connect reached a member");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aClientNoMemberCouldTakeIsARequestError(Transport transport) throws Exception {
        RelayHarness harness = closing(new RelayHarness(transport)).apply(TestConfig.create()
                .listener("web", "web").pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN))
                .member(Member.of("dead1", "web", "127.0.0.1", closedPort()))
                .member(Member.of("dead2", "web", "127.0.0.1", closedPort()))
                .build());
        try (Socket client = harness.connect("web")) {
            assertNull(greeting(client));
        }
        Await.until(() -> harness.listener("web").activeConnections() == 0, Duration.ofSeconds(5), "slot released");
        assertEquals(1, harness.listener("web").rejectedCount(ListenerRuntime.Rejection.CONNECT_FAILED));
        assertEquals(1, harness.listener("web").requestErrors(), "Octavia's request_errors");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aMemberThatDoesNotAnswerIsGivenUpAfterTheConnectTimeout(Transport transport) throws Exception {
        SynSwallower silent = closing(SynSwallower.start());
        TcpBackend good = closing(TcpBackend.start("good"));
        io.edgelb.model.Listener listener = io.edgelb.model.Listener.of("web", "127.0.0.1", 0, "web")
                .withLimits(io.edgelb.model.Listener.UNLIMITED, 50_000, 300, 50_000);
        RelayHarness harness = closing(new RelayHarness(transport)).apply(TestConfig.create()
                .listener(listener)
                .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN))
                .member(Member.of("silent", "web", "127.0.0.1", silent.port()))
                .member("good", "web", good)
                .build());
        long start = System.nanoTime();
        try (Socket client = harness.connect("web")) { // round robin tries "silent" first
            assertEquals("good", greeting(client));
        }
        long waitedMs = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMs >= 250 && waitedMs < 3_000, "gave up on the silent member after " + waitedMs + " ms");
        assertEquals(1, harness.member("silent").connectFailures());
        assertEquals("connect failed: timed out after 300 ms",
                harness.member("silent").health().lastObservation().detail());
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aMemberKilledUnderLoadCostsNoClientAConnection(Transport transport) throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        TcpBackend b = closing(TcpBackend.start("b"));
        HealthMonitor tcp = HealthMonitor.of("hc", MonitorType.TCP, 200, 150, 2, 2);
        RelayHarness harness = closing(new RelayHarness(transport)).apply(TestConfig.create()
                .listener("web", "web")
                .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN).withHealthMonitor("hc"))
                .monitor(tcp)
                .member("a", "web", a)
                .member("b", "web", b)
                .build());
        Await.until(() -> harness.member("a").health().lastObservation().atMillis() > 0,
                Duration.ofSeconds(5), "a first health check");
        for (int i = 0; i < 20; i++) {
            try (Socket client = harness.connect("web")) {
                assertNotNull(greeting(client));
            }
        }
        a.close(); // the member dies; its open connections are reset
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int served = 0;
        while (harness.member("a").status() != OperatingStatus.ERROR) {
            assertTrue(System.nanoTime() < deadline, "a should be marked down by its checks");
            try (Socket client = harness.connect("web")) {
                assertEquals("b", greeting(client), "every connection succeeds while a is being found out");
                served++;
            }
        }
        long failuresWhenDown = harness.member("a").connectFailures();
        for (int i = 0; i < 20; i++) {
            try (Socket client = harness.connect("web")) {
                assertEquals("b", greeting(client));
            }
        }
        assertEquals(failuresWhenDown, harness.member("a").connectFailures(),
                "once down, a is not even tried any more");
        assertTrue(served >= 0);
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aMemberResetReachesTheClientAsAReset(Transport transport) throws Exception {
        TcpBackend resetting = closing(TcpBackend.start("rst").mode(TcpBackend.Mode.RESET));
        RelayHarness harness = closing(new RelayHarness(transport)).apply(TestConfig.create()
                .listener("web", "web").pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN))
                .member("rst", "web", resetting).build());
        try (Socket client = harness.connect("web")) {
            client.getOutputStream().write('x'); // the member resets once it got this byte
            SocketException reset = assertThrows(SocketException.class, () -> client.getInputStream().read());
            assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void noMemberMeansTheClientIsClosedAndCounted(Transport transport) throws Exception {
        RelayHarness harness = closing(new RelayHarness(transport)).apply(TestConfig.create()
                .listener("web", "web").pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN))
                .member(Member.of("drained", "web", "127.0.0.1", closedPort()).withWeight(0))
                .build());
        try (Socket client = harness.connect("web")) {
            assertNull(greeting(client));
        }
        Await.until(() -> harness.listener("web").activeConnections() == 0, Duration.ofSeconds(5), "slot released");
        assertEquals(1, harness.listener("web").rejectedCount(ListenerRuntime.Rejection.NO_MEMBER));
        assertEquals(1, harness.listener("web").requestErrors(), "Octavia's request_errors");
        assertEquals(0, harness.member("drained").connectFailures(), "a drained member is never tried");
    }
}
