package io.edgelb.model;

import java.util.Set;

/**
 * What a listener speaks with its clients, in Octavia's names: TCP is relayed byte for byte, HTTP is
 * parsed as HTTP/1.1 so that headers can be inserted and errors answered as a proxy does.
 */
public enum ListenerProtocol {
    TCP,
    HTTP,
    /** HTTP inside TLS that the agent terminates with the JDK's TLS; see {@link TlsSettings}. */
    TERMINATED_HTTPS;

    /** Octavia's other listener protocols: known, so that the error says "not yet" rather than "unknown". */
    private static final Set<String> NOT_YET = Set.of("HTTPS", "UDP", "SCTP", "PROMETHEUS");

    public static ListenerProtocol parse(String text) {
        if (NOT_YET.contains(text)) {
            throw new IllegalArgumentException("protocol '" + text
                    + "' is not supported yet: edgelb listeners speak TCP, HTTP or TERMINATED_HTTPS");
        }
        return Enums.parse(ListenerProtocol.class, text, "protocol");
    }
}
