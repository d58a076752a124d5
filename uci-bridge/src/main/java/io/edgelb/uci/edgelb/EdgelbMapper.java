package io.edgelb.uci.edgelb;

import io.edgelb.model.AgentSettings;
import io.edgelb.model.Config;
import io.edgelb.model.ConfigLimits;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.HubSettings;
import io.edgelb.model.KeepalivedSettings;
import io.edgelb.model.Kind;
import io.edgelb.model.L7Policy;
import io.edgelb.model.L7Rule;
import io.edgelb.model.Listener;
import io.edgelb.model.Member;
import io.edgelb.model.ObjectSchema;
import io.edgelb.model.Pool;
import io.edgelb.model.Problem;
import io.edgelb.model.VrrpInstance;
import io.edgelb.model.VxlanLink;
import io.edgelb.uci.UciPackage;
import io.edgelb.uci.UciSection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps the sections of {@code /etc/config/edgelb} to the model's records (the schema is in
 * the Configuration section of README.md), giving every object an id and recording where each one came from.
 *
 * <p>Ids are section names. Anonymous sections, which LuCI creates, get ids derived from what they
 * describe ({@code <pool>_<address>_<port>} for a member), never libuci's cfg id: that one changes when
 * an earlier section is deleted, and ids are what the API, the hub and the logs use.
 */
final class EdgelbMapper {
    /** The validator reports agent and hub problems under these ids. */
    static final String AGENT_ID = "main";
    static final String HUB_ID = "hub";

    private final Findings findings = new Findings();
    private final Locator locator = new Locator();
    private final Map<String, Integer> typeCounts = new HashMap<>();
    private final Map<Kind, Integer> mapped = new java.util.EnumMap<>(Kind.class);
    private boolean overLimit;

    private AgentSettings agent = AgentSettings.defaults();
    private HubSettings hub = HubSettings.disabled();
    private final Map<String, Listener> listeners = new LinkedHashMap<>();
    private final Map<String, Pool> pools = new LinkedHashMap<>();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Map<String, HealthMonitor> monitors = new LinkedHashMap<>();
    private final Map<String, VxlanLink> vxlans = new LinkedHashMap<>();
    private final Map<String, VrrpInstance> vrrps = new LinkedHashMap<>();
    private final Map<String, L7Policy> l7policies = new LinkedHashMap<>();
    private final Map<String, L7Rule> l7rules = new LinkedHashMap<>();

    Findings findings() {
        return findings;
    }

    Locator locator() {
        return locator;
    }

    /** True when a kind had more sections than its ceiling: the rest were not mapped. */
    boolean overLimit() {
        return overLimit;
    }

    /** Maps every section; objects that could not be read completely carry stand-ins (see {@link Findings}). */
    Config map(UciPackage uci) {
        List<UciSection> sections = uci.sections();
        if (sections.size() > ConfigLimits.MAX_SECTIONS) {
            UciSection first = sections.get(ConfigLimits.MAX_SECTIONS);
            findings.place(Diagnostic.error(first.line(), "this section and " + (sections.size()
                    - ConfigLimits.MAX_SECTIONS - 1) + " more are over the limit of " + ConfigLimits.MAX_SECTIONS
                    + " sections per file; they are not read"));
            sections = sections.subList(0, ConfigLimits.MAX_SECTIONS);
            overLimit = true;
        }
        for (UciSection section : sections) {
            int index = typeCounts.merge(section.type(), 1, Integer::sum) - 1;
            Kind kind = Kind.fromUciType(section.type());
            if (kind == null) {
                findings.place(Diagnostic.warning(section.line(), "unknown section type '" + section.type()
                        + "' is ignored (expected agent, hub, listener, pool, member, healthmonitor, vxlan, vrrp, l7policy or l7rule)"));
                continue;
            }
            if (kind != Kind.AGENT && kind != Kind.HUB && !withinLimit(kind, section)) {
                continue;
            }
            String reference = "@" + kind.uciType() + "[" + index + "]";
            String id = idOf(kind, section, reference);
            if (id == null || !claim(kind, id, section, reference)) {
                continue;
            }
            OptionReader options = new OptionReader(section, kind, id, findings);
            switch (kind) {
                case AGENT -> agent = agent(options);
                case HUB -> hub = hub(options);
                case LISTENER -> listeners.put(id, ObjectSchema.listener(id, options));
                case POOL -> pools.put(id, ObjectSchema.pool(id, options));
                case MEMBER -> members.put(id, ObjectSchema.member(id, options));
                case HEALTHMONITOR -> monitors.put(id, ObjectSchema.monitor(id, options));
                case VXLAN -> vxlans.put(id, vxlan(id, options));
                case VRRP -> vrrps.put(id, ObjectSchema.vrrp(id, options));
                case L7POLICY -> l7policies.put(id, ObjectSchema.l7policy(id, options));
                case L7RULE -> l7rules.put(id, ObjectSchema.l7rule(id, options));
            }
            options.warnUnknown();
        }
        return new Config(agent, hub, listeners, pools, members, monitors, vxlans, vrrps, l7policies, l7rules);
    }

    /** Counts the section; the first one past its kind's ceiling is reported, later ones only skipped. */
    private boolean withinLimit(Kind kind, UciSection section) {
        int count = mapped.merge(kind, 1, Integer::sum);
        int max = ConfigLimits.maxObjects(kind);
        if (count == max + 1) {
            overLimit = true;
            findings.place(Diagnostic.error(section.line(), "more than " + max + " " + kind.uciType()
                    + " sections: the limit per configuration is " + max + " (docs/limits.md); this one and"
                    + " the ones after it are not read"));
        }
        return count <= max;
    }

    /** The object's id, or null (after reporting why) when the section cannot be used at all. */
    private String idOf(Kind kind, UciSection section, String reference) {
        return switch (kind) {
            case AGENT -> AGENT_ID;
            case HUB -> HUB_ID;
            case POOL, HEALTHMONITOR, VRRP, L7POLICY -> {
                if (section.isAnonymous()) {
                    findings.place(Diagnostic.error(section.line(), Problem.error(kind, reference, null,
                            "an anonymous " + kind.uciType() + " cannot be referenced; name it: config "
                                    + kind.uciType() + " 'NAME'").describe()));
                    yield null;
                }
                yield section.name();
            }
            default -> section.isAnonymous() ? derivedId(kind, section, reference) : section.name();
        };
    }

    /**
     * Stable ids for anonymous sections, from the values that identify them; uci's {@code @type[N]}
     * when a value is missing (the section is then in error anyway).
     */
    private static String derivedId(Kind kind, UciSection section, String reference) {
        String id = switch (kind) {
            case LISTENER -> {
                String port = section.value("port");
                String address = section.value("address");
                if (port == null) {
                    yield null;
                }
                yield address == null || address.equals(Listener.DEFAULT_ADDRESS)
                        ? "listener_" + port : "listener_" + address + "_" + port;
            }
            case MEMBER -> {
                String pool = section.value("pool");
                String address = section.value("address");
                String port = section.value("protocol_port");
                yield pool == null || address == null || port == null ? null : pool + "_" + address + "_" + port;
            }
            case VXLAN -> section.value("vni") == null ? null : "vx" + section.value("vni");
            default -> null;
        };
        return id == null ? reference : id.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** Registers the id; a second agent or hub, or a second object of a kind with the same id, is an error. */
    private boolean claim(Kind kind, String id, UciSection section, String reference) {
        UciSection first = locator.register(kind, id, section);
        if (first == null) {
            return true;
        }
        String text;
        if (kind == Kind.AGENT || kind == Kind.HUB) {
            String name = section.isAnonymous() ? reference : section.name();
            text = Problem.error(kind, name, null, "only one " + kind.uciType()
                    + " section is allowed; the first is at line " + first.line()).describe();
        } else {
            text = Problem.error(kind, id, null, "duplicate id: the " + kind.uciType() + " at line "
                    + first.line() + " has the same id").describe();
        }
        findings.place(Diagnostic.error(section.line(), text));
        return false;
    }

    private static AgentSettings agent(OptionReader o) {
        return new AgentSettings(
                o.bool("enabled", true),
                o.string("api", AgentSettings.DEFAULT_API),
                o.string("api_token_file", null),
                o.string("state_dir", AgentSettings.DEFAULT_STATE_DIR),
                o.integer("workers", AgentSettings.AUTO_WORKERS),
                o.seconds("drain_timeout", AgentSettings.DEFAULT_DRAIN_TIMEOUT_MS),
                o.seconds("shutdown_timeout", AgentSettings.DEFAULT_SHUTDOWN_TIMEOUT_MS),
                o.string("log_level", AgentSettings.DEFAULT_LOG_LEVEL),
                o.string("firewall", AgentSettings.DEFAULT_FIREWALL),
                o.string("network", AgentSettings.DEFAULT_NETWORK),
                // Read by the init script to start the JVM; kept so a reload can say they wait for a restart.
                o.string("heap", null),
                o.string("java_opts", null),
                new KeepalivedSettings(
                        o.string("keepalived", KeepalivedSettings.DEFAULT_MODE),
                        o.string("keepalived_conf", KeepalivedSettings.DEFAULT_CONF_FILE),
                        o.string("keepalived_pid", KeepalivedSettings.DEFAULT_PID_FILE)));
    }

    private static HubSettings hub(OptionReader o) {
        return new HubSettings(
                o.bool("enabled", false),
                o.list("endpoint"),
                o.string("server_key", null),
                o.string("key_file", HubSettings.DEFAULT_KEY_FILE),
                o.string("agent_id", null),
                o.string("state_file", HubSettings.DEFAULT_STATE_FILE));
    }

    private static VxlanLink vxlan(String id, OptionReader o) {
        boolean enabled = o.bool("enabled", true);
        return new VxlanLink(id,
                o.requiredInteger("vni"),
                o.string("device", null),
                o.string("local", null),
                o.list("remote"),
                o.integer("port", VxlanLink.DEFAULT_PORT),
                o.list("address"), // option or list: IPv4 and IPv6 on one VNI
                o.integer("mtu", VxlanLink.DEFAULT_MTU),
                o.list("neighbor"),
                o.bool("learning", false),
                enabled);
    }
}
