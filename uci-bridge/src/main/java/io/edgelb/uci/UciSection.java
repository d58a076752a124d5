package io.edgelb.uci;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code config TYPE ['NAME']} section with its options in file order.
 *
 * <p>Editing follows libuci: setting an existing option or turning it into a list keeps its place; a new
 * option goes to the end of the section; setting an empty value deletes the option.
 */
public final class UciSection {
    private final String type;
    private final String name;
    private final String uciName;
    private final int line;
    private final Map<String, UciOption> options = new LinkedHashMap<>();

    UciSection(String type, String name, String uciName, int line) {
        this.type = type;
        this.name = name;
        this.uciName = uciName;
        this.line = line;
    }

    public String type() {
        return type;
    }

    /** The name written in the file, or null for an anonymous section. */
    public String name() {
        return name;
    }

    public boolean isAnonymous() {
        return name == null;
    }

    /**
     * The name libuci knows the section by: its own name, or for an anonymous section the generated
     * {@code cfgNNHHHH} id. That id changes when an earlier section is deleted: never store it.
     */
    public String uciName() {
        return uciName;
    }

    /** The line of the {@code config} statement (the first one, when a named section is repeated). */
    public int line() {
        return line;
    }

    public List<UciOption> options() {
        return List.copyOf(options.values());
    }

    /** The option, or null. */
    public UciOption option(String optionName) {
        return options.get(optionName);
    }

    /** The value of a single-valued option; null when absent or a list. */
    public String value(String optionName) {
        UciOption option = options.get(optionName);
        return option == null ? null : option.value();
    }

    /** The values of an option (one for {@code option}, each item for {@code list}); empty when absent. */
    public List<String> values(String optionName) {
        UciOption option = options.get(optionName);
        return option == null ? List.of() : option.values();
    }

    /** {@code uci set}: an empty value deletes the option; an existing option keeps its place. */
    public void set(String optionName, String value) {
        UciNames.requireName("option name", optionName);
        UciNames.requireText(optionName, value);
        if (value.isEmpty()) {
            options.remove(optionName);
        } else {
            options.put(optionName, UciOption.single(optionName, value, 0));
        }
    }

    /** {@code uci add_list}: appends an item; a single value becomes the list's first item, in place. */
    public void addListValue(String optionName, String value) {
        UciNames.requireName("option name", optionName);
        UciNames.requireText(optionName, value);
        addItem(optionName, value, 0);
    }

    /** {@code uci del_list}: removes every item equal to the value; does nothing to a single value. */
    public boolean removeListValue(String optionName, String value) {
        UciOption option = options.get(optionName);
        if (option == null || !option.isList()) {
            return false;
        }
        UciOption rest = option.minusItem(value);
        if (rest == null) {
            options.remove(optionName);
        } else {
            options.put(optionName, rest);
        }
        return rest == null || rest.items().size() != option.items().size();
    }

    /** {@code uci delete}: removes the option; false when there was none. */
    public boolean delete(String optionName) {
        return options.remove(optionName) != null;
    }

    /** An {@code option} line: libuci ignores an empty value while loading (it would delete nothing). */
    void parsedOption(String optionName, String value, int statementLine) {
        if (!value.isEmpty()) {
            options.put(optionName, UciOption.single(optionName, value, statementLine));
        }
    }

    /** A {@code list} line: unlike {@code option}, an empty value is kept as an empty item. */
    void parsedListItem(String optionName, String value, int statementLine) {
        addItem(optionName, value, statementLine);
    }

    private void addItem(String optionName, String value, int itemLine) {
        UciOption existing = options.get(optionName);
        options.put(optionName, existing == null
                ? UciOption.firstItem(optionName, value, itemLine)
                : existing.plusItem(value, itemLine));
    }

    @Override
    public String toString() {
        return "config " + type + (name == null ? " (" + uciName + ")" : " '" + name + "'");
    }
}
