package io.edgelb.agent.daemon;

import io.edgelb.model.Config;
import java.util.List;

/** Where the agent's configuration comes from: the UCI file, or the embedded demo text. */
public interface ConfigSource {
    /** Names the source in messages, usually the file path. */
    String describe();

    /** Reads, parses and validates; never throws for bad input, it reports it. */
    Loaded load();

    /**
     * A load outcome: the snapshot when valid (null otherwise) and every message as
     * {@code FILE:LINE: text}; {@code messages} holds errors and warnings together in file order.
     */
    record Loaded(Config config, List<String> errors, List<String> warnings, List<String> messages) {
        public Loaded {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
            messages = List.copyOf(messages);
        }

        public boolean ok() {
            return config != null && errors.isEmpty();
        }
    }
}
