package io.edgelb.agent.health;

/**
 * Reads the status code from an HTTP/1.x status line ({@code HTTP/1.1 200 OK}); the rest of the
 * response does not matter to a health check.
 */
final class StatusLine {
    /** How much of an unparseable line a detail quotes. */
    private static final int QUOTE_LIMIT = 40;

    private StatusLine() {
    }

    /** The three-digit code, or -1 when the line is not an HTTP/1.x status line. */
    static int code(String line) {
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
            return -1;
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        if (line.length() > 12 && line.charAt(12) != ' ') {
            return -1;
        }
        return code < 100 ? -1 : code;
    }

    /** The start of a line, safe to log: control and non-ASCII characters become '?'. */
    static String quote(String line) {
        int n = Math.min(line.length(), QUOTE_LIMIT);
        StringBuilder quoted = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            quoted.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (line.length() > n) {
            quoted.append("...");
        }
        return quoted.toString();
    }
}
