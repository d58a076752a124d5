package io.edgelb.tests.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Octavia API (with Keystone) on loopback for the hub's tests: used when it already runs,
 * started with tests/octavia/octavia-up.sh when it does not (root only: the script installs
 * Debian packages if missing and starts MariaDB, RabbitMQ, Keystone and Octavia; CI pre-installs the
 * packages in .ci/run). Without root the tests are skipped, like the network namespace tests.
 */
final class OctaviaService {
    private static final long START_TIMEOUT_MINUTES = 15;

    private OctaviaService() {
    }

    static synchronized void ensureRunning(String noauthUrl, String keystoneUrl) throws Exception {
        if (OctaviaApi.reachable(noauthUrl) && OctaviaApi.reachable(keystoneUrl)) {
            return;
        }
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "starting Octavia (tests/octavia/octavia-up.sh) needs root");
        Path script = Path.of(System.getProperty("edgelb.repoRoot", ".."), "tests", "octavia", "octavia-up.sh");
        Path log = Files.createTempFile("octavia-up", ".log");
        Process up = new ProcessBuilder(List.of("bash", script.toString())).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!up.waitFor(START_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            up.destroyForcibly();
            throw new IllegalStateException(script + " did not finish within " + START_TIMEOUT_MINUTES
                    + " minutes:\n" + tail(log));
        }
        if (up.exitValue() != 0 || !OctaviaApi.reachable(noauthUrl) || !OctaviaApi.reachable(keystoneUrl)) {
            throw new IllegalStateException(script + " exited with " + up.exitValue()
                    + " and Octavia does not answer:\n" + tail(log));
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
