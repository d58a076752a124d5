package io.edgelb.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgelb.agent.health.NginxMember;
import io.edgelb.agent.net.Transport;
import io.edgelb.agent.testing.Closer;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TestConfig;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Listener;
import io.edgelb.model.Member;
import io.edgelb.model.Pool;
import io.edgelb.model.PoolProtocol;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A real nginx behind an HTTP listener: what it receives, over one kept-alive connection. */
class HttpNginxMemberTest {
    private final Closer closer = new Closer();

    @TempDir
    Path prefix;

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void nginxSeesTheForwardedHeaders(Transport transport) throws Exception {
        Assumptions.assumeTrue(NginxMember.available(), "nginx and openssl are needed");
        NginxMember nginx = closer.add(NginxMember.start(prefix));
        RelayHarness harness = closer.add(new RelayHarness(transport)).apply(TestConfig.create()
                .listener(Listener.http("web", "127.0.0.1", 0, "web", List.of("X-Forwarded-For", "X-Forwarded-Proto")))
                .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN).withProtocol(PoolProtocol.HTTP))
                .member(Member.of("nginx", "web", "127.0.0.1", nginx.plainHttp.getPort()))
                .build());
        HttpClient client = closer.add(new HttpClient(harness.connect("web")));
        for (int i = 0; i < 3; i++) {
            HttpClient.Response response = client.send("GET /forwarded HTTP/1.1\r\nHost: localhost\r\n"
                    + "X-Forwarded-For: 198.51.100.9\r\n\r\n").read();
            assertEquals(200, response.status(), response.statusLine());
            assertEquals("198.51.100.9, 127.0.0.1|http", response.body());
        }
        assertEquals(1, harness.member("nginx").totalConnections(), "nginx kept the member connection alive");
    }
}
