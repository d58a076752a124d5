package io.edgelb.uci.edgelb;

import io.edgelb.model.Config;
import io.edgelb.model.ConfigLimits;
import io.edgelb.model.ConfigValidator;
import io.edgelb.model.Problem;
import io.edgelb.model.io.BoundedFile;
import io.edgelb.uci.UciPackage;
import io.edgelb.uci.UciParseException;
import io.edgelb.uci.UciParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Loads {@code /etc/config/edgelb}: parses it as uci would, maps its sections to the model, validates
 * the whole and reports every problem at once as {@code FILE:LINE: message}, so that a user fixes the
 * file in one pass. The configuration comes back only when there is no error; warnings do not block.
 * The file is read with a size limit and the number of messages is bounded (docs/limits.md).
 */
public final class EdgelbConfigLoader {
    public static final String DEFAULT_PATH = "/etc/config/edgelb";
    /** Most messages one load keeps; the rest are counted in a last message. */
    public static final int MAX_MESSAGES = 1000;

    private EdgelbConfigLoader() {
    }

    /** Reads at most {@link ConfigLimits#maxConfigBytes()}; an IOException names the file and the reason. */
    public static LoadResult load(Path file) throws IOException {
        return load(file, config -> List.of());
    }

    /**
     * With {@code hostCheck}: problems only the running system can tell (a VRRP VIP outside its
     * device's subnet, keepalived missing), placed at their lines like the others.
     */
    public static LoadResult load(Path file, Function<Config, List<Problem>> hostCheck) throws IOException {
        int limit = ConfigLimits.maxConfigBytes();
        byte[] content;
        try {
            content = BoundedFile.read(file, limit);
        } catch (BoundedFile.TooLargeException e) {
            throw new IOException(e.getMessage() + ConfigLimits.heapHint(limit, ConfigLimits.MAX_CONFIG_BYTES), e);
        }
        return load(file.toString(), content, hostCheck);
    }

    public static LoadResult load(String fileName, String text) {
        return load(fileName, text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code fileName} is only used in messages. */
    public static LoadResult load(String fileName, byte[] content) {
        return load(fileName, content, config -> List.of());
    }

    public static LoadResult load(String fileName, byte[] content, Function<Config, List<Problem>> hostCheck) {
        UciPackage uci;
        try {
            uci = UciParser.parse(content);
        } catch (UciParseException e) {
            String message = Diagnostic.error(e.fileLine(), "Parse error (" + e.reason() + ") at line "
                    + e.fileLine() + ", byte " + e.byteOffset() + hint(content)).format(fileName);
            return new LoadResult(null, List.of(message), List.of(message));
        }
        EdgelbMapper mapper = new EdgelbMapper();
        Config config = mapper.map(uci);
        Findings findings = mapper.findings();
        Locator locator = mapper.locator();

        List<Diagnostic> diagnostics = new ArrayList<>(findings.placed());
        List<Problem> problems = new ArrayList<>(findings.problems());
        if (!mapper.overLimit()) { // over a ceiling, the objects mapped are only a part of the file
            List<Problem> found = new ArrayList<>(ConfigValidator.validate(config));
            if (!ConfigValidator.hasErrors(found)) { // the host's view only of a file that is right in itself
                found.addAll(hostCheck.apply(config));
            }
            problems.addAll(findings.keepNew(found));
        }
        for (Problem problem : problems) {
            int line = locator.lineOf(problem);
            diagnostics.add(new Diagnostic(line > 0 ? line : 1, problem.isError(), problem.describe()));
        }
        diagnostics.sort(Comparator.comparingInt(Diagnostic::line)); // stable: same line keeps the order found
        List<String> messages = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int shown = Math.min(diagnostics.size(), MAX_MESSAGES);
        for (Diagnostic d : diagnostics.subList(0, shown)) {
            String text = d.format(fileName);
            messages.add(text);
            if (d.error()) {
                errors.add(text);
            }
        }
        if (shown < diagnostics.size()) {
            List<Diagnostic> rest = diagnostics.subList(shown, diagnostics.size());
            long restErrors = rest.stream().filter(Diagnostic::error).count();
            String text = new Diagnostic(rest.get(0).line(), restErrors > 0, "and " + rest.size()
                    + " more problem(s) from here on (" + restErrors + " error(s)), not shown: at most "
                    + MAX_MESSAGES + " are listed").format(fileName);
            messages.add(text);
            if (restErrors > 0 || errors.isEmpty() && hasError(diagnostics)) {
                errors.add(text);
            }
        }
        return new LoadResult(errors.isEmpty() ? config : null, messages, errors);
    }

    private static boolean hasError(List<Diagnostic> diagnostics) {
        return diagnostics.stream().anyMatch(Diagnostic::error);
    }

    /** What a parse error at the very start often really means. */
    private static String hint(byte[] content) {
        if (content.length >= 2 && ((content[0] & 0xff) == 0xff && (content[1] & 0xff) == 0xfe
                || (content[0] & 0xff) == 0xfe && (content[1] & 0xff) == 0xff)) {
            return "; the file starts with a UTF-16 byte order mark: UCI files are ASCII or UTF-8";
        }
        for (byte b : content) {
            if (b == 0) {
                return "; the file holds a NUL byte: it is not a text file";
            }
        }
        return "";
    }
}
