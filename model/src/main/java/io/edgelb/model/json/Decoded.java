package io.edgelb.model.json;

import io.edgelb.model.Config;
import java.util.List;

/**
 * The outcome of decoding a JSON document: the snapshot when it is usable (null otherwise), and
 * every problem as {@code PATH: message}, where PATH locates the value
 * ({@code agents.r1.members.web_1.weight}).
 */
public record Decoded(Config config, List<String> errors, List<String> warnings) {
    public Decoded {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    public boolean ok() {
        return config != null && errors.isEmpty();
    }

    static Decoded failed(String path, String message) {
        return new Decoded(null, List.of(JsonPath.describe(path, message)), List.of());
    }
}
