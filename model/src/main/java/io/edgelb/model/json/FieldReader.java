package io.edgelb.model.json;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.model.OptionSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the fields of one JSON object as typed values with defaults, reporting each wrong value
 * at its path, and names the fields it never read as unknown: a misspelt field must not be
 * silently ignored when it comes from a hub.
 */
final class FieldReader implements OptionSource {
    /** Longest string value accepted: ids, addresses, paths and codes are all short. */
    static final int MAX_STRING = 256;
    private static final double MAX_SECONDS = 31_536_000; // one year, Octavia's largest timeout

    private final JsonObject object;
    private final String path;
    private final List<String> errors;
    private final Set<String> read = new HashSet<>();

    FieldReader(JsonObject object, String path, List<String> errors) {
        this.object = object;
        this.path = path;
        this.errors = errors;
    }

    @Override
    public boolean has(String name) {
        JsonValue value = get(name);
        return value != null && !value.isNull();
    }

    @Override
    public String string(String name, String fallback) {
        JsonValue value = get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isString()) {
            return wrong(name, "a string", fallback);
        }
        String text = value.asString();
        if (text.length() > MAX_STRING) {
            error(name, "is longer than " + MAX_STRING + " characters");
            return fallback;
        }
        if (!text.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            error(name, "holds a control character");
            return fallback;
        }
        return text;
    }

    @Override
    public <T> T required(String name, T standIn, Function<String, T> parser) {
        if (!has(name)) {
            error(name, "is required");
            return standIn;
        }
        return parsed(name, standIn, parser);
    }

    @Override
    public <T> T parsed(String name, T fallback, Function<String, T> parser) {
        String text = string(name, null);
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

    @Override
    public boolean bool(String name, boolean fallback) {
        JsonValue value = get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        return value.isBoolean() ? value.asBoolean() : wrong(name, "true or false", fallback);
    }

    @Override
    public int integer(String name, int fallback) {
        long value = longInteger(name, fallback);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            error(name, value + " is out of range");
            return fallback;
        }
        return (int) value;
    }

    @Override
    public int requiredInteger(String name) {
        if (!has(name)) {
            error(name, "is required");
            return 0;
        }
        return integer(name, 0);
    }

    @Override
    public long longInteger(String name, long fallback) {
        JsonValue value = get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber()) {
            return wrong(name, "an integer", fallback);
        }
        double d = value.asDouble();
        if (d != Math.rint(d) || Math.abs(d) > 1e15) {
            return wrong(name, "an integer", fallback);
        }
        return (long) d;
    }

    /** Seconds, possibly fractional, as milliseconds. */
    @Override
    public long seconds(String name, long fallbackMs) {
        JsonValue value = get(name);
        if (value == null || value.isNull()) {
            return fallbackMs;
        }
        if (!value.isNumber()) {
            return wrong(name, "a number of seconds", fallbackMs);
        }
        double s = value.asDouble();
        if (!(s >= 0 && s <= MAX_SECONDS)) {
            error(name, value + " is out of range 0-" + (long) MAX_SECONDS + " seconds");
            return fallbackMs;
        }
        return Math.round(s * 1000);
    }

    @Override
    public List<String> list(String name) {
        JsonValue value = get(name);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            return wrong(name, "a list of strings", List.of());
        }
        JsonArray array = value.asArray();
        if (array.size() > 1000) {
            error(name, "has more than 1000 entries");
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonValue item = array.get(i);
            if (!item.isString() || item.asString().length() > MAX_STRING) {
                error(name + "[" + i + "]", "is not a string of at most " + MAX_STRING + " characters");
                continue;
            }
            result.add(item.asString());
        }
        return result;
    }

    /** Reports every field that no read asked for. */
    void rejectUnknown() {
        for (String name : object.names()) {
            if (!read.contains(name)) {
                errors.add(JsonPath.describe(JsonPath.child(path, name), "unknown field"));
            }
        }
    }

    @Override
    public void error(String name, String message) {
        errors.add(JsonPath.describe(JsonPath.child(path, name), message));
    }

    /** A hub's document has no warnings: what is wrong is an error, and the rest is fine. */
    @Override
    public void warn(String name, String message) {
    }

    private JsonValue get(String name) {
        read.add(name);
        return object.get(name);
    }

    private <T> T wrong(String name, String expected, T fallback) {
        error(name, "is not " + expected);
        return fallback;
    }
}
