package io.edgelb.uci;

import java.nio.charset.StandardCharsets;

/**
 * Reads a UCI file exactly as libuci does (openwrt/uci file.c, strict mode, the way {@code uci} loads
 * {@code /etc/config/NAME}): same statements, quoting, comments, continuations, merging, names, cfg ids,
 * and the same error reason, line and byte.
 *
 * <p>The grammar, in short: a line holds {@code package NAME}, {@code config TYPE [NAME]},
 * {@code option NAME VALUE} or {@code list NAME VALUE} (or {@code p}, {@code c}, {@code o}, {@code l}).
 * A token is a run of segments up to an unquoted blank: {@code '...'} is literal and may span lines;
 * {@code "..."} drops a backslash and keeps the next byte (no C escapes) and joins lines on
 * backslash-newline; unquoted, a backslash keeps the next byte or continues the line, and {@code #}
 * ends the line. {@code ;} separates statements, with libuci's quirks.
 *
 * <p>Like libuci the parser works in place on one statement buffer ({@link UciLineBuffer}); the method
 * names below are those of file.c so the two can be compared.
 */
public final class UciParser {
    /** Most sections one file may hold (ConfigLimits.MAX_SECTIONS in the model). */
    public static final int MAX_SECTIONS = 32_768;
    private final UciLineBuffer in;
    private final UciPackage result = new UciPackage();
    private UciSection section;
    /** {@code pctx->pos}: the read position in the statement buffer. */
    private int pos;
    /** Where the token being parsed is written back, always at or before {@link #pos}. */
    private int target;

    private UciParser(byte[] content) {
        this.in = new UciLineBuffer(content);
    }

    /** Parses a file's bytes; values are decoded as UTF-8. */
    public static UciPackage parse(byte[] content) throws UciParseException {
        return new UciParser(content).parseAll();
    }

    public static UciPackage parse(String text) throws UciParseException {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private UciPackage parseAll() throws UciParseException {
        while (!in.atEof()) {
            pos = 0;
            in.startStatement();
            in.readLine(0);
            if (in.at(0) != '\0') {
                parseLine();
            }
        }
        return result;
    }

    /** uci_parse_line: one or more {@code ;}-separated statements. */
    private void parseLine() throws UciParseException {
        skipWhitespace();
        while (true) {
            int word = splitCommandWord();
            if (word < 0) {
                return;
            }
            String command = in.raw(word);
            int line = in.physicalLineAt(word);
            switch (command) {
                case "p", "package" -> parsePackage();
                case "c", "config" -> parseConfig(line);
                case "o", "option" -> parseOption(false, line);
                case "l", "list" -> parseOption(true, line);
                default -> {
                    if (command.charAt(0) == '#') {
                        return;
                    }
                    throw error("invalid command");
                }
            }
        }
    }

    /**
     * The {@code strtok(..., " \t")} of uci_parse_line: finds the command word from {@link #pos} and
     * ends it with a NUL, without moving {@link #pos}. Only space and TAB end it, so a keyword followed
     * directly by the newline is not a keyword ({@code config} alone on a line is an invalid command).
     */
    private int splitCommandWord() {
        int p = pos;
        while (in.at(p) == ' ' || in.at(p) == '\t') {
            p++;
        }
        if (in.at(p) == '\0') {
            return -1;
        }
        int start = p;
        while (in.at(p) != '\0' && in.at(p) != ' ' && in.at(p) != '\t') {
            p++;
        }
        in.put(p, '\0');
        return start;
    }

    /** uci_parse_package: the name is checked and, when loading one file, otherwise ignored. */
    private void parsePackage() throws UciParseException {
        skipCommandWord("package without name");
        int name = nextArg(true, false);
        if (!UciNames.isPackageName(in.raw(name))) {
            throw error("invalid character in name field");
        }
        assertEndOfStatement();
    }

    /** uci_parse_config: opens a section, or reopens a named one to merge more options into it. */
    private void parseConfig(int line) throws UciParseException {
        skipCommandWord("config without name");
        int typeAt = nextArg(true, false);
        String type = in.raw(typeAt);
        if (!UciNames.isType(type)) {
            throw error("invalid character in type field");
        }
        int nameAt = nextArg(false, true);
        assertEndOfStatement();
        String name = in.raw(nameAt);
        if (result.sectionCount() >= MAX_SECTIONS && (name.isEmpty() || result.section(name) == null)) {
            // Not libuci: a bound on memory, so that megabytes of sections end in a message, not an OOM.
            throw error("more than " + MAX_SECTIONS + " sections, the limit per file (docs/limits.md)");
        }
        if (name.isEmpty()) {
            section = result.parsedSection(type, null, line);
            return;
        }
        UciSection existing = result.section(name);
        if (existing != null && !existing.type().equals(type)) {
            throw error("section of different type overwrites prior section with same name");
        }
        section = result.parsedSection(type, name, line);
    }

    /** uci_parse_option: {@code option} sets (last one wins), {@code list} appends. */
    private void parseOption(boolean list, int line) throws UciParseException {
        if (section == null) {
            throw error("option/list command found before the first section");
        }
        skipCommandWord("option without name");
        int nameAt = nextArg(true, true);
        int valueAt = nextArg(false, false);
        assertEndOfStatement();
        String name = in.raw(nameAt);
        String value = in.text(valueAt);
        if (list) {
            section.parsedListItem(name, value, line);
        } else {
            section.parsedOption(name, value, line);
        }
    }

    /** uci_increase_pos over the command word and the NUL that ended it. */
    private void skipCommandWord(String reasonWhenMissing) throws UciParseException {
        int add = in.length(pos) + 1;
        if (pos + add > in.filled()) {
            throw error(reasonWhenMissing);
        }
        pos += add;
    }

    /** assert_eol: anything after the last argument is one argument too many. */
    private void assertEndOfStatement() throws UciParseException {
        skipWhitespace();
        int extra = nextArg(false, false);
        if (in.at(extra) != '\0') {
            throw error("too many arguments");
        }
    }

    /** next_arg: parses one token in place and returns where it starts (an empty string when none). */
    private int nextArg(boolean required, boolean isName) throws UciParseException {
        skipWhitespace();
        int value = pos;
        target = pos;
        if (in.at(pos) == ';') {
            in.put(pos, '\0');
            pos++;
        } else {
            parseString();
        }
        if (in.at(value) == '\0') {
            if (required) {
                throw error("insufficient arguments");
            }
            return value;
        }
        if (isName && !UciNames.isName(in.raw(value))) {
            throw error("invalid character in name field");
        }
        return value;
    }

    /** parse_str: concatenates quoted and unquoted segments up to an unquoted blank, {@code #} or {@code ;}. */
    private void parseString() throws UciParseException {
        boolean stepOverEnd = true;
        scan:
        do {
            switch (in.at(pos)) {
                case '\'' -> parseSingleQuote();
                case '"' -> parseDoubleQuote();
                case '#' -> {
                    in.put(pos, '\0');
                    break scan;
                }
                case '\0' -> {
                    break scan;
                }
                case ';' -> {
                    stepOverEnd = false;
                    break scan;
                }
                case '\\' -> {
                    if (parseBackslash()) {
                        copyChar();
                    }
                }
                default -> copyChar();
            }
        } while (in.at(pos) != '\0' && !isSpace(in.at(pos)));
        if (in.at(pos) != '\0' && stepOverEnd) {
            pos++;
        }
        // For an unquoted value ended by ';' this NUL lands on the ';' itself and the rest of the
        // line is lost: libuci does the same, silently.
        in.put(target, '\0');
    }

    /** parse_single_quote: everything is literal up to the next quote, newlines included. */
    private void parseSingleQuote() throws UciParseException {
        pos++;
        while (true) {
            char c = in.at(pos);
            if (c == '\'') {
                pos++;
                return;
            }
            if (c == '\0') {
                in.readLine(pos);
                if (in.at(pos) == '\0') {
                    throw error("EOF with unterminated '");
                }
                continue;
            }
            copyChar();
        }
    }

    /** parse_double_quote: a backslash keeps the next byte as it is; backslash-newline joins lines. */
    private void parseDoubleQuote() throws UciParseException {
        pos++;
        while (true) {
            char c = in.at(pos);
            if (c == '"') {
                pos++;
                return;
            }
            if (c == '\0') {
                in.readLine(pos);
                if (in.at(pos) == '\0') {
                    throw error("EOF with unterminated \"");
                }
                continue;
            }
            if (c == '\\' && !parseBackslash()) {
                continue;
            }
            copyChar();
        }
    }

    /**
     * parse_backslash: steps over the backslash; at the end of the line it reads the next line over the
     * newline and returns false (nothing to copy), otherwise true (copy the escaped byte as it is).
     */
    private boolean parseBackslash() {
        pos++;
        char c = in.at(pos);
        if (c == '\0' || c == '\n' || (c == '\r' && in.at(pos + 1) == '\n' && in.at(pos + 2) == '\0')) {
            in.readLine(pos);
            return false;
        }
        return true;
    }

    private void copyChar() {
        in.put(target, in.at(pos));
        target++;
        pos++;
    }

    private void skipWhitespace() {
        while (in.at(pos) != '\0' && isSpace(in.at(pos))) {
            pos++;
        }
    }

    /** C {@code isspace}: space, TAB, LF, VT, FF, CR. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == 0x0c || c == '\r';
    }

    private UciParseException error(String reason) {
        return new UciParseException(reason, in.lineCounter(), pos, Math.max(1, in.physicalLineAt(pos)));
    }
}
