package io.edgelb.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.agent.daemon.Agent;
import io.edgelb.agent.daemon.ConfigSource;
import io.edgelb.agent.daemon.ConfigSources;
import io.edgelb.agent.net.Transport;
import io.edgelb.testkit.Await;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/history on a running agent: each listener's samples, taken from the start. */
class HistoryEndpointTest {
    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static JsonObject get(String api, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://" + api + path).toURL().openConnection();
        assertEquals(200, c.getResponseCode(), path);
        return Json.parse(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).asObject();
    }

    @Test
    void theHistoryHoldsASampleOfEveryListenerSoonAfterTheStart() throws Exception {
        String api = "127.0.0.1:" + freePort();
        String uci = String.join("\n",
                "config agent 'main'", "\toption api '" + api + "'", "\toption state_dir '" + dir + "'", "",
                "config listener 'web'", "\toption address '127.0.0.1'", "\toption port '" + freePort() + "'", "");
        ConfigSource source = ConfigSources.text("test", uci);
        Agent agent = Agent.start(source, source.load(), Transport.nio());
        try {
            Await.until(() -> {
                try {
                    JsonValue web = get(api, "/api/history").get("listeners").asObject().get("web");
                    return web != null && web.asObject().get("samples").asArray().size() >= 1;
                } catch (IOException e) {
                    return false;
                }
            }, Duration.ofSeconds(10), "a sample of listener web in /api/history");
            JsonObject history = get(api, "/api/history");
            assertEquals(10.0, history.getDouble("interval_seconds", 0), 1e-9);
            JsonObject sample = history.get("listeners").asObject().get("web").asObject().get("samples").asArray()
                    .get(0).asObject();
            assertEquals(0, sample.getLong("bytes_in", -1));
            assertTrue(sample.getDouble("age_seconds", -1) >= 0);
        } finally {
            agent.shutdown("test");
            assertTrue(agent.awaitStopped(15, TimeUnit.SECONDS));
        }
    }
}
