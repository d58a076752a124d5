package io.edgelb.hub.config;

import java.util.Map;

/**
 * The hub's settings, from its JSON config file: where it listens, its keys, the agents it
 * accepts (the CURVE allow-list: agent id → public key) and where desired state comes from.
 */
public record HubConfig(
        String bind,
        String keyFile,
        String api,
        String apiTokenFile,
        long heartbeatMs,
        int ioThreads,
        Map<String, String> agents,
        SourceConfig source,
        String logLevel) {

    public static final String DEFAULT_BIND = "tcp://*:5570";
    public static final String DEFAULT_KEY_FILE = "/etc/edgelb-hub/hub.key";
    public static final String DEFAULT_API = "127.0.0.1:8090";
    public static final String DEFAULT_TOKEN_FILE = "/etc/edgelb-hub/api.token";
    public static final long DEFAULT_HEARTBEAT_MS = 1_000;
    /** The Octavia provider name whose load balancers the hub owns (status goes back for them). */
    public static final String DEFAULT_PROVIDER = "edgelb";

    public HubConfig {
        agents = Map.copyOf(agents);
    }

    /** Where per-agent desired state comes from. */
    public sealed interface SourceConfig permits FileSourceConfig, OctaviaSourceConfig {
    }

    /** A JSON document {@code {"agents": {"ID": {listeners, pools, members, healthmonitors}}}}, watched. */
    public record FileSourceConfig(String path, long intervalMs) implements SourceConfig {
    }

    /**
     * Octavia's v2 API. url null: take the load-balancer endpoint from the Keystone catalog.
     * listenerAddress: "vip" binds each listener to its load balancer's VIP; an IP literal binds
     * every listener to that address instead (a router rarely owns the tenant VIP). provider: load
     * balancers of this Octavia provider are owned by the hub (zone agents, pending objects, status back).
     */
    public record OctaviaSourceConfig(String url, OctaviaAuth auth, long intervalMs, String tagPrefix,
                                      String listenerAddress, String region, String provider) implements SourceConfig {
        public OctaviaSourceConfig(String url, OctaviaAuth auth, long intervalMs, String tagPrefix,
                                   String listenerAddress, String region) {
            this(url, auth, intervalMs, tagPrefix, listenerAddress, region, DEFAULT_PROVIDER);
        }
    }

    /** Keystone v3 credentials, or none for an Octavia run with auth_strategy = noauth. */
    public record OctaviaAuth(String type, String authUrl, String username, String password, String userDomain,
                              String projectName, String projectDomain, String credentialId,
                              String credentialSecret) {
        public static final String NONE = "none";
        public static final String PASSWORD = "password";
        public static final String APPLICATION_CREDENTIAL = "application_credential";

        @Override
        public String toString() {
            return "OctaviaAuth[" + type + " " + authUrl + "]"; // no secrets in logs
        }
    }
}
