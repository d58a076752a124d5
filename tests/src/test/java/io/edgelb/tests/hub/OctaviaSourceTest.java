package io.edgelb.tests.hub;

import static io.edgelb.tests.hub.OctaviaFixture.AUTH_URL;
import static io.edgelb.tests.hub.OctaviaFixture.KEYSTONE_URL;
import static io.edgelb.tests.hub.OctaviaFixture.NOAUTH_PROJECT;
import static io.edgelb.tests.hub.OctaviaFixture.NOAUTH_URL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.agent.testing.Closer;
import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.tests.AgentProcess;
import io.edgelb.tests.HubProcess;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Test 5: a real Octavia API, started by {@link OctaviaService} when it is not running.
 * A load balancer tree created through Octavia's REST API with the tag {@code edgelb:<agent>}
 * reaches the agent and is served; a member update follows; a deleted load balancer disappears.
 * Once without authentication (the noauth API) and once with Keystone password authentication.
 * Octavia that cannot be started is a failure, not a skip (only a non-root run skips).
 */
class OctaviaSourceTest {
    private static final Duration SYNC = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private final Closer closer = new Closer();


    @BeforeAll
    static void octavia() throws Exception {
        OctaviaService.ensureRunning(NOAUTH_URL, KEYSTONE_URL);
    }

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    private <T extends AutoCloseable> T closing(T resource) {
        return closer.add(resource);
    }

    @Test
    void noauth() throws Exception {
        assertTrue(OctaviaApi.reachable(NOAUTH_URL), "Octavia (noauth) is not running at " + NOAUTH_URL
                + " although it was started");
        lifecycle(OctaviaApi.noauth(NOAUTH_URL, NOAUTH_PROJECT),
                Json.object().add("type", "octavia").add("url", NOAUTH_URL).add("interval", 1));
    }

    @Test
    void keystonePassword() throws Exception {
        assertTrue(OctaviaApi.reachable(KEYSTONE_URL), "Octavia (keystone) is not running at " + KEYSTONE_URL
                + " although it was started");
        // The hub finds Octavia through the Keystone catalog: no url given.
        JsonObject auth = Json.object().add("type", "password").add("auth_url", AUTH_URL).add("username", "hub")
                .add("password", "hubpass").add("project_name", "hub");
        lifecycle(OctaviaApi.keystone(KEYSTONE_URL, AUTH_URL, "hub", "hubpass", "hub"),
                Json.object().add("type", "octavia").add("auth", auth).add("interval", 1));
    }

    private void lifecycle(OctaviaApi octavia, JsonObject source) throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        TcpBackend b = closing(TcpBackend.start("b"));
        String agentId = "it-" + UUID.randomUUID().toString().substring(0, 8); // no clash with leftovers
        HubTestbed bed = new HubTestbed(dir, List.of(agentId), 1);
        bed.writeHubConfig(bed.hubConfig, dir.resolve("hub.key"), bed.hubPort, bed.hubApi, source);
        HubProcess hub = closing(bed.startHub());
        String api = "127.0.0.1:" + HubTestbed.freePort();
        AgentProcess agent = closing(AgentProcess.start(bed.agentConfig(agentId, api), api));
        int port = HubTestbed.freePort();

        String lb = octavia.create("loadbalancers", "loadbalancer", Json.object().add("name", agentId)
                .add("vip_subnet_id", OctaviaApi.SUBNET).add("vip_address", "127.0.0.1")
                .add("tags", Json.array("edgelb:" + agentId)));
        try {
            octavia.awaitActive(lb);
            String listener = octavia.create("listeners", "listener", Json.object().add("name", "tcp")
                    .add("protocol", "TCP").add("protocol_port", port).add("loadbalancer_id", lb)
                    .add("timeout_member_connect", 2000));
            octavia.awaitActive(lb);
            String pool = octavia.create("pools", "pool", Json.object().add("name", "web").add("protocol", "TCP")
                    .add("lb_algorithm", "LEAST_CONNECTIONS").add("listener_id", listener));
            octavia.awaitActive(lb);
            String memberA = octavia.create("pools/" + pool + "/members", "member", Json.object().add("name", "a")
                    .add("address", "127.0.0.1").add("protocol_port", a.port()));
            octavia.awaitActive(lb);
            octavia.create("healthmonitors", "healthmonitor", Json.object().add("pool_id", pool).add("type", "TCP")
                    .add("delay", 2).add("timeout", 1).add("max_retries", 1).add("max_retries_down", 2));
            octavia.awaitActive(lb);

            JsonObject served = agent.awaitStatus(s -> hubMembers(s).equals(Map.of("hub-" + memberA, true))
                            && hubListenerListening(s, "hub-" + listener, "hub-" + pool)
                            && !s.get("pools").asArray().get(0).asObject().get("healthmonitor").isNull(),
                    SYNC, "the Octavia tree on the agent");
            JsonObject poolStatus = served.get("pools").asArray().get(0).asObject();
            assertEquals("LEAST_CONNECTIONS", poolStatus.getString("lb_algorithm", "?"));
            assertTrue(poolStatus.getString("healthmonitor", "").startsWith("hub-"), poolStatus.toString());
            agent.awaitStatus(s -> memberStatus(s, "hub-" + memberA).equals("ONLINE"), SYNC, "a checked up");
            assertEquals("a", HubTestbed.landOn(port));

            // A member update in Octavia: b joins, a is set down (admin_state_up false).
            String memberB = octavia.create("pools/" + pool + "/members", "member", Json.object().add("name", "b")
                    .add("address", "127.0.0.1").add("protocol_port", b.port()));
            octavia.awaitActive(lb);
            octavia.update("pools/" + pool + "/members/" + memberA, "member", Json.object().add("admin_state_up", false));
            octavia.awaitActive(lb);
            agent.awaitStatus(s -> hubMembers(s).equals(Map.of("hub-" + memberA, false, "hub-" + memberB, true)),
                    SYNC, "the member update on the agent");
            agent.awaitStatus(s -> memberStatus(s, "hub-" + memberB).equals("ONLINE"), SYNC, "b checked up");
            assertEquals("b", HubTestbed.landOn(port));

            // The hub shows the agent in sync, and its member health as reported.
            hub.awaitAgents(all -> HubTestbed.agentEntry(all, agentId).getBoolean("in_sync", false), SYNC,
                    "the agent in sync at the hub");
        } finally {
            octavia.deleteLoadBalancer(lb);
        }
        agent.awaitStatus(s -> s.get("listeners").asArray().isEmpty() && s.get("pools").asArray().isEmpty(), SYNC,
                "the deleted load balancer gone from the agent");
        assertThrows(ConnectException.class, () -> HubTestbed.landOn(port));
    }

    /** The agent's hub members → admin_state_up. */
    private static Map<String, Boolean> hubMembers(JsonObject status) {
        Map<String, Boolean> members = new java.util.TreeMap<>();
        for (JsonValue pool : status.get("pools").asArray()) {
            for (JsonValue m : pool.asObject().get("members").asArray()) {
                if (m.asObject().getString("source", "").equals("hub")) {
                    members.put(m.asObject().getString("id", "?"), m.asObject().getBoolean("admin_state_up", false));
                }
            }
        }
        return members;
    }

    private static String memberStatus(JsonObject status, String id) {
        for (JsonValue pool : status.get("pools").asArray()) {
            for (JsonValue m : pool.asObject().get("members").asArray()) {
                if (m.asObject().getString("id", "").equals(id)) {
                    return m.asObject().getString("operating_status", "?");
                }
            }
        }
        return "absent";
    }

    /** The listener listens and routes to the pool (a listener seen before its pool was set has none). */
    private static boolean hubListenerListening(JsonObject status, String id, String pool) {
        for (JsonValue l : status.get("listeners").asArray()) {
            if (l.asObject().getString("id", "").equals(id)) {
                return l.asObject().getString("state", "").equals("listening")
                        && Json.value(pool).equals(l.asObject().get("pool"))
                        && l.asObject().getString("source", "").equals("hub");
            }
        }
        return false;
    }
}
