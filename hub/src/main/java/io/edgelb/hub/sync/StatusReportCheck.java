package io.edgelb.hub.sync;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.model.json.ConfigJson;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates an agent's STATUS report field by field when it arrives, and returns a clean copy
 * holding only the known fields: everything the API, /metrics and LuCI later read from a report
 * has passed here, so an enrolled but hostile key cannot break them (e.g. {@code 1e999999} as a
 * revision). Unknown fields are left out (newer agents), wrong ones refuse the whole report.
 */
public final class StatusReportCheck {
    /** Free text (the last apply error) is cut to this many characters. */
    static final int MAX_TEXT = 2048;
    private static final int MAX_ENTRIES = ConfigJson.MAX_OBJECTS;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:@-]{1,128}");
    private static final Pattern WORD = Pattern.compile("[A-Za-z_ -]{1,32}");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{1,64}");
    private static final Pattern COUNT = Pattern.compile("0|[1-9][0-9]{0,17}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_.+~?-]{1,64}");
    private static final String[] COUNTERS = {"active_connections", "total_connections", "bytes_in", "bytes_out",
            "connect_failures", "request_errors"};

    private StatusReportCheck() {
    }

    /** The cleaned report, or the reason it is refused (naming the field). */
    public record Result(JsonObject report, String refused) {
    }

    public static Result check(JsonObject raw) {
        try {
            return new Result(clean(raw), null);
        } catch (IllegalArgumentException e) {
            return new Result(null, e.getMessage());
        }
    }

    private static JsonObject clean(JsonObject raw) {
        JsonObject out = Json.object();
        out.add("agent_id", text(raw, "agent_id", ID, true));
        String version = text(raw, "version", VERSION, false);
        if (version != null) {
            out.add("version", version);
        }
        out.add("applied_revision", count(raw.get("applied_revision"), "applied_revision", true));
        String instance = text(raw, "hub_instance", HEX, false);
        out.add("hub_instance", instance == null ? Json.NULL : Json.value(instance));
        JsonValue error = raw.get("last_apply_error");
        if (error != null && !error.isNull() && !error.isString()) {
            throw new IllegalArgumentException("last_apply_error: not a string or null");
        }
        out.add("last_apply_error", error == null || error.isNull() ? Json.NULL : Json.value(freeText(error.asString())));
        JsonValue truncated = raw.get("truncated");
        if (truncated != null) {
            if (!truncated.isBoolean()) {
                throw new IllegalArgumentException("truncated: not a boolean");
            }
            out.add("truncated", truncated.asBoolean());
        }
        if (raw.get("members_total") != null) {
            out.add("members_total", count(raw.get("members_total"), "members_total", true));
        }
        out.add("listeners", entries(raw, "listeners", Map.of("state", WORD), false));
        out.add("members", entries(raw, "members", Map.of("operating_status", WORD, "pool", ID), true));
        // Router pairs: which load balancer's VIP this router holds (MASTER), waits for (BACKUP) or cannot (FAULT).
        out.add("vrrp", entries(raw, "vrrp", Map.of("state", WORD), false));
        return out;
    }

    private static JsonArray entries(JsonObject raw, String name, Map<String, Pattern> words, boolean member) {
        JsonValue value = raw.get(name);
        JsonArray out = new JsonArray();
        if (value == null) {
            return out;
        }
        if (!value.isArray()) {
            throw new IllegalArgumentException(name + ": not an array");
        }
        if (value.asArray().size() > MAX_ENTRIES) {
            throw new IllegalArgumentException(name + ": more than " + MAX_ENTRIES + " entries");
        }
        int i = 0;
        for (JsonValue entry : value.asArray()) {
            String at = name + "[" + i++ + "]";
            if (!entry.isObject()) {
                throw new IllegalArgumentException(at + ": not an object");
            }
            JsonObject from = entry.asObject();
            JsonObject to = Json.object().add("id", text(from, "id", ID, true, at));
            for (Map.Entry<String, Pattern> word : words.entrySet()) {
                String text = text(from, word.getKey(), word.getValue(), false, at);
                if (text != null) {
                    to.add(word.getKey(), text);
                }
            }
            for (String counter : COUNTERS) {
                if (from.get(counter) != null) {
                    to.add(counter, count(from.get(counter), at + "." + counter, true));
                }
            }
            if (member) {
                if (from.get("weight") != null) {
                    long weight = count(from.get("weight"), at + ".weight", true);
                    if (weight > 256) {
                        throw new IllegalArgumentException(at + ".weight: " + weight + " is out of range 0-256");
                    }
                    to.add("weight", weight);
                }
                JsonValue drained = from.get("drained");
                if (drained != null) {
                    if (!drained.isBoolean()) {
                        throw new IllegalArgumentException(at + ".drained: not a boolean");
                    }
                    to.add("drained", drained.asBoolean());
                }
            }
            out.add(to);
        }
        return out;
    }

    private static String text(JsonObject from, String field, Pattern pattern, boolean required) {
        return text(from, field, pattern, required, null);
    }

    private static String text(JsonObject from, String field, Pattern pattern, boolean required, String at) {
        String where = at == null ? field : at + "." + field;
        JsonValue value = from.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException(where + ": missing");
            }
            return null;
        }
        if (!value.isString()) {
            throw new IllegalArgumentException(where + ": not a string");
        }
        String text = value.asString();
        if (!pattern.matcher(text).matches()) {
            throw new IllegalArgumentException(where + ": '" + preview(text) + "' is not a valid value");
        }
        return text;
    }

    /** A non-negative integer below 10^18 written as such: no exponent, fraction, sign or string. */
    private static long count(JsonValue value, String where, boolean required) {
        if (value == null) {
            if (required) {
                throw new IllegalArgumentException(where + ": missing");
            }
            return 0;
        }
        if (!value.isNumber() || !COUNT.matcher(value.toString()).matches()) {
            throw new IllegalArgumentException(where + ": " + preview(value.toString())
                    + " is not a non-negative integer below 10^18");
        }
        return Long.parseLong(value.toString());
    }

    /** Control characters become spaces, and long text is cut: the error reaches logs, the API and LuCI. */
    static String freeText(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_TEXT + 16));
        for (int i = 0; i < text.length() && out.length() < MAX_TEXT; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (text.length() > MAX_TEXT) {
            out.append(" [").append(text.length() - MAX_TEXT).append(" more characters]");
        }
        return out.toString();
    }

    /** A short, printable excerpt of a refused value for the log. */
    static String preview(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return freeText(cut);
    }
}
