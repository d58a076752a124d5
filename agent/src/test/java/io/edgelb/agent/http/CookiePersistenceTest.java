package io.edgelb.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.net.Transport;
import io.edgelb.agent.testing.Closer;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TestConfig;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Listener;
import io.edgelb.model.Member;
import io.edgelb.model.Pool;
import io.edgelb.model.PoolProtocol;
import io.edgelb.model.SessionPersistence;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** HTTP_COOKIE persistence over real sockets: two round-robin members, the cookie keeps a client on one. */
class CookiePersistenceTest {
    private final Closer closer = new Closer();

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    private RelayHarness proxy(Transport transport) throws Exception {
        RelayHarness harness = new RelayHarness(transport);
        closer.add(harness);
        TestConfig config = TestConfig.create().listener(Listener.http("web", "127.0.0.1", 0, "web", List.of()))
                .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN).withProtocol(PoolProtocol.HTTP)
                        .withPersistence(SessionPersistence.HTTP_COOKIE));
        for (String name : List.of("a", "b")) {
            HttpMember member = HttpMember.start(name);
            closer.add(member);
            config.member(Member.of(name, "web", "127.0.0.1", member.port()));
        }
        return harness.apply(config.build());
    }

    private HttpClient.Response get(RelayHarness harness, String cookie) throws Exception {
        HttpClient client = new HttpClient(harness.connect("web"));
        closer.add(client);
        return client.send("GET / HTTP/1.1\r\nHost: t\r\n" + (cookie == null ? "" : "Cookie: " + cookie + "\r\n")
                + "Connection: close\r\n\r\n").read();
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void theCookieKeepsAClientOnItsMemberAcrossConnections(Transport transport) throws Exception {
        RelayHarness harness = proxy(transport);
        HttpClient.Response first = get(harness, null);
        String setCookie = first.header("set-cookie");
        assertTrue(setCookie != null && setCookie.startsWith("EDGELB_web=") && setCookie.endsWith("; Path=/; HttpOnly"),
                String.valueOf(setCookie));
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertFalse(cookie.contains("127.0.0.1") || cookie.contains(first.seen("member") + ";"),
                "an opaque token, not the member's address");
        String member = first.seen("member");
        for (int i = 0; i < 4; i++) { // round robin alone would alternate
            HttpClient.Response again = get(harness, "other=1; " + cookie);
            assertEquals(member, again.seen("member"));
            assertNull(again.header("set-cookie"), "the client has the right cookie already");
        }
        HttpClient.Response forged = get(harness, "EDGELB_web=0123456789abcdef01234567");
        assertTrue(forged.header("set-cookie").startsWith("EDGELB_web="), "an unknown token is replaced");
        HttpClient.Response without = get(harness, null);
        assertNotEquals(null, without.header("set-cookie"));
    }
}
