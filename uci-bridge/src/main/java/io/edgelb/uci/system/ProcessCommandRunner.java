package io.edgelb.uci.system;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tinylog.Logger;

/**
 * Runs commands as child processes with a deadline. Output is read to the end on a short-lived
 * thread per stream (commands run on the control thread, one at a time, so at most two such
 * threads exist); a command that outlives its timeout is killed and reported.
 */
public final class ProcessCommandRunner implements CommandRunner {
    public static final long DEFAULT_TIMEOUT_MS = 15_000;
    /** Output beyond this is dropped: a router has little memory and we only parse small listings. */
    private static final int MAX_OUTPUT = 4 << 20;

    private final long timeoutMs;

    public ProcessCommandRunner(long timeoutMs) {
        if (timeoutMs <= 0) {
            throw new IllegalArgumentException("timeout " + timeoutMs + " ms must be positive");
        }
        this.timeoutMs = timeoutMs;
    }

    public ProcessCommandRunner() {
        this(DEFAULT_TIMEOUT_MS);
    }

    @Override
    public String run(List<String> argv, String stdin) throws SystemCommandException {
        Logger.debug("running {}", SystemCommandException.commandLine(argv));
        Process process;
        try {
            process = new ProcessBuilder(argv).start();
        } catch (IOException e) {
            throw new SystemCommandException(argv, "cannot run: " + e.getMessage());
        }
        Drain out = new Drain(process.getInputStream());
        Drain err = new Drain(process.getErrorStream());
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The command exited without reading its input; its exit status and stderr say why.
        }
        try {
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new SystemCommandException(argv, "no answer within " + timeoutMs + " ms; killed");
            }
            String output = out.text();
            String error = err.text().trim();
            if (process.exitValue() != 0) {
                throw new SystemCommandException(argv, error.isEmpty()
                        ? "exit status " + process.exitValue() : error);
            }
            return output;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SystemCommandException(argv, "interrupted");
        }
    }

    @Override
    public boolean available(String program) {
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        String path = System.getenv("PATH");
        String dirs = (path == null ? "" : path) + File.pathSeparator + "/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : dirs.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Reads one stream to its end on its own thread, keeping at most {@link #MAX_OUTPUT} bytes. */
    private static final class Drain {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final Thread thread;

        Drain(InputStream stream) {
            thread = new Thread(() -> {
                byte[] chunk = new byte[8192];
                try (stream) {
                    int n;
                    while ((n = stream.read(chunk)) >= 0) {
                        synchronized (buffer) {
                            if (buffer.size() + n <= MAX_OUTPUT) {
                                buffer.write(chunk, 0, n);
                            }
                        }
                    }
                } catch (IOException e) {
                    // The process was killed; what was read is all there is.
                }
            }, "edgelb-command-output");
            thread.setDaemon(true);
            thread.start();
        }

        String text() throws InterruptedException {
            thread.join(1_000);
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
