package io.edgelb.uci;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The statement buffer libuci parses in place (file.c {@code uci_getln}): physical lines of the input
 * appended at a given offset, read as a NUL-terminated C string of bytes.
 *
 * <p>libuci's error offsets, its line counter and several of its quirks (a {@code ;} swallowed by the
 * terminator written after an unquoted value, a backslash-newline that overwrites the newline) follow
 * from writing into this one buffer, so the parser does the same instead of tokenising a copy. Each
 * byte is kept as one {@code char} 0-255; values are decoded as UTF-8 when taken out.
 */
final class UciLineBuffer {
    private final byte[] input;
    private int next;
    private boolean eof;

    private char[] buf = new char[256];
    private int filled;
    /** libuci's {@code pctx->line}: counts the lines read that ended in a newline. */
    private int lineCounter;
    /** Physical lines of the input consumed so far, newline or not: what an editor shows. */
    private int physicalLines;

    /** Where each physical line of the current statement starts in the buffer, and its line number. */
    private int[] lineStarts = new int[8];
    private int[] lineNumbers = new int[8];
    private int lineCount;

    UciLineBuffer(byte[] input) {
        this.input = input;
    }

    /** True once a read found no more input: the {@code feof} that ends libuci's import loop. */
    boolean atEof() {
        return eof;
    }

    /** Starts a new statement: the next line is read at offset 0. */
    void startStatement() {
        lineCount = 0;
    }

    /**
     * Reads the next line into the buffer at {@code offset}, overwriting what is there. At the end of the
     * input a NUL is written at the offset instead. A NUL byte in the input ends what is taken from that
     * line (as {@code strlen} does after {@code fgets}) and the following line is joined on, not counted.
     */
    void readLine(int offset) {
        while (lineCount > 0 && lineStarts[lineCount - 1] >= offset) {
            lineCount--;
        }
        int at = offset;
        while (true) {
            put(at, '\0');
            if (next >= input.length) {
                eof = true;
                return;
            }
            int end = next;
            while (end < input.length && input[end] != '\n') {
                end++;
            }
            end = Math.min(end + 1, input.length);
            int usable = next;
            while (usable < end && input[usable] != 0) {
                usable++;
            }
            int start = next;
            next = end;
            physicalLines++;
            int length = usable - start;
            if (length == 0) {
                return; // fgets gave a string starting with NUL: libuci takes nothing from this line
            }
            ensureCapacity(at + length + 1);
            for (int i = 0; i < length; i++) {
                buf[at + i] = (char) (input[start + i] & 0xff);
            }
            recordLine(at, physicalLines);
            at += length;
            filled = at;
            if (buf[at - 1] == '\n') {
                lineCounter++;
                return;
            }
        }
    }

    /** The byte at {@code index}, or NUL past the end of what was read. */
    char at(int index) {
        return index < filled ? buf[index] : '\0';
    }

    /** Writes in place; at or past the end there is already a NUL terminator. */
    void put(int index, char c) {
        if (index < filled) {
            buf[index] = c;
        }
    }

    /** libuci's {@code buf_filled}: how far the last read filled the buffer. */
    int filled() {
        return filled;
    }

    int lineCounter() {
        return lineCounter;
    }

    /** The physical line number of the statement byte at {@code offset}. */
    int physicalLineAt(int offset) {
        for (int i = lineCount - 1; i >= 0; i--) {
            if (lineStarts[i] <= offset) {
                return lineNumbers[i];
            }
        }
        return physicalLines;
    }

    /** {@code strlen} from {@code from}. */
    int length(int from) {
        int end = from;
        while (at(end) != '\0') {
            end++;
        }
        return end - from;
    }

    /** The C string at {@code from}, one char per byte: for keywords, names and types. */
    String raw(int from) {
        int length = length(from);
        return length == 0 ? "" : new String(buf, from, length);
    }

    /** The C string at {@code from} decoded as UTF-8: for values. */
    String text(int from) {
        int length = length(from);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) buf[from + i];
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void recordLine(int offset, int number) {
        if (lineCount == lineStarts.length) {
            lineStarts = Arrays.copyOf(lineStarts, lineCount * 2);
            lineNumbers = Arrays.copyOf(lineNumbers, lineCount * 2);
        }
        lineStarts[lineCount] = offset;
        lineNumbers[lineCount] = number;
        lineCount++;
    }

    private void ensureCapacity(int size) {
        if (size > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(size, buf.length * 2));
        }
    }
}
