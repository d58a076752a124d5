package io.edgelb.model.json;

/**
 * Checks raw JSON text before it is parsed: its size, and how deeply it nests. minimal-json parses
 * recursively, so a few megabytes of {@code [[[[...} from a peer would otherwise end in a
 * StackOverflowError instead of a message.
 */
public final class JsonGuard {
    private JsonGuard() {
    }

    /** Null when the text may be parsed; else why not. */
    public static String check(String text, int maxChars, int maxDepth) {
        if (text == null) {
            return "no document";
        }
        if (text.length() > maxChars) {
            return "document of " + text.length() + " characters is larger than the limit of " + maxChars;
        }
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > maxDepth) {
                    return "document nests deeper than " + maxDepth + " levels";
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        return null;
    }
}
