package io.edgelb.tests.luci;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory that is the whole PATH the plugin runs with, so a test decides which tools exist: the
 * host's coreutils with curl or GNU wget, or busybox applets only (as on OpenWrt, where busybox
 * provides the shell and the text tools).
 */
final class Toolbox {
    /** What the plugin itself uses besides its HTTP client. */
    private static final List<String> BASE = List.of("cat", "tr", "sed", "grep", "head", "tail", "wc", "mktemp",
            "rm", "basename", "readlink", "dd", "timeout");

    private final String name;
    private final List<String> shell;
    private final Path bin;
    private final boolean keepsErrorBodies;

    private Toolbox(String name, List<String> shell, Path bin, boolean keepsErrorBodies) {
        this.name = name;
        this.shell = shell;
        this.bin = bin;
        this.keepsErrorBodies = keepsErrorBodies;
    }

    /** The host's /bin/sh (dash on Debian) and tools, plus the named extra host tools. */
    static Toolbox host(String name, Path dir, boolean keepsErrorBodies, String... extra) throws IOException {
        Path bin = Files.createDirectories(dir.resolve(name));
        List<String> tools = new ArrayList<>(BASE);
        tools.addAll(List.of(extra));
        for (String tool : tools) {
            Files.createSymbolicLink(bin.resolve(tool), which(tool));
        }
        return new Toolbox(name, List.of("/bin/sh"), bin, keepsErrorBodies);
    }

    /** busybox ash with busybox's own applets, wget included; null when busybox is not installed. */
    static Toolbox busybox(Path dir) throws IOException {
        Path busybox = find("busybox");
        if (busybox == null) {
            return null;
        }
        Path bin = Files.createDirectories(dir.resolve("busybox"));
        List<String> tools = new ArrayList<>(BASE);
        tools.add("wget");
        for (String tool : tools) {
            Files.createSymbolicLink(bin.resolve(tool), busybox);
        }
        return new Toolbox("busybox", List.of(busybox.toString(), "sh"), bin, false);
    }

    /** Adds an executable script to the PATH. */
    Toolbox script(String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return this;
    }

    String name() {
        return name;
    }

    List<String> shell() {
        return shell;
    }

    Path bin() {
        return bin;
    }

    /** Whether its HTTP client hands over the body of a 4xx answer (curl and GNU wget do). */
    boolean keepsErrorBodies() {
        return keepsErrorBodies;
    }

    static Path which(String tool) {
        Path found = find(tool);
        if (found == null) {
            throw new IllegalStateException(tool + " is not installed");
        }
        return found;
    }

    static Path find(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return name;
    }
}
