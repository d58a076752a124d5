package io.edgelb.tests.octavia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the Python provider package's unittest suite (octavia-provider/tests) so that
 * {@code mvn verify} covers it. It needs Debian's python3-octavia-lib and python3-oslo.config,
 * hence /usr/bin/python3 rather than whatever python3 a PATH (pyenv) would pick.
 */
final class ProviderPackageUnitTest {

    @Test
    void pythonSuitePasses() throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("edgelb.repoRoot", "..")).toAbsolutePath().normalize();
        Path provider = root.resolve("octavia-provider");
        assertTrue(Files.isDirectory(provider.resolve("tests")), provider + " has no tests/");
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Path log = Files.createTempFile("edgelb-provider-tests", ".log");
        try {
            Process p = new ProcessBuilder(python, "-B", "-m", "unittest", "discover", "-s",
                    provider.resolve("tests").toString(), "-t", provider.toString())
                    .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(0, p.isAlive() ? -1 : p.exitValue(), "python unittest failed:\n" + output);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
