package io.edgelb.model.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Listener;
import io.edgelb.model.ListenerProtocol;
import io.edgelb.model.Member;
import io.edgelb.model.MonitorType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigJsonTest {
    private static final String GOOD = """
            {"listeners": {"web": {"address": "127.0.0.1", "port": 8080, "pool": "web",
                                   "allowed_cidrs": ["10.0.0.0/8"], "timeout_member_connect": 2000}},
             "pools": {"web": {"lb_algorithm": "LEAST_CONNECTIONS", "healthmonitor": "hc",
                               "session_persistence": "SOURCE_IP", "persistence_timeout": 30}},
             "members": {"web_1": {"pool": "web", "address": "192.0.2.10", "protocol_port": 80, "weight": 5},
                         "web_2": {"pool": "web", "address": "2001:db8::2", "protocol_port": 80, "backup": true,
                                   "monitor_port": 8081}},
             "healthmonitors": {"hc": {"type": "HTTP", "delay": 0.5, "timeout": 0.25, "url_path": "/healthz",
                                       "expected_codes": "200-399"}}}
            """;

    @Test
    void decodesEveryFieldAndRoundTrips() {
        Decoded decoded = ConfigJson.decode(GOOD, "");
        assertTrue(decoded.ok(), decoded.errors().toString());
        assertEquals(LbAlgorithm.LEAST_CONNECTIONS, decoded.config().pools().get("web").algorithm());
        assertEquals(30_000, decoded.config().pools().get("web").persistenceTimeoutMs());
        Member two = decoded.config().members().get("web_2");
        assertTrue(two.backup());
        assertEquals(8081, two.monitorPort());
        assertEquals(500, decoded.config().healthMonitors().get("hc").delayMs());
        assertEquals(MonitorType.HTTP, decoded.config().healthMonitors().get("hc").type());
        assertEquals(List.of("10.0.0.0/8"), decoded.config().listeners().get("web").allowedCidrs());

        String text = ConfigJson.encodeText(decoded.config());
        Decoded again = ConfigJson.decode(text, "");
        assertTrue(again.ok(), again.errors().toString());
        assertEquals(decoded.config(), again.config());
        assertEquals(text, ConfigJson.encodeText(again.config()), "encoding is deterministic");
    }

    @Test
    void locatesEveryProblemByPath() {
        Decoded decoded = ConfigJson.decode("""
                {"members": {"web_1": {"pool": "web", "address": "192.0.2.10", "protocol_port": "80",
                                       "weight": 300, "colour": "red"}},
                 "pools": {"web": {"lb_algorithm": "RANDOM"}}}
                """, "agents.r1");
        assertNull(decoded.config());
        assertEquals(List.of("agents.r1.pools.web.lb_algorithm: lb_algorithm 'RANDOM' is unknown "
                        + "(expected ROUND_ROBIN, LEAST_CONNECTIONS, SOURCE_IP or SOURCE_IP_PORT)",
                "agents.r1.members.web_1.protocol_port: is not an integer",
                "agents.r1.members.web_1.colour: unknown field"), decoded.errors());
    }

    @Test
    void validatesTheDecodedSnapshot() {
        Decoded decoded = ConfigJson.decode("""
                {"members": {"web_1": {"pool": "web", "address": "192.0.2.10", "protocol_port": 80, "weight": 300}},
                 "pools": {"web": {}}}
                """, "agents.r1");
        assertFalse(decoded.ok());
        assertEquals(List.of("agents.r1.members.web_1.weight: weight 300 is out of range 0-256"), decoded.errors());
    }

    @Test
    void refusesGarbageWithAMessageNeverAnException() {
        assertEquals(List.of("not JSON: Unexpected end of input at 1:7"), ConfigJson.decode("{\"a\": ", "").errors());
        assertEquals(List.of("is not a JSON object"), ConfigJson.decode("[1, 2]", "").errors());
        assertEquals(List.of("document nests deeper than 16 levels"),
                ConfigJson.decode("[".repeat(100_000), "").errors());
        assertEquals(List.of("x: document of 4194305 characters is larger than the limit of 4194304"),
                ConfigJson.decode(" ".repeat(ConfigJson.MAX_CHARS + 1), "x").errors());
        assertEquals(List.of("members.bad id: id may only hold letters, digits, '_', '.', ':' and '-' (1-128 characters)"),
                ConfigJson.decode("{\"members\": {\"bad id\": {}}}", "").errors());
        assertEquals(List.of("vxlans: VXLAN links are configured on the router itself, not in this document"),
                ConfigJson.decode("{\"vxlans\": {}}", "").errors());
        assertEquals(List.of("pools.web.lb_algorithm: holds a control character"),
                ConfigJson.decode("{\"pools\": {\"web\": {\"lb_algorithm\": \"A\\u0000\"}}}", "").errors());
    }

    @Test
    void aMissingOrMistypedRequiredFieldIsOneErrorAtItsPath() {
        assertEquals(List.of("healthmonitors.hc.type: is required"),
                ConfigJson.decode("{\"healthmonitors\": {\"hc\": {\"delay\": 5}}}", "").errors());
        assertEquals(List.of("healthmonitors.hc.type: is not a string"),
                ConfigJson.decode("{\"healthmonitors\": {\"hc\": {\"type\": 5}}}", "").errors());
        assertEquals(List.of("members.m.pool: is required", "members.m.address: is not a string"),
                ConfigJson.decode("{\"members\": {\"m\": {\"address\": 1, \"protocol_port\": 80}}}", "")
                        .errors());
    }

    @Test
    void anEmptyDocumentIsAnEmptySnapshot() {
        Decoded decoded = ConfigJson.decode("{}", "");
        assertTrue(decoded.ok());
        assertTrue(decoded.config().members().isEmpty());
    }

    @Test
    void anHttpListenerTravelsWithItsHeadersAndTimeout() {
        Decoded decoded = ConfigJson.decode("""
                {"listeners": {"web": {"port": 80, "pool": "web", "protocol": "HTTP",
                                       "insert_headers": ["X-Forwarded-For", "X-Forwarded-Port"],
                                       "timeout_http_request": 2500}},
                 "pools": {"web": {"protocol": "HTTP"}},
                 "members": {"m": {"pool": "web", "address": "192.0.2.10", "protocol_port": 80}}}
                """, "");
        assertTrue(decoded.ok(), decoded.errors().toString());
        Listener web = decoded.config().listeners().get("web");
        assertEquals(ListenerProtocol.HTTP, web.protocol());
        assertEquals(List.of("X-Forwarded-For", "X-Forwarded-Port"), web.insertHeaders());
        assertEquals(2_500, web.timeoutHttpRequestMs());
        Decoded again = ConfigJson.decode(ConfigJson.encodeText(decoded.config()), "");
        assertEquals(decoded.config(), again.config());
    }

    @Test
    void aTerminatedHttpsListenerTravelsWithItsPaths() {
        Decoded decoded = ConfigJson.decode("""
                {"listeners": {"web": {"port": 443, "pool": "web", "protocol": "TERMINATED_HTTPS",
                                       "certificate": "/etc/edgelb/web.pem",
                                       "sni_certificate": ["/etc/edgelb/a.pem"],
                                       "tls_versions": ["TLSv1.3"], "alpn_protocols": ["http/1.1"],
                                       "client_ca": "/etc/edgelb/ca.pem", "client_authentication": "MANDATORY"}},
                 "pools": {"web": {"protocol": "HTTP"}},
                 "members": {"m": {"pool": "web", "address": "192.0.2.10", "protocol_port": 80}}}
                """, "");
        assertTrue(decoded.ok(), decoded.errors().toString());
        Listener web = decoded.config().listeners().get("web");
        assertEquals(ListenerProtocol.TERMINATED_HTTPS, web.protocol());
        assertEquals(new io.edgelb.model.TlsSettings("/etc/edgelb/web.pem", List.of("/etc/edgelb/a.pem"),
                List.of("TLSv1.3"), List.of(), List.of("http/1.1"), "/etc/edgelb/ca.pem",
                io.edgelb.model.ClientAuthentication.MANDATORY, null), web.tls());
        Decoded again = ConfigJson.decode(ConfigJson.encodeText(decoded.config()), "");
        assertEquals(decoded.config(), again.config());
    }

    @Test
    void aTerminatedHttpsListenerWithoutCertificateIsRefusedAtItsPath() {
        Decoded decoded = ConfigJson.decode("""
                {"listeners": {"web": {"port": 443, "pool": "web", "protocol": "TERMINATED_HTTPS"}},
                 "pools": {"web": {"protocol": "HTTP"}}}
                """, "agents.r1");
        assertNull(decoded.config());
        assertEquals(List.of("agents.r1.listeners.web.protocol: protocol 'TERMINATED_HTTPS' needs option"
                + " certificate (a PEM file with the certificate chain and its private key)"), decoded.errors());
    }

    @Test
    void refusesListenerProtocolsThatAreNotThereYet() {
        Decoded decoded = ConfigJson.decode("""
                {"listeners": {"web": {"port": 443, "protocol": "HTTPS", "insert_headers": ["Via"]}}}
                """, "agents.r1");
        assertNull(decoded.config());
        assertEquals(List.of("agents.r1.listeners.web.protocol: protocol 'HTTPS' is not supported yet:"
                        + " edgelb listeners speak TCP, HTTP or TERMINATED_HTTPS"), decoded.errors());
    }

    @Test
    void theHttpRulesNameThePathOfTheirField() {
        Decoded decoded = ConfigJson.decode("""
                {"listeners": {"web": {"port": 80, "pool": "web", "protocol": "HTTP", "insert_headers": ["Via"]}},
                 "pools": {"web": {}},
                 "members": {"m": {"pool": "web", "address": "192.0.2.10", "protocol_port": 80}}}
                """, "agents.r1");
        assertEquals(List.of(
                "agents.r1.listeners.web.insert_headers: insert_headers 'Via' is not supported (expected"
                        + " X-Forwarded-For, X-Forwarded-Port or X-Forwarded-Proto)",
                "agents.r1.listeners.web.pool: pool 'web' has protocol TCP; an HTTP listener needs a pool with"
                        + " protocol 'HTTP'"), decoded.errors());
    }

    @Test
    void l7PoliciesAndRulesRoundTripAndAreCheckedByPath() {
        Decoded decoded = ConfigJson.decode("""
                {"listeners": {"web": {"port": 80, "pool": "web", "protocol": "HTTP"}},
                 "pools": {"web": {"protocol": "HTTP"}, "api": {"protocol": "HTTP", "session_persistence": "HTTP_COOKIE"}},
                 "members": {"m": {"pool": "web", "address": "192.0.2.10", "protocol_port": 80},
                             "n": {"pool": "api", "address": "192.0.2.11", "protocol_port": 80}},
                 "l7policies": {"p": {"listener": "web", "action": "REDIRECT_TO_POOL", "redirect_pool": "api",
                                      "position": 3},
                                "q": {"listener": "web", "action": "REDIRECT_TO_URL",
                                      "redirect_url": "https://example.com/x", "redirect_http_code": 308,
                                      "enabled": false}},
                 "l7rules": {"r": {"l7policy": "p", "type": "HEADER", "key": "X-Api", "compare_type": "REGEX",
                                   "value": "^v[0-9]+$", "invert": true},
                             "s": {"l7policy": "q", "type": "PATH", "compare_type": "EQUAL_TO", "value": "/"}}}
                """, "");
        assertTrue(decoded.ok(), decoded.errors().toString());
        assertEquals(3, decoded.config().l7policies().get("p").position());
        assertEquals("X-Api", decoded.config().l7rules().get("r").key());
        Decoded again = ConfigJson.decode(ConfigJson.encodeText(decoded.config()), "");
        assertEquals(decoded.config(), again.config());

        Decoded bad = ConfigJson.decode("""
                {"listeners": {"web": {"port": 80, "protocol": "HTTP"}},
                 "l7policies": {"p": {"listener": "web", "action": "REDIRECT_PREFIX",
                                      "redirect_prefix": "https://x.example"}},
                 "l7rules": {"r": {"l7policy": "p", "type": "SSL_DN_FIELD", "compare_type": "EQUAL_TO", "value": "x"}}}
                """, "agents.r1");
        assertEquals(List.of(
                "agents.r1.l7rules.r.type: type 'SSL_DN_FIELD' (client certificates on TERMINATED_HTTPS) is not supported yet"), bad.errors());
        Decoded injected = ConfigJson.decode("""
                {"listeners": {"web": {"port": 80, "protocol": "HTTP"}},
                 "l7policies": {"p": {"listener": "web", "action": "REDIRECT_PREFIX",
                                      "redirect_prefix": "http://x/ Set-Cookie: a=b"}}}
                """, "agents.r1");
        // CR and LF are refused by the JSON reader already; a space would split the Location header too.
        assertEquals(List.of("agents.r1.l7policies.p.redirect_prefix: redirect_prefix 'http://x/ Set-Cookie: a=b'"
                + " holds a space, control or non-ASCII character (it goes into a Location header)"), injected.errors());
    }
}
