package io.edgelb.tests.packaging;

import com.eclipsesource.json.JsonObject;
import io.edgelb.tests.AgentCommand;
import io.edgelb.tests.AgentProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The agent as the init script starts it on a router, from a staging root the packages were
 * unpacked into: {@code ROOT/usr/sbin/edgelb run --config FILE}, which runs the packaged runtime's
 * java as its child (procd tracks the launcher; the JVM may drain on after it has exited). An {@link AgentProcess} on
 * {@link AgentCommand#installed}: EDGELB_JAVA_OPTS stays unset, so the launcher asks uci.
 */
final class InstalledAgent implements AutoCloseable {
    private final AgentProcess agent;

    private InstalledAgent(AgentProcess agent) {
        this.agent = agent;
    }

    static InstalledAgent start(Path root, Path config, String api, Map<String, String> env)
            throws IOException, InterruptedException {
        AgentCommand command = AgentCommand.installed(root.resolve("usr/sbin/edgelb"), env);
        return new InstalledAgent(AgentProcess.start(command, config, api));
    }

    JsonObject status() throws IOException, InterruptedException {
        return agent.status();
    }

    JsonObject awaitStatus(Predicate<JsonObject> condition, Duration timeout, String what)
            throws IOException, InterruptedException {
        return agent.awaitStatus(condition, timeout, what);
    }

    /** The JVM's command line, from /proc (the launcher's child). */
    List<String> commandLine() throws IOException {
        return agent.commandLine();
    }

    /** The files the JVM has mapped: shared libraries and CDS archives. */
    String maps() throws IOException {
        return agent.maps();
    }

    void signal(String name) throws IOException, InterruptedException {
        agent.signal(name);
    }

    /**
     * Stops it as procd does (SIGTERM) and returns the launcher's exit status once the JVM has
     * exited too, or -1 when either did not exit in time.
     */
    int stop() throws IOException, InterruptedException {
        return agent.stop(Duration.ofSeconds(30));
    }

    String log() throws IOException {
        return agent.log();
    }

    @Override
    public void close() throws Exception {
        agent.close();
    }
}
