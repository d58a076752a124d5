package io.edgelb.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import io.edgelb.agent.daemon.Agent;
import io.edgelb.agent.daemon.ConfigSource;
import io.edgelb.agent.daemon.ConfigSources;
import io.edgelb.agent.net.Transport;
import io.edgelb.testkit.Await;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TcpBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local API of a real agent: status shape, Prometheus format, who may change what. */
class AgentApiTest {
    private static final Pattern SAMPLE = Pattern.compile("[a-z_]+(\\{([a-z_]+=\"[^\"]*\",?)+})? -?\\d+");

    @TempDir
    Path dir;
    private TcpBackend backend;
    private Agent agent;
    private String api;
    private int port;
    private int httpPort;

    @BeforeEach
    void start() throws Exception {
        backend = TcpBackend.start("m");
        port = freePort();
        httpPort = freePort();
        api = "127.0.0.1:" + freePort();
        String uci = String.join("\n",
                "config agent 'main'", "\toption api '" + api + "'", "\toption state_dir '" + dir + "'", "",
                "config listener 'web_tcp'", "\toption address '127.0.0.1'", "\toption port '" + port + "'",
                "\toption pool 'web'", "",
                "config pool 'web'", "\toption healthmonitor 'web_check'", "",
                "config healthmonitor 'web_check'", "\toption type 'TCP'", "\toption delay '0.2'",
                "\toption timeout '0.1'", "",
                "config member 'web_1'", "\toption pool 'web'", "\toption address '127.0.0.1'",
                "\toption protocol_port '" + backend.port() + "'", "",
                // An HTTP listener whose pool has no member: every request is answered 503.
                "config listener 'web_http'", "\toption protocol 'HTTP'", "\toption address '127.0.0.1'",
                "\toption port '" + httpPort + "'", "\toption pool 'empty'", "",
                "config pool 'empty'", "\toption protocol 'HTTP'", "");
        ConfigSource source = ConfigSources.text("test", uci);
        agent = Agent.start(source, source.load(), Transport.nio());
    }

    @AfterEach
    void stop() throws Exception {
        agent.shutdown("test");
        assertTrue(agent.awaitStopped(15, TimeUnit.SECONDS));
        backend.close();
    }

    private record Reply(int status, String body) {
    }

    private Reply call(String method, String path, String authorization) throws IOException {
        return call(method, path, authorization, "");
    }

    private Reply call(String method, String path, String authorization, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://" + api + path).toURL().openConnection();
        c.setRequestMethod(method);
        if (authorization != null) {
            c.setRequestProperty("Authorization", authorization);
        }
        if (method.equals("POST")) {
            c.setDoOutput(true);
            try (var out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.US_ASCII));
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        return new Reply(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    private String token() throws IOException {
        return Files.readString(dir.resolve("api.token")).trim();
    }

    @Test
    void statusDescribesListenersPoolsAndMembers() throws Exception {
        try (Socket client = new Socket("127.0.0.1", port)) {
            assertEquals("m", RelayHarness.greeting(client));
        }
        awaitFirstCheck();
        JsonObject status = Json.parse(call("GET", "/api/status", null).body()).asObject();
        assertEquals("nio", status.getString("transport", ""));
        assertEquals(1, status.getLong("generation", 0));
        assertEquals(true, status.get("last_reload").asObject().getBoolean("ok", false));
        JsonObject listener = status.get("listeners").asArray().get(0).asObject();
        assertEquals("web_tcp", listener.getString("id", ""));
        assertEquals("listening", listener.getString("state", ""));
        assertEquals(1, listener.getLong("total_connections", 0));
        JsonObject member = status.get("pools").asArray().get(0).asObject().get("members").asArray().get(0).asObject();
        assertEquals("web_1", member.getString("id", ""));
        assertEquals(1, member.getLong("total_connections", 0));
        assertEquals("ONLINE", member.getString("operating_status", ""), member.toString());
        assertTrue(member.get("last_check").asObject().getBoolean("ok", false), member.toString());
        assertTrue(member.get("last_check").asObject().getBoolean("active", false), member.toString());
    }

    @Test
    void metricsAreValidPrometheusText() throws Exception {
        Reply metrics = call("GET", "/metrics", null);
        assertEquals(200, metrics.status());
        Set<String> typed = new HashSet<>();
        for (String line : metrics.body().split("\n")) {
            if (line.startsWith("# TYPE ")) {
                assertTrue(typed.add(line.split(" ")[2]), "TYPE once per family: " + line);
            } else if (!line.startsWith("# HELP ")) {
                assertTrue(SAMPLE.matcher(line).matches(), "not a sample line: " + line);
                String family = line.replaceAll("[{ ].*", "");
                assertTrue(typed.contains(family), "sample before its TYPE: " + line);
            }
        }
        assertTrue(metrics.body().contains("edgelb_member_up{pool=\"web\",member=\"web_1\"} "));
        assertTrue(metrics.body().contains("edgelb_listener_connections_total{listener=\"web_tcp\"} 0"));
    }

    @Test
    void changesNeedTheTokenAndAcceptBearerOrBasic() throws Exception {
        assertEquals(401, call("POST", "/api/reload", null).status());
        assertEquals(401, call("POST", "/api/reload", "Bearer wrong").status());
        assertEquals(405, call("GET", "/api/reload", "Bearer " + token()).status());
        Reply unknown = call("GET", "/", null);
        assertEquals(404, unknown.status());
        assertTrue(unknown.body().contains("GET /api/status"), "a 404 names the endpoints: " + unknown.body());
        assertEquals(200, call("POST", "/api/reload", "Bearer " + token()).status());
        String basic = java.util.Base64.getEncoder().encodeToString(("root:" + token()).getBytes(StandardCharsets.UTF_8));
        Reply drained = call("POST", "/api/members/web_1/drain", "Basic " + basic);
        assertEquals(200, drained.status());
        assertEquals("{\"member\":\"web_1\",\"drained\":true}", drained.body().trim());
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(5_000);
            assertNull(RelayHarness.greeting(client), "the only member is drained: the client is closed");
        }
        // uclient-fetch --post-file=<token file>: the token file's content as the body.
        assertEquals(200, call("POST", "/api/members/web_1/enable", null, token() + "\n").status());
        assertEquals(401, call("POST", "/api/members/web_1/enable", null, "wrong\n").status());
    }

    @Test
    void theStatusTableShowsWhatOperatorsNeed() throws Exception {
        awaitFirstCheck();
        String table = io.edgelb.agent.cli.StatusTableAccess.render(
                Json.parse(call("GET", "/api/status", null).body()).asObject());
        assertTrue(table.startsWith("edgelb "), table);
        assertTrue(Pattern.compile("\nweb_tcp +127\\.0\\.0\\.1:" + port + " +relay +web +listening +0 +0 +0 +0B +0B\n")
                .matcher(table).find(), table);
        assertTrue(table.contains("POOL web  ONLINE  ROUND_ROBIN, TCP, monitor web_check"), table);
        assertTrue(Pattern.compile("\n  web_1 +127\\.0\\.0\\.1:" + backend.port() + " +1 +ONLINE ")
                .matcher(table).find(), table);
    }

    /** The member listens from the start: once its first active check is in, it is ONLINE, nothing else. */
    private void awaitFirstCheck() {
        Await.until(() -> {
            try {
                JsonObject member = Json.parse(call("GET", "/api/status", null).body()).asObject().get("pools").asArray()
                        .get(0).asObject().get("members").asArray().get(0).asObject();
                return member.get("last_check").asObject().getBoolean("active", false);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, java.time.Duration.ofSeconds(10), "the first active check of web_1");
    }

    /** Raw bytes to the API on one connection; everything it answers until it closes. */
    private String exchange(String requests) throws IOException {
        String[] hostPort = api.split(":");
        try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderAndCloseAfterTheLast() throws Exception {
        String answers = exchange("POST /api/reload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token()
                + "\r\nContent-Length: 0\r\n\r\n"
                + "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                + "GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n");
        int reload = answers.indexOf("\"ok\":true");
        int metrics = answers.indexOf("# TYPE ");
        assertTrue(reload >= 0, "the reload's answer is not lost: " + answers);
        assertTrue(metrics > reload, "answers come in request order: " + answers);
        assertEquals(2, answers.split("HTTP/1.1 200 OK", -1).length - 1, "nothing after Connection: close: " + answers);
        assertEquals(2, agent.generation());
    }

    @Test
    void requestsNettyCouldNotDecodeAreRefusedNotServed() throws Exception {
        String huge = "X-Filler: " + "a".repeat(100 * 1024) + "\r\n";
        String answer = exchange("GET /api/status HTTP/1.1\r\nHost: x\r\n" + huge + "\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 431 "), answer.lines().findFirst().orElse(""));
        assertTrue(!answer.contains("\"generation\""), "the status must not be served: " + answer);
        String longLine = exchange("GET /api/status?" + "q".repeat(100 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(longLine.startsWith("HTTP/1.1 414 "), longLine.lines().findFirst().orElse(""));
        String garbage = exchange("GET /api/status HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");
        assertTrue(garbage.startsWith("HTTP/1.1 400 "), garbage.lines().findFirst().orElse(""));
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    @Test
    void httpListenerCountsAreInStatusAndMetrics() throws Exception {
        try (Socket client = new Socket("127.0.0.1", httpPort)) {
            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 503 "), answer);
        }
        JsonObject listener = null;
        for (var l : Json.parse(call("GET", "/api/status", null).body()).asObject().get("listeners").asArray()) {
            if (l.asObject().getString("id", "").equals("web_http")) {
                listener = l.asObject();
            }
        }
        assertEquals("HTTP", listener.getString("protocol", ""));
        JsonObject http = listener.get("http").asObject();
        assertEquals(1, http.getLong("requests", 0));
        assertEquals(1, http.get("responses").asObject().getLong("5xx", 0));
        assertEquals(0, http.getLong("request_errors", -1));
        String metrics = call("GET", "/metrics", null).body();
        assertTrue(metrics.contains("edgelb_listener_http_requests_total{listener=\"web_http\"} 1"), metrics);
        assertTrue(metrics.contains("edgelb_listener_http_responses_total{listener=\"web_http\",code=\"5xx\"} 1"));
        assertTrue(metrics.contains("edgelb_listener_http_responses_total{listener=\"web_http\",code=\"2xx\"} 0"));
        assertTrue(metrics.contains("edgelb_listener_http_request_errors_total{listener=\"web_http\"} 0"));
        assertTrue(!metrics.contains("edgelb_listener_http_requests_total{listener=\"web_tcp\""),
                "no HTTP series for a TCP listener");
    }
}
