package io.edgelb.model;

/** How an L7 rule compares (Octavia's compare_type); REGEX is bounded, see {@link L7Rule#MAX_REGEX_CHARS}. */
public enum L7CompareType {
    EQUAL_TO,
    STARTS_WITH,
    ENDS_WITH,
    CONTAINS,
    REGEX;

    public static L7CompareType parse(String text) {
        return Enums.parse(L7CompareType.class, text, "compare_type");
    }
}
