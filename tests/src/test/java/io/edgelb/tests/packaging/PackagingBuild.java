package io.edgelb.tests.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs packaging/openwrt/build.sh and other commands for the packaging tests. The default build
 * (no options: the build machine's JDK, x86_64, netty's epoll library built with the host cc) takes
 * a while (jlink, the C build), so it is made once per test JVM and shared by the test classes.
 */
final class PackagingBuild {
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);
    private static Built shared;

    /** The result of one build: its output directory and what the script printed. */
    record Built(Path out, String log) {
        /** The one package whose file name starts with NAME_ (edgelb, edgelb-runtime, luci-app-edgelb). */
        Path ipk(String name) throws IOException {
            try (Stream<Path> files = Files.list(out)) {
                List<Path> found = files.filter(f -> f.getFileName().toString().startsWith(name + "_")
                        && f.getFileName().toString().endsWith(".ipk")).toList();
                if (found.size() != 1) {
                    throw new AssertionError("expected one " + name + "_*.ipk in " + out + ", found " + found
                            + "\nbuild output:\n" + log);
                }
                return found.get(0);
            }
        }

        List<Path> ipks() throws IOException {
            try (Stream<Path> files = Files.list(out)) {
                return files.filter(f -> f.getFileName().toString().endsWith(".ipk")).sorted().toList();
            }
        }
    }

    /** What a command did. */
    record Ran(int exit, String output) {
    }

    private PackagingBuild() {
    }

    static Path repoRoot() {
        return Path.of(System.getProperty("edgelb.repoRoot", "..")).toAbsolutePath().normalize();
    }

    static Path script() {
        return repoRoot().resolve("packaging/openwrt/build.sh");
    }

    /** A fresh directory under the tests module's target/ for build outputs and staging roots. */
    static Path workDir(String name) throws IOException {
        Path dir = Path.of(System.getProperty("edgelb.buildDir", "target")).toAbsolutePath()
                .resolve("packaging").resolve(name);
        deleteRecursively(dir);
        return Files.createDirectories(dir);
    }

    /** The default build, made at the first call in this JVM. */
    static synchronized Built shared() throws IOException, InterruptedException {
        if (shared == null) {
            shared = build(workDir("default-build"), Map.of());
        }
        return shared;
    }

    /** build.sh --out OUT ARGS with extra environment; fails with the script's output unless it succeeds. */
    static Built build(Path out, Map<String, String> env, String... args) throws IOException, InterruptedException {
        Ran ran = runBuild(out, env, args);
        if (ran.exit() != 0) {
            throw new AssertionError("build.sh " + String.join(" ", args) + " failed with " + ran.exit() + ":\n"
                    + ran.output());
        }
        return new Built(out, ran.output());
    }

    static Ran runBuild(Path out, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script().toString(), "--out", out.toString()));
        command.addAll(List.of(args));
        Map<String, String> environment = new java.util.HashMap<>(env);
        environment.putIfAbsent("MAVEN_REPO", System.getProperty("edgelb.mavenRepo",
                System.getProperty("user.home") + "/.m2/repository"));
        return run(command, environment, repoRoot(), BUILD_TIMEOUT);
    }

    /** Runs a command to completion; stdout and stderr together. */
    static Ran run(List<String> command, Map<String, String> env, Path dir, Duration timeout)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("edgelb-command", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(command + " did not finish within " + timeout + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Ran(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static Ran run(String... command) throws IOException, InterruptedException {
        return run(List.of(command), Map.of(), repoRoot(), Duration.ofMinutes(2));
    }

    /** Runs a command that must succeed; returns its output. */
    static String check(String... command) throws IOException, InterruptedException {
        Ran ran = run(command);
        if (ran.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed with " + ran.exit() + ":\n" + ran.output());
        }
        return ran.output();
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
