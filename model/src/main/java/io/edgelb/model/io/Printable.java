package io.edgelb.model.io;

/**
 * Makes text from a configuration, the hub or a peer safe to print on one line (a log line, a
 * {@code check} line, a status table cell): control characters become visible escapes, so a value
 * holding a newline cannot forge a line of its own, and ANSI escapes cannot repaint a terminal. The
 * one escaping function for messages, logs and CLI output.
 */
public final class Printable {
    /** Most characters of one value shown in a log line; the rest is counted, not printed. */
    public static final int MAX_VALUE_CHARS = 300;
    /** Most characters of one message line (FILE:LINE: text) before its middle is cut out. */
    public static final int MAX_LINE_CHARS = 500;

    private Printable() {
    }

    /**
     * {@code \n}, {@code \r}, {@code \t}, {@code \x1b} for other C0 controls and
     * DEL, {@code \u0085}-style escapes for C1 controls and Unicode line/paragraph separators.
     */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        int i = 0;
        while (i < text.length() && !needsEscape(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!needsEscape(c)) {
                out.append(c);
                continue;
            }
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x100) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * {@link #escape} that also keeps a line short: at most {@code maxChars} characters of the text, then
     * {@code … (N more bytes)} with N counted in UTF-8 bytes of what was left out.
     */
    public static String capped(String text, int maxChars) {
        if (text == null || text.length() <= maxChars) {
            return escape(text);
        }
        int cut = maxChars;
        if (Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        String rest = text.substring(cut);
        int restBytes = rest.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return escape(text.substring(0, cut)) + "… (" + restBytes + " more bytes)";
    }

    /**
     * One message line: escaped, and when long, its head and its tail with {@code … (N more bytes) …}
     * between them, so that a 1 MB value neither floods the log nor hides what the message says of it.
     */
    public static String line(String text, int maxChars) {
        if (text == null || text.length() <= maxChars) {
            return escape(text);
        }
        int tail = Math.min(80, maxChars / 4);
        int headEnd = maxChars - tail;
        int tailStart = text.length() - tail;
        if (Character.isHighSurrogate(text.charAt(headEnd - 1))) {
            headEnd--;
        }
        if (Character.isLowSurrogate(text.charAt(tailStart))) {
            tailStart++;
        }
        int omitted = text.substring(headEnd, tailStart).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        return escape(text.substring(0, headEnd)) + "… (" + omitted + " more bytes) …"
                + escape(text.substring(tailStart));
    }

    /** True when the text holds a character {@link #escape} would replace (tests, assertions). */
    public static boolean hasControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (needsEscape(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029';
    }
}
