package io.edgelb.tests;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.net.URI;
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
 * The built hub jar as a separate process: {@code java -jar edgelb-hub.jar run --config FILE}.
 * The process itself (log, waits, signals, stop) is a {@link DaemonProcess}; {@link #kill()} ends
 * it as a crash would.
 */
public final class HubProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

    private final DaemonProcess process;
    private final String api;

    private HubProcess(DaemonProcess process, String api) {
        this.process = process;
        this.api = api;
    }

    /** The jar the reactor built (set by the tests module's pom). */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("edgelb.hubJar", "../hub/target/edgelb-hub.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests through `mvn verify` at the root");
        }
        return jar;
    }

    /** Runs a one-shot command of the hub jar (keygen, check, agents, push); returns exit status and output. */
    public static Result command(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar().toAbsolutePath().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("edgelb-hub " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), output);
    }

    /** Exit status and combined output of a command. */
    public record Result(int status, String output) {
    }

    /** Starts {@code run --config config} and waits until its API answers. */
    public static HubProcess start(Path config, String api) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(java(), "-Xmx128m", "-jar", jar().toAbsolutePath().toString(),
                "run", "--config", config.toString());
        HubProcess hub = new HubProcess(DaemonProcess.start("hub", builder, STOP_TIMEOUT), api);
        hub.process.awaitReady(hub::agents, START_TIMEOUT);
        return hub;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public JsonObject agents() throws IOException, InterruptedException {
        return get("/api/agents");
    }

    public JsonObject agent(String id) throws IOException, InterruptedException {
        return get("/api/agents/" + id);
    }

    public String metrics() throws IOException, InterruptedException {
        return process.get(api, "/metrics").body();
    }

    private JsonObject get(String path) throws IOException, InterruptedException {
        return Json.parse(process.get(api, path).body()).asObject();
    }

    /** PUT /api/agents/AGENT/pools/POOL/members; returns the HTTP response. */
    public HttpResponse<String> pushMembers(String agent, String pool, String body, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + api + "/api/agents/" + agent
                + "/pools/" + pool + "/members")).timeout(Duration.ofSeconds(10))
                .PUT(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return process.send(request);
    }

    /** Waits until the agents list satisfies the condition; fails with the last answer and the log. */
    public JsonObject awaitAgents(Predicate<JsonObject> condition, Duration timeout, String what)
            throws IOException, InterruptedException {
        return process.await(this::agents, condition, timeout, what);
    }

    /** Waits until the log holds the text (or the process exits). */
    public void awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
        process.awaitLog(text, timeout);
    }

    /** Sends a signal by name (HUP, TERM, INT) with kill(1). */
    public void signal(String name) throws IOException, InterruptedException {
        process.signal(name);
    }

    /** Stops it with SIGTERM and returns the exit status, or -1 when it did not exit in time. */
    public int stop(Duration timeout) throws IOException, InterruptedException {
        return process.stop(timeout);
    }

    /** SIGKILL: the hub dies as in a crash or a power cut, without its shutdown hook. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public String log() throws IOException {
        return process.log();
    }

    @Override
    public void close() throws Exception {
        process.close();
    }
}
