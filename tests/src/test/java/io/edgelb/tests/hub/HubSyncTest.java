package io.edgelb.tests.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import io.edgelb.agent.testing.Closer;
import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.tests.AgentProcess;
import io.edgelb.tests.HubProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub and agents as separate processes on loopback: propagation, hub restarts, agent restarts. */
class HubSyncTest {
    private static final Duration SYNC = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private final Closer closer = new Closer();

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    private <T extends AutoCloseable> T closing(T resource) {
        return closer.add(resource);
    }

    /** Test 1: a pool change pushed through the hub reaches three agents, and traffic follows it. */
    @Test
    void aPoolChangeReachesEveryAgentAndTrafficFollows() throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        TcpBackend b = closing(TcpBackend.start("b"));
        List<String> ids = List.of("r1", "r2", "r3");
        HubTestbed bed = new HubTestbed(dir, ids, 1);
        Map<String, Integer> ports = new LinkedHashMap<>();
        Map<String, String> objects = new LinkedHashMap<>();
        for (String id : ids) {
            ports.put(id, HubTestbed.freePort());
            objects.put(id, HubTestbed.objects(ports.get(id), Map.of("m1", a.port())));
        }
        bed.writePools(objects);
        HubProcess hub = closing(bed.startHub());
        Map<String, AgentProcess> agents = new LinkedHashMap<>();
        for (String id : ids) {
            String api = "127.0.0.1:" + HubTestbed.freePort();
            agents.put(id, closing(AgentProcess.start(bed.agentConfig(id, api), api)));
        }
        for (String id : ids) {
            agents.get(id).awaitStatus(s -> HubTestbed.members(s).equals(Map.of("hub-m1", "hub")), SYNC,
                    id + " serving the hub's member m1");
            assertEquals("a", HubTestbed.landOn(ports.get(id)));
        }

        var response = hub.pushMembers("r1", "web", "{\"members\": {\"m2\": {\"address\": \"127.0.0.1\", "
                + "\"protocol_port\": " + b.port() + "}}}", bed.hubToken());
        assertEquals(200, response.statusCode(), response.body());
        for (String id : List.of("r2", "r3")) {
            assertEquals(200, hub.pushMembers(id, "web", "{\"members\": {\"m2\": {\"address\": \"127.0.0.1\", "
                    + "\"protocol_port\": " + b.port() + "}}}", bed.hubToken()).statusCode());
        }
        for (String id : ids) {
            agents.get(id).awaitStatus(s -> HubTestbed.members(s).containsKey("hub-m2")
                            && !HubTestbed.members(s).containsKey("hub-m1"), SYNC, id + " following the push");
            assertEquals("b", HubTestbed.landOn(ports.get(id)));
        }
        // Agents report what they applied; the hub shows all three online and in sync.
        hub.awaitAgents(all -> ids.stream().allMatch(id -> HubTestbed.agentEntry(all, id).getBoolean("online", false)
                && HubTestbed.agentEntry(all, id).getBoolean("in_sync", false)), SYNC, "three agents in sync");
        JsonObject r1 = hub.agent("r1");
        assertEquals("ONLINE", r1.get("reported").asObject().get("status").asObject().get("members").asArray()
                .get(0).asObject().getString("operating_status", "?").replace("NO_MONITOR", "ONLINE"));
        assertEquals(401, hub.pushMembers("r1", "web", "{\"members\": {}}", "wrong").statusCode());
    }

    /** Test 2: the hub dies; agents keep serving; a change made meanwhile arrives after the restart. */
    @Test
    void agentsServeThroughAHubRestartAndResyncQuickly() throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        TcpBackend b = closing(TcpBackend.start("b"));
        List<String> ids = List.of("r1", "r2");
        HubTestbed bed = new HubTestbed(dir, ids, 1);
        Map<String, Integer> ports = new LinkedHashMap<>();
        Map<String, String> objects = new LinkedHashMap<>();
        for (String id : ids) {
            ports.put(id, HubTestbed.freePort());
            objects.put(id, HubTestbed.objects(ports.get(id), Map.of("m1", a.port())));
        }
        bed.writePools(objects);
        HubProcess hub = closing(bed.startHub());
        Map<String, AgentProcess> agents = new LinkedHashMap<>();
        for (String id : ids) {
            String api = "127.0.0.1:" + HubTestbed.freePort();
            agents.put(id, closing(AgentProcess.start(bed.agentConfig(id, api), api)));
            agents.get(id).awaitStatus(s -> HubTestbed.members(s).containsKey("hub-m1"), SYNC, id + " synced");
        }

        hub.kill();
        // Long enough for the agents to notice (3 heartbeats), and they still serve throughout.
        agents.get("r1").awaitStatus(s -> s.get("hub").asObject().get("endpoints").asArray().get(0).asObject()
                .getString("state", "").equals("syncing"), SYNC, "r1 noticing the silent hub");
        for (String id : ids) {
            assertEquals("a", HubTestbed.landOn(ports.get(id)));
        }
        // The truth changes while the hub is down: the restarted hub must deliver it (no update lost).
        for (String id : ids) {
            objects.put(id, HubTestbed.objects(ports.get(id), Map.of("m2", b.port())));
        }
        bed.writePools(objects);

        HubProcess restarted = closing(bed.startHub());
        long ready = System.nanoTime();
        for (String id : ids) {
            agents.get(id).awaitStatus(s -> HubTestbed.members(s).equals(Map.of("hub-m2", "hub")), SYNC,
                    id + " resynced after the restart");
        }
        long resyncMs = (System.nanoTime() - ready) / 1_000_000;
        System.out.println("resync of " + ids.size() + " agents after the hub restart: " + resyncMs + " ms");
        assertTrue(resyncMs <= 2 * 1000 + 500, "resync took " + resyncMs + " ms, more than two heartbeats");
        for (String id : ids) {
            assertEquals("b", HubTestbed.landOn(ports.get(id)));
            JsonObject desired = restarted.agent(id).get("desired").asObject();
            JsonObject status = agents.get(id).status();
            assertEquals(desired.getLong("revision", -1),
                    status.get("hub").asObject().getLong("applied_revision", -2), "the final state is the hub's");
        }
    }

    /** Test 3: an agent restarted while the hub is down serves the state it persisted, untouched on flash. */
    @Test
    void anAgentRestartedWithoutItsHubServesThePersistedState() throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        HubTestbed bed = new HubTestbed(dir, List.of("r1"), 1);
        int port = HubTestbed.freePort();
        bed.writePools(Map.of("r1", HubTestbed.objects(port, Map.of("m1", a.port()))));
        HubProcess hub = closing(bed.startHub());
        String api = "127.0.0.1:" + HubTestbed.freePort();
        Path config = bed.agentConfig("r1", api);
        AgentProcess agent = closing(AgentProcess.start(config, api)); // closed again below: harmless
        agent.awaitStatus(s -> HubTestbed.members(s).containsKey("hub-m1"), SYNC, "r1 synced");
        Path stateFile = config.getParent().resolve("hub-state.json");
        io.edgelb.testkit.Await.until(() -> Files.isRegularFile(stateFile), SYNC, stateFile + " written");
        FileTime written = Files.getLastModifiedTime(stateFile);

        hub.kill();
        agent.signal("TERM");
        assertEquals(0, agent.awaitExit(Duration.ofSeconds(15)));
        agent.close();

        AgentProcess again = closing(AgentProcess.start(config, api));
        JsonObject status = again.status();
        assertEquals(Map.of("hub-m1", "hub"), HubTestbed.members(status), "served from " + stateFile);
        assertEquals("a", HubTestbed.landOn(port));
        assertTrue(again.log().contains("serving the persisted state"), again.log());

        // The hub returns with the same state: the agent resyncs, and the file is not written again.
        HubProcess back = closing(bed.startHub());
        long desired = back.agent("r1").get("desired").asObject().getLong("revision", -1);
        again.awaitStatus(s -> s.get("hub").asObject().getLong("applied_revision", 0) == desired, SYNC,
                "r1 following the restarted hub");
        assertEquals(written, Files.getLastModifiedTime(stateFile), "no flash write for an unchanged state");
    }

    /** Two hubs over the same source (sharing one key pair): losing one changes nothing for the agent. */
    @Test
    void anAgentFollowsTheHubThatStillAnswers() throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        TcpBackend b = closing(TcpBackend.start("b"));
        HubTestbed bed = new HubTestbed(dir, List.of("r1"), 0.5);
        int port = HubTestbed.freePort();
        bed.writePools(Map.of("r1", HubTestbed.objects(port, Map.of("m1", a.port()))));
        int secondPort = HubTestbed.freePortPair();
        String secondApi = "127.0.0.1:" + HubTestbed.freePort();
        Path secondConfig = dir.resolve("hub2.json");
        bed.writeHubConfig(secondConfig, dir.resolve("hub.key"), secondPort, secondApi);
        HubProcess first = closing(bed.startHub());
        HubProcess second = closing(HubProcess.start(secondConfig, secondApi));
        String secondEndpoint = "tcp://127.0.0.1:" + secondPort;
        String api = "127.0.0.1:" + HubTestbed.freePort();
        AgentProcess agent = closing(AgentProcess.start(bed.agentConfig("r1", api, dir.resolve("r1.key"),
                bed.hubKeys.publicKey(), bed.endpoint() + " " + secondEndpoint), api));
        agent.awaitStatus(s -> HubTestbed.members(s).containsKey("hub-m1")
                && s.get("hub").asObject().get("endpoints").asArray().values().stream()
                .allMatch(e -> e.asObject().getString("state", "").equals("synced")), SYNC, "r1 synced with both hubs");

        first.kill();
        bed.writePools(Map.of("r1", HubTestbed.objects(port, Map.of("m2", b.port()))));
        JsonObject status = agent.awaitStatus(s -> HubTestbed.members(s).equals(Map.of("hub-m2", "hub")), SYNC,
                "the change through the hub that still answers");
        assertEquals(secondEndpoint, status.get("hub").asObject().getString("applied_from", "?"));
        // The hub may still publish a newer revision of the same objects (its file watcher can see a
        // write twice): the agent must end up on the hub's latest revision, not on one instant's.
        long[] desired = {-1};
        agent.awaitStatus(s -> {
            try {
                desired[0] = second.agent("r1").get("desired").asObject().getLong("revision", -1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return s.get("hub").asObject().getLong("applied_revision", -2) == desired[0];
        }, SYNC, "r1 on the second hub's latest revision");
        assertEquals("b", HubTestbed.landOn(port));
    }
}
