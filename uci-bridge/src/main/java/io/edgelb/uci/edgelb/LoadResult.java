package io.edgelb.uci.edgelb;

import io.edgelb.model.Config;
import java.util.List;

/**
 * The outcome of loading {@code /etc/config/edgelb}: the configuration when there was no error, and
 * every message, errors and warnings, as {@code FILE:LINE: message} sorted by line.
 */
public record LoadResult(Config config, List<String> messages, boolean ok) {

    public LoadResult {
        messages = List.copyOf(messages);
        if (ok != (config != null)) {
            throw new IllegalArgumentException("a result has a config exactly when it is ok");
        }
    }
}
