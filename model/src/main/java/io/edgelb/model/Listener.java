package io.edgelb.model;

import java.util.List;

/**
 * Where clients connect: a TCP address and port, the pool that serves it, and its limits.
 * Times are milliseconds, as in Octavia's listener API; a data timeout of 0 means none.
 * {@code snat} (dnat mode only) masquerades connections towards the members, for members that do
 * not route their replies back through the router (floating IPs). An HTTP listener parses its
 * clients' requests: {@code insertHeaders} are header names as written (see {@link ForwardedHeader};
 * the validator rejects others), {@code timeoutHttpRequestMs} the time a client has to send a whole
 * request header (HAProxy's {@code timeout http-request}).
 */
public record Listener(
        String id,
        String address,
        int port,
        ListenerMode mode,
        String poolId,
        int connectionLimit,
        long timeoutClientDataMs,
        long timeoutMemberConnectMs,
        long timeoutMemberDataMs,
        List<String> allowedCidrs,
        boolean enabled,
        boolean snat,
        ListenerProtocol protocol,
        List<String> insertHeaders,
        long timeoutHttpRequestMs,
        TlsSettings tls) {

    /** Bind to every IPv6 and (v4-mapped) IPv4 address. */
    public static final String DEFAULT_ADDRESS = "::";
    public static final int UNLIMITED = -1;
    public static final long DEFAULT_TIMEOUT_CLIENT_DATA_MS = 50_000;
    public static final long DEFAULT_TIMEOUT_MEMBER_CONNECT_MS = 5_000;
    public static final long DEFAULT_TIMEOUT_MEMBER_DATA_MS = 50_000;
    public static final long DEFAULT_TIMEOUT_HTTP_REQUEST_MS = 10_000;

    public Listener {
        allowedCidrs = List.copyOf(allowedCidrs);
        insertHeaders = List.copyOf(insertHeaders);
        tls = tls == null ? TlsSettings.NONE : tls;
    }

    /** A listener without TLS options, as before TERMINATED_HTTPS. */
    public Listener(String id, String address, int port, ListenerMode mode, String poolId, int connectionLimit,
                    long timeoutClientDataMs, long timeoutMemberConnectMs, long timeoutMemberDataMs,
                    List<String> allowedCidrs, boolean enabled, boolean snat, ListenerProtocol protocol,
                    List<String> insertHeaders, long timeoutHttpRequestMs) {
        this(id, address, port, mode, poolId, connectionLimit, timeoutClientDataMs, timeoutMemberConnectMs,
                timeoutMemberDataMs, allowedCidrs, enabled, snat, protocol, insertHeaders, timeoutHttpRequestMs,
                TlsSettings.NONE);
    }

    /** A relay listener with Octavia's defaults, for code and tests that only care about a few fields. */
    public static Listener of(String id, String address, int port, String poolId) {
        return new Listener(id, address, port, ListenerMode.RELAY, poolId, UNLIMITED,
                DEFAULT_TIMEOUT_CLIENT_DATA_MS, DEFAULT_TIMEOUT_MEMBER_CONNECT_MS, DEFAULT_TIMEOUT_MEMBER_DATA_MS,
                List.of(), true, false, ListenerProtocol.TCP, List.of(), DEFAULT_TIMEOUT_HTTP_REQUEST_MS);
    }

    /** An HTTP listener with Octavia's defaults that inserts the given headers (names as in UCI). */
    public static Listener http(String id, String address, int port, String poolId, List<String> insertHeaders) {
        return of(id, address, port, poolId).withHttp(insertHeaders, DEFAULT_TIMEOUT_HTTP_REQUEST_MS);
    }

    /** The same listener in another mode, e.g. {@code dnat}; snat as given. */
    public Listener withMode(ListenerMode newMode, boolean newSnat) {
        return new Listener(id, address, port, newMode, poolId, connectionLimit, timeoutClientDataMs,
                timeoutMemberConnectMs, timeoutMemberDataMs, allowedCidrs, enabled, newSnat, protocol,
                insertHeaders, timeoutHttpRequestMs, tls);
    }

    /** The same listener speaking HTTP, with these headers and request-header timeout. */
    public Listener withHttp(List<String> headers, long httpRequestMs) {
        return new Listener(id, address, port, mode, poolId, connectionLimit, timeoutClientDataMs,
                timeoutMemberConnectMs, timeoutMemberDataMs, allowedCidrs, enabled, snat, ListenerProtocol.HTTP,
                headers, httpRequestMs, tls);
    }

    /** The same listener with other limits: connection_limit and the three data-path timeouts. */
    public Listener withLimits(int limit, long clientDataMs, long memberConnectMs, long memberDataMs) {
        return new Listener(id, address, port, mode, poolId, limit, clientDataMs, memberConnectMs, memberDataMs,
                allowedCidrs, enabled, snat, protocol, insertHeaders, timeoutHttpRequestMs, tls);
    }

    /** The same listener under another id and pool id (the agent namespaces the hub's objects). */
    public Listener withIds(String newId, String newPoolId) {
        return new Listener(newId, address, port, mode, newPoolId, connectionLimit, timeoutClientDataMs,
                timeoutMemberConnectMs, timeoutMemberDataMs, allowedCidrs, enabled, snat, protocol,
                insertHeaders, timeoutHttpRequestMs, tls);
    }

    /** The same listener terminating TLS with these options (an HTTP listener's headers and timeout kept). */
    public Listener withTls(TlsSettings settings) {
        return new Listener(id, address, port, mode, poolId, connectionLimit, timeoutClientDataMs,
                timeoutMemberConnectMs, timeoutMemberDataMs, allowedCidrs, enabled, snat,
                ListenerProtocol.TERMINATED_HTTPS, insertHeaders, timeoutHttpRequestMs, settings);
    }

    /** HTTP is parsed on HTTP listeners and, once TLS is off, on TERMINATED_HTTPS ones. */
    public boolean isHttp() {
        return protocol == ListenerProtocol.HTTP || protocol == ListenerProtocol.TERMINATED_HTTPS;
    }

    public boolean isTls() {
        return protocol == ListenerProtocol.TERMINATED_HTTPS;
    }

    /** Whether insert_headers names this header. */
    public boolean inserts(ForwardedHeader header) {
        for (String name : insertHeaders) {
            if (ForwardedHeader.byName(name) == header) {
                return true;
            }
        }
        return false;
    }

    /** True when both listeners would bind the same socket. */
    public boolean sameBind(Listener other) {
        return port == other.port && address.equals(other.address);
    }
}
