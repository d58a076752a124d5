package io.edgelb.model;

import java.util.List;

/**
 * A TERMINATED_HTTPS listener's TLS options, as paths and names; the files are read by the agent
 * ({@code io.edgelb.model.tls}), never here. {@code certificate} is a PEM file with the chain and the
 * private key, the default for clients without a matching SNI name; {@code sniCertificates} are
 * more such files, chosen by their SAN DNS names. Empty lists mean the defaults (TLSv1.2 and
 * TLSv1.3, the JDK's ciphers, no ALPN). clientCa and clientCrl are null when not set.
 */
public record TlsSettings(
        String certificate,
        List<String> sniCertificates,
        List<String> tlsVersions,
        List<String> tlsCiphers,
        List<String> alpnProtocols,
        String clientCa,
        ClientAuthentication clientAuthentication,
        String clientCrl) {

    public static final TlsSettings NONE = new TlsSettings(null, List.of(), List.of(), List.of(), List.of(), null,
            ClientAuthentication.NONE, null);
    public static final List<String> DEFAULT_VERSIONS = List.of("TLSv1.3", "TLSv1.2");

    public TlsSettings {
        sniCertificates = List.copyOf(sniCertificates);
        tlsVersions = List.copyOf(tlsVersions);
        tlsCiphers = List.copyOf(tlsCiphers);
        alpnProtocols = List.copyOf(alpnProtocols);
        clientAuthentication = clientAuthentication == null ? ClientAuthentication.NONE : clientAuthentication;
    }

    /** A listener with only a default certificate. */
    public static TlsSettings of(String certificate) {
        return new TlsSettings(certificate, List.of(), List.of(), List.of(), List.of(), null,
                ClientAuthentication.NONE, null);
    }

    /** Whether any option is set (a warning on a listener that does not terminate TLS). */
    public boolean anySet() {
        return !equals(NONE);
    }

    public List<String> versionsOrDefault() {
        return tlsVersions.isEmpty() ? DEFAULT_VERSIONS : tlsVersions;
    }
}
