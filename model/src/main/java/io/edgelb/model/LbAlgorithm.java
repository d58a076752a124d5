package io.edgelb.model;

/** How a pool spreads new connections over its members (Octavia's lb_algorithm). */
public enum LbAlgorithm {
    ROUND_ROBIN,
    LEAST_CONNECTIONS,
    SOURCE_IP,
    SOURCE_IP_PORT;

    /** Parses the Octavia spelling, exactly (upper case), as the API and the UCI file write it. */
    public static LbAlgorithm parse(String text) {
        return Enums.parse(LbAlgorithm.class, text, "lb_algorithm");
    }
}
