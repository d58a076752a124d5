package io.edgelb.uci;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sections of one UCI file ({@code /etc/config/NAME}) in file order, editable the way libuci edits
 * them: existing sections keep their place and new ones go to the end.
 */
public final class UciPackage {
    /** A list, not a map: as in libuci, a named section may happen to carry another section's cfg id. */
    private final List<UciSection> sections = new ArrayList<>();
    /** libuci's {@code n_section}: every section ever created, named or not; deleting does not lower it. */
    private int sectionCounter;
    /**
     * The first section in {@link #sections} for each libuci name, so that a {@code config} line looks
     * its name up in constant time (a scan per line made a 20,000-section file quadratic).
     */
    private final Map<String, UciSection> byName = new HashMap<>();

    public int sectionCount() {
        return sections.size();
    }

    public List<UciSection> sections() {
        return List.copyOf(sections);
    }

    /** The section libuci knows by this name (a section's name, or an anonymous section's cfg id), or null. */
    public UciSection section(String uciName) {
        return byName.get(uciName);
    }

    public List<UciSection> sectionsOfType(String type) {
        return sections.stream().filter(s -> s.type().equals(type)).toList();
    }

    /**
     * Returns the named section, adding it at the end when missing ({@code uci set pkg.NAME=TYPE}). A
     * section of that name and another type is an error rather than the silent retyping uci would do:
     * edgelb must never take over a section that belongs to someone else.
     */
    public UciSection addSection(String type, String name) {
        UciNames.requireType(type);
        UciNames.requireName("section name", name);
        UciSection existing = section(name);
        if (existing != null) {
            if (!existing.type().equals(type)) {
                throw new IllegalStateException("section '" + name + "' already exists with type '"
                        + existing.type() + "', not '" + type + "'");
            }
            return existing;
        }
        return create(type, name, 0);
    }

    /** Adds an anonymous section at the end ({@code uci add pkg TYPE}); its cfg id is libuci's. */
    public UciSection addSection(String type) {
        UciNames.requireType(type);
        return create(type, null, 0);
    }

    /** {@code uci delete pkg.NAME}; false when there was no such section. */
    public boolean deleteSection(String uciName) {
        UciSection gone = section(uciName);
        if (gone == null) {
            return false;
        }
        sections.remove(gone);
        byName.remove(uciName);
        for (UciSection section : sections) { // another section may carry the same name: it is found now
            if (section.uciName().equals(uciName)) {
                byName.put(uciName, section);
                break;
            }
        }
        return true;
    }

    /** A {@code config} line; the caller has checked a repeated name for its type. */
    UciSection parsedSection(String type, String name, int line) {
        UciSection existing = name == null ? null : section(name);
        return existing != null ? existing : create(type, name, line);
    }

    private UciSection create(String type, String name, int line) {
        sectionCounter++;
        String uciName = name != null ? name : UciNames.anonymousId(sectionCounter, type);
        UciSection section = new UciSection(type, name, uciName, line);
        sections.add(section);
        byName.putIfAbsent(uciName, section);
        return section;
    }

    @Override
    public String toString() {
        return "UciPackage" + sections;
    }
}
