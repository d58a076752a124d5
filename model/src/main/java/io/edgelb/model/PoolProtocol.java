package io.edgelb.model;

/**
 * What the pool speaks towards its members: plain TCP, TCP preceded by a PROXY protocol header, or
 * HTTP/1.1 (for the members of an HTTP listener, which sends them requests it has parsed).
 */
public enum PoolProtocol {
    TCP,
    /** PROXY protocol version 1 (text). */
    PROXY,
    /** PROXY protocol version 2 (binary). */
    PROXYV2,
    /** HTTP/1.1 requests from an HTTP listener. */
    HTTP;

    /** Whether a connection to a member (a health check's too) starts with a PROXY protocol header. */
    public boolean sendsProxyHeader() {
        return this == PROXY || this == PROXYV2;
    }

    public static PoolProtocol parse(String text) {
        return Enums.parse(PoolProtocol.class, text, "protocol");
    }
}
