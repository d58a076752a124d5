package io.edgelb.model;

/** Whether a pool keeps sending one client to the same member. */
public enum SessionPersistence {
    NONE,
    /** Sticky by client address, for persistence_timeout after the client's last new connection. */
    SOURCE_IP;

    public static SessionPersistence parse(String text) {
        if ("HTTP_COOKIE".equals(text) || "APP_COOKIE".equals(text)) {
            throw new IllegalArgumentException("session_persistence '" + text
                    + "' is not supported yet: edgelb has no cookie persistence (use SOURCE_IP)");
        }
        return Enums.parse(SessionPersistence.class, text, "session_persistence");
    }
}
