package io.edgelb.agent.relay;

import static io.edgelb.agent.testing.RelayHarness.greeting;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgelb.agent.net.Transport;
import io.edgelb.testkit.Await;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.agent.testing.TestConfig;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Listener;
import io.edgelb.model.Member;
import io.edgelb.model.Pool;
import io.edgelb.model.PoolProtocol;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The PROXY protocol header, byte for byte as a member receives it. */
class ProxyProtocolTest {
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void versionOneIsATextLine(Transport transport) throws Exception {
        try (TcpBackend member = TcpBackend.start("m").captureLine();
             RelayHarness harness = new RelayHarness(transport)) {
            harness.apply(config(PoolProtocol.PROXY, "127.0.0.1", member));
            try (Socket client = harness.connectFrom("web", InetAddress.getByName("127.0.0.5"))) {
                assertEquals("m", greeting(client));
                String expected = "PROXY TCP4 127.0.0.5 127.0.0.1 " + client.getLocalPort() + " "
                        + harness.port("web") + "\r\n";
                assertEquals(expected, new String(member.captured().get(0), StandardCharsets.US_ASCII));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void versionTwoIsBinaryIpv4(Transport transport) throws Exception {
        try (TcpBackend member = TcpBackend.start("m").capture(28);
             RelayHarness harness = new RelayHarness(transport)) {
            harness.apply(config(PoolProtocol.PROXYV2, "127.0.0.1", member));
            try (Socket client = harness.connectFrom("web", InetAddress.getByName("127.0.0.6"))) {
                assertEquals("m", greeting(client));
                ByteBuffer expected = ByteBuffer.allocate(28).put(SIGNATURE).put((byte) 0x21).put((byte) 0x11)
                        .putShort((short) 12).put(new byte[] {127, 0, 0, 6}).put(new byte[] {127, 0, 0, 1})
                        .putShort((short) client.getLocalPort()).putShort((short) harness.port("web"));
                assertArrayEquals(expected.array(), member.captured().get(0));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void versionTwoCarriesIpv6Clients(Transport transport) throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (TcpBackend member = TcpBackend.start("m", v6).capture(52);
             RelayHarness harness = new RelayHarness(transport)) {
            harness.apply(config(PoolProtocol.PROXYV2, "::1", member));
            try (Socket client = harness.connectFrom("web", v6)) {
                assertEquals("m", greeting(client));
                Await.until(() -> !member.captured().isEmpty(), Duration.ofSeconds(5), "the header");
                ByteBuffer expected = ByteBuffer.allocate(52).put(SIGNATURE).put((byte) 0x21).put((byte) 0x21)
                        .putShort((short) 36).put(v6.getAddress()).put(v6.getAddress())
                        .putShort((short) client.getLocalPort()).putShort((short) harness.port("web"));
                assertArrayEquals(expected.array(), member.captured().get(0));
            }
        }
    }

    private static io.edgelb.model.Config config(PoolProtocol protocol, String address, TcpBackend member) {
        return TestConfig.create()
                .listener(Listener.of("web", address, 0, "web"))
                .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN).withProtocol(protocol))
                .member(Member.of("m", "web", address, member.port()))
                .build();
    }
}
