package io.edgelb.hub.octavia;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.model.json.JsonGuard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The routers an availability zone names: zone name → profile → {@code availability_zone_data}, a
 * JSON text {@code {"agents": ["r1", ...]}} that any Octavia admin may write, so it is checked like
 * hostile input. A bad profile yields an error naming the zone (its load balancers turn ERROR);
 * it never stops the poll.
 */
final class ZoneAgents {
    private static final Pattern AGENT = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final int MAX_AGENTS = 64;

    /** The agents of one zone, or why there are none. */
    record Zone(List<String> agents, String error) {
    }

    private final Map<String, Zone> byName = new HashMap<>();

    /** zones: Octavia's availability zones; profiles: its availability zone profiles; provider: ours. */
    ZoneAgents(List<JsonObject> zones, List<JsonObject> profiles, String provider) {
        Map<String, JsonObject> profileById = new HashMap<>();
        for (JsonObject p : profiles) {
            profileById.put(p.getString("id", ""), p);
        }
        for (JsonObject zone : zones) {
            String name = zone.getString("name", "");
            JsonObject profile = profileById.get(zone.getString("availability_zone_profile_id", ""));
            byName.put(name, profile == null
                    ? new Zone(List.of(), "availability zone '" + name + "': its profile cannot be read")
                    : parse(name, profile, provider));
        }
    }

    /** The zone by name; an unknown name is an error naming it. */
    Zone zone(String name) {
        Zone zone = byName.get(name);
        return zone != null ? zone : new Zone(List.of(), "availability zone '" + name + "' does not exist");
    }

    static Zone parse(String name, JsonObject profile, String provider) {
        String where = "availability zone '" + name + "' (profile " + profile.getString("id", "?") + ")";
        String profileProvider = profile.getString("provider_name", "");
        if (!provider.equals(profileProvider)) {
            return new Zone(List.of(), where + ": provider_name is '" + profileProvider + "', not '" + provider + "'");
        }
        JsonValue data = profile.get("availability_zone_data");
        if (data == null || !data.isString()) {
            return new Zone(List.of(), where + ": availability_zone_data is not a JSON text");
        }
        String refused = JsonGuard.check(data.asString(), 64 * 1024, 4);
        if (refused != null) {
            return new Zone(List.of(), where + ": availability_zone_data: " + refused);
        }
        JsonValue parsed;
        try {
            parsed = Json.parse(data.asString());
        } catch (com.eclipsesource.json.ParseException e) {
            return new Zone(List.of(), where + ": availability_zone_data is not JSON: " + e.getMessage());
        }
        JsonValue agents = parsed.isObject() ? parsed.asObject().get("agents") : null;
        if (agents == null || !agents.isArray() || agents.asArray().isEmpty()) {
            return new Zone(List.of(), where + ": availability_zone_data needs {\"agents\": [\"ID\", ...]}");
        }
        if (agents.asArray().size() > MAX_AGENTS) {
            return new Zone(List.of(), where + ": agents: more than " + MAX_AGENTS + " entries");
        }
        List<String> ids = new ArrayList<>();
        int i = 0;
        for (JsonValue agent : agents.asArray()) {
            if (!agent.isString() || !AGENT.matcher(agent.asString()).matches()) {
                return new Zone(List.of(), where + ": agents[" + i + "]: " + abbreviate(agent.toString())
                        + " is not an agent id ([A-Za-z0-9_.-]{1,64})");
            }
            if (!ids.contains(agent.asString())) {
                ids.add(agent.asString());
            }
            i++;
        }
        return new Zone(List.copyOf(ids), null);
    }

    private static String abbreviate(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", " ");
    }
}
