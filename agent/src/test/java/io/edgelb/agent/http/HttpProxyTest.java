package io.edgelb.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.net.Transport;
import io.edgelb.agent.relay.HttpCounters;
import io.edgelb.agent.relay.ListenerRuntime;
import io.edgelb.agent.testing.Closer;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.agent.testing.TestConfig;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Listener;
import io.edgelb.model.Member;
import io.edgelb.model.MonitorType;
import io.edgelb.model.OperatingStatus;
import io.edgelb.model.Pool;
import io.edgelb.model.PoolProtocol;
import io.edgelb.testkit.Await;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The HTTP listener end to end: real sockets on 127.0.0.1, members on blocking sockets. */
class HttpProxyTest {
    private static final List<String> ALL_HEADERS = List.of("X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto");

    private final Closer closer = new Closer();

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    private HttpMember member(String name) throws Exception {
        HttpMember member = HttpMember.start(name);
        closer.add(member);
        return member;
    }

    private static Listener web() {
        return Listener.http("web", "127.0.0.1", 0, "web", ALL_HEADERS);
    }

    private RelayHarness proxy(Transport transport, Listener listener, int... memberPorts) throws Exception {
        RelayHarness harness = new RelayHarness(transport);
        closer.add(harness);
        TestConfig config = TestConfig.create().listener(listener)
                .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN).withProtocol(PoolProtocol.HTTP));
        for (int i = 0; i < memberPorts.length; i++) {
            config.member(Member.of("m" + i, "web", "127.0.0.1", memberPorts[i]));
        }
        return harness.apply(config.build());
    }

    private HttpClient client(RelayHarness harness) throws Exception {
        HttpClient client = new HttpClient(harness.connect("web"));
        closer.add(client);
        return client;
    }

    private static void assertProxyAnswer(HttpClient.Response response, int status, HttpClient client) {
        assertNotNull(response, "an answer, not a bare close");
        assertEquals(status, response.status(), response.statusLine());
        assertEquals("close", response.header("connection"));
        assertEquals("text/plain", response.header("content-type"));
        assertTrue(response.body().startsWith("edgelb: " + status + " "), response.body());
        assertTrue(client.closedByPeer(), "the connection is closed after the answer");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void insertsForwardedHeadersAsTheMemberSeesThem(Transport transport) throws Exception {
        HttpMember m = member("a");
        RelayHarness harness = proxy(transport, web(), m.port());
        HttpClient client = client(harness);
        HttpClient.Response response = client.send("GET /where HTTP/1.1\r\nHost: test\r\n"
                + "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Port: 1\r\n\r\n").read();
        assertEquals(200, response.status());
        assertEquals("203.0.113.7, 127.0.0.1", response.seen("x-forwarded-for"), "appended, earlier hops kept");
        assertEquals(Integer.toString(harness.port("web")), response.seen("x-forwarded-port"), "the listener's port");
        assertEquals("http", response.seen("x-forwarded-proto"), "a client cannot claim https");
        assertEquals("GET /where HTTP/1.1", response.seen("request"));
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void withoutInsertHeadersNothingIsAdded(Transport transport) throws Exception {
        HttpMember m = member("a");
        RelayHarness harness = proxy(transport, Listener.http("web", "127.0.0.1", 0, "web", List.of()), m.port());
        HttpClient.Response response = client(harness).get("/").read();
        assertEquals(200, response.status());
        assertNull(response.seen("x-forwarded-for"));
        assertNull(response.seen("x-forwarded-proto"));
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void keepAliveServesSeveralRequestsOnOneMemberConnection(Transport transport) throws Exception {
        HttpMember m = member("a");
        RelayHarness harness = proxy(transport, web(), m.port());
        HttpClient client = client(harness);
        for (int i = 0; i < 5; i++) {
            HttpClient.Response response = client.get("/r" + i).read();
            assertEquals(200, response.status());
            assertEquals("GET /r" + i + " HTTP/1.1", response.seen("request"));
            assertNull(response.header("connection"), "kept alive");
        }
        // Pipelined: three requests in one write, answered in order.
        client.send("GET /p1 HTTP/1.1\r\nHost: t\r\n\r\nGET /p2 HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /p3 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        for (int i = 1; i <= 3; i++) {
            assertEquals("GET /p" + i + " HTTP/1.1", client.read().seen("request"));
        }
        assertTrue(client.closedByPeer(), "Connection: close is honoured");
        assertEquals(1, m.connections(), "one member connection served all eight requests");
        HttpCounters counters = harness.listener("web").http();
        assertEquals(8, counters.requests());
        assertEquals(8, counters.responses(2));
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aNewMemberIsChosenWhenTheMemberConnectionClosed(Transport transport) throws Exception {
        HttpMember m = member("a");
        RelayHarness harness = proxy(transport, web(), m.port());
        HttpClient client = client(harness);
        HttpClient.Response first = client.send("GET /1 HTTP/1.1\r\nHost: t\r\n\r\n").read();
        assertEquals(200, first.status());
        client.send("GET /2 HTTP/1.1\r\nHost: t\r\n\r\n");
        assertEquals(200, client.read().status());
        assertEquals(1, m.connections());
        m.closeConnections(); // the member closes its side between requests
        Await.until(() -> harness.member("m0").activeConnections() == 0, Duration.ofSeconds(5),
                "the agent to see the member close");
        assertEquals(200, client.get("/3").read().status(), "answered over a new member connection");
        assertEquals(2, m.connections());
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aChunkedRequestBodyOfMegabytesIsStreamedIntact(Transport transport) throws Exception {
        HttpMember m = member("a");
        RelayHarness harness = proxy(transport, web(), m.port());
        HttpClient client = client(harness);
        byte[] data = new byte[4 * 1024 * 1024 + 123];
        new Random(7).nextBytes(data);
        client.send("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
        OutputStream out = client.socket().getOutputStream();
        for (int offset = 0; offset < data.length; offset += 100_000) {
            int n = Math.min(100_000, data.length - offset);
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data, offset, n);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        HttpClient.Response response = client.read();
        assertEquals(200, response.status());
        assertEquals(Integer.toString(data.length), response.seen("body-length"));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)),
                response.seen("body-sha256"));
        // And a Content-Length body on the same connection.
        client.send("PUT /again HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
        assertEquals("5", client.read().seen("body-length"));
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aSlowReadingClientStopsTheMemberInsteadOfFillingMemory(Transport transport) throws Exception {
        long total = 64L * 1024 * 1024;
        HttpMember m = member("a").big(total);
        RelayHarness harness = proxy(transport, web(), m.port());
        Socket socket = new Socket();
        socket.setReceiveBufferSize(64 * 1024);
        socket.setSoTimeout(10_000);
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", harness.port("web")), 5_000);
        HttpClient client = new HttpClient(socket);
        closer.add(client);
        client.get("/big");
        ListenerRuntime web = harness.listener("web");
        long[] last = {-1};
        Await.until(() -> {
            long now = web.bytesOut();
            boolean stalled = now > 0 && now == last[0];
            last[0] = now;
            return stalled;
        }, Duration.ofSeconds(10), "the proxy to stop reading from the member");
        long buffered = web.bytesOut();
        assertTrue(buffered < 24L * 1024 * 1024, "proxy read " + buffered + " bytes of 64 MiB for a client that reads nothing");
        assertTrue(m.written() < total, "the member is held back too");
        InputStream in = socket.getInputStream();
        String head = HttpMember.line(in);
        assertEquals("HTTP/1.1 200 OK", head);
        for (String line = HttpMember.line(in); !line.isEmpty(); line = HttpMember.line(in)) {
            // headers
        }
        assertEquals(total, in.readNBytes((int) total).length, "once the client reads, everything arrives");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void anHttp10ClientIsAnsweredAndClosedOrKeptAsItAsks(Transport transport) throws Exception {
        HttpMember m = member("a");
        RelayHarness harness = proxy(transport, web(), m.port());
        HttpClient plain = client(harness);
        HttpClient.Response response = plain.send("GET /old HTTP/1.0\r\n\r\n").read();
        assertEquals(200, response.status());
        assertEquals("GET /old HTTP/1.0", response.seen("request"), "the member sees HTTP/1.0");
        assertEquals("close", response.header("connection"));
        assertTrue(plain.closedByPeer(), "HTTP/1.0 without keep-alive is closed after the response");

        HttpClient kept = client(harness);
        for (int i = 0; i < 2; i++) {
            HttpClient.Response r = kept.send("GET /k" + i + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals("keep-alive", r.header("connection"), "an HTTP/1.0 client is told it is kept");
        }
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void answers503WhenNoMemberCanTakeTheRequest(Transport transport) throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        RelayHarness harness = proxy(transport, web(), closedPort);
        HttpClient client = client(harness);
        assertProxyAnswer(client.get("/").read(), 503, client);
        Await.until(() -> harness.listener("web").http().responses(5) == 1, "the 503 counted");
        assertEquals(1, harness.listener("web").rejectedCount(ListenerRuntime.Rejection.CONNECT_FAILED));

        RelayHarness empty = proxy(transport, Listener.http("web", "127.0.0.1", 0, "web", List.of()));
        HttpClient nobody = client(empty);
        assertProxyAnswer(nobody.get("/").read(), 503, nobody);
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void answers502WhenTheMemberClosesBeforeItsResponse(Transport transport) throws Exception {
        HttpMember m = member("a").mode(HttpMember.Mode.CLOSE_AFTER_REQUEST);
        RelayHarness harness = proxy(transport, web(), m.port());
        HttpClient client = client(harness);
        assertProxyAnswer(client.get("/").read(), 502, client);
        assertEquals(1, m.seen().size(), "the member did get the request");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void answers504WhenTheMemberNeverAnswers(Transport transport) throws Exception {
        HttpMember m = member("a").mode(HttpMember.Mode.SILENT);
        Listener impatient = web().withLimits(Listener.UNLIMITED, 60_000, 5_000, 300);
        RelayHarness harness = proxy(transport, impatient, m.port());
        HttpClient client = client(harness);
        long start = System.nanoTime();
        assertProxyAnswer(client.get("/").read(), 504, client);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 250 && ms < 5_000, "after timeout_member_data, took " + ms + " ms");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void answers400ToGarbage(Transport transport) throws Exception {
        HttpMember m = member("a");
        RelayHarness harness = proxy(transport, web(), m.port());
        HttpClient client = client(harness);
        assertProxyAnswer(client.send("\u0016\u0003\u0001 this is no request\r\n\r\n").read(), 400, client);
        HttpClient badLength = client(harness);
        assertProxyAnswer(badLength.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n").read(), 400,
                badLength);
        HttpClient http2 = client(harness);
        assertProxyAnswer(http2.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").read(), 505, http2);
        assertEquals(0, m.connections(), "nothing reached the member");
        Await.until(() -> harness.listener("web").http().requestErrors() == 3, "three request errors");
        assertEquals(3, harness.listener("web").requestErrors(), "they are Octavia's request_errors");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void answers431ToOversizedHeaders(Transport transport) throws Exception {
        HttpMember m = member("a");
        RelayHarness harness = proxy(transport, web(), m.port());
        HttpClient client = client(harness);
        String big = "X-Big: " + "a".repeat(20 * 1024) + "\r\n";
        assertProxyAnswer(client.send("GET / HTTP/1.1\r\nHost: t\r\n" + big + "\r\n").read(), 431, client);
        assertEquals(0, m.connections());
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void answers408WhenTheRequestHeaderNeverCompletes(Transport transport) throws Exception {
        HttpMember m = member("a");
        Listener quick = Listener.of("web", "127.0.0.1", 0, "web").withHttp(List.of(), 300);
        RelayHarness harness = proxy(transport, quick, m.port());
        HttpClient client = client(harness);
        long start = System.nanoTime();
        client.send("GET / HTTP/1.1\r\nHost: t\r\n"); // no blank line: the header never ends
        assertProxyAnswer(client.read(), 408, client);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 250 && ms < 5_000, "after timeout_http_request, took " + ms + " ms");
        assertEquals(0, m.connections());
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void anIdleKeepAliveClientIsClosedAfterTheClientDataTimeout(Transport transport) throws Exception {
        HttpMember m = member("a");
        Listener idle = web().withLimits(Listener.UNLIMITED, 300, 5_000, 60_000);
        RelayHarness harness = proxy(transport, idle, m.port());
        HttpClient client = client(harness);
        assertEquals(200, client.get("/").read().status());
        long start = System.nanoTime();
        assertTrue(client.closedByPeer(), "closed without an answer");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 200 && ms < 5_000, "after timeout_client_data, took " + ms + " ms");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void refusesConnectWith501(Transport transport) throws Exception {
        HttpMember m = member("a");
        RelayHarness harness = proxy(transport, web(), m.port());
        HttpClient client = client(harness);
        assertProxyAnswer(client.send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n").read(),
                501, client);
        assertEquals(0, m.connections());
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aWebSocketUpgradeBecomesAByteRelayBothWays(Transport transport) throws Exception {
        HttpMember m = member("a").mode(HttpMember.Mode.UPGRADE);
        RelayHarness harness = proxy(transport, web(), m.port());
        HttpClient client = client(harness);
        HttpClient.Response switched = client.send("GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\n"
                + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                .read();
        assertEquals(101, switched.status(), switched.statusLine());
        assertEquals("websocket", switched.header("upgrade"));
        assertEquals("Upgrade", switched.header("connection"));
        assertEquals("websocket", m.seen().get(0).header("upgrade"), "the Upgrade request reached the member");
        InputStream in = client.input();
        assertEquals("welcome", HttpMember.line(in), "bytes the member sent with its 101 are not lost");
        byte[] data = new byte[300_000];
        new Random(3).nextBytes(data);
        OutputStream out = client.socket().getOutputStream();
        out.write(data);
        out.flush();
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)),
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readNBytes(data.length))),
                "raw bytes, not HTTP, both ways");
        client.socket().shutdownOutput();
        assertTrue(client.closedByPeer(), "the client's FIN reaches the member, whose close reaches the client");
        assertEquals(1, harness.listener("web").http().responses(1));
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aDeclinedUpgradeStaysHttp(Transport transport) throws Exception {
        HttpMember m = member("a");
        RelayHarness harness = proxy(transport, web(), m.port());
        HttpClient client = client(harness);
        HttpClient.Response declined = client.send("GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\n"
                + "Upgrade: websocket\r\n\r\n").read();
        assertEquals(200, declined.status());
        assertEquals("GET /next HTTP/1.1", client.get("/next").read().seen("request"));
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aTcpListenerStillRelaysBytesUnchanged(Transport transport) throws Exception {
        TcpBackend echo = TcpBackend.start("echo").greet(false);
        closer.add(echo);
        RelayHarness harness = new RelayHarness(transport);
        closer.add(harness);
        harness.apply(TestConfig.create().listener("web", "web").pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN))
                .member("e", "web", echo).build());
        try (Socket socket = harness.connect("web")) {
            byte[] notHttp = "GET / HTTP/1.1\r\nbroken header\r\n\r\n\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
            socket.getOutputStream().write(notHttp);
            socket.shutdownOutput();
            assertEquals(new String(notHttp, StandardCharsets.ISO_8859_1),
                    new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1),
                    "no header inserted, nothing parsed");
        }
        assertEquals(0, harness.listener("web").http().requests());
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void healthChecksOfAnHttpPoolSendNoProxyHeader(Transport transport) throws Exception {
        HttpMember m = member("a");
        RelayHarness harness = new RelayHarness(transport);
        closer.add(harness);
        harness.apply(TestConfig.create().listener(web())
                .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN).withProtocol(PoolProtocol.HTTP).withHealthMonitor("hc"))
                .member(Member.of("m0", "web", "127.0.0.1", m.port()))
                .monitor(HealthMonitor.of("hc", MonitorType.HTTP, 200, 100, 1, 1))
                .build());
        Await.until(() -> !m.seen().isEmpty() && harness.member("m0").health().lastCheck() != null
                && harness.member("m0").health().lastCheck().ok()
                && harness.member("m0").status() == OperatingStatus.ONLINE, Duration.ofSeconds(5),
                "the member to read a check as HTTP and the check to pass");
        assertTrue(m.seen().get(0).requestLine().startsWith("GET / HTTP/1."), m.seen().get(0).requestLine());
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void theNextRequestLeavesAMemberThatWasRemoved(Transport transport) throws Exception {
        HttpMember a = member("a");
        HttpMember b = member("b");
        RelayHarness harness = new RelayHarness(transport);
        closer.add(harness);
        TestConfig config = TestConfig.create().listener(web())
                .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN).withProtocol(PoolProtocol.HTTP))
                .member(Member.of("a", "web", "127.0.0.1", a.port()))
                .member(Member.of("b", "web", "127.0.0.1", b.port()));
        harness.apply(config.build());
        HttpClient client = client(harness);
        String first = client.get("/1").read().seen("member");
        assertEquals(first, client.get("/2").read().seen("member"), "kept on its member connection");
        harness.apply(config.without(first).build());
        HttpMember removed = first.equals("a") ? a : b;
        Await.until(() -> removed.openConnections() == 0, Duration.ofSeconds(5),
                "the idle client to let go of its removed member without waiting for the drain deadline");
        String other = first.equals("a") ? "b" : "a";
        assertEquals(other, client.get("/3").read().seen("member"), "a removed member takes no new request");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aDualStackListenerForwardsIpv4ClientsAsIpv4AndIpv6WithoutBrackets(Transport transport) throws Exception {
        HttpMember m = member("a");
        RelayHarness harness = proxy(transport, Listener.http("web", Listener.DEFAULT_ADDRESS, 0, "web", ALL_HEADERS),
                m.port());
        HttpClient v4 = client(harness);
        assertEquals("127.0.0.1", v4.get("/").read().seen("x-forwarded-for"), "not ::ffff:127.0.0.1");
        Socket socket = new Socket();
        socket.setSoTimeout(10_000);
        socket.connect(new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), harness.port("web")), 5_000);
        HttpClient v6 = closer.add(new HttpClient(socket));
        assertEquals("::1", v6.get("/").read().seen("x-forwarded-for"));
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void chunkedAndCloseDelimitedResponsesReachTheClientWhole(Transport transport) throws Exception {
        HttpMember m = member("a").framing(HttpMember.Framing.CHUNKED);
        RelayHarness harness = proxy(transport, web(), m.port());
        HttpClient client = client(harness);
        HttpClient.Response chunked = client.get("/c").read();
        assertEquals("chunked", chunked.header("transfer-encoding"));
        assertEquals("GET /c HTTP/1.1", chunked.seen("request"));
        assertEquals("member=a", chunked.body().split("\n")[0]);
        m.framing(HttpMember.Framing.CLOSE);
        HttpClient.Response untilClose = client.get("/u").read();
        assertEquals("GET /u HTTP/1.1", untilClose.seen("request"));
        assertTrue(untilClose.body().endsWith("\n"), "the body up to the member's close");
        assertEquals("close", untilClose.header("connection"), "the client cannot be kept: its body ends with the close");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void headAndExpectContinueKeepTheConnectionInStep(Transport transport) throws Exception {
        HttpMember m = member("a");
        RelayHarness harness = proxy(transport, web(), m.port());
        HttpClient client = client(harness);
        HttpClient.Response head = client.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n").readHead();
        assertEquals(200, head.status());
        assertNotNull(head.header("content-length"), "the length of the body a GET would have");
        client.send("POST /e HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
        assertEquals(100, client.read().status(), "the member's 100 Continue is passed on before the body");
        client.send("data");
        HttpClient.Response posted = client.read();
        assertEquals(200, posted.status());
        assertEquals("4", posted.seen("body-length"));
        assertEquals("GET /after HTTP/1.1", client.get("/after").read().seen("request"), "still in step");
        assertEquals(1, m.connections());
        HttpCounters counters = harness.listener("web").http();
        assertEquals(1, counters.responses(1));
        assertEquals(3, counters.responses(2));
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void removingTheListenerClosesItsIdleKeepAliveClients(Transport transport) throws Exception {
        HttpMember m = member("a");
        RelayHarness harness = new RelayHarness(transport);
        closer.add(harness);
        Pool pool = Pool.of("web", LbAlgorithm.ROUND_ROBIN).withProtocol(PoolProtocol.HTTP);
        harness.apply(TestConfig.create().listener(web()).pool(pool)
                .member(Member.of("a", "web", "127.0.0.1", m.port())).build());
        HttpClient idle = client(harness);
        assertEquals(200, idle.get("/").read().status());
        harness.apply(TestConfig.create().pool(pool).member(Member.of("a", "web", "127.0.0.1", m.port())).build());
        assertTrue(idle.closedByPeer(), "an idle keep-alive client of a removed listener is closed");
        assertEquals(0, harness.reconciler().closeAllConnections(), "nothing left open");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aMemberThatReadsNoBodyStopsTheClientInsteadOfFillingMemory(Transport transport) throws Exception {
        long total = 64L * 1024 * 1024;
        HttpMember m = member("a").mode(HttpMember.Mode.HOLD_BODY);
        RelayHarness harness = proxy(transport, web(), m.port());
        HttpClient client = client(harness);
        client.send("PUT /big HTTP/1.1\r\nHost: t\r\nContent-Length: " + total + "\r\n\r\n");
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        closer.add(writer::shutdownNow);
        java.util.concurrent.Future<?> upload = writer.submit(() -> {
            byte[] chunk = new byte[64 * 1024];
            OutputStream out = client.socket().getOutputStream();
            for (long left = total; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
            out.flush();
            return null;
        });
        ListenerRuntime web = harness.listener("web");
        long[] last = {-1};
        Await.until(() -> {
            long now = web.bytesIn();
            boolean stalled = now > 0 && now == last[0];
            last[0] = now;
            return stalled;
        }, Duration.ofSeconds(10), "the proxy to stop reading from the client");
        long buffered = web.bytesIn();
        assertTrue(buffered < 24L * 1024 * 1024, "proxy read " + buffered + " bytes of a 64 MiB body nobody takes");
        m.release();
        upload.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(Long.toString(total), client.read().seen("body-length"), "then the whole body arrives");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aMemberFailingMidResponseClosesTheClientWithTheResponseVisiblyCut(Transport transport) throws Exception {
        HttpMember m = member("a").mode(HttpMember.Mode.CUT);
        RelayHarness harness = proxy(transport, web(), m.port());
        for (HttpMember.Framing framing : List.of(HttpMember.Framing.LENGTH, HttpMember.Framing.CHUNKED)) {
            m.framing(framing);
            HttpClient client = client(harness);
            client.get("/");
            InputStream in = client.input();
            assertEquals("HTTP/1.1 200 OK", HttpMember.line(in), "the response had started: no 502 now");
            for (String line = HttpMember.line(in); !line.isEmpty(); line = HttpMember.line(in)) {
                // headers
            }
            String rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1); // up to the close
            String expected = framing == HttpMember.Framing.CHUNKED ? "5\r\nhello\r\n" : "hello";
            assertEquals(expected, rest, framing + ": what the member sent, then the close; no last chunk");
        }
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aMemberThatClosesAfterEachResponseDoesNotCloseTheClient(Transport transport) throws Exception {
        HttpMember m = member("a").closeEach(true);
        RelayHarness harness = proxy(transport, web(), m.port());
        HttpClient client = client(harness);
        for (int i = 0; i < 3; i++) {
            HttpClient.Response response = client.get("/" + i).read();
            assertEquals(200, response.status());
            assertNull(response.header("connection"), "the member's Connection: close is hop-by-hop");
        }
        assertEquals(3, m.connections(), "a new member connection for each request");
    }
}
