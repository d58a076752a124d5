package io.edgelb.agent.cli;

import io.edgelb.agent.daemon.ConfigSource;
import io.edgelb.agent.daemon.ConfigSources;
import io.edgelb.model.Config;
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
        for (String message : loaded.messages()) {
            (loaded.errors().contains(message) ? err : out).println(message);
        }
        if (!loaded.ok()) {
            err.println(file + ": " + loaded.errors().size() + " error(s); the configuration is not valid");
            return 1;
        }
        Config config = loaded.config();
        out.println(file + ": valid (" + config.listeners().size() + " listener(s), " + config.pools().size()
                + " pool(s), " + config.members().size() + " member(s))");
        return 0;
    }
}
