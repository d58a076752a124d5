package io.edgelb.tests.luci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a JavaScript file with node (as LuCI's views are JavaScript) and returns what it printed. */
final class Node {
    private Node() {
    }

    /** The script's stdout; fails the test with its stderr when it exits non-zero. */
    static String run(Path script, String... args) throws IOException, InterruptedException {
        Path node = Toolbox.find("node");
        if (node == null) {
            throw new IllegalStateException("node is not installed: the LuCI tests need it (apt-get install nodejs)");
        }
        List<String> command = new ArrayList<>(List.of(node.toString(), script.toString()));
        command.addAll(List.of(args));
        Path err = Files.createTempFile("node", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("node " + script.getFileName() + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("node " + script.getFileName() + " failed:\n" + Files.readString(err) + out);
            }
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** A script shipped with these tests (src/test/resources/io/edgelb/tests/luci). */
    static Path script(String name) {
        try {
            return Path.of(Node.class.getResource(name).toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test script " + name, e);
        }
    }
}
