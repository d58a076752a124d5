package io.edgelb.uci.edgelb;

import io.edgelb.model.Config;
import java.util.List;

/**
 * The outcome of loading {@code /etc/config/edgelb}: the configuration when there was no error, and
 * every message, errors and warnings, as {@code FILE:LINE: message} sorted by line; {@code errors}
 * holds the ones that block the configuration.
 */
public record LoadResult(Config config, List<String> messages, List<String> errors) {

    public LoadResult {
        messages = List.copyOf(messages);
        errors = List.copyOf(errors);
        if (errors.isEmpty() != (config != null)) {
            throw new IllegalArgumentException("a result has a config exactly when it has no error");
        }
    }

    public boolean ok() {
        return config != null;
    }

    /** The messages that are not errors. */
    public List<String> warnings() {
        java.util.Set<String> blocking = new java.util.HashSet<>(errors);
        return messages.stream().filter(m -> !blocking.contains(m)).toList();
    }
}
