package io.edgelb.hub.octavia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.hub.config.HubConfig;
import io.edgelb.hub.registry.AgentRegistry;
import io.edgelb.hub.sync.StatusReportCheck;
import io.edgelb.testkit.Await;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Provider-owned load balancers end to end inside the hub: a loopback Octavia, the real source,
 * registry and status book; agents' reports go through the same check as from the sync server.
 */
class ProviderStatusTest {
    static final String LB = "aaaaaaaa-0000-0000-0000-000000000001";
    static final String LISTENER = "bbbbbbbb-0000-0000-0000-000000000001";
    static final String POOL = "cccccccc-0000-0000-0000-000000000001";
    static final String MEMBER = "dddddddd-0000-0000-0000-000000000001";
    private FakeOctavia octavia;
    private AgentRegistry registry;
    private OctaviaSource source;

    @BeforeEach
    void setUp() throws Exception {
        octavia = new FakeOctavia();
        registry = new AgentRegistry(Map.of("r1", "k1", "r2", "k2"), System::currentTimeMillis, 15_000);
    }

    @AfterEach
    void tearDown() {
        if (source != null) {
            source.close();
        }
        octavia.close();
    }

    static String profile(String id, String provider, String data) {
        return "{\"id\": \"" + id + "\", \"provider_name\": \"" + provider + "\", \"availability_zone_data\": "
                + Json.value(data) + "}";
    }

    void tree(String lbStatus, String childStatus, String zone) {
        octavia.set("loadbalancers", "[{\"id\": \"" + LB + "\", \"provisioning_status\": \"" + lbStatus + "\","
                + " \"vip_address\": \"127.0.0.5\", \"provider\": \"edgelb\", \"availability_zone\": \"" + zone
                + "\", \"admin_state_up\": true, \"tags\": []}]");
        octavia.set("listeners", "[{\"id\": \"" + LISTENER + "\", \"provisioning_status\": \"" + childStatus + "\","
                + " \"protocol\": \"TCP\", \"protocol_port\": 8080, \"default_pool_id\": \"" + POOL + "\","
                + " \"loadbalancers\": [{\"id\": \"" + LB + "\"}]}]");
        octavia.set("pools", "[{\"id\": \"" + POOL + "\", \"provisioning_status\": \"" + childStatus + "\","
                + " \"protocol\": \"TCP\", \"lb_algorithm\": \"ROUND_ROBIN\", \"loadbalancers\": [{\"id\": \"" + LB
                + "\"}]}]");
        octavia.set("pools/" + POOL + "/members", "[{\"id\": \"" + MEMBER + "\", \"provisioning_status\": \""
                + childStatus + "\", \"address\": \"127.0.0.9\", \"protocol_port\": 9000}]");
    }

    void zones(String profileJson) {
        octavia.set("availabilityzones", "availability_zones",
                "[{\"name\": \"edge-1\", \"availability_zone_profile_id\": \"p1\"}]");
        octavia.set("availabilityzoneprofiles", "availability_zone_profiles", "[" + profileJson + "]");
    }

    void start() {
        source = new OctaviaSource(new HubConfig.OctaviaSourceConfig(octavia.url(), new HubConfig.OctaviaAuth("none",
                null, null, null, null, null, null, null, null), 3_600_000, "edgelb:", "vip", null, "edgelb"),
                System::currentTimeMillis);
        source.start(registry);
        Await.until(() -> source.polls() >= 1 && source.lastSuccessAgeMs(System.currentTimeMillis()) >= 0,
                "the first poll");
    }

    void repoll() {
        long before = octavia.polls.get();
        source.changed();
        Await.until(() -> octavia.polls.get() > before && source.lastSuccessAgeMs(System.currentTimeMillis()) < 250,
                "a change poll");
    }

    void report(String agent, long applied, String error, String members) {
        JsonObject raw = Json.parse("{\"agent_id\": \"" + agent + "\", \"applied_revision\": " + applied
                + ", \"last_apply_error\": " + (error == null ? "null" : Json.value(error)) + ", \"listeners\": [{\"id\": \""
                + LISTENER + "\", \"state\": \"listening\", \"active_connections\": 1, \"total_connections\": 5,"
                + " \"bytes_in\": 10, \"bytes_out\": 20, \"request_errors\": 1}], \"members\": " + members + "}")
                .asObject();
        StatusReportCheck.Result checked = StatusReportCheck.check(raw);
        assertEquals(null, checked.refused());
        registry.report(agent, checked.report());
    }

    static String member(String status) {
        return "[{\"id\": \"" + MEMBER + "\", \"pool\": \"" + POOL + "\", \"operating_status\": \"" + status
                + "\", \"weight\": 1}]";
    }

    /** The object's provisioning_status in the answer ("" when it has none). */
    static String provisioning(JsonObject answer, String kind, String id) {
        return entry(answer, kind, id).getString("provisioning_status", "");
    }

    static JsonObject entry(JsonObject answer, String kind, String id) {
        for (JsonValue lb : answer.get("loadbalancers").asArray()) {
            for (JsonValue e : lb.asObject().get("status").asObject().get(kind).asArray()) {
                if (e.asObject().getString("id", "").equals(id)) {
                    return e.asObject();
                }
            }
        }
        return null;
    }

    @Test
    void pendingCreateTurnsActiveOnceTheZoneRouterAppliedItAndThenOnlyChangesFlow() {
        tree("PENDING_CREATE", "PENDING_CREATE", "edge-1");
        zones(profile("p1", "edgelb", "{\"agents\": [\"r1\"]}"));
        start();
        AgentRegistry.Desired desired = registry.desired("r1");
        assertTrue(desired.config().listeners().containsKey(LISTENER), "pending objects are deployed as they are");
        assertTrue(desired.config().members().containsKey(MEMBER));
        JsonObject first = source.book().answer(0);
        assertNotNull(first.getString("hub_instance", null));
        assertEquals(null, entry(first, "loadbalancers", LB).get("provisioning_status"), "waits for the router");

        report("r1", desired.revision() - 1, null, "[]");
        assertEquals(null, entry(source.book().answer(0), "loadbalancers", LB).get("provisioning_status"));
        report("r1", desired.revision(), null, member("ONLINE"));
        JsonObject applied = source.book().answer(0);
        for (String[] o : new String[][] {{"loadbalancers", LB}, {"listeners", LISTENER}, {"pools", POOL},
                {"members", MEMBER}}) {
            assertEquals("ACTIVE", entry(applied, o[0], o[1]).getString("provisioning_status", ""), o[1]);
            assertEquals("ONLINE", entry(applied, o[0], o[1]).getString("operating_status", ""), o[1]);
        }
        long cursor = applied.getLong("cursor", 0);
        JsonObject quiet = source.book().answer(cursor);
        assertEquals(0, quiet.get("loadbalancers").asArray().size(), "nothing changed: " + quiet);
        assertEquals(0, quiet.get("statistics").asObject().get("listeners").asArray().size());
        assertEquals(cursor, quiet.getLong("cursor", 0));

        report("r1", desired.revision(), null, member("ERROR"));
        JsonObject down = source.book().answer(cursor);
        assertEquals("ERROR", entry(down, "members", MEMBER).getString("operating_status", ""));
        assertEquals("ERROR", entry(down, "pools", POOL).getString("operating_status", ""));
        assertEquals("DEGRADED", entry(down, "loadbalancers", LB).getString("operating_status", ""));
        assertTrue(down.getLong("cursor", 0) > cursor);
        assertEquals(full(source.book().answer(0)), full(source.book().answer(999)), "an unknown cursor: everything");
    }

    private static String full(JsonObject answer) {
        answer.remove("cursor");
        return answer.toString();
    }

    @Test
    void aRefusedRevisionAndAnUnenrolledRouterAreErrors() {
        tree("PENDING_CREATE", "PENDING_CREATE", "edge-1");
        zones(profile("p1", "edgelb", "{\"agents\": [\"r1\"]}"));
        start();
        long revision = registry.desired("r1").revision();
        report("r1", revision - 1, "listener 8080: address in use", "[]");
        assertEquals("ERROR", provisioning(source.book().answer(0), "listeners", LISTENER));

        zones(profile("p1", "edgelb", "{\"agents\": [\"r9\"]}"));
        repoll();
        assertEquals("ERROR", provisioning(source.book().answer(0), "loadbalancers", LB));
    }

    @Test
    void aHostileZoneProfileMakesItsLoadBalancerErrorAndPollingGoesOn() {
        tree("PENDING_CREATE", "PENDING_CREATE", "edge-1");
        zones(profile("p1", "edgelb", "{\"agents\": [\"r1;rm -rf\"]}"));
        start();
        assertEquals("ERROR", provisioning(source.book().answer(0), "loadbalancers", LB));
        zones(profile("p1", "edgelb", "{\"agents\": [\"r1\"]}"));
        repoll();
        assertTrue(registry.desired("r1").config().listeners().containsKey(LISTENER));
    }

    @Test
    void deletesReportDeletedOnceTheRoutersDroppedThemThenAreForgotten() {
        tree("ACTIVE", "ACTIVE", "edge-1");
        zones(profile("p1", "edgelb", "{\"agents\": [\"r1\"]}"));
        start();
        report("r1", registry.desired("r1").revision(), null, member("ONLINE"));
        source.book().answer(0);
        tree("PENDING_DELETE", "ACTIVE", "edge-1");
        repoll();
        assertTrue(registry.desired("r1").config().listeners().isEmpty(), "a deleting load balancer is left out");
        assertEquals(null, entry(source.book().answer(0), "loadbalancers", LB), "nothing to say while it waits");
        report("r1", registry.desired("r1").revision(), null, "[]");
        JsonObject deleted = source.book().answer(0);
        assertEquals("DELETED", provisioning(deleted, "loadbalancers", LB));
        // Octavia's driver updater deletes a child's row only when told it is DELETED: a cascade
        // that reported the load balancer alone left its pools and members behind in Octavia.
        assertEquals("DELETED", provisioning(deleted, "listeners", LISTENER));
        assertEquals("DELETED", provisioning(deleted, "pools", POOL));
        assertEquals("DELETED", provisioning(deleted, "members", MEMBER));
        octavia.set("loadbalancers", "[]");
        repoll();
        assertEquals(0, source.book().answer(0).get("loadbalancers").asArray().size(), "forgotten");
    }

    @Test
    void anActiveObjectGetsOperatingStatusOnlyNeverItsProvisioningStatusAgain() {
        // Octavia has it ACTIVE already. Sending ACTIVE again would race the tenant's next call:
        // the driver agent would write it over a PENDING_DELETE and the delete would be lost.
        tree("ACTIVE", "ACTIVE", "edge-1");
        zones(profile("p1", "edgelb", "{\"agents\": [\"r1\"]}"));
        start();
        report("r1", registry.desired("r1").revision(), null, member("ONLINE"));
        JsonObject answer = source.book().answer(0);
        for (String[] o : new String[][] {{"loadbalancers", LB}, {"listeners", LISTENER}, {"pools", POOL},
                {"members", MEMBER}}) {
            JsonObject e = entry(answer, o[0], o[1]);
            assertEquals("ONLINE", e.getString("operating_status", ""), o[1]);
            assertEquals(null, e.get("provisioning_status"), o[1] + ": " + e);
        }
    }

    static final String LB2 = "aaaaaaaa-0000-0000-0000-000000000002";
    static final String LISTENER2 = "bbbbbbbb-0000-0000-0000-000000000002";

    /** tree()'s load balancer plus a second one on the same VIP whose listener has port2. */
    void second(String status, int port2) {
        tree("ACTIVE", "ACTIVE", "edge-1");
        octavia.set("loadbalancers", "[{\"id\": \"" + LB + "\", \"provisioning_status\": \"ACTIVE\","
                + " \"vip_address\": \"127.0.0.5\", \"provider\": \"edgelb\", \"availability_zone\": \"edge-1\","
                + " \"admin_state_up\": true, \"tags\": []}, {\"id\": \"" + LB2 + "\", \"provisioning_status\": \""
                + status + "\", \"vip_address\": \"127.0.0.5\", \"provider\": \"edgelb\","
                + " \"availability_zone\": \"edge-1\", \"admin_state_up\": true, \"tags\": []}]");
        octavia.set("listeners", "[{\"id\": \"" + LISTENER + "\", \"provisioning_status\": \"ACTIVE\","
                + " \"protocol\": \"TCP\", \"protocol_port\": 8080, \"default_pool_id\": \"" + POOL + "\","
                + " \"loadbalancers\": [{\"id\": \"" + LB + "\"}]}, {\"id\": \"" + LISTENER2 + "\","
                + " \"provisioning_status\": \"" + status + "\", \"protocol\": \"TCP\", \"protocol_port\": " + port2
                + ", \"loadbalancers\": [{\"id\": \"" + LB2 + "\"}]}]");
    }

    @Test
    void aLoadBalancerOnAPortAnotherHoldsIsErrorAloneAndTheRouterStillGetsChanges() {
        zones(profile("p1", "edgelb", "{\"agents\": [\"r1\"]}"));
        second("PENDING_CREATE", 8080);
        start();
        AgentRegistry.Desired desired = registry.desired("r1");
        assertTrue(desired.config().listeners().containsKey(LISTENER), "the first keeps its port");
        assertTrue(!desired.config().listeners().containsKey(LISTENER2), "the clashing one is not sent");
        report("r1", desired.revision(), null, member("ONLINE"));
        JsonObject clash = source.book().answer(0);
        assertEquals("ERROR", provisioning(clash, "loadbalancers", LB2));
        assertEquals("ERROR", provisioning(clash, "listeners", LISTENER2));
        assertEquals("ONLINE", entry(clash, "loadbalancers", LB).getString("operating_status", ""));
        assertEquals(null, entry(clash, "loadbalancers", LB).get("provisioning_status"), "the first is untouched");

        // The tenant fixes the port: the change reaches the router and completes.
        second("PENDING_UPDATE", 8081);
        repoll();
        AgentRegistry.Desired fixed = registry.desired("r1");
        assertEquals(8081, fixed.config().listeners().get(LISTENER2).port());
        report("r1", fixed.revision(), null, member("ONLINE"));
        assertEquals("ACTIVE", provisioning(source.book().answer(0), "listeners", LISTENER2));
    }

    @Test
    void aDeleteWhoseRoutersAreNotEnrolledHasNothingToWaitFor() {
        tree("PENDING_CREATE", "PENDING_CREATE", "edge-1");
        zones(profile("p1", "edgelb", "{\"agents\": [\"r9\"]}"));
        start();
        assertEquals("ERROR", provisioning(source.book().answer(0), "loadbalancers", LB));
        tree("PENDING_DELETE", "ERROR", "edge-1");
        repoll();
        JsonObject deleted = source.book().answer(0);
        assertEquals("DELETED", provisioning(deleted, "loadbalancers", LB));
        assertEquals("DELETED", provisioning(deleted, "members", MEMBER));
    }

    @Test
    void cookiePersistenceThatSlippedPastTheDriverMakesTheLoadBalancerErrorNotServed() {
        // Octavia's fully populated create sometimes gives the driver the pool without its
        // session_persistence, so the driver cannot refuse it: the hub is the safety net.
        tree("PENDING_CREATE", "PENDING_CREATE", "edge-1");
        octavia.set("pools", "[{\"id\": \"" + POOL + "\", \"provisioning_status\": \"PENDING_CREATE\","
                + " \"protocol\": \"TCP\", \"lb_algorithm\": \"ROUND_ROBIN\", \"session_persistence\":"
                + " {\"type\": \"HTTP_COOKIE\"}, \"loadbalancers\": [{\"id\": \"" + LB + "\"}]}]");
        zones(profile("p1", "edgelb", "{\"agents\": [\"r1\"]}"));
        start();
        AgentRegistry.Desired desired = registry.desired("r1");
        assertTrue(desired == null || !desired.config().listeners().containsKey(LISTENER), "not deployed");
        JsonObject answer = source.book().answer(0);
        assertEquals("ERROR", provisioning(answer, "loadbalancers", LB));
        assertEquals("ERROR", provisioning(answer, "pools", POOL));
    }

    @Test
    void otherProvidersKeepTagsAndActiveOnly() {
        octavia.set("loadbalancers", "[{\"id\": \"" + LB + "\", \"provisioning_status\": \"PENDING_CREATE\","
                + " \"provider\": \"amphora\", \"tags\": [\"edgelb:r1\"]}]");
        start();
        assertTrue(registry.desired("r1").config().listeners().isEmpty());
        assertEquals(0, source.book().answer(0).get("loadbalancers").asArray().size(), "no status for others");
    }
}
