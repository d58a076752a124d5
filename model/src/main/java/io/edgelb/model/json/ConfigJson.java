package io.edgelb.model.json;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.eclipsesource.json.ParseException;
import io.edgelb.model.AgentSettings;
import io.edgelb.model.Config;
import io.edgelb.model.ConfigLimits;
import io.edgelb.model.ConfigValidator;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.HubSettings;
import io.edgelb.model.Kind;
import io.edgelb.model.L7Policy;
import io.edgelb.model.L7Rule;
import io.edgelb.model.Listener;
import io.edgelb.model.Member;
import io.edgelb.model.ObjectSchema;
import io.edgelb.model.Pool;
import io.edgelb.model.Problem;
import io.edgelb.model.SessionPersistence;
import io.edgelb.model.VrrpInstance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The JSON form of the load-balancing objects of a {@link Config} (listeners, pools, members,
 * health monitors), as the hub's file source, the sync messages and the agent's persisted hub
 * state write them:
 * <pre>{"listeners": {"web": {"port": 80, "pool": "web"}}, "pools": {"web": {...}},
 *  "members": {"web_1": {"pool": "web", "address": "192.0.2.10", "protocol_port": 80}},
 *  "healthmonitors": {...}}</pre>
 * Field names and units are those of /etc/config/edgelb (README.md, "Configuration"): seconds for
 * monitors and persistence, milliseconds for listener timeouts. Decoding is strict: wrong types,
 * unknown fields, oversized or too deeply nested input are reported by path, and the result is
 * validated with {@link ConfigValidator}. Agent, hub and VXLAN settings are the router's own and
 * have no JSON form here.
 */
public final class ConfigJson {
    /** Largest document accepted (characters): a few thousand members fit many times over. */
    public static final int MAX_CHARS = 4 * 1024 * 1024;
    /** The schema nests four levels; anything far deeper is garbage. */
    public static final int MAX_DEPTH = 16;
    /** Most objects of any one kind in one document; each kind has its own ceiling in ConfigLimits. */
    public static final int MAX_OBJECTS = ConfigLimits.MAX_MEMBERS;
    /** Ids the hub may use: what UCI allows plus '-', '.' and ':', which Octavia's UUIDs need. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private static final List<String> KINDS = List.of("listeners", "pools", "members", "healthmonitors", "vrrps",
            "l7policies", "l7rules");

    private ConfigJson() {
    }

    // --- encoding ---------------------------------------------------------------------------------

    /** The objects of the snapshot; the field order is fixed, so equal snapshots encode to equal text. */
    public static JsonObject encode(Config config) {
        JsonObject listeners = new JsonObject();
        config.listeners().values().forEach(l -> listeners.add(l.id(), listener(l)));
        JsonObject pools = new JsonObject();
        config.pools().values().forEach(p -> pools.add(p.id(), pool(p)));
        JsonObject members = new JsonObject();
        config.members().values().forEach(m -> members.add(m.id(), member(m)));
        JsonObject monitors = new JsonObject();
        config.healthMonitors().values().forEach(h -> monitors.add(h.id(), monitor(h)));
        JsonObject root = Json.object().add("listeners", listeners).add("pools", pools).add("members", members)
                .add("healthmonitors", monitors);
        if (!config.vrrps().isEmpty()) { // only then: states without VRRP encode as they always did
            JsonObject vrrps = new JsonObject();
            config.vrrps().values().forEach(v -> vrrps.add(v.id(), vrrp(v)));
            root.add("vrrps", vrrps);
        }
        if (!config.l7policies().isEmpty() || !config.l7rules().isEmpty()) { // only then, as vrrps
            JsonObject policies = new JsonObject();
            config.l7policies().values().forEach(p -> policies.add(p.id(), l7policy(p)));
            JsonObject rules = new JsonObject();
            config.l7rules().values().forEach(r -> rules.add(r.id(), l7rule(r)));
            root.add("l7policies", policies).add("l7rules", rules);
        }
        return root;
    }

    private static JsonObject vrrp(VrrpInstance v) {
        JsonObject o = Json.object().add("enabled", v.enabled());
        optional(o, "device", v.device());
        o.add("virtual_router_id", v.virtualRouterId()).add("priority", v.priority()).add("vip", strings(v.vips()))
                .add("unicast_peer", strings(v.unicastPeers()));
        optional(o, "unicast_src_ip", v.unicastSrcIp());
        o.add("advert_int", seconds(v.advertIntMs())).add("version", v.version());
        optional(o, "auth_pass", v.authPass());
        return o.add("nopreempt", v.nopreempt()).add("preempt_delay", seconds(v.preemptDelayMs()))
                .add("listener", strings(v.listeners()));
    }

    private static JsonObject l7policy(L7Policy p) {
        JsonObject o = Json.object().add("listener", p.listenerId()).add("action", p.action().name())
                .add("position", p.position());
        optional(o, "redirect_pool", p.redirectPoolId());
        optional(o, "redirect_url", p.redirectUrl());
        optional(o, "redirect_prefix", p.redirectPrefix());
        return o.add("redirect_http_code", p.redirectHttpCode()).add("enabled", p.enabled());
    }

    private static JsonObject l7rule(L7Rule r) {
        JsonObject o = Json.object().add("l7policy", r.policyId()).add("type", r.type().name())
                .add("compare_type", r.compareType().name());
        optional(o, "key", r.key());
        return o.add("value", r.value()).add("invert", r.invert()).add("enabled", r.enabled());
    }

    private static JsonArray strings(List<String> values) {
        JsonArray array = new JsonArray();
        values.forEach(array::add);
        return array;
    }

    public static String encodeText(Config config) {
        return encode(config).toString();
    }

    /** Paths only, as in UCI: the files are on the router (the hub does not deliver certificates yet). */
    private static void tls(JsonObject o, io.edgelb.model.TlsSettings tls) {
        optional(o, "certificate", tls.certificate());
        list(o, "sni_certificate", tls.sniCertificates());
        list(o, "tls_versions", tls.tlsVersions());
        list(o, "tls_ciphers", tls.tlsCiphers());
        list(o, "alpn_protocols", tls.alpnProtocols());
        optional(o, "client_ca", tls.clientCa());
        if (tls.clientAuthentication() != io.edgelb.model.ClientAuthentication.NONE) {
            o.add("client_authentication", tls.clientAuthentication().name());
        }
        optional(o, "client_crl", tls.clientCrl());
    }

    private static void list(JsonObject o, String name, List<String> values) {
        if (!values.isEmpty()) {
            JsonArray array = new JsonArray();
            values.forEach(array::add);
            o.add(name, array);
        }
    }

    private static JsonObject listener(Listener l) {
        JsonArray cidrs = new JsonArray();
        l.allowedCidrs().forEach(cidrs::add);
        JsonObject o = Json.object().add("address", l.address()).add("port", l.port()).add("mode", l.mode().uciName());
        optional(o, "pool", l.poolId());
        o.add("connection_limit", l.connectionLimit())
                .add("timeout_client_data", l.timeoutClientDataMs())
                .add("timeout_member_connect", l.timeoutMemberConnectMs())
                .add("timeout_member_data", l.timeoutMemberDataMs())
                .add("allowed_cidrs", cidrs)
                .add("enabled", l.enabled())
                .add("snat", l.snat())
                .add("protocol", l.protocol().name());
        // Only when set: an agent from before HTTP listeners reads a TCP listener as it always did.
        if (!l.insertHeaders().isEmpty()) {
            JsonArray headers = new JsonArray();
            l.insertHeaders().forEach(headers::add);
            o.add("insert_headers", headers);
        }
        if (l.timeoutHttpRequestMs() != Listener.DEFAULT_TIMEOUT_HTTP_REQUEST_MS) {
            o.add("timeout_http_request", l.timeoutHttpRequestMs());
        }
        tls(o, l.tls());
        return o;
    }

    private static JsonObject pool(Pool p) {
        JsonObject o = Json.object().add("lb_algorithm", p.algorithm().name()).add("protocol", p.protocol().name());
        if (p.persistence() != SessionPersistence.NONE) {
            o.add("session_persistence", p.persistence().name());
        }
        o.add("persistence_timeout", seconds(p.persistenceTimeoutMs()));
        optional(o, "healthmonitor", p.healthMonitorId());
        return o.add("enabled", p.enabled());
    }

    private static JsonObject member(Member m) {
        JsonObject o = Json.object().add("pool", m.poolId()).add("address", m.address())
                .add("protocol_port", m.protocolPort()).add("weight", m.weight()).add("backup", m.backup())
                .add("enabled", m.enabled());
        optional(o, "monitor_address", m.monitorAddress());
        if (m.monitorPort() != 0) {
            o.add("monitor_port", m.monitorPort());
        }
        return o;
    }

    private static JsonObject monitor(HealthMonitor h) {
        JsonObject o = Json.object().add("type", h.type().octaviaName()).add("delay", seconds(h.delayMs()))
                .add("timeout", seconds(h.timeoutMs())).add("max_retries", h.maxRetries())
                .add("max_retries_down", h.maxRetriesDown());
        if (h.type().isHttp()) {
            o.add("http_method", h.httpMethod()).add("url_path", h.urlPath()).add("expected_codes", h.expectedCodes());
            optional(o, "domain_name", h.domainName());
        }
        return o.add("enabled", h.enabled());
    }

    private static void optional(JsonObject o, String name, String value) {
        if (value != null) {
            o.add(name, value);
        }
    }

    private static JsonValue seconds(long ms) {
        return ms % 1000 == 0 ? Json.value(ms / 1000) : Json.value(ms / 1000.0);
    }

    // --- decoding ---------------------------------------------------------------------------------

    /** Parses and decodes text; {@code path} prefixes every problem (empty for a whole document). */
    public static Decoded decode(String text, String path) {
        String refused = JsonGuard.check(text, MAX_CHARS, MAX_DEPTH);
        if (refused != null) {
            return Decoded.failed(path, refused);
        }
        JsonValue value;
        try {
            value = Json.parse(text);
        } catch (ParseException e) {
            return Decoded.failed(path, "not JSON: " + e.getMessage());
        }
        return decode(value, path);
    }

    /** Decodes a parsed value and validates the result; never throws for bad input. */
    public static Decoded decode(JsonValue value, String path) {
        if (value == null || !value.isObject()) {
            return Decoded.failed(path, "is not a JSON object");
        }
        JsonObject root = value.asObject();
        List<String> errors = new ArrayList<>();
        for (String name : root.names()) {
            if (name.equals("vxlans")) {
                errors.add(JsonPath.describe(JsonPath.child(path, name),
                        "VXLAN links are configured on the router itself, not in this document"));
            } else if (!KINDS.contains(name)) {
                errors.add(JsonPath.describe(JsonPath.child(path, name), "unknown field (expected "
                        + String.join(", ", KINDS) + ")"));
            }
        }
        Map<String, Listener> listeners = objects(root, path, "listeners", ConfigLimits.MAX_LISTENERS, errors, ObjectSchema::listener);
        Map<String, Pool> pools = objects(root, path, "pools", ConfigLimits.MAX_POOLS, errors, ObjectSchema::pool);
        Map<String, Member> members = objects(root, path, "members", ConfigLimits.MAX_MEMBERS, errors, ObjectSchema::member);
        Map<String, HealthMonitor> monitors = objects(root, path, "healthmonitors", ConfigLimits.MAX_HEALTHMONITORS, errors, ObjectSchema::monitor);
        // A router pair's VIP (Octavia ACTIVE_STANDBY): the hub chooses roles, VRID and priorities.
        Map<String, VrrpInstance> vrrps = objects(root, path, "vrrps", ConfigLimits.MAX_VRRPS, errors, ObjectSchema::vrrp);
        Map<String, L7Policy> policies = objects(root, path, "l7policies", ConfigLimits.MAX_L7POLICIES, errors,
                ObjectSchema::l7policy);
        Map<String, L7Rule> rules = objects(root, path, "l7rules", ConfigLimits.MAX_L7RULES, errors, ObjectSchema::l7rule);
        if (!errors.isEmpty()) {
            return new Decoded(null, errors, List.of());
        }
        Config config = new Config(AgentSettings.defaults(), HubSettings.disabled(), listeners, pools, members,
                monitors, Map.of(), vrrps, policies, rules);
        List<String> warnings = new ArrayList<>();
        for (Problem problem : ConfigValidator.validate(config)) {
            if (problem.kind() == Kind.AGENT || problem.kind() == Kind.HUB) {
                continue; // defaults, not part of the document
            }
            String at = pathOf(path, problem);
            (problem.isError() ? errors : warnings).add(JsonPath.describe(at, problem.message()));
        }
        return new Decoded(errors.isEmpty() ? config : null, errors, warnings);
    }

    /** Where a validator problem lives in the document: {@code members.web_1.weight}. */
    public static String pathOf(String path, Problem problem) {
        String at = JsonPath.child(JsonPath.child(path, plural(problem.kind())), problem.id());
        return problem.field() == null ? at : JsonPath.child(at, problem.field());
    }

    private static String plural(Kind kind) {
        return switch (kind) {
            case LISTENER -> "listeners";
            case POOL -> "pools";
            case MEMBER -> "members";
            case HEALTHMONITOR -> "healthmonitors";
            case VXLAN -> "vxlans";
            case VRRP -> "vrrps";
            case L7POLICY -> "l7policies";
            case L7RULE -> "l7rules";
            case AGENT -> "agent";
            case HUB -> "hub";
        };
    }

    private static <T> Map<String, T> objects(JsonObject root, String path, String kind, int max, List<String> errors,
                                              BiFunction<String, FieldReader, T> reader) {
        Map<String, T> result = new LinkedHashMap<>();
        JsonValue value = root.get(kind);
        String at = JsonPath.child(path, kind);
        if (value == null || value.isNull()) {
            return result;
        }
        if (!value.isObject()) {
            errors.add(JsonPath.describe(at, "is not an object of id: {...}"));
            return result;
        }
        JsonObject all = value.asObject();
        if (all.size() > max) {
            errors.add(JsonPath.describe(at, "has " + all.size() + " entries, more than the limit of " + max));
            return result;
        }
        for (JsonObject.Member entry : all) {
            String id = entry.getName();
            String objectPath = JsonPath.child(at, id);
            if (!ID.matcher(id).matches()) {
                errors.add(JsonPath.describe(objectPath, "id may only hold letters, digits, '_', '.', ':' and '-'"
                        + " (1-128 characters)"));
                continue;
            }
            if (result.containsKey(id)) {
                errors.add(JsonPath.describe(objectPath, "duplicate id"));
                continue;
            }
            if (!entry.getValue().isObject()) {
                errors.add(JsonPath.describe(objectPath, "is not an object"));
                continue;
            }
            FieldReader fields = new FieldReader(entry.getValue().asObject(), objectPath, errors);
            T object = reader.apply(id, fields);
            fields.rejectUnknown();
            result.put(id, object);
        }
        return result;
    }
}
