package io.edgelb.agent.relay;

import static io.edgelb.agent.testing.RelayHarness.greeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.edgelb.agent.net.Transport;
import io.edgelb.testkit.Await;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.agent.testing.TestConfig;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Listener;
import io.edgelb.model.ListenerMode;
import io.edgelb.model.ListenerProtocol;
import io.edgelb.model.Pool;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** allowed_cidrs and connection_limit turn connections away before they reach a member. */
class RelayLimitsTest {

    private static Listener listener(int limit, List<String> cidrs) {
        return new Listener("web", "127.0.0.1", 0, ListenerMode.RELAY, "web", limit,
                Listener.DEFAULT_TIMEOUT_CLIENT_DATA_MS, Listener.DEFAULT_TIMEOUT_MEMBER_CONNECT_MS,
                Listener.DEFAULT_TIMEOUT_MEMBER_DATA_MS, cidrs, true, false, ListenerProtocol.TCP, List.of(), Listener.DEFAULT_TIMEOUT_HTTP_REQUEST_MS);
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void clientsOutsideAllowedCidrsAreRefused(Transport transport) throws Exception {
        try (TcpBackend member = TcpBackend.start("m");
             RelayHarness harness = new RelayHarness(transport)) {
            harness.apply(TestConfig.create()
                    .listener(listener(Listener.UNLIMITED, List.of("127.0.0.2/32", "2001:db8::/32")))
                    .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN)).member("m", "web", member).build());
            try (Socket outsider = harness.connectFrom("web", InetAddress.getByName("127.0.0.1"))) {
                assertNull(greeting(outsider), "closed without reaching the member");
            }
            try (Socket insider = harness.connectFrom("web", InetAddress.getByName("127.0.0.2"))) {
                assertEquals("m", greeting(insider));
            }
            assertEquals(1, harness.listener("web").rejectedCount(ListenerRuntime.Rejection.CIDR));
            assertEquals(1, member.accepted(), "the refused client never cost a member connection");
        }
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void theDefaultDualStackListenerServesIpv4AndIpv6AndMatchesEither(Transport transport) throws Exception {
        try (TcpBackend member = TcpBackend.start("m", InetAddress.getByName("::1"));
             RelayHarness harness = new RelayHarness(transport)) {
            Listener any = new Listener("web", Listener.DEFAULT_ADDRESS, 0, ListenerMode.RELAY, "web",
                    Listener.UNLIMITED, Listener.DEFAULT_TIMEOUT_CLIENT_DATA_MS,
                    Listener.DEFAULT_TIMEOUT_MEMBER_CONNECT_MS, Listener.DEFAULT_TIMEOUT_MEMBER_DATA_MS,
                    List.of("127.0.0.2/32", "::1/128"), true, false, ListenerProtocol.TCP, List.of(), Listener.DEFAULT_TIMEOUT_HTTP_REQUEST_MS);
            harness.apply(TestConfig.create().listener(any).pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN))
                    .member(io.edgelb.model.Member.of("m", "web", "::1", member.port())).build());
            int port = harness.port("web");
            try (Socket v4 = connect("127.0.0.2", "127.0.0.1", port);
                 Socket v6 = connect("::1", "::1", port);
                 Socket outsider = connect("127.0.0.3", "127.0.0.1", port)) {
                assertEquals("m", greeting(v4), "IPv4 client, IPv6 member");
                assertEquals("m", greeting(v6), "IPv6 client");
                assertNull(greeting(outsider), "an IPv4 client outside the CIDRs");
            }
            assertEquals(1, harness.listener("web").rejectedCount(ListenerRuntime.Rejection.CIDR));
        }
    }

    private static Socket connect(String from, String to, int port) throws Exception {
        Socket socket = new Socket();
        socket.setSoTimeout(5_000);
        socket.bind(new java.net.InetSocketAddress(InetAddress.getByName(from), 0));
        socket.connect(new java.net.InetSocketAddress(InetAddress.getByName(to), port), 5_000);
        return socket;
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void connectionLimitRefusesTheOneTooManyAndFreesSlots(Transport transport) throws Exception {
        try (TcpBackend member = TcpBackend.start("m");
             RelayHarness harness = new RelayHarness(transport)) {
            harness.apply(TestConfig.create().listener(listener(2, List.of()))
                    .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN)).member("m", "web", member).build());
            try (Socket first = harness.connect("web"); Socket second = harness.connect("web")) {
                assertEquals("m", greeting(first));
                assertEquals("m", greeting(second));
                try (Socket third = harness.connect("web")) {
                    assertNull(greeting(third), "over the limit");
                }
                assertEquals(1, harness.listener("web").rejectedCount(ListenerRuntime.Rejection.LIMIT));
                first.close();
                Await.until(() -> harness.listener("web").activeConnections() == 1, Duration.ofSeconds(5),
                        "the closed connection to give its slot back");
                try (Socket fourth = harness.connect("web")) {
                    assertEquals("m", greeting(fourth), "a freed slot is usable again");
                }
            }
        }
    }
}
