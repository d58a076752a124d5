package io.edgelb.uci.edgelb;

import io.edgelb.model.Kind;
import io.edgelb.model.Problem;
import io.edgelb.uci.UciOption;
import io.edgelb.uci.UciSection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds the file line a {@link Problem} is about: the line of the option named by its field (for a
 * list, the item the message quotes, else the first item), else the line of its section.
 */
final class Locator {
    private final Map<Kind, Map<String, UciSection>> sections = new EnumMap<>(Kind.class);

    /** Records the section behind an object; returns the section already holding that id, or null. */
    UciSection register(Kind kind, String id, UciSection section) {
        return sections.computeIfAbsent(kind, k -> new HashMap<>()).putIfAbsent(id, section);
    }

    /** The line, or 0 when the problem concerns an object no section defined (a default). */
    int lineOf(Problem problem) {
        UciSection section = sections.getOrDefault(problem.kind(), Map.of()).get(problem.id());
        if (section == null) {
            return 0;
        }
        UciOption option = problem.field() == null ? null : section.option(problem.field());
        return option == null ? section.line() : lineOf(option, problem.message());
    }

    private static int lineOf(UciOption option, String message) {
        if (!option.isList()) {
            return option.line();
        }
        for (UciOption.Item item : option.items()) {
            if (message.contains("'" + item.value() + "'")) {
                return item.line();
            }
        }
        return option.items().get(0).line();
    }
}
