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
    private static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    /** The agents of one zone, or why there are none; {@code pair} when the zone is a VRRP router pair. */
    record Zone(List<String> agents, String error, RouterPair pair) {
        Zone(List<String> agents, String error) {
            this(agents, error, null);
        }
    }

    /**
     * A zone of two routers that share each load balancer's VIP with VRRP (Octavia's ACTIVE_STANDBY):
     * the kernel device the VIP lives on, its prefix length, the advertisement interval, and each
     * router's own address on that device (the peers' unicast addresses). The first agent is the
     * preferred master.
     */
    record RouterPair(String device, int prefix, long advertIntMs, Map<String, String> addresses) {
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
        JsonValue vrrp = parsed.asObject().get("vrrp");
        if (vrrp == null) {
            return new Zone(List.copyOf(ids), null);
        }
        String problem = null;
        RouterPair pair = null;
        if (!vrrp.isObject()) {
            problem = "vrrp is not an object";
        } else if (ids.size() != 2) {
            problem = "a vrrp zone names exactly two agents (a router pair), not " + ids.size();
        } else {
            JsonObject v = vrrp.asObject();
            JsonValue device = v.get("device");
            JsonValue prefix = v.get("prefix");
            JsonValue advert = v.get("advert_int");
            JsonValue addresses = v.get("addresses");
            if (device == null || !device.isString() || !DEVICE.matcher(device.asString()).matches()) {
                problem = "vrrp.device must be a kernel device name ([A-Za-z0-9_.-]{1,15})";
            } else if (prefix == null || !prefix.isNumber() || prefix.asDouble() != Math.rint(prefix.asDouble())
                    || prefix.asInt() < 1 || prefix.asInt() > 128) {
                problem = "vrrp.prefix must be the VIP subnet's prefix length (1-128)";
            } else if (advert != null && (!advert.isNumber() || advert.asDouble() < 0.01 || advert.asDouble() > 40.95)) {
                problem = "vrrp.advert_int must be seconds, 0.01-40.95";
            } else if (addresses == null || !addresses.isObject()) {
                problem = "vrrp.addresses must map each agent to its own address on the device";
            } else {
                Map<String, String> own = new java.util.LinkedHashMap<>();
                for (String agent : ids) {
                    JsonValue address = addresses.asObject().get(agent);
                    if (address == null || !address.isString() || io.edgelb.model.IpLiteral.tryParse(address.asString()) == null) {
                        problem = "vrrp.addresses." + agent + " must be the router's own IP address on the device";
                        break;
                    }
                    own.put(agent, address.asString());
                }
                if (problem == null) {
                    long advertMs = advert == null ? 1000 : Math.round(advert.asDouble() * 100) * 10;
                    pair = new RouterPair(device.asString(), prefix.asInt(), advertMs, Map.copyOf(own));
                }
            }
        }
        return problem != null ? new Zone(List.of(), where + ": " + problem) : new Zone(List.copyOf(ids), null, pair);
    }

    private static String abbreviate(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", " ");
    }
}
