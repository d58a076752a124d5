package io.edgelb.agent.http.l7;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.L7CompareType;
import io.edgelb.model.L7Rule;
import io.edgelb.model.L7RuleType;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** Every rule type and compare type against one request, and the bounds on hostile input. */
class RuleMatcherTest {
    private static final HttpRequest REQUEST = request("/static/img/logo.PNG?size=2");

    private static HttpRequest request(String uri) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        request.headers().set("Host", "Shop.Example:8080").set("X-Tenant", "blue-team")
                .add("Cookie", "a=1; session=abc123").add("Cookie", "late=z");
        return request;
    }

    private static RuleMatcher.Result match(L7RuleType type, L7CompareType compare, String key, String value) {
        return new RuleMatcher(new L7Rule("r", "p", type, compare, key, value, false, true)).match(REQUEST);
    }

    private static void matches(L7RuleType type, L7CompareType compare, String key, String value) {
        assertEquals(RuleMatcher.Result.MATCH, match(type, compare, key, value), type + " " + compare + " " + value);
    }

    private static void misses(L7RuleType type, L7CompareType compare, String key, String value) {
        assertEquals(RuleMatcher.Result.NO_MATCH, match(type, compare, key, value), type + " " + compare + " " + value);
    }

    @Test
    void everyCompareTypeOnEveryRuleType() {
        matches(L7RuleType.HOST_NAME, L7CompareType.EQUAL_TO, null, "shop.example:8080");
        misses(L7RuleType.HOST_NAME, L7CompareType.EQUAL_TO, null, "shop.example");
        matches(L7RuleType.HOST_NAME, L7CompareType.STARTS_WITH, null, "SHOP.");
        matches(L7RuleType.HOST_NAME, L7CompareType.ENDS_WITH, null, ":8080");
        matches(L7RuleType.HOST_NAME, L7CompareType.CONTAINS, null, "example");
        matches(L7RuleType.HOST_NAME, L7CompareType.REGEX, null, "^shop\\.[a-z]+:\\d+$");

        matches(L7RuleType.PATH, L7CompareType.EQUAL_TO, null, "/static/img/logo.PNG");
        misses(L7RuleType.PATH, L7CompareType.EQUAL_TO, null, "/static/img/logo.PNG?size=2");
        matches(L7RuleType.PATH, L7CompareType.STARTS_WITH, null, "/static/");
        misses(L7RuleType.PATH, L7CompareType.STARTS_WITH, null, "/STATIC/");
        matches(L7RuleType.PATH, L7CompareType.ENDS_WITH, null, ".PNG");
        matches(L7RuleType.PATH, L7CompareType.CONTAINS, null, "/img/");
        matches(L7RuleType.PATH, L7CompareType.REGEX, null, "img/[a-z]+\\.");

        matches(L7RuleType.FILE_TYPE, L7CompareType.EQUAL_TO, null, "PNG");
        misses(L7RuleType.FILE_TYPE, L7CompareType.EQUAL_TO, null, "png");
        matches(L7RuleType.FILE_TYPE, L7CompareType.REGEX, null, "(?i)^(png|jpg)$");
        matches(L7RuleType.FILE_TYPE, L7CompareType.STARTS_WITH, null, "P");

        matches(L7RuleType.HEADER, L7CompareType.EQUAL_TO, "x-tenant", "blue-team");
        matches(L7RuleType.HEADER, L7CompareType.STARTS_WITH, "X-Tenant", "blue");
        matches(L7RuleType.HEADER, L7CompareType.ENDS_WITH, "X-Tenant", "-team");
        matches(L7RuleType.HEADER, L7CompareType.CONTAINS, "X-Tenant", "e-t");
        misses(L7RuleType.HEADER, L7CompareType.CONTAINS, "X-Missing", "");

        matches(L7RuleType.COOKIE, L7CompareType.EQUAL_TO, "session", "abc123");
        matches(L7RuleType.COOKIE, L7CompareType.EQUAL_TO, "late", "z");
        misses(L7RuleType.COOKIE, L7CompareType.EQUAL_TO, "sess", "abc123");
        matches(L7RuleType.COOKIE, L7CompareType.REGEX, "session", "^abc\\d+$");
    }

    @Test
    void invertNegatesAMatchAndAMissingSubject() {
        L7Rule missing = new L7Rule("r", "p", L7RuleType.HEADER, L7CompareType.EQUAL_TO, "X-None", "x", true, true);
        assertEquals(RuleMatcher.Result.MATCH, new RuleMatcher(missing).match(REQUEST));
        L7Rule present = new L7Rule("r", "p", L7RuleType.PATH, L7CompareType.STARTS_WITH, null, "/static", true, true);
        assertEquals(RuleMatcher.Result.NO_MATCH, new RuleMatcher(present).match(REQUEST));
    }

    @Test
    void aCatastrophicPatternIsAbortedEvenInverted() {
        HttpRequest evil = request("/" + "a".repeat(8000) + "!");
        HttpRequest shortEvil = request("/" + "a".repeat(40) + "!");
        for (boolean invert : new boolean[] {false, true}) {
            // Exponential: 2^40 steps without the budget; on 8 KiB even (a+)+$ is quadratic through find().
            L7Rule rule = new L7Rule("r", "p", L7RuleType.PATH, L7CompareType.REGEX, null, "^/(a|a)*\\1$", invert, true);
            assertEquals(RuleMatcher.Result.ABORTED, new RuleMatcher(rule).match(shortEvil));
            rule = new L7Rule("r", "p", L7RuleType.PATH, L7CompareType.REGEX, null, "(a+)+$", invert, true);
            long start = System.nanoTime();
            assertEquals(RuleMatcher.Result.ABORTED, new RuleMatcher(rule).match(evil));
            assertTrue(System.nanoTime() - start < 2_000_000_000L, "bounded by the budget");
        }
        // A linear pattern on a long subject stays within the budget.
        L7Rule linear = new L7Rule("r", "p", L7RuleType.PATH, L7CompareType.REGEX, null, "a+!$", false, true);
        assertEquals(RuleMatcher.Result.MATCH, new RuleMatcher(linear).match(evil));
    }

    @Test
    void requestTargetsInAbsoluteFormAreReducedToPathAndQuery() {
        assertEquals("/x?y=1", RequestTarget.pathAndQuery("http://h.example/x?y=1"));
        assertEquals("/?y=1", RequestTarget.pathAndQuery("http://h.example?y=1"));
        assertEquals("/", RequestTarget.pathAndQuery("*"));
        assertEquals("/caf%E9?q=%01", RequestTarget.forLocation("/caf\u00e9?q=\u0001"));
        assertEquals("", RequestTarget.fileType("/dir.d/file"));
        assertEquals("gz", RequestTarget.fileType("/a/b.tar.gz"));
    }
}
