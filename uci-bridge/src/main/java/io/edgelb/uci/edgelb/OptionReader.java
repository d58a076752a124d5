package io.edgelb.uci.edgelb;

import io.edgelb.model.ConfigLimits;
import io.edgelb.model.Kind;
import io.edgelb.model.Numbers;
import io.edgelb.model.OptionSource;
import io.edgelb.model.Problem;
import io.edgelb.uci.UciOption;
import io.edgelb.uci.UciSection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the options of one section as typed values with defaults, reporting each unreadable value as a
 * problem on that option, and remembers which options were read so that the rest can be named as
 * unknown.
 */
final class OptionReader implements OptionSource {
    private final UciSection section;
    private final Kind kind;
    private final String id;
    private final Findings findings;
    private final Set<String> read = new HashSet<>();

    OptionReader(UciSection section, Kind kind, String id, Findings findings) {
        this.section = section;
        this.kind = kind;
        this.id = id;
        this.findings = findings;
    }

    @Override
    public boolean has(String name) {
        read.add(name);
        return section.option(name) != null;
    }

    /** Accepts options that have a meaning elsewhere (the init script's) without reading them. */
    void accept(String... names) {
        read.addAll(List.of(names));
    }

    /** A single value; a list where one value is expected is an error. */
    @Override
    public String string(String name, String fallback) {
        read.add(name);
        UciOption option = section.option(name);
        if (option == null) {
            return fallback;
        }
        if (option.isList()) {
            error(name, name + " takes one value, not a list");
            return fallback;
        }
        return option.value();
    }

    /** A value that must be there: missing, it is an error on the section, and {@code standIn} is used. */
    @Override
    public <T> T required(String name, T standIn, Function<String, T> parser) {
        if (!has(name)) {
            findings.add(Problem.error(kind, id, null, "has no " + name + " (option " + name + ")"));
            findings.spoil(kind, id, name);
            return standIn;
        }
        return parsed(name, standIn, parser);
    }

    /** Every value: a {@code list}, or an {@code option} taken as a list of one. */
    @Override
    public List<String> list(String name) {
        read.add(name);
        UciOption option = section.option(name);
        if (option == null) {
            return List.of();
        }
        List<UciOption.Item> items = option.items();
        if (items.size() > ConfigLimits.MAX_LIST_ITEMS) {
            findings.place(Diagnostic.error(items.get(ConfigLimits.MAX_LIST_ITEMS).line(), Problem.error(kind, id,
                    name, name + " has " + items.size() + " values, more than the limit of "
                            + ConfigLimits.MAX_LIST_ITEMS + "; the ones from here on are not read").describe()));
            findings.spoil(kind, id, name);
            return option.values().subList(0, ConfigLimits.MAX_LIST_ITEMS);
        }
        return option.values();
    }

    /** The words config_get_bool accepts, exactly: 1/0, on/off, true/false, yes/no, enabled/disabled. */
    @Override
    public boolean bool(String name, boolean fallback) {
        return convert(string(name, null), fallback, name, text -> switch (text) {
            case "1", "on", "true", "yes", "enabled" -> true;
            case "0", "off", "false", "no", "disabled" -> false;
            default -> throw new IllegalArgumentException(name + " '" + text + "' is not a boolean (use 1 or 0)");
        });
    }

    @Override
    public int integer(String name, int fallback) {
        return convert(string(name, null), fallback, name, text -> toInt(name, text));
    }

    @Override
    public int requiredInteger(String name) {
        return required(name, 0, text -> toInt(name, text));
    }

    @Override
    public long longInteger(String name, long fallback) {
        return convert(string(name, null), fallback, name, text -> {
            long value = Numbers.parseLong(text, Long.MIN_VALUE);
            if (value == Long.MIN_VALUE) {
                throw notANumber(name, text);
            }
            return value;
        });
    }

    /** Seconds as written in UCI ({@code 5}, {@code 0.5}), returned in milliseconds. */
    @Override
    public long seconds(String name, long fallbackMs) {
        return convert(string(name, null), fallbackMs, name, text -> {
            long ms = Numbers.parseSecondsToMillis(text, -1);
            if (ms < 0) {
                throw new IllegalArgumentException(name + " '" + text + "' is not a number of seconds (write 5 or 0.5)");
            }
            return ms;
        });
    }

    /** A value parsed by the model (enums): its IllegalArgumentException message is the problem. */
    @Override
    public <T> T parsed(String name, T fallback, Function<String, T> parser) {
        return convert(string(name, null), fallback, name, parser);
    }

    @Override
    public void error(String name, String message) {
        findings.add(Problem.error(kind, id, name, message));
    }

    @Override
    public void warn(String name, String message) {
        findings.add(Problem.warning(kind, id, name, message));
    }

    /** Every option that nothing read is named in a warning. */
    void warnUnknown() {
        for (UciOption option : section.options()) {
            if (!read.contains(option.name())) {
                warn(option.name(), "unknown option '" + option.name() + "' is ignored");
            }
        }
    }

    private <T> T convert(String text, T fallback, String name, Function<String, T> parser) {
        if (text == null) {
            return fallback;
        }
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            error(name, e.getMessage());
            return fallback;
        }
    }

    private static int toInt(String name, String text) {
        long value = Numbers.parseLong(text, Long.MIN_VALUE);
        if (value == Long.MIN_VALUE) {
            throw notANumber(name, text);
        }
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " " + text + " is out of range");
        }
        return (int) value;
    }

    private static IllegalArgumentException notANumber(String name, String text) {
        return new IllegalArgumentException(name + " '" + text + "' is not a number");
    }
}
