package io.edgelb.tests.luci;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.ParseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * Runs /usr/libexec/rpcd/luci.edgelb the way rpcd does: {@code list}, or {@code call METHOD} with the
 * arguments as one JSON object on stdin, written without a trailing newline and then closed; the
 * environment holds only what the test gives it.
 */
final class RpcdPlugin {
    /** rpcd's own limit is 120 s; a call that takes this long is a failure here. */
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private RpcdPlugin() {
    }

    /** One run: its output, exit status and how long it took. */
    record Run(String stdout, String stderr, int exit, Duration took) {
        /** The output as the one JSON object rpcd requires; fails the test otherwise. */
        JsonObject object() {
            try {
                return Json.parse(stdout).asObject();
            } catch (ParseException | UnsupportedOperationException e) {
                throw new AssertionError("not exactly one JSON object (" + e.getMessage() + "):\n" + stdout
                        + "\nstderr:\n" + stderr, e);
            }
        }
    }

    static Run call(Toolbox tools, Map<String, String> env, String method, String arguments) throws Exception {
        return run(tools.shell(), tools.bin(), env, arguments, "call", method);
    }

    static Run list(Toolbox tools) throws Exception {
        return run(tools.shell(), tools.bin(), Map.of(), null, "list");
    }

    /** Runs the plugin with shell (empty: exec the file itself, as rpcd does) and PATH=bin. */
    static Run run(List<String> shell, Path bin, Map<String, String> env, String stdin, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(shell);
        command.add(LuciApp.plugin().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", bin.toString());
        builder.environment().putAll(env);
        long start = System.nanoTime();
        Process process = builder.start();
        FutureTask<String> out = reader(process.getInputStream());
        FutureTask<String> err = reader(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException closedEarly) {
            // a method that takes no arguments may exit before reading them, as with rpcd
        }
        if (!process.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("luci.edgelb " + String.join(" ", args) + " ran longer than " + LIMIT);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        return new Run(out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS), process.exitValue(), took);
    }

    /** Reads a stream to its end on its own thread, so a full pipe never stalls the plugin. */
    private static FutureTask<String> reader(InputStream stream) {
        FutureTask<String> task = new FutureTask<>(() -> new String(stream.readAllBytes(), StandardCharsets.UTF_8));
        Thread thread = new Thread(task, "luci.edgelb output");
        thread.setDaemon(true);
        thread.start();
        return task;
    }
}
