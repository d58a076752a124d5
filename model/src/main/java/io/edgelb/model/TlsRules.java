package io.edgelb.model;

import io.edgelb.model.io.Printable;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The TERMINATED_HTTPS options that can be judged without reading a file: which versions, ciphers
 * and ALPN names, and which options need which. The files themselves are checked on the router
 * ({@code io.edgelb.model.tls.TlsFileCheck}), since the hub validates the same model without them.
 */
final class TlsRules {
    private static final Set<String> VERSIONS = Set.of("TLSv1.2", "TLSv1.3");
    /** The proxy speaks HTTP/1.x to its clients; h2 would need an HTTP/2 codec. */
    private static final Set<String> ALPN = Set.of("http/1.1", "http/1.0");
    private static final Kind K = Kind.LISTENER;

    private TlsRules() {
    }

    static void check(Listener l, List<Problem> problems) {
        TlsSettings tls = l.tls();
        if (!l.isTls()) {
            if (tls.anySet()) {
                problems.add(Problem.warning(K, l.id(), "certificate", "TLS options (certificate, tls_versions...)"
                        + " only apply to protocol 'TERMINATED_HTTPS'; ignored"));
            }
            return;
        }
        if (tls.certificate() == null) {
            problems.add(Problem.error(K, l.id(), "protocol", "protocol 'TERMINATED_HTTPS' needs option certificate"
                    + " (a PEM file with the certificate chain and its private key)"));
        }
        path(l, "certificate", tls.certificate(), problems);
        for (String sni : tls.sniCertificates()) {
            path(l, "sni_certificate", sni, problems);
        }
        path(l, "client_ca", tls.clientCa(), problems);
        path(l, "client_crl", tls.clientCrl(), problems);
        for (String version : tls.tlsVersions()) {
            if (!VERSIONS.contains(version)) {
                problems.add(Problem.error(K, l.id(), "tls_versions", "tls_versions '" + Printable.escape(version)
                        + "' is not supported (expected TLSv1.2 or TLSv1.3)"));
            }
        }
        Set<String> supported = supportedCiphers();
        for (String cipher : tls.tlsCiphers()) {
            if (!supported.contains(cipher)) {
                problems.add(Problem.error(K, l.id(), "tls_ciphers", "tls_ciphers '" + Printable.escape(cipher)
                        + "' is not a cipher suite this JDK supports (use the JDK's names, e.g."
                        + " TLS_AES_128_GCM_SHA256 or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)"));
            }
        }
        for (String alpn : tls.alpnProtocols()) {
            if ("h2".equals(alpn)) {
                problems.add(Problem.error(K, l.id(), "alpn_protocols", "alpn_protocols 'h2' is not supported yet:"
                        + " the proxy speaks HTTP/1.1 to its clients"));
            } else if (!ALPN.contains(alpn)) {
                problems.add(Problem.error(K, l.id(), "alpn_protocols", "alpn_protocols '" + Printable.escape(alpn)
                        + "' is unknown (expected http/1.1 or http/1.0)"));
            }
        }
        if (!tls.alpnProtocols().isEmpty() && !tls.alpnProtocols().contains("http/1.1")) {
            problems.add(Problem.error(K, l.id(), "alpn_protocols", "alpn_protocols must include http/1.1"));
        }
        if (tls.clientAuthentication() != ClientAuthentication.NONE && tls.clientCa() == null) {
            problems.add(Problem.error(K, l.id(), "client_authentication", "client_authentication "
                    + tls.clientAuthentication() + " needs option client_ca (the CA that signs client certificates)"));
        }
        if (tls.clientCa() != null && tls.clientAuthentication() == ClientAuthentication.NONE) {
            problems.add(Problem.warning(K, l.id(), "client_ca", "client_ca is not used while client_authentication"
                    + " is NONE"));
        }
        if (tls.clientCrl() != null && tls.clientCa() == null) {
            problems.add(Problem.error(K, l.id(), "client_crl", "client_crl needs option client_ca"));
        }
    }

    /** Absolute: the agent may reload from another working directory than the one check ran in. */
    private static void path(Listener l, String field, String path, List<Problem> problems) {
        if (path != null && (!path.startsWith("/") || path.indexOf('\0') >= 0)) {
            problems.add(Problem.error(K, l.id(), field, field + " '" + Printable.escape(path)
                    + "' is not an absolute path"));
        }
    }

    private static Set<String> supportedCiphers() {
        try {
            return Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            return Set.of(); // a JDK without TLS: every cipher named is refused, as it could not be used
        }
    }
}
