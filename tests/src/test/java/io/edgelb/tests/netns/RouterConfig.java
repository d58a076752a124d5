package io.edgelb.tests.netns;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The router's /etc/config/edgelb for the namespace tests, section by section. The vxlan section is
 * the one the README's overlay section shows (same options, same shape): a user who copies it gets this tunnel.
 */
final class RouterConfig {
    static final String API = "127.0.0.1:8089";
    static final int RELAY_PORT = 80;
    static final int DNAT_PORT = 8080;

    private final Path stateDir;
    private final List<String> sections = new ArrayList<>();
    private final List<String> agentOptions = new ArrayList<>();

    RouterConfig(Path stateDir) {
        this.stateDir = stateDir;
    }

    RouterConfig vxlan(String... extraLines) {
        List<String> lines = new ArrayList<>(List.of(
                "config vxlan 'vx100'",
                "\toption vni '100'",
                "\toption device 'eth1'",
                "\toption local '198.51.100.1'",
                "\tlist remote '198.51.100.2'",
                "\toption address '192.0.2.1/24'",
                "\toption mtu '1450'",
                "\tlist neighbor '192.0.2.11 02:00:00:00:00:11'",
                "\tlist neighbor '192.0.2.12 02:00:00:00:00:12'",
                "\tlist neighbor '192.0.2.13 02:00:00:00:00:13'"));
        lines.addAll(List.of(extraLines));
        sections.add(String.join("\n", lines));
        return this;
    }

    /** An extra option of the agent section, e.g. {@code firewall 'iptables'}. */
    RouterConfig agentOption(String nameAndValue) {
        agentOptions.add("\toption " + nameAndValue);
        return this;
    }

    RouterConfig raw(String section) {
        sections.add(section);
        return this;
    }

    RouterConfig relayListener() {
        return raw("config listener 'web_relay'\n\toption address '203.0.113.1'\n\toption port '" + RELAY_PORT
                + "'\n\toption pool 'web'");
    }

    RouterConfig dnatListener(boolean snat) {
        return raw("config listener 'web_fast'\n\toption address '203.0.113.1'\n\toption port '" + DNAT_PORT
                + "'\n\toption mode 'dnat'\n\toption pool 'web'" + (snat ? "\n\toption snat '1'" : ""));
    }

    /** Pool 'web' with an HTTP check every second, down after 2 failures, up after 1 success. */
    RouterConfig pool() {
        raw("config pool 'web'\n\toption lb_algorithm 'ROUND_ROBIN'\n\toption healthmonitor 'web_check'");
        return raw("config healthmonitor 'web_check'\n\toption type 'HTTP'\n\toption delay '1'\n\toption timeout '0.5'"
                + "\n\toption max_retries '1'\n\toption max_retries_down '2'\n\toption url_path '/'");
    }

    RouterConfig member(String id, String address) {
        return raw("config member '" + id + "'\n\toption pool 'web'\n\toption address '" + address
                + "'\n\toption protocol_port '80'");
    }

    Path writeTo(Path file) throws Exception {
        String agent = "config agent 'main'\n\toption api '" + API + "'\n\toption state_dir '" + stateDir
                + "'\n\toption workers '1'\n\toption drain_timeout '5'\n\toption shutdown_timeout '2'";
        for (String option : agentOptions) {
            agent += "\n" + option;
        }
        List<String> all = new ArrayList<>();
        all.add(agent);
        all.addAll(sections);
        Files.writeString(file, String.join("\n\n", all) + "\n");
        return file;
    }
}
