package io.edgelb.uci;

import java.util.ArrayList;
import java.util.List;

/**
 * One option of a section: a single value ({@code option}) or a list ({@code list}), with the file
 * line of each value so that problems can be reported where the user wrote them. Immutable: a change
 * replaces the option in its section, at the same place.
 */
public final class UciOption {
    /** One value and the line that defined it (0 when it was not read from a file). */
    public record Item(String value, int line) {
    }

    private final String name;
    private final boolean list;
    /**
     * Append-only, shared by the successive versions of one list: each version sees its first
     * {@link #size} items. A file of 200,000 {@code list} lines copied the whole list per line before.
     */
    private final List<Item> backing;
    private final int size;
    private final int line;

    private UciOption(String name, boolean list, List<Item> items, int line) {
        this(name, list, new ArrayList<>(items), items.size(), line);
    }

    private UciOption(String name, boolean list, List<Item> backing, int size, int line) {
        this.name = name;
        this.list = list;
        this.backing = backing;
        this.size = size;
        this.line = line;
    }

    static UciOption single(String name, String value, int line) {
        return new UciOption(name, false, List.of(new Item(value, line)), line);
    }

    /** uci_add_list: a list gets one more item; a single value becomes the first item of a list. */
    UciOption plusItem(String value, int itemLine) {
        Item item = new Item(value, itemLine);
        if (backing.size() == size) {
            backing.add(item); // this is the newest version: the older ones do not see past their size
            return new UciOption(name, true, backing, size + 1, itemLine);
        }
        List<Item> more = new ArrayList<>(items());
        more.add(item);
        return new UciOption(name, true, more, itemLine);
    }

    static UciOption firstItem(String name, String value, int line) {
        return new UciOption(name, true, List.of(new Item(value, line)), line);
    }

    /** uci_del_list: every item equal to {@code value} goes; null when none is left. */
    UciOption minusItem(String value) {
        List<Item> rest = new ArrayList<>(items());
        rest.removeIf(item -> item.value().equals(value));
        return rest.isEmpty() ? null : new UciOption(name, true, rest, line);
    }

    public String name() {
        return name;
    }

    public boolean isList() {
        return list;
    }

    /** The value of a single-valued option; null for a list. */
    public String value() {
        return list ? null : backing.get(0).value();
    }

    /** The values in order: the items of a list, or the one value of an option. */
    public List<String> values() {
        return items().stream().map(Item::value).toList();
    }

    public List<Item> items() {
        return java.util.Collections.unmodifiableList(backing.subList(0, size));
    }

    /** The line of the statement that last set this option or added to it; 0 when not from a file. */
    public int line() {
        return line;
    }

    @Override
    public String toString() {
        return (list ? "list " : "option ") + name + " " + values();
    }
}
