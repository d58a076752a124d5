package io.edgelb.model;

/**
 * One condition of an {@link L7Policy}: the request's {@code type} (for HEADER and COOKIE, the one
 * named {@code key}) compared with {@code value}; {@code invert} negates the result.
 */
public record L7Rule(
        String id,
        String policyId,
        L7RuleType type,
        L7CompareType compareType,
        String key,
        String value,
        boolean invert,
        boolean enabled) {

    /** Longest REGEX accepted: patterns are compiled at check time and run on the event loop. */
    public static final int MAX_REGEX_CHARS = 256;
    /** Longest value of any other compare type. */
    public static final int MAX_VALUE_CHARS = 1024;
}
