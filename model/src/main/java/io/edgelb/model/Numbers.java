package io.edgelb.model;

/** Strict decimal parsing for configuration values: digits only, no signs or spaces unless allowed. */
public final class Numbers {
    private Numbers() {
    }

    /** Parses a decimal integer (optionally negative); returns {@code fallback} on any bad text or overflow. */
    public static int parseInt(String text, int fallback) {
        long value = parseLong(text, Long.MIN_VALUE);
        if (value == Long.MIN_VALUE || value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            return fallback;
        }
        return (int) value;
    }

    /** Parses a decimal long (optionally negative); returns {@code fallback} on any bad text or overflow. */
    public static long parseLong(String text, long fallback) {
        if (text == null || text.isEmpty() || text.length() > 19) {
            return fallback;
        }
        int start = text.charAt(0) == '-' ? 1 : 0;
        if (start == text.length()) {
            return fallback;
        }
        for (int i = start; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return fallback;
            }
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * Parses seconds written as a decimal ({@code 5}, {@code 0.5}) into milliseconds; returns
     * {@code fallback} on bad text. Octavia uses whole seconds; fractions help tests and fast LANs.
     */
    public static long parseSecondsToMillis(String text, long fallback) {
        if (text == null || !text.matches("\\d{1,9}(\\.\\d{1,3})?")) {
            return fallback;
        }
        int dot = text.indexOf('.');
        if (dot < 0) {
            return Long.parseLong(text) * 1000L;
        }
        String fraction = (text.substring(dot + 1) + "00").substring(0, 3);
        return Long.parseLong(text.substring(0, dot)) * 1000L + Long.parseLong(fraction);
    }
}
