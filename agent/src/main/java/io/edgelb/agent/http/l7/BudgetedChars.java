package io.edgelb.agent.http.l7;

/**
 * A CharSequence that lets a regular expression read at most a budget of characters: past it,
 * {@link Exhausted} is thrown. java.util.regex reads its input only through charAt, so this bounds
 * the backtracking of a pattern like {@code (a+)+$} that would otherwise hold an event loop for
 * minutes. Not thread-safe: one instance per match, on the event loop that matches.
 */
final class BudgetedChars implements CharSequence {
    /** Thrown when the budget is spent; no stack trace, it is an expected outcome. */
    static final class Exhausted extends RuntimeException {
        Exhausted() {
            super("regular expression match over its budget", null, false, false);
        }
    }

    private final String text;
    private final int start;
    private final int end;
    private final long[] left;

    BudgetedChars(String text, long budget) {
        this(text, 0, text.length(), new long[] {budget});
    }

    private BudgetedChars(String text, int start, int end, long[] left) {
        this.text = text;
        this.start = start;
        this.end = end;
        this.left = left; // shared with subsequences: one budget per match
    }

    @Override
    public char charAt(int index) {
        if (--left[0] < 0) {
            throw new Exhausted();
        }
        return text.charAt(start + index);
    }

    @Override
    public int length() {
        return end - start;
    }

    @Override
    public CharSequence subSequence(int from, int to) {
        if (from < 0 || to > length() || from > to) {
            throw new IndexOutOfBoundsException();
        }
        return new BudgetedChars(text, start + from, start + to, left);
    }

    @Override
    public String toString() {
        return text.substring(start, end);
    }
}
