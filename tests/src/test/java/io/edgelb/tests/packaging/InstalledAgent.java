package io.edgelb.tests.packaging;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The agent as the init script starts it on a router, from a staging root the packages were
 * unpacked into: {@code ROOT/usr/sbin/edgelb run --config FILE}, which runs the packaged runtime's
 * java as its child (procd tracks the launcher; the JVM may drain on after it has exited).
 */
final class InstalledAgent implements AutoCloseable {
    /** The first start also writes the JDK's CDS archive. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path log;
    private final String api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private ProcessHandle jvm;

    private InstalledAgent(Process process, Path log, String api) {
        this.process = process;
        this.log = log;
        this.api = api;
    }

    static InstalledAgent start(Path root, Path config, String api, Map<String, String> env)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("edgelb-installed", ".log");
        ProcessBuilder builder = new ProcessBuilder(root.resolve("usr/sbin/edgelb").toString(), "run", "--config",
                config.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("JAVA_HOME"); // the packaged runtime, nothing else
        builder.environment().putAll(env);
        InstalledAgent agent = new InstalledAgent(builder.start(), log, api);
        agent.awaitReady();
        return agent;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the agent exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                status();
                jvm();
                return;
            } catch (IOException notYet) {
                process.waitFor(50, TimeUnit.MILLISECONDS); // poll interval while the JVM starts
            }
        }
        throw new IllegalStateException("the agent's API did not answer within " + START_TIMEOUT + ":\n" + log());
    }

    JsonObject status() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + api + "/api/status"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return Json.parse(response.body()).asObject();
    }

    JsonObject awaitStatus(Predicate<JsonObject> condition, Duration timeout, String what)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonObject last = null;
        while (System.nanoTime() < deadline) {
            last = status();
            if (condition.test(last)) {
                return last;
            }
            process.waitFor(50, TimeUnit.MILLISECONDS); // poll interval
        }
        throw new AssertionError("timed out waiting for " + what + "; last status: " + last + "\nlog:\n" + log());
    }

    /** The launcher's java child, remembered (it drains on after a launcher that got SIGTERM). */
    private synchronized ProcessHandle jvm() {
        if (jvm == null) {
            jvm = process.toHandle().children()
                    .filter(child -> child.info().arguments().map(a -> List.of(a).contains("run")).orElse(false))
                    .findFirst().orElseThrow(() -> new IllegalStateException("the launcher runs no java"));
        }
        return jvm;
    }

    /** The JVM's command line, from /proc (the launcher's child). */
    List<String> commandLine() throws IOException {
        String raw = Files.readString(Path.of("/proc", Long.toString(jvm().pid()), "cmdline"),
                StandardCharsets.UTF_8);
        return List.of(raw.split("\0"));
    }

    /** The files the JVM has mapped: shared libraries and CDS archives. */
    String maps() throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(jvm().pid()), "maps"), StandardCharsets.UTF_8);
    }

    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /**
     * Stops it as procd does (SIGTERM) and returns the launcher's exit status once the JVM has
     * exited too, or -1 when either did not exit in time.
     */
    int stop() throws IOException, InterruptedException {
        ProcessHandle java = jvm();
        signal("TERM");
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            return -1;
        }
        try {
            java.onExit().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return -1;
        }
        return process.exitValue();
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        ProcessHandle java = jvm == null ? null : jvm;
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (java != null && java.isAlive()) {
            try {
                java.onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                java.destroyForcibly();
            }
        }
        Files.deleteIfExists(log);
    }
}
