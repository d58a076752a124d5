package io.edgelb.agent.cli;

import io.edgelb.agent.daemon.Agent;
import io.edgelb.agent.daemon.ConfigSource;
import io.edgelb.agent.daemon.ConfigSources;
import io.edgelb.agent.daemon.Logging;
import io.edgelb.agent.daemon.SignalHandlers;
import io.edgelb.agent.net.Transport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import org.tinylog.Logger;

/** {@code run --config FILE}: the daemon in the foreground, until SIGTERM or SIGINT. */
final class RunCommand {
    private RunCommand() {
    }

    static int run(String[] argv, PrintStream err) {
        Args args = Args.parse(argv, 0, Set.of("config"), Set.of());
        String file = args.option("config");
        if (file == null) {
            throw new Args.UsageException("run needs --config FILE");
        }
        ConfigSource source = ConfigSources.file(Path.of(file));
        return serve(source, err);
    }

    /** Loads, starts and waits; shared with the demo. */
    static int serve(ConfigSource source, PrintStream err) {
        SignalHandlers signals = SignalHandlers.install();
        ConfigSource.Loaded loaded = source.load();
        Logging.configure(loaded.ok() ? loaded.config().agent().logLevel() : "info");
        if (!loaded.ok()) {
            Logger.error("{} is not valid; not starting:", source.describe());
            loaded.messages().forEach(m -> Logger.error("  {}", m));
            return 1;
        }
        if (!loaded.config().agent().enabled()) {
            Logger.warn("{}: the agent is disabled (option enabled '0' in the agent section); exiting",
                    source.describe());
            return 0;
        }
        Agent agent;
        try {
            agent = Agent.start(source, loaded, Transport.select());
        } catch (Agent.StartupException e) {
            Logger.error("cannot start: {}", e.getMessage());
            return 1;
        } catch (IllegalStateException | IllegalArgumentException e) {
            Logger.error("cannot start: {}", e.getMessage());
            return 1;
        }
        signals.attach(agent);
        try {
            agent.awaitStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
