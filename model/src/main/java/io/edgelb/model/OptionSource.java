package io.edgelb.model;

import java.util.List;
import java.util.function.Function;

/**
 * The options of one object as written somewhere — a UCI section on the router, an object of the
 * hub's JSON — read as typed values with defaults. An implementation reports each unreadable value
 * in its own terms (a line in a file, a path in a document) and returns the fallback, so that
 * {@link ObjectSchema} can read every option and the user learns of every problem at once.
 */
public interface OptionSource {
    /** Whether the option is there (and counts as known). */
    boolean has(String name);

    String string(String name, String fallback);

    /** A value that must be there: missing, it is an error and {@code standIn} is used. */
    <T> T required(String name, T standIn, Function<String, T> parser);

    /** A value parsed by the model (enums): the parser's IllegalArgumentException message is the problem. */
    <T> T parsed(String name, T fallback, Function<String, T> parser);

    boolean bool(String name, boolean fallback);

    int integer(String name, int fallback);

    int requiredInteger(String name);

    long longInteger(String name, long fallback);

    /** Seconds, possibly fractional, as milliseconds. */
    long seconds(String name, long fallbackMs);

    List<String> list(String name);

    void error(String name, String message);

    /** Something the user may want to fix that does not stop the object from working. */
    void warn(String name, String message);
}
