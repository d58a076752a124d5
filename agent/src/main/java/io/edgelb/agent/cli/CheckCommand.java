package io.edgelb.agent.cli;

import io.edgelb.agent.daemon.ConfigSource;
import io.edgelb.agent.daemon.ConfigSources;
import io.edgelb.model.Config;
import io.edgelb.model.io.Printable;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code check --config FILE}: every problem as FILE:LINE: message; exit 0 when the file is valid. */
final class CheckCommand {
    private CheckCommand() {
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 0, Set.of("config"), Set.of());
        String file = args.option("config");
        if (file == null) {
            throw new Args.UsageException("check needs --config FILE");
        }
        ConfigSource.Loaded loaded = ConfigSources.file(Path.of(file)).load();
        java.util.Set<String> errors = new java.util.HashSet<>(loaded.errors());
        for (String message : loaded.messages()) { // already one line each: escaped by the loader
            (errors.contains(message) ? err : out).println(Printable.line(message, Integer.MAX_VALUE));
        }
        if (!loaded.ok()) {
            err.println(Printable.escape(file) + ": " + loaded.errors().size() + " error(s); the configuration is not valid");
            return 1;
        }
        Config config = loaded.config();
        out.println(Printable.escape(file) + ": valid (" + config.listeners().size() + " listener(s), " + config.pools().size()
                + " pool(s), " + config.members().size() + " member(s))");
        return 0;
    }
}
