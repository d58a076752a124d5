package io.edgelb.model;

import java.util.List;

/** How the agent reaches its hub(s): endpoints, the hub's CURVE public key, and its own key file. */
public record HubSettings(
        boolean enabled,
        List<String> endpoints,
        String serverKey,
        String keyFile,
        String agentId) {

    public static final String DEFAULT_KEY_FILE = "/etc/edgelb/agent.key";

    public HubSettings {
        endpoints = List.copyOf(endpoints);
    }

    public static HubSettings disabled() {
        return new HubSettings(false, List.of(), null, DEFAULT_KEY_FILE, null);
    }
}
