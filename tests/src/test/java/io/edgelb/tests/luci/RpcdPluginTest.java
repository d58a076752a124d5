package io.edgelb.tests.luci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import com.sun.net.httpserver.HttpServer;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.tests.AgentProcess;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rpcd plugin as rpcd runs it, against the agent jar running on loopback, once per toolset: the
 * host shell with curl, with GNU wget, and busybox ash with busybox wget (OpenWrt's shell and text
 * tools). OpenWrt's uclient-fetch, uci and jshn are not on this machine: the env overrides, a
 * stand-in uci and the jshn-less argument parser take their place (see docs/luci.md).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RpcdPluginTest {
    @TempDir
    static Path dir;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<Toolbox> toolboxes = new ArrayList<>();
    private TcpBackend a;
    private TcpBackend b;
    private Path config;
    private int port;
    private String api;
    private AgentProcess agent;
    private Toolbox curl;

    @BeforeAll
    void startAgent() throws Exception {
        a = closing(TcpBackend.start("a"));
        b = closing(TcpBackend.start("b"));
        port = freePort();
        api = "127.0.0.1:" + freePort();
        config = dir.resolve("edgelb");
        writeConfig("");
        agent = closing(AgentProcess.start(config, api));
        for (int i = 0; i < 4; i++) {
            landOn(); // traffic, so that the figures are not all zero
        }
        curl = Toolbox.host("curl", dir, true, "curl");
        toolboxes.add(curl);
        toolboxes.add(Toolbox.host("wget", dir, true, "wget"));
        Toolbox busybox = Toolbox.busybox(dir);
        if (busybox != null) {
            toolboxes.add(busybox);
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    List<Toolbox> toolboxes() {
        return toolboxes;
    }

    @Test
    void busyboxIsThereToStandForOpenWrtsShell() {
        boolean present = Toolbox.find("busybox") != null;
        if (System.getenv("CI") != null) {
            assertTrue(present, "CI must install busybox (apt-get install busybox) to run the plugin under ash");
        }
        assumeTrue(present, "busybox is not installed: the plugin was not run under busybox ash");
    }

    @Test
    void listPrintsTheSignatureAndNeedsNoTool() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        JsonObject expected = Json.parse("{\"status\":{},\"history\":{},\"drain\":{\"member\":\"id\"},"
                + "\"enable\":{\"member\":\"id\"},\"reload\":{}}").asObject();
        for (List<String> shell : List.of(List.<String>of(), List.of("/bin/sh"))) { // exec'd as rpcd does, and by sh
            RpcdPlugin.Run run = RpcdPlugin.run(shell, empty, Map.of(), null, "list");
            assertEquals(expected, run.object(), run.stderr());
            assertEquals(0, run.exit());
        }
        for (Toolbox tools : toolboxes) {
            assertEquals(expected, RpcdPlugin.list(tools).object(), tools.name());
        }
    }

    @Test
    void theCommittedFileIsExecutableAsRpcdRequires() throws Exception {
        assertTrue(Files.isExecutable(LuciApp.plugin()), "rpcd skips plugins without the execute bit");
        RpcdPlugin.Run run = RpcdPlugin.run(List.of(), curl.bin(), env(), "{}", "call", "status");
        assertEquals(agent.status().get("generation"), run.object().get("generation"), run.stdout());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("toolboxes")
    void statusRelaysTheAgentsFigures(Toolbox tools) throws Exception {
        JsonObject direct = agent.status();
        JsonObject relayed = RpcdPlugin.call(tools, env(), "status", "{\"ubus_rpc_session\":\"00000000\"}").object();
        assertEquals(null, relayed.get("error"), relayed.toString());
        for (String field : List.of("version", "transport", "config", "generation", "reloads", "reload_failures")) {
            assertEquals(direct.get(field), relayed.get(field), field);
        }
        assertEquals(direct.get("listeners"), relayed.get("listeners"));
        JsonObject listener = relayed.get("listeners").asArray().get(0).asObject();
        assertTrue(listener.getLong("total_connections", 0) >= 4, listener.toString());
        assertTrue(listener.getLong("bytes_out", 0) > 0, listener.toString());
        assertEquals(withoutAges(direct.get("pools")), withoutAges(relayed.get("pools")));
        assertEquals(List.of("member_a", "member_b"), memberIds(relayed));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("toolboxes")
    void historyRelaysTheAgentsSamplesOfEachListener(Toolbox tools) throws Exception {
        JsonObject relayed = RpcdPlugin.call(tools, env(), "history", "{}").object();
        assertEquals(null, relayed.get("error"), relayed.toString());
        assertEquals(10.0, relayed.getDouble("interval_seconds", 0), 1e-9, relayed.toString());
        JsonObject listeners = relayed.get("listeners").asObject();
        assertEquals(agent.status().get("listeners").asArray().get(0).asObject().getString("id", "?"),
                listeners.names().get(0), relayed.toString());
        assertTrue(listeners.get(listeners.names().get(0)).asObject().get("samples").asArray().size() >= 1, relayed.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("toolboxes")
    void drainAndEnableTakeEffect(Toolbox tools) throws Exception {
        JsonObject drained = RpcdPlugin.call(tools, env(), "drain", "{\"member\":\"member_b\"}").object();
        assertEquals(Json.parse("{\"result\":true,\"member\":\"member_b\",\"drained\":true}"), drained);
        JsonObject member = member(agent.status(), "member_b");
        assertEquals("DRAINING", member.getString("operating_status", ""));
        assertTrue(member.getBoolean("drained", false));
        for (int i = 0; i < 3; i++) {
            assertEquals("a", landOn(), "a drained member gets no new connection");
        }

        JsonObject enabled = RpcdPlugin.call(tools, env(), "enable", "{\"member\":\"member_b\"}").object();
        assertEquals(Json.parse("{\"result\":true,\"member\":\"member_b\",\"drained\":false}"), enabled);
        member = member(agent.status(), "member_b");
        assertFalse(member.getBoolean("drained", true));
        assertEquals("NO_MONITOR", member.getString("operating_status", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("toolboxes")
    void reloadAppliesTheFileAndReportsARejection(Toolbox tools) throws Exception {
        long generation = agent.status().getLong("generation", 0);
        JsonObject applied = RpcdPlugin.call(tools, env(), "reload", "{}").object();
        assertTrue(applied.getBoolean("result", false), applied.toString());
        assertEquals(generation + 1, applied.get("reload").asObject().getLong("generation", 0));
        assertEquals(generation + 1, agent.status().getLong("generation", 0));

        try {
            writeConfig("\toption weight '300'\n");
            JsonObject rejected = RpcdPlugin.call(tools, env(), "reload", "{}").object();
            assertFalse(rejected.getBoolean("result", true), rejected.toString());
            assertEquals("rejected", rejected.getString("reason", ""));
            if (tools.keepsErrorBodies()) {
                String error = rejected.get("reload").asObject().get("errors").asArray().get(0).asString();
                assertTrue(error.contains("weight 300 is out of range"), error);
            } else {
                assertEquals(Json.NULL, rejected.get("reload"), "busybox wget drops the body of a 422");
            }
            JsonObject status = agent.status();
            assertEquals(generation + 1, status.getLong("generation", 0), "the running configuration stays");
            assertFalse(status.get("last_reload").asObject().getBoolean("ok", true));
        } finally {
            writeConfig("");
        }
        assertTrue(RpcdPlugin.call(tools, env(), "reload", "{}").object().getBoolean("result", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("toolboxes")
    void memberArgumentsAreValidatedBeforeAnythingIsSent(Toolbox tools) throws Exception {
        Map<String, String> invalid = Map.of(
                "{}", "is missing",
                "{\"member\":\"\"}", "is missing",
                "{\"member\":\"../reload\"}", "may only hold",
                "{\"member\":\"a b\"}", "may only hold",
                "{\"member\":\"a?drain=1\"}", "may only hold",
                "{\"member\":\"a\\\"b\"}", "",
                "{\"member\":\"" + "m".repeat(256) + "\"}", "longer than 255",
                "not json", "is missing");
        long generation = agent.status().getLong("generation", 0);
        for (Map.Entry<String, String> input : invalid.entrySet()) {
            JsonObject reply = RpcdPlugin.call(tools, env(), "drain", input.getKey()).object();
            assertEquals("invalid_argument", reply.getString("reason", ""), input.getKey() + " -> " + reply);
            assertTrue(reply.getString("error", "").contains(input.getValue()), reply.toString());
        }
        JsonObject after = agent.status();
        for (String id : memberIds(after)) {
            assertFalse(member(after, id).getBoolean("drained", true), id + " was drained by an invalid call");
        }
        assertEquals(generation, agent.status().getLong("generation", 0));

        // Valid ids that the agent does not know: ':' '.' '-' pass (hub ids use them); the agent says 404.
        JsonObject unknown = RpcdPlugin.call(tools, env(), "drain", "{ \"ubus_rpc_session\" : \"abc\",\n"
                + "  \"member\" : \"pool-1:10.0.0.1.80\" }").object();
        assertEquals("not_found", unknown.getString("reason", ""), unknown.toString());
        assertTrue(unknown.getString("error", "").contains("pool-1:10.0.0.1.80"), unknown.toString());

        JsonObject method = RpcdPlugin.call(tools, env(), "restart", "{}").object();
        assertEquals("invalid_argument", method.getString("reason", ""), method.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("toolboxes")
    void aWrongOrMissingTokenIsReported(Toolbox tools) throws Exception {
        Path wrong = Files.writeString(dir.resolve("wrong.token"), "0123456789abcdef\n");
        Map<String, String> env = new HashMap<>(env());
        env.put("EDGELB_TOKEN_FILE", wrong.toString());
        JsonObject refused = RpcdPlugin.call(tools, env, "drain", "{\"member\":\"member_a\"}").object();
        assertEquals("unauthorized", refused.getString("reason", ""), refused.toString());
        assertFalse(member(agent.status(), "member_a").getBoolean("drained", true));

        env.put("EDGELB_TOKEN_FILE", dir.resolve("no-such-file").toString());
        JsonObject missing = RpcdPlugin.call(tools, env, "reload", "{}").object();
        assertEquals("no_token", missing.getString("reason", ""), missing.toString());
        assertTrue(missing.getString("error", "").contains("no-such-file"), missing.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("toolboxes")
    void anAgentThatIsDownGivesAClearErrorAtOnce(Toolbox tools) throws Exception {
        String nobody = "127.0.0.1:" + freePort();
        Map<String, String> env = new HashMap<>(env());
        env.put("EDGELB_API", nobody);
        for (String[] call : List.of(new String[] {"status", "{}"}, new String[] {"drain", "{\"member\":\"member_a\"}"},
                new String[] {"reload", "{}"})) {
            RpcdPlugin.Run run = RpcdPlugin.call(tools, env, call[0], call[1]);
            JsonObject reply = run.object();
            assertEquals("unreachable", reply.getString("reason", ""), reply.toString());
            assertEquals(nobody, reply.getString("api", ""));
            assertTrue(reply.getString("error", "").contains(nobody), reply.toString());
            assertTrue(run.took().compareTo(Duration.ofSeconds(3)) < 0, call[0] + " took " + run.took());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("toolboxes")
    void anAgentThatDoesNotAnswerTimesOut(Toolbox tools) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = new HashMap<>(env());
            env.put("EDGELB_API", "127.0.0.1:" + silent.getLocalPort());
            env.put("EDGELB_TIMEOUT", "1");
            RpcdPlugin.Run run = RpcdPlugin.call(tools, env, "status", "{}");
            assertEquals("timeout", run.object().getString("reason", ""), run.stdout());
            assertTrue(run.took().compareTo(Duration.ofSeconds(5)) < 0, "took " + run.took());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("toolboxes")
    void oddAnswersStillGiveOneObject(Toolbox tools) throws Exception {
        // A stand-in for a broken or foreign server on the API port; the real agent never answers so.
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] huge = ("{\"listeners\":[" + "{\"id\":\"x\"},".repeat(30_000) + "{}]}").getBytes(StandardCharsets.UTF_8);
        String[] answer = new String[1];
        server.createContext("/", exchange -> {
            byte[] body = switch (answer[0]) {
                case "huge" -> huge;
                case "html" -> "<html>hello</html>".getBytes(StandardCharsets.UTF_8);
                default -> "oops".getBytes(StandardCharsets.UTF_8);
            };
            exchange.sendResponseHeaders(answer[0].equals("500") ? 500 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            Map<String, String> env = new HashMap<>(env());
            env.put("EDGELB_API", "127.0.0.1:" + server.getAddress().getPort());
            Map<String, String> expected = Map.of("huge", "too_large", "html", "invalid", "500", "http");
            for (Map.Entry<String, String> kind : expected.entrySet()) {
                answer[0] = kind.getKey();
                JsonObject reply = RpcdPlugin.call(tools, env, "status", "{}").object();
                assertEquals(kind.getValue(), reply.getString("reason", ""), kind.getKey() + ": " + reply);
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void findsTheAgentThroughUciAsTheAgentDoes() throws Exception {
        // Stand-in for OpenWrt's uci, answering only "uci -q get edgelb.@agent[0].OPTION" from a file.
        Path answers = dir.resolve("uci-answers");
        Toolbox tools = Toolbox.host("uci", dir, true, "curl").script("uci", "#!/bin/sh\n"
                + "[ \"$1\" = -q ] && [ \"$2\" = get ] || exit 2\n"
                + "option=${3#edgelb.@agent\\[0\\].}\n"
                + "value=$(sed -n \"s/^$option=//p\" '" + answers + "')\n"
                + "[ -n \"$value\" ] && echo \"$value\"\n");
        // A wildcard api is reached on loopback; the token file comes from state_dir.
        Files.writeString(answers, "api=0.0.0.0:" + api.substring(api.indexOf(':') + 1) + "\nstate_dir=" + dir + "\n");
        JsonObject drained = RpcdPlugin.call(tools, Map.of(), "drain", "{\"member\":\"member_a\"}").object();
        assertTrue(drained.getBoolean("result", false), drained.toString());
        assertTrue(member(agent.status(), "member_a").getBoolean("drained", false));
        assertTrue(RpcdPlugin.call(tools, Map.of(), "enable", "{\"member\":\"member_a\"}").object()
                .getBoolean("result", false));

        Files.writeString(answers, "api=127.0.0.1:" + freePort() + "\nenabled=0\n");
        JsonObject disabled = RpcdPlugin.call(tools, Map.of(), "status", "{}").object();
        assertEquals("disabled", disabled.getString("reason", ""), disabled.toString());

        // Nothing in uci: the agent's defaults, 127.0.0.1:8089 and /var/run/edgelb/api.token.
        Files.writeString(answers, "api=127.0.0.1:" + freePort() + "\n");
        JsonObject noToken = RpcdPlugin.call(tools, Map.of(), "reload", "{}").object();
        if (!Files.exists(Path.of("/var/run/edgelb/api.token"))) {
            assertEquals("no_token", noToken.getString("reason", ""), noToken.toString());
            assertTrue(noToken.getString("error", "").contains("/var/run/edgelb/api.token"), noToken.toString());
        }
        Files.writeString(answers, "");
        JsonObject defaults = RpcdPlugin.call(tools, Map.of("EDGELB_TIMEOUT", "1"), "status", "{}").object();
        if (defaults.get("error") != null) { // else an agent really runs on the default port here
            assertEquals("127.0.0.1:8089", defaults.getString("api", ""), defaults.toString());
        }
    }

    @Test
    void withoutCurlOrWgetTheAgentCliMakesTheChanges() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Toolbox tools = Toolbox.host("cli", dir, false).script("edgelb", "#!/bin/sh\nexec '" + java + "' -Xmx32m -jar '"
                + AgentProcess.jar().toAbsolutePath() + "' \"$@\"\n");
        JsonObject drained = RpcdPlugin.call(tools, env(), "drain", "{\"member\":\"member_a\"}").object();
        assertEquals(Json.parse("{\"result\":true,\"member\":\"member_a\",\"drained\":true}"), drained);
        assertEquals("DRAINING", member(agent.status(), "member_a").getString("operating_status", ""));
        assertTrue(RpcdPlugin.call(tools, env(), "enable", "{\"member\":\"member_a\"}").object()
                .getBoolean("result", false));
        assertFalse(member(agent.status(), "member_a").getBoolean("drained", true));

        JsonObject unknown = RpcdPlugin.call(tools, env(), "drain", "{\"member\":\"nobody\"}").object();
        assertEquals("not_found", unknown.getString("reason", ""), unknown.toString());
        long generation = agent.status().getLong("generation", 0);
        assertTrue(RpcdPlugin.call(tools, env(), "reload", "{}").object().getBoolean("result", false));
        assertEquals(generation + 1, agent.status().getLong("generation", 0));

        JsonObject status = RpcdPlugin.call(tools, env(), "status", "{}").object();
        assertEquals("no_client", status.getString("reason", ""), "status is polled: never through a JVM start");
    }

    // --- fixtures ------------------------------------------------------------------------------

    private Map<String, String> env() {
        return Map.of("EDGELB_API", api, "EDGELB_TOKEN_FILE", dir.resolve("api.token").toString());
    }

    private void writeConfig(String memberBExtra) throws Exception {
        Files.writeString(config, String.join("\n",
                "config agent 'main'",
                "\toption api '" + api + "'",
                "\toption state_dir '" + dir + "'",
                "\toption workers '1'",
                "",
                "config listener 'web_tcp'",
                "\toption address '127.0.0.1'",
                "\toption port '" + port + "'",
                "\toption pool 'web'",
                "",
                "config pool 'web'",
                "",
                "config member 'member_a'",
                "\toption pool 'web'",
                "\toption address '127.0.0.1'",
                "\toption protocol_port '" + a.port() + "'",
                "",
                "config member 'member_b'",
                "\toption pool 'web'",
                "\toption address '127.0.0.1'",
                "\toption protocol_port '" + b.port() + "'",
                memberBExtra));
    }

    private String landOn() throws Exception {
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(5_000);
            return RelayHarness.greeting(client);
        }
    }

    private static List<String> memberIds(JsonObject status) {
        List<String> ids = new ArrayList<>();
        for (JsonValue pool : status.get("pools").asArray()) {
            for (JsonValue member : pool.asObject().get("members").asArray()) {
                ids.add(member.asObject().getString("id", ""));
            }
        }
        return ids;
    }

    private static JsonObject member(JsonObject status, String id) {
        for (JsonValue pool : status.get("pools").asArray()) {
            for (JsonValue member : pool.asObject().get("members").asArray()) {
                if (member.asObject().getString("id", "").equals(id)) {
                    return member.asObject();
                }
            }
        }
        throw new AssertionError("no member " + id + " in " + status);
    }

    /** The pools with the one field that moves by itself (the age of the last check) removed. */
    private static JsonValue withoutAges(JsonValue pools) {
        JsonArray copy = Json.parse(pools.toString()).asArray();
        for (JsonValue pool : copy) {
            for (JsonValue member : pool.asObject().get("members").asArray()) {
                JsonValue check = member.asObject().get("last_check");
                assertNotNull(check);
                check.asObject().remove("age_seconds");
            }
        }
        return copy;
    }

    private <T extends AutoCloseable> T closing(T resource) {
        toClose.add(resource);
        return resource;
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
