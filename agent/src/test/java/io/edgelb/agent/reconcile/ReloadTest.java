package io.edgelb.agent.reconcile;

import static io.edgelb.agent.testing.RelayHarness.greeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.net.Transport;
import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.agent.relay.RelayServer;
import io.edgelb.agent.testing.Closer;
import io.edgelb.testkit.Await;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.agent.testing.TestConfig;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Listener;
import io.edgelb.model.ListenerProtocol;
import io.edgelb.model.Member;
import io.edgelb.model.OperatingStatus;
import io.edgelb.model.Pool;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reloads change what runs without cutting what flows. */
class ReloadTest {
    private final Closer closer = new Closer();

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    private <T extends AutoCloseable> T closing(T resource) {
        return closer.add(resource);
    }

    private static void echo(Socket client, String text) throws Exception {
        client.getOutputStream().write((text + "\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(text, greeting(client));
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aRemovedMemberDrainsItsOpenStreamThenCutsItAtTheDeadline(Transport transport) throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        TcpBackend b = closing(TcpBackend.start("b"));
        TestConfig config = TestConfig.create().drainTimeoutMs(1_500)
                .listener("web", "web").pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN))
                .member("a", "web", a).member("b", "web", b);
        RelayHarness harness = closing(new RelayHarness(transport)).apply(config.build());
        Socket stream = closing(harness.connect("web"));
        assertEquals("a", greeting(stream));
        MemberRuntime removed = harness.member("a");

        harness.apply(config.without("a").build());
        echo(stream, "still flowing after the reload");
        assertEquals(OperatingStatus.DRAINING, removed.status());
        for (int i = 0; i < 4; i++) {
            try (Socket fresh = harness.connect("web")) {
                assertEquals("b", greeting(fresh), "new connections avoid the removed member");
            }
        }
        echo(stream, "and still flowing");
        harness.onControl(() -> { });
        Await.until(() -> {
            try {
                harness.onControl(harness.reconciler()::sweepDrains);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return removed.activeConnections() == 0;
        }, Duration.ofSeconds(5), "the drain deadline to close the stream");
        assertEquals(-1, stream.getInputStream().read(), "cut at the deadline");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aWeightChangeKeepsTheMemberRuntimeAndItsCounters(Transport transport) throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        TestConfig config = TestConfig.create().listener("web", "web").pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN))
                .member("a", "web", a);
        RelayHarness harness = closing(new RelayHarness(transport)).apply(config.build());
        try (Socket s = harness.connect("web")) {
            greeting(s);
        }
        MemberRuntime before = harness.member("a");
        harness.apply(config.member(Member.of("a", "web", a.address(), a.port()).withWeight(5)).build());
        assertSame(before, harness.member("a"));
        assertEquals(5, harness.member("a").weight());
        assertEquals(1, harness.member("a").totalConnections());
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aReloadChangesAListenersPoolLimitAndCidrsInPlace(Transport transport) throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        TcpBackend b = closing(TcpBackend.start("b"));
        TestConfig config = TestConfig.create()
                .pool(Pool.of("pool_a", LbAlgorithm.ROUND_ROBIN)).member("a", "pool_a", a)
                .pool(Pool.of("pool_b", LbAlgorithm.ROUND_ROBIN)).member("b", "pool_b", b)
                .listener(Listener.of("web", "127.0.0.1", freePort(), null));
        RelayHarness harness = closing(new RelayHarness(transport)).apply(config.build());
        int port = harness.port("web");
        try (Socket refused = harness.connect("web")) {
            assertEquals(null, greeting(refused), "no pool yet");
        }
        Listener withPool = new Listener("web", "127.0.0.1", port, io.edgelb.model.ListenerMode.RELAY, "pool_b", 1,
                Listener.DEFAULT_TIMEOUT_CLIENT_DATA_MS, Listener.DEFAULT_TIMEOUT_MEMBER_CONNECT_MS,
                Listener.DEFAULT_TIMEOUT_MEMBER_DATA_MS, List.of("127.0.0.0/30"), true, false, ListenerProtocol.TCP, List.of(), Listener.DEFAULT_TIMEOUT_HTTP_REQUEST_MS);
        harness.apply(config.listener(withPool).build());
        assertEquals(port, harness.port("web"), "same socket");
        try (Socket first = harness.connect("web")) {
            assertEquals("b", greeting(first), "the new pool serves");
            try (Socket second = harness.connect("web")) {
                assertEquals(null, greeting(second), "the new connection_limit of 1 holds");
            }
        }
        try (Socket outside = harness.connectFrom("web", java.net.InetAddress.getByName("127.0.0.9"))) {
            assertEquals(null, greeting(outside), "the new allowed_cidrs hold");
        }
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aPortChangeOpensTheNewPortAndKeepsOpenConnections(Transport transport) throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        TestConfig config = TestConfig.create().pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN)).member("a", "web", a);
        RelayHarness harness = closing(new RelayHarness(transport))
                .apply(config.listener("web", "web").build());
        int oldPort = harness.port("web");
        Socket open = closing(harness.connect("web"));
        assertEquals("a", greeting(open));

        int newPort = freePort();
        harness.apply(config.listener(Listener.of("web", "127.0.0.1", newPort, "web")).build());
        assertEquals(newPort, harness.port("web"));
        try (Socket fresh = new Socket("127.0.0.1", newPort)) {
            assertEquals("a", greeting(fresh));
        }
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", oldPort).close());
        echo(open, "the old port's connection lives on");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aPortThatCannotBeBoundChangesNothing(Transport transport) throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        TcpBackend b = closing(TcpBackend.start("b"));
        TestConfig config = TestConfig.create().pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN)).member("a", "web", a)
                .listener("web", "web");
        RelayHarness harness = closing(new RelayHarness(transport)).apply(config.build());
        int port = harness.port("web");
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("127.0.0.1", 0));
            TestConfig broken = TestConfig.create().pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN))
                    .member("b", "web", b)
                    .listener("web", "web")
                    .listener(Listener.of("second", "127.0.0.1", squatter.getLocalPort(), "web"));
            Exception failure = assertThrows(Exception.class, () -> harness.apply(broken.build()));
            assertTrue(failure.getCause() instanceof RelayServer.BindException, String.valueOf(failure.getCause()));
            assertTrue(failure.getCause().getMessage().startsWith("listener 'second': cannot listen on 127.0.0.1:"),
                    failure.getCause().getMessage());
        }
        assertEquals(port, harness.port("web"));
        try (Socket client = harness.connect("web")) {
            assertEquals("a", greeting(client), "the old configuration still serves, member b never arrived");
        }
        assertNotEquals(null, harness.member("a"));
        assertEquals(null, harness.member("b"));
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    @org.junit.jupiter.api.Test
    void theApiReadsOneImmutableSnapshotThatEachChangeReplacesWhole() throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        TcpBackend b = closing(TcpBackend.start("b"));
        TestConfig config = TestConfig.create().drainTimeoutMs(60_000)
                .listener("web", "web").pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN))
                .member("a", "web", a).member("b", "web", b);
        RelayHarness harness = closing(new RelayHarness(Transport.nio())).apply(config.build());
        Socket stream = closing(harness.connect("web"));
        assertEquals("a", greeting(stream));
        RunningState before = harness.reconciler().state();

        harness.apply(config.without("a").listener("other", "web").build());
        RunningState after = harness.reconciler().state();

        assertEquals(List.of(), before.leaving(), "a published snapshot never changes");
        assertEquals(java.util.Set.of("web"), before.bound().keySet());
        assertEquals(2, before.config().members().size());
        assertEquals(List.of("a"), after.leaving().stream().map(MemberRuntime::id).toList());
        assertEquals(java.util.Set.of("web", "other"), after.bound().keySet());
        assertTrue(after.isListening("other"));
        assertEquals(after.bound().get("other").getPort(), harness.port("other"));
        assertThrows(UnsupportedOperationException.class, () -> after.leaving().clear());
        assertThrows(UnsupportedOperationException.class, () -> after.bound().clear());

        stream.close();
        Await.until(() -> {
            try {
                harness.onControl(harness.reconciler()::sweepDrains);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return harness.reconciler().state().leaving().isEmpty();
        }, Duration.ofSeconds(10), "the removed member's last connection ends and a new snapshot says so");
        assertEquals(1, after.leaving().size(), "the earlier snapshot still says what was true then");
    }
}
