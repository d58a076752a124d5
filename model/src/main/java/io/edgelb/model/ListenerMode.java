package io.edgelb.model;

/** Whether a listener relays connections in user space or rewrites them in the kernel. */
public enum ListenerMode {
    /** TCP relay through the agent: all features. */
    RELAY("relay"),
    /** nftables / iptables DNAT: fastest, no PROXY protocol, limits or timeouts. */
    DNAT("dnat");

    private final String uciName;

    ListenerMode(String uciName) {
        this.uciName = uciName;
    }

    public String uciName() {
        return uciName;
    }

    public static ListenerMode parse(String text) {
        for (ListenerMode mode : values()) {
            if (mode.uciName.equals(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("mode '" + text + "' is unknown (expected relay or dnat)");
    }
}
