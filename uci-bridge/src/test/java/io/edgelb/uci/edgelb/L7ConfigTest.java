package io.edgelb.uci.edgelb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.Config;
import io.edgelb.model.L7Action;
import io.edgelb.model.L7CompareType;
import io.edgelb.model.L7Policy;
import io.edgelb.model.L7Rule;
import io.edgelb.model.L7RuleType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** config l7policy and config l7rule: read, ordered, and every mistake at its line. */
class L7ConfigTest {
    private static final String FILE = "/etc/config/edgelb";
    private static final String BASE = """
            config listener 'front'
            \toption protocol 'HTTP'
            \toption port '80'
            \toption pool 'web'

            config listener 'raw'
            \toption port '81'

            config pool 'web'
            \toption protocol 'HTTP'

            config pool 'api'
            \toption protocol 'HTTP'

            config pool 'tcp'

            config member 'w1'
            \toption pool 'web'
            \toption address '192.0.2.10'
            \toption protocol_port '80'

            config member 'a1'
            \toption pool 'api'
            \toption address '192.0.2.11'
            \toption protocol_port '80'

            config member 't1'
            \toption pool 'tcp'
            \toption address '192.0.2.12'
            \toption protocol_port '80'
            """;

    private static LoadResult load(String l7) {
        return EdgelbConfigLoader.load(FILE, BASE + "\n" + l7); // l7 starts at line 32
    }

    @Test
    void policiesAndRulesAreReadAndOrderedByPositionThenName() {
        LoadResult result = load("""
                config l7policy 'zz_api'
                \toption listener 'front'
                \toption action 'REDIRECT_TO_POOL'
                \toption redirect_pool 'api'
                \toption position '1'

                config l7policy 'old'
                \toption listener 'front'
                \toption action 'REDIRECT_PREFIX'
                \toption redirect_prefix 'https://new.example.com'
                \toption redirect_http_code '301'
                \toption position '2'

                config l7policy 'aa_block'
                \toption listener 'front'
                \toption action 'REJECT'
                \toption position '1'

                config l7rule 'api_path'
                \toption l7policy 'zz_api'
                \toption type 'PATH'
                \toption compare_type 'STARTS_WITH'
                \toption value '/api/'

                config l7rule 'old_host'
                \toption l7policy 'old'
                \toption type 'HEADER'
                \toption key 'X-Old'
                \toption compare_type 'REGEX'
                \toption value '^y(es)?$'
                \toption invert '1'

                config l7rule 'block'
                \toption l7policy 'aa_block'
                \toption type 'COOKIE'
                \toption key 'evil'
                \toption compare_type 'EQUAL_TO'
                \toption value '1'
                """);
        assertTrue(result.ok(), String.join("\n", result.messages()));
        Config c = result.config();
        assertEquals(List.of("aa_block", "zz_api", "old"), c.policiesOf("front").stream().map(L7Policy::id).toList());
        assertEquals(new L7Policy("old", "front", L7Action.REDIRECT_PREFIX, 2, null, null,
                "https://new.example.com", 301, true), c.l7policies().get("old"));
        assertEquals(new L7Rule("old_host", "old", L7RuleType.HEADER, L7CompareType.REGEX, "X-Old", "^y(es)?$", true,
                true), c.l7rules().get("old_host"));
        assertEquals(302, c.l7policies().get("zz_api").redirectHttpCode(), "Octavia's default");
    }

    @Test
    void everyMistakeIsReportedAtItsLine() {
        LoadResult result = load("""
                config l7policy 'p1'
                \toption listener 'nope'
                \toption action 'REDIRECT_TO_POOL'
                \toption redirect_pool 'tcp'
                \toption position '0'
                \toption redirect_http_code '304'

                config l7policy 'p2'
                \toption listener 'raw'
                \toption action 'REDIRECT_TO_URL'
                \toption redirect_url 'http://x.example/a b'

                config l7policy 'p3'
                \toption listener 'front'
                \toption action 'REDIRECT_PREFIX'
                \toption redirect_prefix 'javascript:alert(1)'

                config l7policy 'p4'
                \toption listener 'front'
                \toption action 'REDIRECT_TO_POOL'
                \toption redirect_pool 'missing'

                config l7policy 'p5'
                \toption listener 'front'
                \toption action 'FORWARD'

                config l7rule 'r1'
                \toption l7policy 'ghost'
                \toption type 'HEADER'
                \toption compare_type 'EQUAL_TO'
                \toption value 'v'

                config l7rule 'r2'
                \toption l7policy 'p3'
                \toption type 'COOKIE'
                \toption key 'bad name'
                \toption compare_type 'REGEX'
                \toption value '(unclosed'

                config l7rule 'r3'
                \toption l7policy 'p3'
                \toption type 'SSL_CONN_HAS_CERT'
                \toption compare_type 'EQUAL_TO'
                \toption value 'True'

                config l7rule 'r4'
                \toption l7policy 'p3'
                \toption type 'PATH'
                \toption compare_type 'REGEX'
                \toption value '%s'

                config l7rule 'r5'
                \toption l7policy 'p4'
                \toption type 'PATH'
                \toption compare_type 'LIKE'
                \toption value '/'

                config l7rule 'r6'
                \toption l7policy 'p4'
                \toption type 'HOST_NAME'
                \toption compare_type 'EQUAL_TO'
                """.formatted("a".repeat(257)));
        assertFalse(result.ok());
        List<String> errors = result.errors();
        assertEquals(List.of(
                FILE + ":33: l7policy 'p1': listener 'nope' does not exist",
                FILE + ":35: l7policy 'p1': redirect_pool 'tcp' has protocol TCP; requests need a pool with protocol 'HTTP'",
                FILE + ":36: l7policy 'p1': position 0 must be 1 or more",
                FILE + ":37: l7policy 'p1': redirect_http_code 304 is not one of 301, 302, 303, 307 or 308",
                FILE + ":40: l7policy 'p2': listener 'raw' is not an HTTP listener (option protocol 'HTTP'): only HTTP"
                        + " requests have L7 policies",
                FILE + ":42: l7policy 'p2': redirect_url 'http://x.example/a b' holds a space, control or non-ASCII"
                        + " character (it goes into a Location header)",
                FILE + ":47: l7policy 'p3': redirect_prefix 'javascript:alert(1)' is not an absolute http:// or"
                        + " https:// URL",
                FILE + ":52: l7policy 'p4': redirect_pool 'missing' does not exist",
                FILE + ":56: l7policy 'p5': action 'FORWARD' is unknown (expected REDIRECT_TO_POOL, REDIRECT_TO_URL,"
                        + " REDIRECT_PREFIX or REJECT)",
                FILE + ":59: l7rule 'r1': l7policy 'ghost' does not exist",
                FILE + ":60: l7rule 'r1': type HEADER needs key (the header name)",
                FILE + ":67: l7rule 'r2': key 'bad name' is not a valid cookie name (a token)",
                FILE + ":69: l7rule 'r2': value is not a valid regular expression: Unclosed group",
                FILE + ":73: l7rule 'r3': type 'SSL_CONN_HAS_CERT' (client certificates on TERMINATED_HTTPS) is not supported yet",
                FILE + ":81: l7rule 'r4': a REGEX value is longer than 256 characters",
                FILE + ":86: l7rule 'r5': compare_type 'LIKE' is unknown (expected EQUAL_TO, STARTS_WITH, ENDS_WITH,"
                        + " CONTAINS or REGEX)",
                FILE + ":89: l7rule 'r6': has no value (option value)"), errors);
    }

    @Test
    void httpCookiePersistenceIsForHttpPoolsAndAppCookieIsNotThereYet() {
        LoadResult ok = EdgelbConfigLoader.load(FILE, BASE.replace("""
                config pool 'api'
                \toption protocol 'HTTP'
                """, """
                config pool 'api'
                \toption protocol 'HTTP'
                \toption session_persistence 'HTTP_COOKIE'
                """));
        assertTrue(ok.ok(), String.join("\n", ok.messages()));
        assertEquals(io.edgelb.model.SessionPersistence.HTTP_COOKIE, ok.config().pools().get("api").persistence());
        LoadResult bad = load("""
                config pool 'tcp2'
                \toption session_persistence 'HTTP_COOKIE'

                config pool 'app'
                \toption protocol 'HTTP'
                \toption session_persistence 'APP_COOKIE'
                \toption cookie_name 'JSESSIONID'
                """);
        assertEquals(List.of(
                FILE + ":33: pool 'tcp2': session_persistence HTTP_COOKIE needs protocol 'HTTP': only HTTP pools see"
                        + " cookies",
                FILE + ":37: pool 'app': session_persistence 'APP_COOKIE' is not supported yet: edgelb does not"
                        + " follow application cookies (use HTTP_COOKIE)"), bad.errors());
    }
}
