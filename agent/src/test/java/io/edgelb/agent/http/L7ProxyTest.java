package io.edgelb.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.net.Transport;
import io.edgelb.agent.testing.Closer;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TestConfig;
import io.edgelb.model.Config;
import io.edgelb.model.L7Action;
import io.edgelb.model.L7CompareType;
import io.edgelb.model.L7Policy;
import io.edgelb.model.L7Rule;
import io.edgelb.model.L7RuleType;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Listener;
import io.edgelb.model.Member;
import io.edgelb.model.Pool;
import io.edgelb.model.PoolProtocol;
import io.edgelb.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** L7 policies end to end: real sockets on 127.0.0.1, a default pool 'web' and a second pool 'api'. */
class L7ProxyTest {
    private final Closer closer = new Closer();
    private final Map<String, L7Policy> policies = new LinkedHashMap<>();
    private final Map<String, L7Rule> rules = new LinkedHashMap<>();
    private HttpMember web;
    private HttpMember api;

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    private L7ProxyTest policy(String id, L7Action action, int position, String pool, String url, String prefix,
                               int code) {
        policies.put(id, new L7Policy(id, "web", action, position, pool, url, prefix, code, true));
        return this;
    }

    private L7ProxyTest rule(String policy, L7RuleType type, L7CompareType compare, String key, String value,
                             boolean invert) {
        String id = policy + "_r" + rules.size();
        rules.put(id, new L7Rule(id, policy, type, compare, key, value, invert, true));
        return this;
    }

    private RelayHarness proxy(Transport transport) throws Exception {
        web = HttpMember.start("web");
        closer.add(web);
        api = HttpMember.start("api");
        closer.add(api);
        RelayHarness harness = new RelayHarness(transport);
        closer.add(harness);
        Config config = TestConfig.create().listener(Listener.http("web", "127.0.0.1", 0, "web", List.of()))
                .pool(Pool.of("web", LbAlgorithm.ROUND_ROBIN).withProtocol(PoolProtocol.HTTP))
                .pool(Pool.of("api", LbAlgorithm.ROUND_ROBIN).withProtocol(PoolProtocol.HTTP))
                .member(Member.of("w0", "web", "127.0.0.1", web.port()))
                .member(Member.of("a0", "api", "127.0.0.1", api.port()))
                .build().withL7(policies, rules);
        assertEquals(List.of(), io.edgelb.model.ConfigValidator.validate(config).stream() // port 0: the harness binds
                .filter(p -> p.isError() && p.kind().uciType().startsWith("l7")).toList());
        return harness.apply(config);
    }

    private HttpClient client(RelayHarness harness) throws Exception {
        HttpClient client = new HttpClient(harness.connect("web"));
        closer.add(client);
        return client;
    }

    private static String served(HttpClient client, String request) throws Exception {
        HttpClient.Response response = client.send(request).read();
        assertNotNull(response);
        assertEquals(200, response.status(), response.statusLine());
        return response.seen("member");
    }

    private static String get(String target, String... headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: shop.example\r\n" + String.join("", headers) + "\r\n";
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void policiesActByPositionWhenAllTheirRulesMatch(Transport transport) throws Exception {
        // Lower position first, whatever the order given; 'block' needs both of its rules.
        policy("to_api", L7Action.REDIRECT_TO_POOL, 2, "api", null, null, 302)
                .rule("to_api", L7RuleType.PATH, L7CompareType.STARTS_WITH, null, "/api/", false);
        policy("block", L7Action.REJECT, 1, null, null, null, 302)
                .rule("block", L7RuleType.PATH, L7CompareType.STARTS_WITH, null, "/api/", false)
                .rule("block", L7RuleType.HEADER, L7CompareType.EQUAL_TO, "X-Block", "yes", false);
        policy("empty", L7Action.REJECT, 1, null, null, null, 302); // no rules: never matches
        RelayHarness harness = proxy(transport);
        HttpClient client = client(harness);
        assertEquals("web", served(client, get("/shop")), "no policy: the default pool");
        assertEquals("api", served(client, get("/api/v1")), "one rule of 'block' fails: 'to_api' acts");
        assertEquals("web", served(client, get("/shop")), "back to the default pool");
        HttpClient.Response rejected = client.send(get("/api/v1", "X-Block: yes\r\n")).read();
        assertEquals(403, rejected.status());
        assertTrue(rejected.body().startsWith("edgelb: 403 "), rejected.body());
        assertTrue(client.closedByPeer());
        assertEquals(1, api.seen().size(), "the rejected request reached no member");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void aRequestForAnotherPoolClosesTheKeptMemberConnection(Transport transport) throws Exception {
        policy("to_api", L7Action.REDIRECT_TO_POOL, 1, "api", null, null, 302)
                .rule("to_api", L7RuleType.HOST_NAME, L7CompareType.EQUAL_TO, null, "API.example", false);
        RelayHarness harness = proxy(transport);
        HttpClient client = client(harness);
        assertEquals("web", served(client, get("/a")));
        assertEquals("web", served(client, get("/b")));
        assertEquals(1, web.connections(), "kept alive while the pool stays");
        assertEquals("api", served(client, "GET /c HTTP/1.1\r\nHost: api.EXAMPLE\r\n\r\n"));
        Await.until(() -> harness.member("w0").activeConnections() == 0, Duration.ofSeconds(5),
                "the web member connection closed");
        assertEquals(1, harness.member("a0").activeConnections());
        assertEquals("web", served(client, get("/d")));
        assertEquals(2, web.connections(), "a new connection to the default pool's member");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void redirectsSayTheirCodeAndExactLocation(Transport transport) throws Exception {
        policy("moved", L7Action.REDIRECT_TO_URL, 1, null, "https://new.example/landing?x=1", null, 301)
                .rule("moved", L7RuleType.FILE_TYPE, L7CompareType.EQUAL_TO, null, "php", false);
        policy("prefix", L7Action.REDIRECT_PREFIX, 2, null, null, "https://secure.example", 308)
                .rule("prefix", L7RuleType.COOKIE, L7CompareType.EQUAL_TO, "tls", "1", false);
        policy("default_code", L7Action.REDIRECT_TO_URL, 3, null, "http://other.example/", null, 302)
                .rule("default_code", L7RuleType.PATH, L7CompareType.EQUAL_TO, null, "/old", false);
        RelayHarness harness = proxy(transport);

        HttpClient.Response moved = client(harness).send(get("/index.php?a=b")).read();
        assertEquals(301, moved.status());
        assertEquals("https://new.example/landing?x=1", moved.header("location"));

        HttpClient.Response prefix = client(harness).send(get("/cart/1?item=2&q=%20", "Cookie: a=b; tls=1\r\n")).read();
        assertEquals(308, prefix.status());
        assertEquals("https://secure.example/cart/1?item=2&q=%20", prefix.header("location"));

        HttpClient other = client(harness);
        HttpClient.Response code = other.send(get("/old")).read();
        assertEquals(302, code.status());
        assertEquals("http://other.example/", code.header("location"));
        assertTrue(other.closedByPeer());
        assertEquals(0, web.seen().size(), "redirects are the proxy's own answers");
        assertEquals(3, harness.listener("web").http().responses(3));
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void invertMatchesWhenTheRuleDoesNot(Transport transport) throws Exception {
        policy("only_get", L7Action.REJECT, 1, null, null, null, 302)
                .rule("only_get", L7RuleType.HEADER, L7CompareType.REGEX, "User-Agent", "^curl/", true);
        RelayHarness harness = proxy(transport);
        assertEquals("web", served(client(harness), get("/", "User-Agent: curl/8.0\r\n")));
        assertEquals(403, client(harness).send(get("/", "User-Agent: bot\r\n")).read().status());
        assertEquals(403, client(harness).send(get("/")).read().status(), "a missing header does not match: inverted, it does");
    }

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aCatastrophicRegexIsCutShortAndCountsAsNoMatch(Transport transport) throws Exception {
        // ^(a|a)*\1$ against a run of a's that ends in '!' backtracks 2^n times in java.util.regex
        // (Java 17 copes with the textbook (a+)+$, not with this one: 24 a's take seconds).
        policy("evil", L7Action.REJECT, 1, null, null, null, 302)
                .rule("evil", L7RuleType.HEADER, L7CompareType.REGEX, "X-Evil", "^(a|a)*\\1$", false);
        RelayHarness harness = proxy(transport);
        HttpClient client = client(harness);
        long start = System.nanoTime();
        assertEquals("web", served(client, get("/", "X-Evil: " + "a".repeat(60) + "!\r\n")),
                "an aborted match is no match: the default pool serves");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "answered without minutes of backtracking");
        assertEquals(1, harness.listener("web").http().regexAbortedCount());
        assertEquals(403, client.send(get("/", "X-Evil: aaaa\r\n")).read().status(), "a plain match still acts");
        assertEquals(1, harness.listener("web").http().regexAbortedCount());
    }
}
