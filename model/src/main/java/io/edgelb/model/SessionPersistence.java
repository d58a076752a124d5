package io.edgelb.model;

/** Whether a pool keeps sending one client to the same member. */
public enum SessionPersistence {
    NONE,
    /** Sticky by client address, for persistence_timeout after the client's last new connection. */
    SOURCE_IP,
    /** HTTP pools: the agent sets a cookie naming the member (by an opaque token) and follows it. */
    HTTP_COOKIE;

    public static SessionPersistence parse(String text) {
        if ("APP_COOKIE".equals(text)) {
            throw new IllegalArgumentException("session_persistence '" + text
                    + "' is not supported yet: edgelb does not follow application cookies (use HTTP_COOKIE)");
        }
        return Enums.parse(SessionPersistence.class, text, "session_persistence");
    }
}
