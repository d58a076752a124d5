package io.edgelb.model;

/**
 * One thing wrong with a configuration: which object and field, and what. The source that produced
 * the object turns (kind, id, field) into a location: {@code FILE:LINE} for UCI, a path for JSON.
 * field is null when the problem concerns the whole object.
 */
public record Problem(Severity severity, Kind kind, String id, String field, String message) {

    public enum Severity { ERROR, WARNING }

    public static Problem error(Kind kind, String id, String field, String message) {
        return new Problem(Severity.ERROR, kind, id, field, message);
    }

    public static Problem warning(Kind kind, String id, String field, String message) {
        return new Problem(Severity.WARNING, kind, id, field, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code member 'web_1': weight 300 is out of range 0-256}, with "warning: " in front of warnings. */
    public String describe() {
        String text = kind.uciType() + " '" + id + "': " + message;
        return isError() ? text : "warning: " + text;
    }

    @Override
    public String toString() {
        return describe();
    }
}
