package io.edgelb.uci.edgelb;

import io.edgelb.model.Config;
import io.edgelb.model.ConfigValidator;
import io.edgelb.model.Problem;
import io.edgelb.uci.UciPackage;
import io.edgelb.uci.UciParseException;
import io.edgelb.uci.UciParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Loads {@code /etc/config/edgelb}: parses it as uci would, maps its sections to the model, validates
 * the whole and reports every problem at once as {@code FILE:LINE: message}, so that a user fixes the
 * file in one pass. The configuration comes back only when there is no error; warnings do not block.
 */
public final class EdgelbConfigLoader {
    public static final String DEFAULT_PATH = "/etc/config/edgelb";

    private EdgelbConfigLoader() {
    }

    public static LoadResult load(Path file) throws IOException {
        return load(file.toString(), Files.readAllBytes(file));
    }

    public static LoadResult load(String fileName, String text) {
        return load(fileName, text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code fileName} is only used in messages. */
    public static LoadResult load(String fileName, byte[] content) {
        UciPackage uci;
        try {
            uci = UciParser.parse(content);
        } catch (UciParseException e) {
            String message = Diagnostic.error(e.line(), e.getMessage()).format(fileName);
            return new LoadResult(null, List.of(message), List.of(message));
        }
        EdgelbMapper mapper = new EdgelbMapper();
        Config config = mapper.map(uci);
        Findings findings = mapper.findings();
        Locator locator = mapper.locator();

        List<Diagnostic> diagnostics = new ArrayList<>(findings.placed());
        List<Problem> problems = new ArrayList<>(findings.problems());
        problems.addAll(findings.keepNew(ConfigValidator.validate(config)));
        for (Problem problem : problems) {
            diagnostics.add(new Diagnostic(locator.lineOf(problem), problem.isError(), problem.describe()));
        }
        diagnostics.sort(Comparator.comparingInt(Diagnostic::line)); // stable: same line keeps the order found
        List<String> messages = diagnostics.stream().map(d -> d.format(fileName)).toList();
        List<String> errors = diagnostics.stream().filter(Diagnostic::error).map(d -> d.format(fileName)).toList();
        return new LoadResult(errors.isEmpty() ? config : null, messages, errors);
    }
}
