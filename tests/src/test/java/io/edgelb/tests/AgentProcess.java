package io.edgelb.tests;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The agent running as a separate process, as procd would run it: {@code java -jar
 * edgelb-agent.jar run --config FILE} or an installed launcher (see {@link AgentCommand}),
 * optionally behind a command prefix such as {@code ip netns exec router}. The process itself
 * (log, waits, signals, stop) is a {@link DaemonProcess}. Behind a prefix the API is only
 * reachable inside that namespace, so status and metrics are fetched with {@code PREFIX curl}.
 */
public final class AgentProcess implements AutoCloseable {
    private final DaemonProcess process;
    private final String api;
    private final List<String> prefix;
    private final Duration startTimeout;

    private AgentProcess(DaemonProcess process, String api, List<String> prefix, Duration startTimeout) {
        this.process = process;
        this.api = api;
        this.prefix = List.copyOf(prefix);
        this.startTimeout = startTimeout;
    }

    /** The jar the reactor built (set by the tests module's pom). */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("edgelb.agentJar", "../agent/target/edgelb-agent.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests through `mvn verify` at the root");
        }
        return jar;
    }

    /**
     * Starts {@code run --config config} with the command of the system properties, extra JVM
     * arguments and a prefix, and waits until its API answers.
     */
    public static AgentProcess start(Path config, String api, List<String> jvmArgs, List<String> prefix)
            throws IOException, InterruptedException {
        AgentProcess agent = spawn(AgentCommand.fromSystemProperties(), config, api, jvmArgs, prefix);
        agent.awaitReady();
        return agent;
    }

    public static AgentProcess start(Path config, String api) throws IOException, InterruptedException {
        return start(AgentCommand.fromSystemProperties(), config, api);
    }

    public static AgentProcess start(AgentCommand command, Path config, String api)
            throws IOException, InterruptedException {
        AgentProcess agent = spawn(command, config, api);
        agent.awaitReady();
        return agent;
    }

    /** Starts {@code run --config config} without waiting for anything. */
    public static AgentProcess spawn(AgentCommand command, Path config, String api) throws IOException {
        return spawn(command, config, api, List.of(), List.of());
    }

    /** The same with extra JVM arguments (a launcher gets them in EDGELB_JAVA_OPTS). */
    public static AgentProcess spawn(AgentCommand command, Path config, String api, List<String> jvmArgs)
            throws IOException {
        return spawn(command, config, api, jvmArgs, List.of());
    }

    private static AgentProcess spawn(AgentCommand command, Path config, String api, List<String> jvmArgs,
                                      List<String> prefix) throws IOException {
        ProcessBuilder builder = command.processBuilder(jvmArgs, List.of("run", "--config", config.toString()));
        builder.command().addAll(0, prefix);
        return new AgentProcess(DaemonProcess.start("agent", builder, command.stopTimeout()), api, prefix,
                command.startTimeout());
    }

    /** Waits until the log holds the text (or the process exits). */
    public void awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
        process.awaitLog(text, timeout);
    }

    /** Waits until the API answers; fails at once when the process exits. */
    public void awaitReady() throws InterruptedException, IOException {
        process.awaitReady(this::status, startTimeout);
    }

    /** The agent's JVM: the process itself, or the launcher's child that runs the agent. */
    public ProcessHandle jvm() {
        return process.jvm();
    }

    /** The process procd would track (the launcher when there is one): its exit, or -1 on timeout. */
    public int awaitTrackedExit(Duration timeout) throws InterruptedException {
        return process.awaitTrackedExit(timeout);
    }

    /** Waits for the JVM to exit (it is not the test's child behind a launcher); false on timeout. */
    public boolean awaitJvmExit(Duration timeout) throws InterruptedException {
        return process.awaitJvmExit(timeout);
    }

    public JsonObject status() throws IOException, InterruptedException {
        if (!prefix.isEmpty()) {
            return Json.parse(curl("/api/status")).asObject();
        }
        return Json.parse(process.get(api, "/api/status").body()).asObject();
    }

    public String metrics() throws IOException, InterruptedException {
        if (!prefix.isEmpty()) {
            return curl("/metrics");
        }
        return process.get(api, "/metrics").body();
    }

    /** GET through the prefix (a namespace): curl's output, or an IOException when it fails. */
    private String curl(String path) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("curl", "-sf", "-m", "5", "http://" + api + path));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = curl.getInputStream().readAllBytes();
        if (!curl.waitFor(10, TimeUnit.SECONDS) || curl.exitValue() != 0) {
            curl.destroyForcibly();
            throw new IOException("curl " + path + " failed: " + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** The process id (behind {@code ip netns exec}, that is the JVM's: ip execs it). */
    public long pid() {
        return process.pid();
    }

    /** The JVM's command line, from /proc: what a launcher in between finally ran. */
    public List<String> commandLine() throws IOException {
        return process.commandLine();
    }

    /** The files the JVM has mapped: shared libraries and CDS archives. */
    public String maps() throws IOException {
        return process.maps();
    }

    /** POSTs to the API; token may be null. Returns the HTTP status and body. */
    public HttpResponse<String> post(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + api + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return process.send(request);
    }

    /** Waits until the status satisfies the condition; fails with the last status and the log. */
    public JsonObject awaitStatus(Predicate<JsonObject> condition, Duration timeout, String what)
            throws IOException, InterruptedException {
        return process.await(this::status, condition, timeout, what);
    }

    /** Sends a signal by name (HUP, TERM, INT) with kill(1). */
    public void signal(String name) throws IOException, InterruptedException {
        process.signal(name);
    }

    /**
     * Waits for the agent to exit, its JVM too (behind a launcher the JVM drains after the launcher
     * has gone); returns the process's status, or -1 on timeout.
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return process.awaitExit(timeout);
    }

    /** Stops it as procd does (SIGTERM) and returns the exit status, or -1 when it did not exit in time. */
    public int stop(Duration timeout) throws IOException, InterruptedException {
        return process.stop(timeout);
    }

    /** Whether the agent runs: the process or its JVM. */
    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() throws IOException {
        return process.log();
    }

    @Override
    public void close() throws Exception {
        process.close();
    }
}
