package io.edgelb.tests.vrrp;

import io.edgelb.tests.netns.Netns;
import io.edgelb.uci.system.ProcessCommandRunner;
import io.edgelb.uci.system.SystemCommandException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The real keepalived (VRRP only) in one router namespace, as {@code ip netns exec NS keepalived
 * --dont-fork ...}: its own configuration, pid files and state in a directory of its own under
 * {@link #BASE} (never /etc/keepalived or /run/keepalived.pid), its console output in a log file
 * that every failure quotes. The main configuration holds a minimal {@code global_defs} (with
 * {@code enable_script_security}) and {@code include}s the file the test names: where edgelb's agent
 * writes its VRRP instances. That file may be missing or empty at start (keepalived then runs no
 * VRRP child until a {@link #reload} finds instances).
 *
 * <p>{@link #start} checks the configuration with {@code keepalived -t} first, so an unknown keyword
 * or an insecure script fails the test at once with keepalived's words; {@link #problems} lists what
 * keepalived complained about while running.
 */
public final class Keepalived implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/keepalived");
    /**
     * Where every instance's directory lives: root-owned, 0755, and so are its parents, as
     * {@code enable_script_security} requires of a script's path.
     */
    public static final Path BASE = Path.of("/run/edgelb-vrrp-tests");
    /** Log lines that mean keepalived ignored or refused part of the configuration. */
    private static final List<String> PROBLEMS = List.of("SECURITY VIOLATION", "insecure", "not accessible",
            "Unknown keyword", "unknown keyword", "Disabling track script", "Configuration error", "configuration error");
    private static final ProcessCommandRunner RUNNER = new ProcessCommandRunner(30_000);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String namespace;
    private final String routerId;
    private final Path dir;
    private final Path config;
    private final Path include;
    private final Path log;
    private final Process process;

    private Keepalived(String namespace, String routerId, Path dir, Path config, Path include, Path log,
            Process process) {
        this.namespace = namespace;
        this.routerId = routerId;
        this.dir = dir;
        this.config = config;
        this.include = include;
        this.log = log;
        this.process = process;
    }

    /** Skips the calling test unless keepalived is installed where {@link #BINARY} says. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), BINARY + " is not installed");
    }

    /**
     * A new empty directory for files that keepalived reads or runs (includes, check scripts):
     * {@code BASE/<pid>-<name>-<random>}, 0755 and root's; fails when it or a parent could be written
     * by anyone but root. Removed by {@link #close} for an instance's own directory; a test removes
     * its own with {@link #deleteDirectory} (and {@link #removeLeftovers} those of killed runs).
     */
    public static Path secureDirectory(String name) throws IOException {
        removeLeftovers();
        Files.createDirectories(BASE);
        Files.setPosixFilePermissions(BASE, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = Files.createTempDirectory(BASE, ProcessHandle.current().pid() + "-" + name + "-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path p = dir; p != null; p = p.getParent()) {
            String why = insecure(p);
            if (why != null) {
                throw new IllegalStateException(p + " " + why + ": keepalived's script security would refuse it");
            }
        }
        return dir;
    }

    /** Why keepalived's check_script_secure would call the path insecure, or null. */
    private static String insecure(Path path) throws IOException {
        int uid = (Integer) Files.getAttribute(path, "unix:uid");
        int gid = (Integer) Files.getAttribute(path, "unix:gid");
        int mode = (Integer) Files.getAttribute(path, "unix:mode");
        if (uid != 0) {
            return "is owned by uid " + uid;
        }
        boolean stickyDir = Files.isDirectory(path) && (mode & 01000) != 0;
        if (!stickyDir && ((gid != 0 && (mode & 020) != 0) || (mode & 002) != 0)) {
            return "is writable by others (mode " + Integer.toOctalString(mode & 07777) + ")";
        }
        return null;
    }

    /** Writes a file readable by all, written by root only, atomically (a reader never sees half of it). */
    public static void writeFile(Path file, String content) throws IOException {
        Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(temp, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes a directory and everything in it; quiet when it is gone. */
    public static void deleteDirectory(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Deletes directories under {@link #BASE} whose JVM is gone. */
    public static void removeLeftovers() throws IOException {
        if (!Files.isDirectory(BASE)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(BASE)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                int dash = name.indexOf('-');
                long pid;
                try {
                    pid = Long.parseLong(dash < 0 ? name : name.substring(0, dash));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    deleteDirectory(entry);
                }
            }
        }
    }

    /** The main configuration: {@code global_defs} and the include. */
    public static String mainConfig(String routerId, Path include) {
        return "global_defs {\n"
                + "    router_id " + routerId + "\n"
                + "    script_user root\n"
                + "    enable_script_security\n"
                + "    vrrp_garp_master_delay 1\n"
                + "}\n"
                + "include " + include + "\n";
    }

    /**
     * Writes the main configuration, checks it with {@code keepalived -t} in the namespace, starts
     * keepalived there and waits (bounded) until it has written its pid file.
     */
    public static Keepalived start(String namespace, String routerId, Path include) throws Exception {
        Path dir = secureDirectory("keepalived-" + routerId);
        Process process = null;
        try {
            Path config = dir.resolve("keepalived.conf");
            writeFile(config, mainConfig(routerId, include));
            configTest(namespace, config);
            Path log = logFile(routerId);
            List<String> command = Netns.prefixed(namespace, List.of(BINARY.toString(),
                    "--dont-fork", "--log-console", "--log-detail", "--no-syslog", "--vrrp",
                    "-f", config.toString(), "-p", dir.resolve("keepalived.pid").toString(),
                    "-r", dir.resolve("vrrp.pid").toString()));
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            Keepalived keepalived = new Keepalived(namespace, routerId, dir, config, include, log, process);
            keepalived.awaitPidFile(Duration.ofSeconds(10));
            return keepalived;
        } catch (Exception | AssertionError e) {
            if (process != null) {
                stop(process);
            }
            deleteDirectory(dir);
            throw e;
        }
    }

    /** {@code keepalived -t -f CONFIG} in the namespace: fails with keepalived's output unless it is clean. */
    public static void configTest(String namespace, Path config) throws SystemCommandException {
        RUNNER.run(Netns.prefixed(namespace, List.of(BINARY.toString(), "-t", "-f", config.toString())));
    }

    /** Under the build directory when Maven runs the tests (so a failed run's log stays), else in /tmp. */
    private static Path logFile(String routerId) throws IOException {
        String build = System.getProperty("edgelb.buildDir");
        Path logs = build == null ? Path.of(System.getProperty("java.io.tmpdir"))
                : Path.of(build, "keepalived-logs");
        Files.createDirectories(logs);
        return Files.createTempFile(logs, "keepalived-" + routerId + "-", ".log");
    }

    private void awaitPidFile(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (mainPid().orElse(-1) != process.pid()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("keepalived in " + namespace + " exited with " + process.exitValue()
                        + ":\n" + log());
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("keepalived in " + namespace + " wrote no pid file within "
                        + timeout.toMillis() + " ms:\n" + log());
            }
            process.waitFor(20, TimeUnit.MILLISECONDS); // poll interval while it starts
        }
    }

    public String namespace() {
        return namespace;
    }

    public String routerId() {
        return routerId;
    }

    /** This instance's directory (configuration, pid files); deleted by {@link #close}. */
    public Path directory() {
        return dir;
    }

    public Path config() {
        return config;
    }

    /** The file the main configuration includes (the test's, or the agent's). */
    public Path include() {
        return include;
    }

    /** The main process's pid file ({@code -p}): what edgelb's agent signals to reload keepalived. */
    public Path pidFile() {
        return dir.resolve("keepalived.pid");
    }

    /** The VRRP child's pid file ({@code -r}); only while the child runs. */
    public Path vrrpPidFile() {
        return dir.resolve("vrrp.pid");
    }

    public Path logFile() {
        return log;
    }

    /** The main process (the one {@code ip netns exec} became). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public OptionalLong mainPid() throws IOException {
        return readPid(pidFile());
    }

    public OptionalLong vrrpPid() throws IOException {
        return readPid(vrrpPidFile());
    }

    private static OptionalLong readPid(Path file) throws IOException {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (java.nio.file.NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty(); // being written
        }
    }

    /** Everything keepalived has written so far. */
    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.ISO_8859_1);
    }

    /** The log's length now: a mark for {@link #awaitLog(String, long, Duration)}. */
    public long logMark() throws IOException {
        return Files.size(log);
    }

    /** Waits until the log holds the text anywhere; fails when keepalived exits first or the time is up. */
    public void awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
        awaitLog(text, 0, timeout);
    }

    /** Waits until the log holds the text after the mark (from {@link #logMark} or {@link #reload}). */
    public void awaitLog(String text, long mark, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String all = log();
            if (all.indexOf(text, (int) Math.min(mark, all.length())) >= 0) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("keepalived in " + namespace + " exited with " + process.exitValue()
                        + " before logging '" + text + "':\n" + all);
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("no '" + text + "' in the log of keepalived in " + namespace + " within "
                        + timeout.toMillis() + " ms:\n" + all);
            }
            process.waitFor(20, TimeUnit.MILLISECONDS); // poll interval; returns at once when it exits
        }
    }

    /**
     * SIGHUP to the pid in the pid file, as edgelb's agent reloads it: keepalived re-reads the main
     * configuration and the include. Returns the log mark from before the signal.
     */
    public long reload() throws IOException, InterruptedException, SystemCommandException {
        long mark = logMark();
        long pid = mainPid().orElseThrow(() -> new IllegalStateException("no pid in " + pidFile()));
        Netns.host("kill", "-HUP", Long.toString(pid));
        return mark;
    }

    /**
     * Waits until the reload signalled after the mark is done: the VRRP child logs "Reload complete",
     * or "Startup complete" when the reload found the first instances (no child ran before).
     */
    public void awaitReload(long mark, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        awaitLog("Reloading", mark, timeout);
        while (true) {
            String all = log();
            String after = all.substring((int) Math.min(mark, all.length()));
            if (after.contains("Reload complete") || after.contains("Startup complete")) {
                return;
            }
            if (!process.isAlive() || System.nanoTime() - deadline >= 0) {
                throw new AssertionError("keepalived in " + namespace + " did not finish the reload within "
                        + timeout.toMillis() + " ms:\n" + all);
            }
            process.waitFor(20, TimeUnit.MILLISECONDS); // poll interval
        }
    }

    /** Log lines where keepalived refused or ignored configuration (script security, unknown keywords). */
    public List<String> problems() throws IOException {
        List<String> found = new ArrayList<>();
        for (String line : log().split("\n")) {
            for (String problem : PROBLEMS) {
                if (line.contains(problem)) {
                    found.add(line);
                    break;
                }
            }
        }
        return found;
    }

    /**
     * Stops keepalived: SIGTERM (it sends priority 0 and removes its VIPs), a bounded wait, then
     * SIGKILL for it and its children; deletes its directory (the log stays).
     */
    @Override
    public void close() throws IOException {
        try {
            stop(process);
        } finally {
            deleteDirectory(dir);
        }
    }

    private static void stop(Process process) {
        List<ProcessHandle> children = process.descendants().collect(Collectors.toList());
        process.destroy();
        boolean stopped;
        try {
            stopped = process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = false;
        }
        if (!stopped) {
            process.destroyForcibly();
        }
        for (ProcessHandle child : children) {
            child.destroyForcibly(); // only those left behind: a clean stop reaped them already
        }
        try {
            process.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // killed; the pair's close kills whatever still runs in the namespace
        }
    }

    @Override
    public String toString() {
        return "keepalived " + routerId + " in " + namespace;
    }
}
