package io.edgelb.agent.api;

import java.util.List;

/**
 * What the agent knows about itself for status and metrics: version, transport, configuration
 * generation and the outcome of the last reload.
 */
public record AgentFacts(
        String version,
        String transport,
        long startedAtMillis,
        String configPath,
        long generation,
        long reloads,
        long reloadFailures,
        LastReload lastReload) {

    /** The last reload attempt: when, whether it was applied, and its error and warning lines. */
    public record LastReload(long atMillis, boolean ok, List<String> errors, List<String> warnings) {
        public LastReload {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }
    }
}
