package io.edgelb.model;

/** What part of a request an L7 rule looks at (Octavia's l7rule type). */
public enum L7RuleType {
    HOST_NAME,
    PATH,
    FILE_TYPE,
    HEADER,
    COOKIE;

    public static L7RuleType parse(String text) {
        if (text != null && text.startsWith("SSL_")) {
            throw new IllegalArgumentException("type '" + text + "' (client certificates on TERMINATED_HTTPS) is not supported yet");
        }
        return Enums.parse(L7RuleType.class, text, "type");
    }

    /** HEADER and COOKIE rules name what they look at with key. */
    public boolean needsKey() {
        return this == HEADER || this == COOKIE;
    }
}
