package io.edgelb.uci;

import java.nio.charset.StandardCharsets;

/**
 * The naming rules of libuci (util.c {@code uci_validate_*}, list.c {@code uci_fixup_section}):
 * which names, types and values are legal, and the id libuci gives an anonymous section.
 */
public final class UciNames {
    private UciNames() {
    }

    /** Section and option names: {@code [A-Za-z0-9_]+}, so that shell scripts can use them as variables. */
    public static boolean isName(String text) {
        return !text.isEmpty() && text.chars().allMatch(UciNames::isNameChar);
    }

    /** Section types: non-empty printable ASCII without blanks (0x21-0x7E), so {@code wifi-iface} is fine. */
    public static boolean isType(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
    }

    /** The name in a {@code package} statement: a name that may also hold {@code -}. */
    static boolean isPackageName(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> isNameChar(c) || c == '-');
    }

    /**
     * Values that {@code uci set} accepts: no control characters but TAB, LF and CR. The file parser
     * itself accepts any byte; this rule guards what our own writers put into a file.
     */
    public static boolean isText(String text) {
        return text.chars().allMatch(c -> c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
    }

    /**
     * The name libuci gives an anonymous section: {@code cfg}, the package's running section counter
     * ({@code %02x}, 1-based, counting every section created, named or not, never decremented) and the
     * low 16 bits of a djb hash ({@code %04x}). The hash covers the type and the options present when the
     * section is created, and a section is created before its options are read, so only the type counts:
     * the third anonymous {@code backend} after one named section is {@code cfg0326ed}.
     */
    public static String anonymousId(int counter, String type) {
        return String.format("cfg%02x%04x", counter, djbHash(type) & 0xffff);
    }

    /**
     * D. J. Bernstein's hash as libuci computes it: seed 5381, {@code h * 33 + c} over the bytes as C
     * {@code char}, the result masked to 31 bits.
     */
    static int djbHash(String text) {
        int hash = 5381;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash << 5) + hash + b; // b is signed, like char on the x86 and MIPS builds
        }
        return hash & 0x7fffffff;
    }

    static void requireName(String what, String name) {
        if (!isName(name)) {
            throw new IllegalArgumentException(what + " '" + name + "' is not a UCI name (letters, digits and _ only)");
        }
    }

    static void requireType(String type) {
        if (!isType(type)) {
            throw new IllegalArgumentException("section type '" + type + "' is not a UCI type (printable ASCII, no blanks)");
        }
    }

    static void requireText(String name, String value) {
        if (!isText(value)) {
            throw new IllegalArgumentException("value of " + name + " holds a control character uci would refuse");
        }
    }

    private static boolean isNameChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
