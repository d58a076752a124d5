package io.edgelb.uci.edgelb;

import io.edgelb.model.io.Printable;

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

    /**
     * {@code FILE:LINE: text}, on one line whatever the values in it hold (control characters escaped,
     * a long value cut in the middle); without a line (0) just {@code FILE: text}.
     */
    String format(String file) {
        String place = Printable.escape(file) + (line > 0 ? ":" + line + ": " : ": ");
        return place + Printable.line(text, Printable.MAX_LINE_CHARS);
    }
}
