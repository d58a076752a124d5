package io.edgelb.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import io.edgelb.agent.testing.Closer;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TcpBackend;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as procd runs it: signals, reloads, the API, shutdown. Subclasses run the same tests
 * on another runtime by overriding {@link #agentCommand()}.
 */
public class AgentProcessTest {
    @TempDir
    Path dir;
    private final Closer closer = new Closer();
    private TcpBackend a;
    private TcpBackend b;
    private int port;
    private String api;
    private Path config;

    @BeforeEach
    void setUp() throws Exception {
        a = closing(TcpBackend.start("a"));
        b = closing(TcpBackend.start("b"));
        port = freePort();
        api = "127.0.0.1:" + freePort();
        config = dir.resolve("edgelb");
    }

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    /** How the agent is started: by default the reactor's jar on the JVM of {@link AgentCommand#fromSystemProperties()}. */
    protected AgentCommand agentCommand() {
        return AgentCommand.fromSystemProperties();
    }

    private AgentProcess startAgent() throws Exception {
        return AgentProcess.start(agentCommand(), config, api);
    }

    private <T extends AutoCloseable> T closing(T resource) {
        return closer.add(resource);
    }

    /** A UCI file with one listener and the given member sections appended. */
    private void writeConfig(String members) throws Exception {
        Files.writeString(config, String.join("\n",
                "config agent 'main'",
                "\toption api '" + api + "'",
                "\toption state_dir '" + dir + "'",
                "\toption workers '1'",
                "\toption drain_timeout '30'",
                "\toption shutdown_timeout '20'",
                "",
                "config listener 'web_tcp'",
                "\toption address '127.0.0.1'",
                "\toption port '" + port + "'",
                "\toption pool 'web'",
                "",
                "config pool 'web'",
                "\toption lb_algorithm 'ROUND_ROBIN'",
                "",
                members));
    }

    private static String member(String id, TcpBackend backend, String extra) {
        return "config member '" + id + "'\n\toption pool 'web'\n\toption address '127.0.0.1'\n"
                + "\toption protocol_port '" + backend.port() + "'\n" + extra + "\n";
    }

    private String landOn() throws Exception {
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(5_000);
            return RelayHarness.greeting(client);
        }
    }

    private String token() throws Exception {
        return Files.readString(dir.resolve("api.token")).trim();
    }

    @Test
    void sighupAppliesAGoodConfigAndKeepsServingOnABadOne() throws Exception {
        writeConfig(member("member_a", a, ""));
        AgentProcess agent = closing(startAgent());
        assertEquals("a", landOn());

        writeConfig(member("member_b", b, ""));
        agent.signal("HUP");
        agent.awaitStatus(s -> s.getLong("generation", 0) == 2, Duration.ofSeconds(10), "generation 2");
        assertEquals("b", landOn());

        writeConfig(member("member_b", b, "\toption weight '300'"));
        agent.signal("HUP");
        JsonObject status = agent.awaitStatus(s -> s.getLong("reload_failures", 0) == 1, Duration.ofSeconds(10),
                "the bad reload to be rejected");
        JsonObject reload = status.get("last_reload").asObject();
        assertEquals(false, reload.getBoolean("ok", true));
        assertEquals(config + ":20: member 'member_b': weight 300 is out of range 0-256",
                reload.get("errors").asArray().get(0).asString());
        assertEquals(2, status.getLong("generation", 0), "the last good generation stays in force");
        assertEquals("b", landOn());
        assertTrue(agent.log().contains("weight 300 is out of range"), agent.log());
        assertTrue(agent.metrics().contains("edgelb_reload_failures_total 1"));
    }

    @Test
    void aSighupDuringStartUpIsAppliedOnceRunningInsteadOfKillingTheJvm() throws Exception {
        writeConfig(member("member_a", a, ""));
        AgentProcess agent = closing(AgentProcess.spawn(agentCommand(), config, api));
        agent.awaitLog("transport: ", Duration.ofSeconds(20)); // handlers are in place, the agent is starting
        writeConfig(member("member_b", b, ""));
        agent.signal("HUP"); // procd's reload, early
        agent.awaitReady();
        agent.awaitStatus(s -> s.getLong("generation", 0) == 2, Duration.ofSeconds(10),
                "the early SIGHUP to be applied");
        assertEquals("b", landOn());
        assertTrue(agent.isAlive());
    }

    @Test
    void changesThroughTheApiNeedTheToken() throws Exception {
        writeConfig(member("member_a", a, "") + "\n" + member("member_b", b, ""));
        AgentProcess agent = closing(startAgent());
        assertEquals(401, agent.post("/api/members/member_a/drain", null).statusCode());
        assertEquals(401, agent.post("/api/members/member_a/drain", "not-the-token").statusCode());
        assertEquals(404, agent.post("/api/members/nobody/drain", token()).statusCode());

        assertEquals(200, agent.post("/api/members/member_a/drain", token()).statusCode());
        for (int i = 0; i < 4; i++) {
            assertEquals("b", landOn(), "a drained member gets no new connection");
        }
        assertTrue(agent.status().toString().contains("\"id\":\"member_a\",\"address\":\"127.0.0.1\",\"protocol_port\":"
                + a.port() + ",\"weight\":1,\"backup\":false,\"admin_state_up\":true,\"drained\":true,"
                + "\"operating_status\":\"DRAINING\""), agent.status().toString());

        assertEquals(200, agent.post("/api/members/member_a/enable", token()).statusCode());
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            seen.add(landOn());
        }
        assertTrue(seen.contains("a") && seen.contains("b"), seen.toString());

        assertEquals(200, agent.post("/api/reload", token()).statusCode());
        agent.awaitStatus(s -> s.getLong("generation", 0) == 2, Duration.ofSeconds(5), "reload through the API");
    }

    @Test
    void sigtermStopsAcceptingLetsOpenConnectionsFinishAndExitsZero() throws Exception {
        writeConfig(member("member_a", a, ""));
        AgentProcess agent = closing(startAgent());
        try (Socket open = new Socket("127.0.0.1", port)) {
            open.setSoTimeout(5_000);
            assertEquals("a", RelayHarness.greeting(open));
            agent.signal("TERM");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) { // the listener closes first
                try (Socket probe = new Socket("127.0.0.1", port)) {
                    assertTrue(System.nanoTime() < deadline, "the listener is still open after TERM");
                    probe.setSoTimeout(50);
                    probe.getInputStream().read(); // polls until the listener is gone
                } catch (java.net.SocketException closed) {
                    // refused, or reset: a connection still in the accept queue when the listener
                    // closed is reset by the kernel. Either way the listener is gone.
                    break;
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // accepted before the close took effect; try again
                }
            }
            open.getOutputStream().write("still here\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("still here", RelayHarness.greeting(open), "an open connection keeps working while draining");
            assertTrue(agent.isAlive(), "the agent waits for the open connection");
        }
        assertEquals(0, agent.awaitExit(Duration.ofSeconds(10)), agent.log());
        assertTrue(agent.log().contains("stopping (SIGTERM)"), agent.log());
    }

    @Test
    void aReloadUnderLoadFailsNoRequest() throws Exception {
        writeConfig(member("member_a", a, ""));
        AgentProcess agent = closing(startAgent());
        int requests = 600;
        int failures = 0;
        List<String> landed = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            if (i % 100 == 50) { // reload every hundred requests, alternating the member set
                writeConfig(i / 100 % 2 == 0
                        ? member("member_a", a, "") + "\n" + member("member_b", b, "")
                        : member("member_b", b, ""));
                agent.signal("HUP");
            }
            try {
                String member = landOn();
                if (member == null) {
                    failures++;
                } else {
                    landed.add(member);
                }
            } catch (java.io.IOException e) {
                failures++;
            }
        }
        assertEquals(0, failures, "requests failed during reloads; log:\n" + agent.log());
        assertTrue(landed.contains("a") && landed.contains("b"));
        assertTrue(agent.status().getLong("generation", 0) >= 2);
    }

    @Test
    void anInvalidFileKeepsTheAgentFromStartingWithTheReason() throws Exception {
        writeConfig(member("member_a", a, "\toption pool 'nope'"));
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> startAgent().close());
        assertTrue(failure.getMessage().contains("the agent exited with 1"), failure.getMessage());
        assertTrue(failure.getMessage().contains(config + ":20: member 'member_a': pool 'nope' does not exist"),
                failure.getMessage());
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
