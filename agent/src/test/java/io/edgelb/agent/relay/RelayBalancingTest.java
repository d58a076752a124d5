package io.edgelb.agent.relay;

import static io.edgelb.agent.testing.RelayHarness.greeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.net.Transport;
import io.edgelb.agent.testing.Closer;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.agent.testing.TestConfig;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Member;
import io.edgelb.model.Pool;
import io.edgelb.model.SessionPersistence;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** How connections spread over members, seen end to end through real sockets. */
class RelayBalancingTest {
    private final Closer closer = new Closer();

    @org.junit.jupiter.api.AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    private TcpBackend backend(String name) throws Exception {
        TcpBackend backend = TcpBackend.start(name);
        closer.add(backend);
        return backend;
    }

    private RelayHarness harness(Transport transport) {
        RelayHarness harness = new RelayHarness(transport);
        closer.add(harness);
        return harness;
    }

    private static Map<String, Integer> spread(RelayHarness harness, int connections) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < connections; i++) {
            try (Socket client = harness.connect("web")) {
                counts.merge(greeting(client), 1, Integer::sum);
            }
        }
        return counts;
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void roundRobinTakesTurnsInWeightOrder(Transport transport) throws Exception {
        TcpBackend a = backend("a");
        TcpBackend b = backend("b");
        TcpBackend c = backend("c");
        RelayHarness harness = harness(transport).apply(TestConfig.create()
                .listener("web", "web")
                .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN))
                .member("a", "web", a)
                .member(Member.of("b", "web", b.address(), b.port()).withWeight(2))
                .member("c", "web", c)
                .build());
        assertEquals(Map.of("a", 10, "b", 20, "c", 10), spread(harness, 40));
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void leastConnectionsFillsTheEmptiestMember(Transport transport) throws Exception {
        TcpBackend a = backend("a");
        TcpBackend b = backend("b");
        RelayHarness harness = harness(transport).apply(TestConfig.create()
                .listener("web", "web")
                .pool(Pool.of("web", LbAlgorithm.LEAST_CONNECTIONS))
                .member("a", "web", a)
                .member("b", "web", b)
                .build());
        List<Socket> held = new ArrayList<>();
        Map<String, List<Socket>> byMember = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            Socket client = harness.connect("web");
            held.add(client);
            byMember.computeIfAbsent(greeting(client), k -> new ArrayList<>()).add(client);
        }
        assertEquals(2, byMember.get("a").size());
        assertEquals(2, byMember.get("b").size());
        for (Socket s : byMember.get("a")) {
            s.close();
        }
        io.edgelb.testkit.Await.until(() -> harness.member("a").activeConnections() == 0,
                java.time.Duration.ofSeconds(5), "a's connections to close");
        for (int i = 0; i < 2; i++) {
            Socket client = harness.connect("web");
            held.add(client);
            assertEquals("a", greeting(client), "the emptier member takes the next connections");
        }
        for (Socket s : held) {
            s.close();
        }
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void sourceIpHashingKeepsClientsWhenAnotherMemberLeaves(Transport transport) throws Exception {
        TcpBackend a = backend("a");
        TcpBackend b = backend("b");
        TcpBackend c = backend("c");
        TestConfig config = TestConfig.create()
                .listener("web", "web")
                .pool(Pool.of("web", LbAlgorithm.SOURCE_IP))
                .member("a", "web", a)
                .member("b", "web", b)
                .member("c", "web", c);
        RelayHarness harness = harness(transport).apply(config.build());

        Map<Integer, String> before = new HashMap<>();
        for (int host = 2; host < 42; host++) {
            InetAddress source = InetAddress.getByName("127.0.0." + host);
            try (Socket first = harness.connectFrom("web", source);
                 Socket second = harness.connectFrom("web", source)) {
                String member = greeting(first);
                assertEquals(member, greeting(second), "the same client address lands on the same member");
                before.put(host, member);
            }
        }
        assertTrue(before.containsValue("a") && before.containsValue("b") && before.containsValue("c"),
                "40 addresses spread over all three members: " + before);

        harness.apply(config.without("c").build());
        for (int host = 2; host < 42; host++) {
            try (Socket client = harness.connectFrom("web", InetAddress.getByName("127.0.0." + host))) {
                String member = greeting(client);
                if (!before.get(host).equals("c")) {
                    assertEquals(before.get(host), member, "127.0.0." + host + " was not on c and must not move");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void sessionPersistenceSticksARoundRobinClient(Transport transport) throws Exception {
        TcpBackend a = backend("a");
        TcpBackend b = backend("b");
        Pool sticky = new Pool("web", LbAlgorithm.ROUND_ROBIN, io.edgelb.model.PoolProtocol.TCP,
                SessionPersistence.SOURCE_IP, 60_000, null, true);
        RelayHarness harness = harness(transport).apply(TestConfig.create()
                .listener("web", "web").pool(sticky).member("a", "web", a).member("b", "web", b).build());
        InetAddress client = InetAddress.getByName("127.0.0.9");
        String first;
        try (Socket s = harness.connectFrom("web", client)) {
            first = greeting(s);
        }
        for (int i = 0; i < 6; i++) {
            try (Socket s = harness.connectFrom("web", client)) {
                assertEquals(first, greeting(s), "round robin would alternate; persistence keeps the member");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void backupTakesOverOnlyWhenNoPrimaryCan(Transport transport) throws Exception {
        TcpBackend primary = backend("primary");
        TcpBackend spare = backend("spare");
        RelayHarness harness = harness(transport).apply(TestConfig.create()
                .listener("web", "web")
                .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN))
                .member("primary", "web", primary)
                .member(Member.of("spare", "web", spare.address(), spare.port()).withBackup(true))
                .build());
        assertEquals(Map.of("primary", 5), spread(harness, 5));
        primary.close();
        assertEquals(Map.of("spare", 5), spread(harness, 5),
                "connect failures to the dead primary are retried on the backup, unseen by clients");
    }
}
