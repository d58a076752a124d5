package io.edgelb.model;

/** What the pool speaks towards its members: plain TCP, or TCP preceded by a PROXY protocol header. */
public enum PoolProtocol {
    TCP,
    /** PROXY protocol version 1 (text). */
    PROXY,
    /** PROXY protocol version 2 (binary). */
    PROXYV2;

    public static PoolProtocol parse(String text) {
        return Enums.parse(PoolProtocol.class, text, "protocol");
    }
}
