package io.edgelb.tests;

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
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One daemon under test (the agent, the hub, an installed launcher) as a separate process: its
 * output in a log file that every failure quotes, waits with a deadline that also end when the
 * process dies, signals as procd sends them, and a stop that never leaves the process behind.
 * {@link AgentProcess}, {@link HubProcess} and the packaging tests' installed agent all use it.
 */
public final class DaemonProcess implements AutoCloseable {
    /** One answer of the daemon's API; throws IOException while the API does not answer yet. */
    @FunctionalInterface
    public interface Probe<T> {
        T get() throws IOException, InterruptedException;
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final Duration stopTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The JVM: the launcher's child once it runs one (it outlives a launcher that got SIGTERM). */
    private ProcessHandle jvm;

    private DaemonProcess(String name, Process process, Path log, Duration stopTimeout) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stopTimeout = stopTimeout;
    }

    /**
     * Starts the command with stdout and stderr in a new log file; {@code name} ("agent", "hub")
     * is how messages call it; {@code stopTimeout} is how long {@link #close()} waits after SIGTERM.
     */
    public static DaemonProcess start(String name, ProcessBuilder builder, Duration stopTimeout) throws IOException {
        Path log = Files.createTempFile("edgelb-" + name, ".log");
        Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new DaemonProcess(name, process, log, stopTimeout);
    }

    /** Waits until the probe answers without an IOException; fails at once when the process exits. */
    public void awaitReady(Probe<?> probe, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the " + name + " exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                probe.get();
                jvm(); // remembered while the launcher still runs it
                return;
            } catch (IOException notYet) {
                process.waitFor(50, TimeUnit.MILLISECONDS); // poll interval while the JVM starts
            }
        }
        throw new IllegalStateException("the " + name + "'s API did not answer within " + timeout + ":\n" + log());
    }

    /** Waits until the probe's answer satisfies the condition; fails with the last answer and the log. */
    public <T> T await(Probe<T> probe, Predicate<T> condition, Duration timeout, String what)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            last = probe.get();
            if (condition.test(last)) {
                return last;
            }
            process.waitFor(50, TimeUnit.MILLISECONDS); // poll interval
        }
        throw new AssertionError("timed out waiting for " + what + "; last answer: " + last + "\n" + name + " log:\n"
                + log());
    }

    /** Waits until the log holds the text; fails when the process exits first or the time is up. */
    public void awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!log().contains(text)) {
            // isAlive(), not the process's: behind a launcher the JVM logs on after the launcher exited.
            if (!isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in the " + name + "'s log:\n" + log());
            }
            awaitJvmExit(Duration.ofMillis(5)); // poll interval; returns at once when the JVM exits
        }
        jvm(); // remembered while the launcher still runs it
    }

    /**
     * The daemon's JVM: the process itself, or the launcher's child that runs the daemon (not the
     * JVMs of its class data sharing steps). Remembered once found, so that it is known after the
     * launcher has exited.
     */
    public synchronized ProcessHandle jvm() {
        if (jvm == null) {
            ProcessHandle child = process.toHandle().children()
                    .filter(candidate -> candidate.info().arguments().map(a -> List.of(a).contains("run")).orElse(false))
                    .findFirst().orElse(null);
            if (child == null) {
                return process.toHandle(); // the JVM itself, or a launcher that runs no daemon yet
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

    /** GET http://ADDRESS/PATH from the test JVM: the response (any status). */
    public HttpResponse<String> get(String address, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://" + address + path)).timeout(Duration.ofSeconds(5)));
    }

    /** Sends a request built by the caller (POST, PUT, headers) with this process's client. */
    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a signal by name (HUP, TERM, INT) with kill(1). */
    public void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /**
     * Waits for the daemon to exit, its JVM too (behind a launcher the JVM drains after the launcher
     * has gone); returns the process's status, or -1 on timeout.
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int status = awaitTrackedExit(timeout);
        long left = Math.max(0, deadline - System.nanoTime());
        return status != -1 && awaitJvmExit(Duration.ofNanos(left)) ? status : -1;
    }

    /** Stops it as procd does (SIGTERM) and returns the exit status, or -1 when it did not exit in time. */
    public int stop(Duration timeout) throws IOException, InterruptedException {
        signal("TERM");
        return awaitExit(timeout);
    }

    /** SIGKILL: the process dies as in a crash or a power cut, without its shutdown hook. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** Whether the daemon runs: the process or its JVM. */
    public boolean isAlive() {
        return process.isAlive() || jvm().isAlive();
    }

    /** The process id (behind {@code ip netns exec} or an exec'ing launcher, that is the JVM's). */
    public long pid() {
        return process.pid();
    }

    /** The JVM's command line from /proc: what a launcher in between finally ran. */
    public List<String> commandLine() throws IOException {
        return List.of(proc("cmdline").split("\0"));
    }

    /** The files the JVM has mapped: shared libraries and CDS archives. */
    public String maps() throws IOException {
        return proc("maps");
    }

    private String proc(String file) throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(jvm().pid()), file), StandardCharsets.UTF_8);
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGTERM, then SIGKILL when it has not exited within the stop timeout; deletes the log. */
    @Override
    public void close() throws Exception {
        ProcessHandle java = jvm();
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (java.isAlive() && !awaitJvmExit(Duration.ofSeconds(30))) {
            java.destroyForcibly();
        }
        Files.deleteIfExists(log);
    }
}
