package io.edgelb.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import io.edgelb.agent.testing.Closer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running agent (the router's default heap of 32m, and 64m) is sent SIGHUP with a configuration that is endless, huge
 * or a FIFO: each reload is refused with the file named, the last good generation keeps serving,
 * and the control thread still answers the API and SIGTERM (issue 10 §2). Before, /dev/zero and a
 * 2.5 MB file of bad sections ended the JVM with OutOfMemoryError and a FIFO blocked it for good.
 */
class AgentProcessHostileFilesTest {
    @TempDir
    Path dir;
    private final Closer closer = new Closer();

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    @ParameterizedTest(name = "heap {0}")
    @ValueSource(strings = {"32m", "64m"})
    void devZeroBadSectionsAndAFifoAreRefusedAndTheAgentKeepsServing(String heap) throws Exception {
        String api = "127.0.0.1:" + freePort();
        Path config = dir.resolve("edgelb");
        Path good = dir.resolve("edgelb.good");
        Files.writeString(good, "config agent 'main'\n\toption api '" + api + "'\n\toption state_dir '" + dir
                + "'\n\toption workers '1'\n\toption shutdown_timeout '2'\n"
                + "config listener 'web_tcp'\n\toption address '127.0.0.1'\n\toption port '" + freePort()
                + "'\n\toption pool 'web'\nconfig pool 'web'\n");
        Files.createSymbolicLink(config, good);
        AgentProcess agent = closer.add(AgentProcess.start(config, api, List.of("-Xmx" + heap), List.of()));

        relink(config, Path.of("/dev/zero"));
        JsonObject status = reloadFails(agent, 1);
        assertTrue(firstError(status).startsWith(config + " is not a regular file"), firstError(status));

        StringBuilder bad = new StringBuilder();
        while (bad.length() < 2_500_000) {
            bad.append("config listener\n\toption port 'x").append(bad.length()).append("'\n\toption pool 'nope'\n");
        }
        Path badFile = Files.writeString(dir.resolve("edgelb.bad"), bad);
        relink(config, badFile);
        status = reloadFails(agent, 2);
        if (heap.equals("32m")) {
            // A twentieth of the heap (1.6 MiB) is the most this agent reads; the message says why.
            assertTrue(firstError(status).startsWith(config + " is " + Files.size(badFile) + " bytes, more than the limit")
                    && firstError(status).contains("heap"), firstError(status));
        } else {
            assertTrue(firstError(status).startsWith(config + ":98305: Parse error (more than 32768 sections"),
                    firstError(status));
        }
        assertTrue(status.get("last_reload").asObject().get("errors").asArray().size() <= 1001);

        Path fifo = dir.resolve("edgelb.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        relink(config, fifo);
        status = reloadFails(agent, 3);
        assertTrue(firstError(status).contains("is not a regular file (a FIFO, socket or device)"), firstError(status));
        assertEquals(1, status.getLong("generation", 0), "the first configuration is still served");
        assertTrue(agent.isAlive());

        relink(config, good);
        agent.signal("HUP");
        agent.awaitStatus(s -> s.getLong("generation", 0) == 2, Duration.ofSeconds(20), "the good file again");
        agent.signal("TERM");
        assertEquals(0, agent.awaitExit(Duration.ofSeconds(20)), agent.log());
        assertTrue(!agent.log().contains("OutOfMemoryError"), agent.log());
    }

    private static JsonObject reloadFails(AgentProcess agent, int failures) throws Exception {
        agent.signal("HUP");
        return agent.awaitStatus(s -> s.getLong("reload_failures", 0) == failures, Duration.ofSeconds(60),
                "reload failure " + failures);
    }

    private static String firstError(JsonObject status) {
        return status.get("last_reload").asObject().get("errors").asArray().get(0).asString();
    }

    private static void relink(Path link, Path target) throws Exception {
        Path next = link.resolveSibling(link.getFileName() + ".next");
        Files.deleteIfExists(next);
        Files.createSymbolicLink(next, target);
        Files.move(next, link, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
