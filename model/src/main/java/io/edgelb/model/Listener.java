package io.edgelb.model;

import java.util.List;

/**
 * Where clients connect: a TCP address and port, the pool that serves it, and its limits.
 * Times are milliseconds, as in Octavia's listener API; a data timeout of 0 means none.
 * {@code snat} (dnat mode only) masquerades connections towards the members, for members that do
 * not route their replies back through the router (floating IPs).
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
        boolean snat) {

    /** Bind to every IPv6 and (v4-mapped) IPv4 address. */
    public static final String DEFAULT_ADDRESS = "::";
    public static final int UNLIMITED = -1;
    public static final long DEFAULT_TIMEOUT_CLIENT_DATA_MS = 50_000;
    public static final long DEFAULT_TIMEOUT_MEMBER_CONNECT_MS = 5_000;
    public static final long DEFAULT_TIMEOUT_MEMBER_DATA_MS = 50_000;

    public Listener {
        allowedCidrs = List.copyOf(allowedCidrs);
    }

    /** A relay listener with Octavia's defaults, for code and tests that only care about a few fields. */
    public static Listener of(String id, String address, int port, String poolId) {
        return new Listener(id, address, port, ListenerMode.RELAY, poolId, UNLIMITED,
                DEFAULT_TIMEOUT_CLIENT_DATA_MS, DEFAULT_TIMEOUT_MEMBER_CONNECT_MS, DEFAULT_TIMEOUT_MEMBER_DATA_MS,
                List.of(), true, false);
    }

    /** The same listener in another mode, e.g. {@code dnat}; snat as given. */
    public Listener withMode(ListenerMode newMode, boolean newSnat) {
        return new Listener(id, address, port, newMode, poolId, connectionLimit, timeoutClientDataMs,
                timeoutMemberConnectMs, timeoutMemberDataMs, allowedCidrs, enabled, newSnat);
    }

    /** True when both listeners would bind the same socket. */
    public boolean sameBind(Listener other) {
        return port == other.port && address.equals(other.address);
    }
}
