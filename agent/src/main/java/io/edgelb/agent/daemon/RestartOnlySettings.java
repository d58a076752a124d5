package io.edgelb.agent.daemon;

import io.edgelb.model.AgentSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The agent options that a reload cannot apply because they size or place the running process
 * (event loops, files opened at start, the logger, the system backends chosen at start, the JVM's
 * heap and options, which the init script passes when it starts the process): a change
 * to one is reported, and takes effect at the next restart.
 */
final class RestartOnlySettings {
    private record Option(String name, Function<AgentSettings, Object> value) {
    }

    private static final List<Option> OPTIONS = List.of(
            new Option("workers", AgentSettings::workers),
            new Option("state_dir", AgentSettings::stateDir),
            new Option("api_token_file", AgentSettings::apiTokenFile),
            new Option("log_level", AgentSettings::logLevel),
            new Option("firewall", AgentSettings::firewall),
            new Option("network", AgentSettings::network),
            new Option("keepalived", a -> a.keepalived().mode()),
            new Option("keepalived_conf", a -> a.keepalived().confFile()),
            new Option("keepalived_pid", a -> a.keepalived().pidFile()),
            new Option("heap", AgentSettings::heap),
            new Option("java_opts", AgentSettings::javaOpts));

    private RestartOnlySettings() {
    }

    /** One note per restart-only option that differs between the two snapshots, in a fixed order. */
    static List<String> changed(AgentSettings before, AgentSettings after) {
        List<String> notes = new ArrayList<>();
        for (Option option : OPTIONS) {
            if (!Objects.equals(option.value().apply(before), option.value().apply(after))) {
                notes.add("agent: " + option.name() + " changed; it takes effect when the agent restarts");
            }
        }
        return notes;
    }
}
