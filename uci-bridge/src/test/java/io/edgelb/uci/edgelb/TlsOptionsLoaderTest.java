package io.edgelb.uci.edgelb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.ClientAuthentication;
import io.edgelb.model.Listener;
import io.edgelb.model.TlsSettings;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** TERMINATED_HTTPS options from UCI, and the rules that need no file, at FILE:LINE. */
class TlsOptionsLoaderTest {
    private static final String FILE = "/etc/config/edgelb";

    private static LoadResult load(String text) {
        return EdgelbConfigLoader.load(FILE, text.getBytes(StandardCharsets.UTF_8));
    }

    private static final String POOLS = """

            config pool 'http'
            \toption protocol 'HTTP'

            config pool 'tcp'
            """;

    @Test
    void readsEveryOption() {
        LoadResult result = load("""
                config listener 'web'
                \toption protocol 'TERMINATED_HTTPS'
                \toption port '443'
                \toption pool 'http'
                \toption certificate '/etc/edgelb/web.pem'
                \tlist sni_certificate '/etc/edgelb/a.pem'
                \tlist sni_certificate '/etc/edgelb/b.pem'
                \tlist tls_versions 'TLSv1.3'
                \tlist tls_ciphers 'TLS_AES_128_GCM_SHA256'
                \tlist alpn_protocols 'http/1.1'
                \toption client_ca '/etc/edgelb/ca.pem'
                \toption client_authentication 'OPTIONAL'
                \toption client_crl '/etc/edgelb/ca.crl'
                """ + POOLS);
        assertTrue(result.ok(), String.valueOf(result.messages()));
        Listener web = result.config().listeners().get("web");
        assertTrue(web.isTls() && web.isHttp());
        assertEquals(new TlsSettings("/etc/edgelb/web.pem", List.of("/etc/edgelb/a.pem", "/etc/edgelb/b.pem"),
                List.of("TLSv1.3"), List.of("TLS_AES_128_GCM_SHA256"), List.of("http/1.1"), "/etc/edgelb/ca.pem",
                ClientAuthentication.OPTIONAL, "/etc/edgelb/ca.crl"), web.tls());
    }

    @Test
    void theRulesNameTheLineOfTheirOption() {
        LoadResult result = load("""
                config listener 'web'
                \toption protocol 'TERMINATED_HTTPS'
                \toption port '443'
                \toption mode 'dnat'
                \toption address '192.0.2.1'
                \toption pool 'tcp'
                \tlist tls_versions 'TLSv1.1'
                \tlist tls_ciphers 'RC4-MD5'
                \tlist alpn_protocols 'h2'
                \toption client_authentication 'MANDATORY'
                \toption client_crl 'relative.crl'

                config listener 'plain'
                \toption protocol 'HTTP'
                \toption port '80'
                \toption pool 'http'
                \toption certificate '/etc/edgelb/web.pem'
                """ + POOLS);
        assertFalse(result.ok());
        assertEquals(List.of(
                FILE + ":2: listener 'web': protocol 'TERMINATED_HTTPS' needs option certificate (a PEM file with"
                        + " the certificate chain and its private key)",
                FILE + ":4: listener 'web': protocol 'TERMINATED_HTTPS' needs the relay (mode 'relay'); the kernel"
                        + " DNAT path does not parse HTTP nor terminate TLS",
                FILE + ":6: listener 'web': pool 'tcp' has protocol TCP; an HTTP listener needs a pool with protocol"
                        + " 'HTTP'",
                FILE + ":7: listener 'web': tls_versions 'TLSv1.1' is not supported (expected TLSv1.2 or TLSv1.3)",
                FILE + ":8: listener 'web': tls_ciphers 'RC4-MD5' is not a cipher suite this JDK supports (use the"
                        + " JDK's names, e.g. TLS_AES_128_GCM_SHA256 or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)",
                FILE + ":9: listener 'web': alpn_protocols 'h2' is not supported yet: the proxy speaks HTTP/1.1 to"
                        + " its clients",
                FILE + ":9: listener 'web': alpn_protocols must include http/1.1",
                FILE + ":10: listener 'web': client_authentication MANDATORY needs option client_ca (the CA that"
                        + " signs client certificates)",
                FILE + ":11: listener 'web': client_crl 'relative.crl' is not an absolute path",
                FILE + ":11: listener 'web': client_crl needs option client_ca"),
                result.messages().stream().filter(m -> !m.contains("warning")).toList());
        assertTrue(result.messages().contains(FILE + ":17: warning: listener 'plain': TLS options (certificate,"
                + " tls_versions...) only apply to protocol 'TERMINATED_HTTPS'; ignored"), String.valueOf(result.messages()));
    }
}
