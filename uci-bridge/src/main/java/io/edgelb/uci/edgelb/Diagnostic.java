package io.edgelb.uci.edgelb;

/**
 * One message about a configuration file, tied to a line: {@code text} is what follows
 * {@code FILE:LINE: } ({@code warning: } included for warnings).
 */
record Diagnostic(int line, boolean error, String text) {

    static Diagnostic error(int line, String text) {
        return new Diagnostic(line, true, text);
    }

    static Diagnostic warning(int line, String text) {
        return new Diagnostic(line, false, "warning: " + text);
    }

    /** {@code FILE:LINE: text}; without a line (0) just {@code FILE: text}. */
    String format(String file) {
        return line > 0 ? file + ":" + line + ": " + text : file + ": " + text;
    }
}
