package io.edgelb.hub.api;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import com.sun.net.httpserver.HttpExchange;
import io.edgelb.hub.octavia.OctaviaSource;
import io.edgelb.hub.octavia.ProviderStatusBook;
import io.edgelb.hub.source.DesiredStateSource;
import io.edgelb.model.json.JsonGuard;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The edgelb Octavia provider's side of the API: {@code POST /api/octavia/changes} (the driver's
 * notice that something changed: poll soon) and {@code GET /api/octavia/status?since=} (what the
 * provider agent hands to Octavia). Both need the API token; 404 unless the source is Octavia.
 */
final class OctaviaEndpoints {
    static final String CHANGES = "/api/octavia/changes";
    static final String STATUS = "/api/octavia/status";
    static final int MAX_CHANGE_BODY = 64 * 1024;
    private static final Pattern ID = Pattern.compile("[0-9a-fA-F-]{1,64}");
    private static final Set<String> OBJECTS = Set.of("loadbalancer", "listener", "pool", "member", "healthmonitor");
    private static final Set<String> ACTIONS = Set.of("create", "update", "delete", "failover");
    private static final Pattern SINCE = Pattern.compile("0|[1-9][0-9]{0,18}");

    private OctaviaEndpoints() {
    }

    static boolean handles(String path) {
        return path.equals(CHANGES) || path.equals(STATUS);
    }

    /** The source, or null after an error answer was sent. */
    private static OctaviaSource source(HttpExchange exchange, DesiredStateSource source) throws IOException {
        if (!(source instanceof OctaviaSource octavia)) {
            HubApi.json(exchange, 404, HubApi.error("the hub's source is " + source.describe()
                    + ", not Octavia: there is no Octavia provider here"));
            return null;
        }
        return octavia;
    }

    static void changes(HttpExchange exchange, DesiredStateSource source) throws IOException {
        OctaviaSource octavia = source(exchange, source);
        if (octavia == null) {
            return;
        }
        byte[] bytes = exchange.getRequestBody().readNBytes(MAX_CHANGE_BODY + 1);
        String refused = bytes.length > MAX_CHANGE_BODY ? "the body is larger than " + MAX_CHANGE_BODY + " bytes"
                : check(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        if (refused != null) {
            HubApi.json(exchange, 400, HubApi.error(refused));
            return;
        }
        JsonObject notice = bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()
                ? new JsonObject() : Json.parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).asObject();
        if ("failover".equals(notice.getString("action", null)) && "loadbalancer".equals(notice.getString("object", null))
                && notice.getString("id", null) != null) {
            octavia.failover(notice.getString("id", null)); // a router pair swaps roles
        } else {
            octavia.changed();
        }
        HubApi.json(exchange, 202, Json.object().add("accepted", true));
    }

    /** Why a change notice is refused, naming the field; null when it is good. */
    static String check(String body) {
        if (body.isBlank()) {
            return null; // every field is optional
        }
        String refused = JsonGuard.check(body, MAX_CHANGE_BODY, 4);
        if (refused != null) {
            return refused;
        }
        JsonValue value;
        try {
            value = Json.parse(body);
        } catch (ParseException e) {
            return "not JSON: " + e.getMessage();
        }
        if (!value.isObject()) {
            return "the body is not a JSON object";
        }
        JsonObject o = value.asObject();
        for (Map.Entry<String, Object> rule : Map.<String, Object>of("loadbalancer_id", ID, "id", ID,
                "object", OBJECTS, "action", ACTIONS).entrySet()) {
            JsonValue field = o.get(rule.getKey());
            if (field == null || field.isNull()) {
                continue;
            }
            boolean ok = field.isString() && (rule.getValue() instanceof Pattern p ? p.matcher(field.asString()).matches()
                    : ((Set<?>) rule.getValue()).contains(field.asString()));
            if (!ok) {
                String expected = rule.getValue() instanceof Pattern ? "an id of 1-64 hex digits and '-'"
                        : "one of " + String.join(" ", new java.util.TreeSet<>((Set<String>) rule.getValue()));
                return rule.getKey() + ": " + abbreviate(field.toString()) + " is not " + expected;
            }
        }
        return null;
    }

    static void status(HttpExchange exchange, DesiredStateSource source) throws IOException {
        OctaviaSource octavia = source(exchange, source);
        if (octavia == null) {
            return;
        }
        String query = exchange.getRequestURI().getRawQuery();
        long since = 0;
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("since=")) {
                    String value = pair.substring(6);
                    if (!SINCE.matcher(value).matches()) {
                        HubApi.json(exchange, 400, HubApi.error("since: '" + abbreviate(value)
                                + "' is not a cursor (a non-negative integer)"));
                        return;
                    }
                    since = Long.parseLong(value);
                }
            }
        }
        ProviderStatusBook book = octavia.book();
        if (book == null) {
            HubApi.json(exchange, 503, HubApi.error("the Octavia source has not started yet"));
            return;
        }
        HubApi.json(exchange, 200, book.answer(since));
    }

    private static String abbreviate(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", " ");
    }
}
