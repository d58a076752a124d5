package io.edgelb.hub.octavia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.edgelb.hub.config.HubConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Octavia client against a fake Keystone + Octavia on loopback: the token comes from Keystone,
 * Octavia's endpoint from the catalog, a 401 gets one fresh token and one retry, lists follow
 * {@code marker} paging and ask only for the fields they need.
 */
class OctaviaClientTest {
    private HttpServer server;
    private String base;
    private final AtomicInteger tokens = new AtomicInteger();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/v3/auth/tokens", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(body.contains("\"name\":\"hub\"") && body.contains("\"password\":\"hubpass\""), body);
            exchange.getResponseHeaders().set("X-Subject-Token", "t" + tokens.incrementAndGet());
            respond(exchange, 201, "{\"token\": {\"expires_at\": \"2099-01-01T00:00:00.000000Z\", \"catalog\": ["
                    + "{\"type\": \"identity\", \"endpoints\": []},"
                    + "{\"type\": \"load-balancer\", \"endpoints\": [{\"interface\": \"admin\", \"url\": \"http://wrong\"},"
                    + " {\"interface\": \"public\", \"region\": \"RegionOne\", \"url\": \"" + base + "/\"}]}]}}");
        });
        server.createContext("/v2/lbaas/loadbalancers", exchange -> {
            String token = exchange.getRequestHeaders().getFirst("X-Auth-Token");
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(token + " " + query);
            if ("t1".equals(token)) {
                respond(exchange, 401, "{\"error\": {\"code\": 401}}"); // revoked early
            } else if (!query.contains("marker=")) {
                respond(exchange, 200, "{\"loadbalancers\": [{\"id\": \"a\"}], \"loadbalancers_links\": [{\"rel\": "
                        + "\"next\", \"href\": \"http://elsewhere:9876/v2/lbaas/loadbalancers?limit=500&marker=a\"}]}");
            } else {
                respond(exchange, 200, "{\"loadbalancers\": [{\"id\": \"b\"}], \"loadbalancers_links\": []}");
            }
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void authenticatesRetriesOnceOn401AndFollowsPages() throws Exception {
        HubConfig.OctaviaAuth auth = new HubConfig.OctaviaAuth("password", base + "/v3", "hub", "hubpass", "Default",
                "hub", "Default", null, null);
        OctaviaClient client = new OctaviaClient(new HubConfig.OctaviaSourceConfig(null, auth, 10_000, "edgelb:",
                "vip", "RegionOne"), System::currentTimeMillis);
        List<JsonObject> all = client.list("loadbalancers", "loadbalancers", "id", "tags");
        assertEquals(List.of("a", "b"), all.stream().map(o -> o.getString("id", "?")).toList());
        assertEquals(2, tokens.get(), "one token, then one fresh token after the 401");
        assertEquals(List.of("t1 limit=500&fields=id&fields=tags", "t2 limit=500&fields=id&fields=tags",
                "t2 limit=500&fields=id&fields=tags&marker=a"), requests, "paged on our own base URL");
        client.list("loadbalancers", "loadbalancers", "id");
        assertEquals(2, tokens.get(), "a valid token is kept until it expires");
    }
}
