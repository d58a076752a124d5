package io.edgelb.tests;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * optionally behind a command prefix such as {@code ip netns exec router}. Output goes to a log
 * file that failures quote. Behind a prefix the API is only reachable inside that namespace, so
 * status and metrics are fetched with {@code PREFIX curl}.
 */
public final class AgentProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Path log;
    private final String api;
    private final List<String> prefix;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The JVM: the launcher's child once it runs one (it outlives a launcher that got SIGTERM). */
    private ProcessHandle jvm;

    private AgentProcess(Process process, Path log, String api, List<String> prefix) {
        this.process = process;
        this.log = log;
        this.api = api;
        this.prefix = List.copyOf(prefix);
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
        Path log = Files.createTempFile("edgelb-agent", ".log");
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new AgentProcess(process, log, api, prefix);
    }

    /** Waits until the log holds the text (or the process exits). */
    public void awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!log().contains(text)) {
            if (!isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in the agent's log:\n" + log());
            }
            process.waitFor(5, TimeUnit.MILLISECONDS); // poll interval
        }
        jvm(); // remembered while the launcher still runs it
    }

    public void awaitReady() throws InterruptedException, IOException {
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

    /**
     * The agent's JVM: the process itself, or the launcher's child that runs the agent (not the JVMs
     * of its class data sharing steps). Remembered once found, so that it is known after the
     * launcher has exited.
     */
    public synchronized ProcessHandle jvm() {
        if (jvm == null) {
            ProcessHandle child = process.toHandle().children()
                    .filter(candidate -> candidate.info().arguments().map(a -> List.of(a).contains("run")).orElse(false))
                    .findFirst().orElse(null);
            if (child == null) {
                return process.toHandle(); // the JVM itself, or a launcher that runs no agent yet
            }
            jvm = child;
        }
        return jvm;
    }

    /** The process procd would track (the launcher when there is one): its exit, or -1 on timeout. */
    public int awaitTrackedExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** Waits for the JVM to exit (it is not the test's child behind a launcher); false on timeout. */
    public boolean awaitJvmExit(Duration timeout) throws InterruptedException {
        try {
            jvm().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public JsonObject status() throws IOException, InterruptedException {
        if (!prefix.isEmpty()) {
            return Json.parse(curl("/api/status")).asObject();
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + api + "/api/status"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return Json.parse(response.body()).asObject();
    }

    public String metrics() throws IOException, InterruptedException {
        if (!prefix.isEmpty()) {
            return curl("/metrics");
        }
        return http.send(HttpRequest.newBuilder(URI.create("http://" + api + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** GET through the prefix (a namespace): curl's output, or an IOException when it fails. */
    private String curl(String path) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("curl", "-sf", "-m", "5", "http://" + api + path));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = curl.getInputStream().readAllBytes();
        if (!curl.waitFor(10, TimeUnit.SECONDS) || curl.exitValue() != 0) {
            curl.destroyForcibly();
            throw new IOException("curl " + path + " failed: " + new String(out, java.nio.charset.StandardCharsets.UTF_8));
        }
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The process id (behind {@code ip netns exec}, that is the JVM's: ip execs it). */
    public long pid() {
        return process.pid();
    }

    /** The JVM's command line, from /proc: what a launcher in between finally ran. */
    public List<String> commandLine() throws IOException {
        String raw = Files.readString(Path.of("/proc", Long.toString(jvm().pid()), "cmdline"),
                java.nio.charset.StandardCharsets.UTF_8);
        return List.of(raw.split("\0"));
    }

    /** POSTs to the API; token may be null. Returns the HTTP status and body. */
    public HttpResponse<String> post(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + api + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the status satisfies the condition; fails with the last status and the log. */
    public JsonObject awaitStatus(Predicate<JsonObject> condition, Duration timeout, String what)
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

    /** Sends a signal by name (HUP, TERM, INT) with kill(1). */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /**
     * Waits for the agent to exit, its JVM too (behind a launcher the JVM drains after the launcher
     * has gone); returns the process's status, or -1 on timeout.
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int status = awaitTrackedExit(timeout);
        long left = Math.max(0, deadline - System.nanoTime());
        return status != -1 && awaitJvmExit(Duration.ofNanos(left)) ? status : -1;
    }

    /** Whether the agent runs: the process or its JVM. */
    public boolean isAlive() {
        return process.isAlive() || jvm().isAlive();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        ProcessHandle java = jvm();
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (java.isAlive() && !awaitJvmExit(Duration.ofSeconds(30))) {
            java.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }
}
