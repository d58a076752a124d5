package io.edgelb.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import io.edgelb.agent.net.Transport;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TcpBackend;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reload through the agent's one commit path: applied whole or refused whole, and reported either way. */
class AgentReloadTest {
    @TempDir
    Path dir;
    private Path file;
    private TcpBackend backend;
    private Agent agent;
    private int apiPort;
    private int listenerPort;

    @BeforeEach
    void start() throws Exception {
        backend = TcpBackend.start("m");
        file = dir.resolve("edgelb");
        apiPort = freePort();
        listenerPort = freePort();
        Files.writeString(file, config(apiPort, listenerPort));
        ConfigSource source = ConfigSources.file(file);
        ConfigSource.Loaded loaded = source.load();
        assertTrue(loaded.ok(), loaded.errors().toString());
        agent = Agent.start(source, loaded, Transport.nio());
    }

    @AfterEach
    void stop() throws Exception {
        agent.shutdown("test");
        assertTrue(agent.awaitStopped(15, TimeUnit.SECONDS));
        backend.close();
    }

    private String config(int api, int listener) {
        return String.join("\n",
                "config agent 'main'", "\toption api '127.0.0.1:" + api + "'", "\toption state_dir '" + dir + "'", "",
                "config listener 'web_tcp'", "\toption address '127.0.0.1'", "\toption port '" + listener + "'",
                "\toption pool 'web'", "",
                "config pool 'web'", "",
                "config member 'm'", "\toption pool 'web'", "\toption address '127.0.0.1'",
                "\toption protocol_port '" + backend.port() + "'", "");
    }

    private JsonObject reload() throws Exception {
        return agent.reload().get(30, TimeUnit.SECONDS);
    }

    private void assertServesTheFirstConfiguration(int newListenerPort) throws Exception {
        assertEquals(1, agent.generation());
        assertEquals(apiPort, agent.apiAddress().port());
        try (Socket client = new Socket("127.0.0.1", listenerPort)) {
            assertEquals("m", RelayHarness.greeting(client));
        }
        if (newListenerPort > 0) {
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", newListenerPort).close(),
                    "the refused configuration's listener must not run");
        }
    }

    @Test
    void aNewApiAddressWhosePortIsTakenRefusesTheWholeReload() throws Exception {
        int newListener = freePort();
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Files.writeString(file, config(taken.getLocalPort(), newListener));
            for (int attempt = 1; attempt <= 2; attempt++) {
                JsonObject outcome = reload();
                assertFalse(outcome.getBoolean("ok", true), "attempt " + attempt + ": " + outcome);
                assertTrue(outcome.get("errors").asArray().get(0).asString().contains("cannot open the API on 127.0.0.1:"
                        + taken.getLocalPort()), outcome.toString());
                assertServesTheFirstConfiguration(newListener);
                JsonObject status = agent.status();
                assertEquals(attempt, status.getLong("reload_failures", 0));
                assertFalse(status.get("last_reload").asObject().getBoolean("ok", true));
            }
        }
    }

    @Test
    void anEmptyFileCannotCloseEveryListener() throws Exception {
        Files.writeString(file, "");
        JsonObject outcome = reload();
        assertFalse(outcome.getBoolean("ok", true), outcome.toString());
        String why = outcome.get("errors").asArray().get(0).asString();
        assertTrue(why.contains("no listeners") && why.contains("option enabled '0'"), why);
        assertServesTheFirstConfiguration(0);
        assertEquals(why, agent.status().get("last_reload").asObject().getString("error", ""));

        Files.writeString(file, String.join("\n", "config agent 'main'", "\toption enabled '0'",
                "\toption api '127.0.0.1:" + apiPort + "'", "\toption state_dir '" + dir + "'", ""));
        assertTrue(reload().getBoolean("ok", false), "an explicit enabled '0' may drop every listener");
        assertEquals(2, agent.generation());
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", listenerPort).close());
    }

    @Test
    void aBadHttpListenerIsRefusedAndTheLastGoodConfigurationKeepsServing() throws Exception {
        int newListener = freePort();
        Files.writeString(file, config(apiPort, listenerPort) + String.join("\n", "",
                "config listener 'web_http'", "\toption protocol 'HTTP'", "\toption address '127.0.0.1'",
                "\toption port '" + newListener + "'", "\toption pool 'web'",
                "\tlist insert_headers 'X-Forwarded-Host'", ""));
        JsonObject outcome = reload();
        assertFalse(outcome.getBoolean("ok", true), outcome.toString());
        String errors = outcome.get("errors").toString();
        assertTrue(errors.contains("insert_headers 'X-Forwarded-Host' is not supported"), errors);
        assertTrue(errors.contains("pool 'web' has protocol TCP; an HTTP listener needs a pool with protocol 'HTTP'"),
                errors);
        assertServesTheFirstConfiguration(newListener);
    }

    @Test
    void aRefusedReloadDoesNotStartTheHubClient() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Files.writeString(file, config(taken.getLocalPort(), listenerPort) + String.join("\n", "",
                    "config hub 'hub'", "\toption enabled '1'", "\tlist endpoint 'tcp://127.0.0.1:" + freePort() + "'",
                    "\toption server_key '" + "abcdefghij".repeat(4) + "'",
                    "\toption key_file '" + dir.resolve("agent.key") + "'", "\toption agent_id 'edge-1'",
                    "\toption state_file '" + dir.resolve("hub.json") + "'", ""));
            JsonObject outcome = agent.reload().handle((o, e) -> o).get(30, TimeUnit.SECONDS);
            assertFalse(outcome != null && outcome.getBoolean("ok", true), String.valueOf(outcome));
        }
        assertFalse(agent.status().get("hub").asObject().getBoolean("enabled", true),
                "a refused reload changes nothing that runs, the hub client included");
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
