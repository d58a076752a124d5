package io.edgelb.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgelb.model.AgentSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestartOnlySettingsTest {
    private static final AgentSettings BEFORE = AgentSettings.defaults();

    @Test
    void optionsAReloadAppliesAreNotReported() {
        AgentSettings after = new AgentSettings(false, "127.0.0.1:9999", null, BEFORE.stateDir(), BEFORE.workers(),
                1_000, 2_000, BEFORE.logLevel(), BEFORE.firewall(), BEFORE.network());
        assertEquals(List.of(), RestartOnlySettings.changed(BEFORE, after));
    }

    @Test
    void eachRestartOnlyOptionThatChangedIsNamedOnce() {
        AgentSettings after = new AgentSettings(true, BEFORE.api(), "/etc/edgelb/token", "/tmp/x", 4,
                BEFORE.drainTimeoutMs(), BEFORE.shutdownTimeoutMs(), "debug", "iptables", "iproute2", "48m",
                "-XX:+UseSerialGC");
        assertEquals(List.of(
                "agent: workers changed; it takes effect when the agent restarts",
                "agent: state_dir changed; it takes effect when the agent restarts",
                "agent: api_token_file changed; it takes effect when the agent restarts",
                "agent: log_level changed; it takes effect when the agent restarts",
                "agent: firewall changed; it takes effect when the agent restarts",
                "agent: network changed; it takes effect when the agent restarts",
                "agent: heap changed; it takes effect when the agent restarts",
                "agent: java_opts changed; it takes effect when the agent restarts"),
                RestartOnlySettings.changed(BEFORE, after));
    }
}
