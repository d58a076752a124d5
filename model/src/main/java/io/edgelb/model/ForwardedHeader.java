package io.edgelb.model;

import java.util.Locale;

/**
 * The headers an HTTP listener may add to each request (Octavia's {@code insert_headers}), by
 * their header names as written in UCI and JSON.
 */
public enum ForwardedHeader {
    X_FORWARDED_FOR("X-Forwarded-For"),
    X_FORWARDED_PORT("X-Forwarded-Port"),
    X_FORWARDED_PROTO("X-Forwarded-Proto");

    private final String headerName;

    ForwardedHeader(String headerName) {
        this.headerName = headerName;
    }

    public String headerName() {
        return headerName;
    }

    /** The header named so (header names are case-insensitive), or null for any other name. */
    public static ForwardedHeader byName(String name) {
        if (name == null) {
            return null;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (ForwardedHeader h : values()) {
            if (h.headerName.toLowerCase(Locale.ROOT).equals(lower)) {
                return h;
            }
        }
        return null;
    }
}
