package io.edgelb.uci;

import java.nio.charset.StandardCharsets;

/**
 * Writes a package byte for byte as {@code uci commit} does (file.c {@code uci_export_package}): an
 * empty line before every section, one TAB before each option, every value single-quoted with an
 * embedded {@code '} written {@code '\''}, and an empty line at the end. Comments are not kept, as with
 * uci. For any file already in this form, {@code write(parse(file))} gives the file back.
 */
public final class UciWriter {
    private UciWriter() {
    }

    public static String write(UciPackage uciPackage) {
        StringBuilder out = new StringBuilder();
        for (UciSection section : uciPackage.sections()) {
            out.append("\nconfig ").append(escape(section.type()));
            if (!section.isAnonymous()) {
                out.append(" '").append(escape(section.name())).append('\'');
            }
            out.append('\n');
            for (UciOption option : section.options()) {
                String keyword = option.isList() ? "\tlist " : "\toption ";
                for (String value : option.values()) {
                    out.append(keyword).append(escape(option.name()))
                            .append(" '").append(escape(value)).append("'\n");
                }
            }
        }
        return out.append('\n').toString();
    }

    public static byte[] toBytes(UciPackage uciPackage) {
        return write(uciPackage).getBytes(StandardCharsets.UTF_8);
    }

    /** uci_escape: close the quote, an escaped quote, reopen. Applied to types and names too, as uci does. */
    static String escape(String text) {
        return text.replace("'", "'\\''");
    }
}
