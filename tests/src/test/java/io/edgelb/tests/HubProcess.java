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
 * The built hub jar as a separate process: {@code java -jar edgelb-hub.jar run --config FILE}.
 * Output goes to a log file that failures quote; {@link #kill()} ends it as a crash would.
 */
public final class HubProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Path log;
    private final String api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HubProcess(Process process, Path log, String api) {
        this.process = process;
        this.log = log;
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
        List<String> command = List.of(java(), "-Xmx128m", "-jar", jar().toAbsolutePath().toString(), "run",
                "--config", config.toString());
        Path log = Files.createTempFile("edgelb-hub", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HubProcess hub = new HubProcess(process, log, api);
        hub.awaitReady();
        return hub;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void awaitReady() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the hub exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                agents();
                return;
            } catch (IOException notYet) {
                process.waitFor(50, TimeUnit.MILLISECONDS); // poll interval while the JVM starts
            }
        }
        throw new IllegalStateException("the hub's API did not answer within " + START_TIMEOUT + ":\n" + log());
    }

    public JsonObject agents() throws IOException, InterruptedException {
        return get("/api/agents");
    }

    public JsonObject agent(String id) throws IOException, InterruptedException {
        return get("/api/agents/" + id);
    }

    public String metrics() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + api + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private JsonObject get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + api + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return Json.parse(response.body()).asObject();
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
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the agents list satisfies the condition; fails with the last answer and the log. */
    public JsonObject awaitAgents(Predicate<JsonObject> condition, Duration timeout, String what)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonObject last = null;
        while (System.nanoTime() < deadline) {
            last = agents();
            if (condition.test(last)) {
                return last;
            }
            process.waitFor(100, TimeUnit.MILLISECONDS); // poll interval
        }
        throw new AssertionError("timed out waiting for " + what + "; last: " + last + "\nhub log:\n" + log());
    }

    /** SIGKILL: the hub dies as in a crash or a power cut, without its shutdown hook. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        Files.deleteIfExists(log);
    }
}
