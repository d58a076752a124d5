package io.edgelb.uci;

/**
 * A UCI syntax error, carrying what libuci reports: its reason text, its line counter and the byte
 * offset in the statement being parsed. {@link #getMessage()} reads exactly like the {@code uci} tool:
 * {@code Parse error (EOF with unterminated ') at line 3, byte 47}.
 */
public final class UciParseException extends Exception {
    private final String reason;
    private final int line;
    private final int byteOffset;
    private final int fileLine;

    public UciParseException(String reason, int line, int byteOffset) {
        this(reason, line, byteOffset, Math.max(1, line));
    }

    /** {@code fileLine}: the line of the file the error is on, as an editor counts (from 1). */
    public UciParseException(String reason, int line, int byteOffset, int fileLine) {
        super("Parse error (" + reason + ") at line " + line + ", byte " + byteOffset);
        this.reason = reason;
        this.line = line;
        this.byteOffset = byteOffset;
        this.fileLine = fileLine;
    }

    /**
     * The line of the file the error is on, counting from 1 as an editor does: unlike libuci's counter
     * ({@link #line()}) never 0 (a NUL or a UTF-16 byte order mark in line 1, a file of CR line ends)
     * and not the line before when the last line has no newline.
     */
    public int fileLine() {
        return fileLine;
    }

    /** libuci's reason text, e.g. {@code too many arguments}. */
    public String reason() {
        return reason;
    }

    /**
     * libuci's line counter: the number of newline-terminated lines read when the error was found, so a
     * quote left open runs to the end of the file and the error names its last line.
     */
    public int line() {
        return line;
    }

    /**
     * The offset in libuci's statement buffer: 0 is the first byte of the statement's first line, and a
     * statement continued over several lines keeps counting across them.
     */
    public int byteOffset() {
        return byteOffset;
    }
}
