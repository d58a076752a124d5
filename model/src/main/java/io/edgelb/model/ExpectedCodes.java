package io.edgelb.model;

import java.util.ArrayList;
import java.util.List;

/** The HTTP status codes a health check accepts: {@code 200}, {@code 200-299}, {@code 200,302}. */
public final class ExpectedCodes {
    private final String text;
    private final int[] ranges; // pairs of inclusive [low, high]

    private ExpectedCodes(String text, int[] ranges) {
        this.text = text;
        this.ranges = ranges;
    }

    public static ExpectedCodes parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("expected_codes is empty");
        }
        List<int[]> parsed = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            String[] bounds = item.split("-", -1);
            if (bounds.length > 2) {
                throw bad(text);
            }
            int low = code(bounds[0], text);
            int high = bounds.length == 2 ? code(bounds[1], text) : low;
            if (high < low) {
                throw new IllegalArgumentException("expected_codes '" + text + "': range " + item + " is backwards");
            }
            parsed.add(new int[] {low, high});
        }
        int[] ranges = new int[parsed.size() * 2];
        for (int i = 0; i < parsed.size(); i++) {
            ranges[2 * i] = parsed.get(i)[0];
            ranges[2 * i + 1] = parsed.get(i)[1];
        }
        return new ExpectedCodes(text, ranges);
    }

    public boolean matches(int status) {
        for (int i = 0; i < ranges.length; i += 2) {
            if (status >= ranges[i] && status <= ranges[i + 1]) {
                return true;
            }
        }
        return false;
    }

    private static int code(String digits, String whole) {
        int code = Numbers.parseInt(digits.trim().equals(digits) ? digits : "", -1);
        if (code < 100 || code > 599) {
            throw bad(whole);
        }
        return code;
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("expected_codes '" + text
                + "' is not a code list (write 200, 200-299 or 200,302; codes 100-599)");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ExpectedCodes e && e.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
