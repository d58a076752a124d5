package io.edgelb.tests.hub;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.model.sync.CurveKeyFile;
import io.edgelb.tests.AgentProcess;
import io.edgelb.tests.HubProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.zeromq.ZMQ;

/**
 * A hub and its agents on loopback, as files: CURVE key pairs, the hub's JSON config with its
 * allow-list, the file source's document, and each agent's /etc/config/edgelb. Ports are
 * ephemeral; the hub needs two consecutive ones (snapshots on P, updates on P+1).
 */
final class HubTestbed {
    final Path dir;
    final CurveKeyFile hubKeys;
    final Map<String, CurveKeyFile> agentKeys = new LinkedHashMap<>();
    final int hubPort;
    final String hubApi;
    final Path hubConfig;
    final Path pools;
    final double heartbeatSeconds;

    HubTestbed(Path dir, List<String> agents, double heartbeatSeconds) throws IOException {
        this.dir = dir;
        this.heartbeatSeconds = heartbeatSeconds;
        hubKeys = newKeys(dir.resolve("hub.key"));
        for (String agent : agents) {
            agentKeys.put(agent, newKeys(dir.resolve(agent + ".key")));
        }
        hubPort = freePortPair();
        hubApi = "127.0.0.1:" + freePort();
        hubConfig = dir.resolve("hub.json");
        pools = dir.resolve("pools.json");
        writeHubConfig(hubConfig, dir.resolve("hub.key"), hubPort, hubApi);
    }

    static CurveKeyFile newKeys(Path file) throws IOException {
        ZMQ.Curve.KeyPair pair = ZMQ.Curve.generateKeyPair();
        CurveKeyFile keys = new CurveKeyFile(pair.publicKey, pair.secretKey);
        keys.write(file, true);
        return keys;
    }

    void writeHubConfig(Path file, Path keyFile, int port, String api) throws IOException {
        writeHubConfig(file, keyFile, port, api,
                new JsonObject().add("type", "file").add("path", pools.toString()).add("interval", 0.2));
    }

    void writeHubConfig(Path file, Path keyFile, int port, String api, JsonObject source) throws IOException {
        writeHubConfig(file, keyFile, "127.0.0.1", port, api, source);
    }

    /** bindHost: where agents reach the hub (an address on a test bridge for agents in namespaces). */
    void writeHubConfig(Path file, Path keyFile, String bindHost, int port, String api, JsonObject source)
            throws IOException {
        JsonObject allow = new JsonObject();
        agentKeys.forEach((agent, k) -> allow.add(agent, k.publicKey()));
        JsonObject config = new JsonObject()
                .add("bind", "tcp://" + bindHost + ":" + port)
                .add("key_file", keyFile.toString())
                .add("api", api)
                .add("api_token_file", dir.resolve("hub-api.token").toString())
                .add("heartbeat", heartbeatSeconds)
                .add("agents", allow)
                .add("source", source);
        Files.writeString(file, config.toString());
    }

    String endpoint() {
        return "tcp://127.0.0.1:" + hubPort;
    }

    String hubToken() throws IOException {
        return Files.readString(dir.resolve("hub-api.token")).trim();
    }

    /** The file source's document: agent → its objects' JSON. Written atomically (the hub polls it). */
    void writePools(Map<String, String> agentObjects) throws IOException {
        StringBuilder json = new StringBuilder("{\"agents\": {");
        String separator = "";
        for (Map.Entry<String, String> entry : agentObjects.entrySet()) {
            json.append(separator).append('"').append(entry.getKey()).append("\": ").append(entry.getValue());
            separator = ", ";
        }
        json.append("}}");
        Path temp = Files.createTempFile(dir, "pools", ".tmp");
        Files.writeString(temp, json);
        Files.move(temp, pools, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** One listener on 127.0.0.1:port, pool web, and the given members (id → backend port). */
    static String objects(int listenerPort, Map<String, Integer> members) {
        StringBuilder m = new StringBuilder();
        String separator = "";
        for (Map.Entry<String, Integer> member : members.entrySet()) {
            m.append(separator).append('"').append(member.getKey()).append("\": {\"pool\": \"web\", \"address\": "
                    + "\"127.0.0.1\", \"protocol_port\": ").append(member.getValue()).append('}');
            separator = ", ";
        }
        return "{\"listeners\": {\"web\": {\"address\": \"127.0.0.1\", \"port\": " + listenerPort
                + ", \"pool\": \"web\"}}, \"pools\": {\"web\": {\"lb_algorithm\": \"ROUND_ROBIN\"}}, \"members\": {"
                + m + "}}";
    }

    /**
     * An agent's UCI file following this hub; keyFile and serverKey may be swapped for rogue tests,
     * endpoint may list several endpoints separated by spaces.
     */
    Path agentConfig(String agent, String api, Path keyFile, String serverKey, String endpoint) throws IOException {
        Path agentDir = dir.resolve("agent-" + agent + "-" + api.replace(':', '_'));
        Files.createDirectories(agentDir);
        Path config = agentDir.resolve("edgelb");
        Files.writeString(config, String.join("\n",
                "config agent 'main'",
                "\toption api '" + api + "'",
                "\toption state_dir '" + agentDir + "'",
                "\toption workers '1'",
                "\toption drain_timeout '1'",
                "\toption shutdown_timeout '1'",
                "",
                "config hub 'hub'",
                "\toption enabled '1'",
                "\tlist endpoint '" + String.join("'\n\tlist endpoint '", endpoint.split(" ")) + "'",
                "\toption server_key '" + serverKey + "'",
                "\toption key_file '" + keyFile + "'",
                "\toption agent_id '" + agent + "'",
                "\toption state_file '" + agentDir.resolve("hub-state.json") + "'",
                ""));
        return config;
    }

    Path agentConfig(String agent, String api) throws IOException {
        return agentConfig(agent, api, dir.resolve(agent + ".key"), hubKeys.publicKey(), endpoint());
    }

    HubProcess startHub() throws IOException, InterruptedException {
        return HubProcess.start(hubConfig, hubApi);
    }

    /** The name of the backend a new connection to the port lands on. */
    static String landOn(int port) throws IOException {
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(5_000);
            return RelayHarness.greeting(client);
        }
    }

    /** The ids of an agent's members and whether each came from the hub, from its /api/status. */
    static Map<String, String> members(JsonObject status) {
        Map<String, String> members = new LinkedHashMap<>();
        for (JsonValue pool : status.get("pools").asArray()) {
            for (JsonValue member : pool.asObject().get("members").asArray()) {
                members.put(member.asObject().getString("id", "?"), member.asObject().getString("source", "?"));
            }
        }
        return members;
    }

    static JsonObject agentEntry(JsonObject agents, String id) {
        JsonArray all = agents.get("agents").asArray();
        for (JsonValue a : all) {
            if (a.asObject().getString("id", "").equals(id)) {
                return a.asObject();
            }
        }
        throw new AssertionError("no agent " + id + " in " + agents);
    }

    static AgentProcess startAgent(Path config, String api) throws IOException, InterruptedException {
        return AgentProcess.start(config, api);
    }

    /**
     * A port free now, below the kernel's ephemeral range (32768 and up): no outgoing connection of
     * another process takes it before the hub or agent binds it, and a connect to it once it is
     * closed cannot meet itself (a TCP self-connect needs the same local port).
     */
    static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20_000 + random.nextInt(12_000);
            if (!claim(port, 1)) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port in 20000-31999");
    }

    /**
     * Ports handed out in this JVM: free when probed, but bound only later (a hub binds P+1 of its
     * pair after its API may have been given a port), so none is handed out twice. A CI run saw a
     * hub's API port equal to its own updates port.
     */
    private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();

    private static synchronized boolean claim(int port, int count) {
        for (int p = port; p < port + count; p++) {
            if (HANDED_OUT.contains(p)) {
                return false;
            }
        }
        for (int p = port; p < port + count; p++) {
            HANDED_OUT.add(p);
        }
        return true;
    }

    /**
     * P such that P and P+1 are free now, below the kernel's ephemeral range (32768 and up), so
     * that no outgoing connection of another process takes one of them before the hub binds.
     */
    static int freePortPair() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20_000 + random.nextInt(12_000);
            if (!claim(port, 2)) {
                continue;
            }
            try (ServerSocket first = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress());
                 ServerSocket next = new ServerSocket(port + 1, 1, java.net.InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no two consecutive free ports");
    }
}
