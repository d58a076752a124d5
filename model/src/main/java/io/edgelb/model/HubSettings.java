package io.edgelb.model;

import java.util.List;

/** How the agent reaches its hub(s): endpoints, the hub's CURVE public key, its own key file and id. */
public record HubSettings(
        boolean enabled,
        List<String> endpoints,
        String serverKey,
        String keyFile,
        String agentId,
        String stateFile) {

    public static final String DEFAULT_KEY_FILE = "/etc/edgelb/agent.key";
    /**
     * The last state received from the hub. On flash, not tmpfs: after a reboot with no hub the
     * agent serves it. Written only when the hub's state really changed.
     */
    public static final String DEFAULT_STATE_FILE = "/etc/edgelb/hub-state.json";

    public HubSettings {
        endpoints = List.copyOf(endpoints);
    }

    public static HubSettings disabled() {
        return new HubSettings(false, List.of(), null, DEFAULT_KEY_FILE, null, DEFAULT_STATE_FILE);
    }
}
