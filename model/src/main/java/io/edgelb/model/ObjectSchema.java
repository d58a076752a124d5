package io.edgelb.model;

import java.util.List;

/**
 * The options of listeners, pools, members and health monitors: their names, types and defaults,
 * read from any {@link OptionSource}. One schema for the router's UCI file and the hub's JSON, so
 * an option means the same wherever it is written.
 */
public final class ObjectSchema {
    /** Options that only HTTP and HTTPS monitors use. */
    static final List<String> HTTP_ONLY = List.of("http_method", "url_path", "expected_codes", "domain_name");

    private ObjectSchema() {
    }

    public static Listener listener(String id, OptionSource o) {
        return new Listener(id,
                o.string("address", Listener.DEFAULT_ADDRESS),
                o.requiredInteger("port"),
                o.parsed("mode", ListenerMode.RELAY, ListenerMode::parse),
                o.string("pool", null),
                o.integer("connection_limit", Listener.UNLIMITED),
                o.longInteger("timeout_client_data", Listener.DEFAULT_TIMEOUT_CLIENT_DATA_MS),
                o.longInteger("timeout_member_connect", Listener.DEFAULT_TIMEOUT_MEMBER_CONNECT_MS),
                o.longInteger("timeout_member_data", Listener.DEFAULT_TIMEOUT_MEMBER_DATA_MS),
                o.list("allowed_cidrs"),
                o.bool("enabled", true),
                o.bool("snat", false),
                o.parsed("protocol", ListenerProtocol.TCP, ListenerProtocol::parse),
                o.list("insert_headers"),
                o.longInteger("timeout_http_request", Listener.DEFAULT_TIMEOUT_HTTP_REQUEST_MS),
                tls(o));
    }

    private static TlsSettings tls(OptionSource o) {
        return new TlsSettings(
                o.string("certificate", null),
                o.list("sni_certificate"),
                o.list("tls_versions"),
                o.list("tls_ciphers"),
                o.list("alpn_protocols"),
                o.string("client_ca", null),
                o.parsed("client_authentication", ClientAuthentication.NONE, ClientAuthentication::parse),
                o.string("client_crl", null));
    }

    public static Pool pool(String id, OptionSource o) {
        return new Pool(id,
                o.parsed("lb_algorithm", LbAlgorithm.ROUND_ROBIN, LbAlgorithm::parse),
                o.parsed("protocol", PoolProtocol.TCP, PoolProtocol::parse),
                o.parsed("session_persistence", SessionPersistence.NONE, SessionPersistence::parse),
                o.seconds("persistence_timeout", Pool.DEFAULT_PERSISTENCE_TIMEOUT_MS),
                o.string("healthmonitor", null),
                o.bool("enabled", true));
    }

    public static Member member(String id, OptionSource o) {
        // A stand-in pool, never null: the model's Config.membersOf compares every member's pool id.
        String pool = o.required("pool", "", text -> text);
        String address = o.required("address", null, text -> text);
        return new Member(id, pool, address,
                o.requiredInteger("protocol_port"),
                o.integer("weight", Member.DEFAULT_WEIGHT),
                o.bool("backup", false),
                o.bool("enabled", true),
                o.string("monitor_address", null),
                o.integer("monitor_port", 0));
    }

    public static HealthMonitor monitor(String id, OptionSource o) {
        MonitorType type = o.required("type", null, MonitorType::parse); // null: missing or unknown
        if (type != null && !type.isHttp()) {
            for (String name : HTTP_ONLY) {
                if (o.has(name)) {
                    o.warn(name, name + " is ignored for " + type.octaviaName() + " monitors");
                }
            }
        }
        return new HealthMonitor(id, type == null ? MonitorType.TCP : type,
                o.seconds("delay", HealthMonitor.DEFAULT_DELAY_MS),
                o.seconds("timeout", HealthMonitor.DEFAULT_TIMEOUT_MS),
                o.integer("max_retries", HealthMonitor.DEFAULT_MAX_RETRIES),
                o.integer("max_retries_down", HealthMonitor.DEFAULT_MAX_RETRIES_DOWN),
                o.string("http_method", HealthMonitor.DEFAULT_HTTP_METHOD),
                o.string("url_path", HealthMonitor.DEFAULT_URL_PATH),
                o.string("expected_codes", HealthMonitor.DEFAULT_EXPECTED_CODES),
                o.string("domain_name", null),
                o.bool("enabled", true));
    }

    public static L7Policy l7policy(String id, OptionSource o) {
        return new L7Policy(id,
                o.required("listener", "", text -> text),
                o.required("action", L7Action.REJECT, L7Action::parse),
                o.integer("position", L7Policy.DEFAULT_POSITION),
                o.string("redirect_pool", null),
                o.string("redirect_url", null),
                o.string("redirect_prefix", null),
                o.integer("redirect_http_code", L7Policy.DEFAULT_REDIRECT_CODE),
                o.bool("enabled", true));
    }

    public static L7Rule l7rule(String id, OptionSource o) {
        return new L7Rule(id,
                o.required("l7policy", "", text -> text),
                o.required("type", L7RuleType.PATH, L7RuleType::parse),
                o.required("compare_type", L7CompareType.EQUAL_TO, L7CompareType::parse),
                o.string("key", null),
                o.required("value", "", text -> text),
                o.bool("invert", false),
                o.bool("enabled", true));
    }

    /** A {@code config vrrp} section, or a hub-delivered VRRP instance (ACTIVE_STANDBY pairs). */
    public static VrrpInstance vrrp(String id, OptionSource o) {
        return new VrrpInstance(id,
                o.bool("enabled", true),
                o.string("device", null),
                o.requiredInteger("virtual_router_id"),
                o.integer("priority", VrrpInstance.DEFAULT_PRIORITY),
                o.list("vip"), // IPv4 and IPv6 in one instance
                o.list("unicast_peer"),
                o.string("unicast_src_ip", null),
                o.seconds("advert_int", VrrpInstance.DEFAULT_ADVERT_INT_MS),
                o.integer("version", VrrpInstance.DEFAULT_VERSION),
                o.string("auth_pass", null),
                o.bool("nopreempt", false),
                o.seconds("preempt_delay", 0),
                o.list("listener"));
    }
}
