package io.edgelb.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import io.edgelb.agent.daemon.Logging;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values with control characters reach the terminal and the log on one line, visibly escaped. */
class HostileOutputTest {
    private static final String FORGED = "x\n/etc/config/edgelb:1: forged\u001b[2J";

    @TempDir
    Path dir;

    @Test
    void checkPrintsOneLinePerProblemWhateverTheValuesHold() throws Exception {
        Path file = dir.resolve("edgelb");
        Files.writeString(file, "config member 'm'\n\toption pool 'p'\n\toption address '" + FORGED
                + "'\n\toption protocol_port '80'\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"check", "--config", file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(List.of(
                file + ":2: member 'm': pool 'p' does not exist",
                file + ":3: member 'm': address 'x\\n/etc/config/edgelb:1: forged\\x1b[2J' is not an IP address",
                file + ": 2 error(s); the configuration is not valid"), List.of(lines));
    }

    @Test
    void theStatusTableEscapesEveryValue() {
        JsonObject member = Json.object().add("id", "m\n1").add("address", "192.0.2.1").add("protocol_port", 80)
                .add("operating_status", "ONLINE")
                .add("last_check", Json.object().add("detail", "HTTP 200\u001b[2J").add("age_seconds", 1));
        JsonObject pool = Json.object().add("id", "p\u0007").add("operating_status", "ONLINE")
                .add("lb_algorithm", "ROUND_ROBIN").add("protocol", "TCP").add("members", new JsonArray().add(member));
        JsonObject listener = Json.object().add("id", "web\nFAKE ROW").add("address", "127.0.0.1").add("port", 80)
                .add("mode", "relay").add("pool", "p\r").add("state", "up").add("rejected_connections", Json.object());
        JsonObject reload = Json.object().add("ok", false).add("errors", new JsonArray().add("bad\nforged: line"));
        JsonObject status = Json.object().add("version", "1\u001b[31m").add("transport", "epoll")
                .add("generation", 1).add("uptime_seconds", 5).add("config", "/etc/config/edgelb")
                .add("last_reload", reload).add("listeners", new JsonArray().add(listener))
                .add("pools", new JsonArray().add(pool));
        String table = StatusTable.render(status);
        assertFalse(table.contains("\u001b") || table.contains("\r") || table.contains("\u0007"), table);
        assertTrue(table.contains("web\\nFAKE ROW") && table.contains("bad\\nforged: line") && table.contains("m\\n1")
                && table.contains("edgelb 1\\x1b[31m") && table.contains("HTTP 200\\x1b[2J"), table);
        for (String line : table.split("\n")) {
            assertFalse(line.startsWith("FAKE") || line.startsWith("forged"), table);
        }
    }

    @Test
    void oneEventLogsAtMostFiftyLinesAndSaysHowManyItLeftOut() {
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < 9000; i++) {
            errors.add("/etc/config/edgelb:" + (i + 1) + ": listener 'l" + i + "': port 'x' is not a number");
        }
        errors.set(0, "v " + "a".repeat(1 << 20) + "\n");
        List<String> logged = Logging.firstLines(errors);
        assertEquals(Logging.MAX_LINES + 1, logged.size());
        assertTrue(logged.get(0).length() < 600 && logged.get(0).contains("more bytes) …") && logged.get(0).endsWith("\\n"),
                logged.get(0).substring(0, 100));
        assertTrue(logged.get(Logging.MAX_LINES).startsWith("… and 8950 more"), logged.get(Logging.MAX_LINES));
    }
}
