package io.edgelb.hub.octavia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import io.edgelb.model.Config;
import io.edgelb.model.ConfigValidator;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.ListenerProtocol;
import io.edgelb.model.MonitorType;
import io.edgelb.model.PoolProtocol;
import io.edgelb.model.SessionPersistence;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mapping from Octavia's objects (shapes as captured from a real Octavia 11 API) to the model. */
class OctaviaMapperTest {
    private static JsonObject o(String json) {
        return Json.parse(json).asObject();
    }

    private static final JsonObject LB = o("{\"id\": \"lb1\", \"provisioning_status\": \"ACTIVE\","
            + " \"vip_address\": \"198.51.100.1\", \"tags\": [\"edgelb:r1\", \"edgelb:r2\", \"other\"], \"admin_state_up\": true}");
    private static final JsonObject LISTENER = o("{\"id\": \"l1\", \"provisioning_status\": \"ACTIVE\", \"protocol\": \"HTTP\","
            + " \"protocol_port\": 80, \"connection_limit\": -1, \"default_pool_id\": \"p1\", \"timeout_client_data\": 50000,"
            + " \"timeout_member_connect\": 5000, \"timeout_member_data\": 50000, \"allowed_cidrs\": null,"
            + " \"admin_state_up\": true, \"loadbalancers\": [{\"id\": \"lb1\"}]}");
    private static final JsonObject UDP = o("{\"id\": \"l2\", \"provisioning_status\": \"ACTIVE\", \"protocol\": \"UDP\","
            + " \"protocol_port\": 53, \"loadbalancers\": [{\"id\": \"lb1\"}]}");
    private static final JsonObject POOL = o("{\"id\": \"p1\", \"provisioning_status\": \"ACTIVE\", \"protocol\": \"PROXY\","
            + " \"lb_algorithm\": \"SOURCE_IP\", \"session_persistence\": {\"type\": \"SOURCE_IP\", \"persistence_timeout\": 60},"
            + " \"healthmonitor_id\": \"hm1\", \"admin_state_up\": true, \"loadbalancers\": [{\"id\": \"lb1\"}]}");
    private static final JsonObject MEMBER = o("{\"id\": \"m1\", \"provisioning_status\": \"ACTIVE\", \"address\": \"192.0.2.10\","
            + " \"protocol_port\": 8080, \"weight\": 7, \"backup\": true, \"admin_state_up\": false,"
            + " \"monitor_address\": null, \"monitor_port\": null}");
    private static final JsonObject MONITOR = o("{\"id\": \"hm1\", \"provisioning_status\": \"ACTIVE\", \"type\": \"PING\","
            + " \"delay\": 5, \"timeout\": 9, \"max_retries\": 3, \"max_retries_down\": 4, \"admin_state_up\": true}");

    private static OctaviaObjects objects(JsonObject lb, JsonObject member) {
        return new OctaviaObjects(List.of(lb), List.of(LISTENER, UDP), List.of(POOL), Map.of("p1", List.of(member)),
                List.of(MONITOR));
    }

    /** Each agent's state: the union of its load balancers' parts. */
    private static Map<String, Config> states(OctaviaMapper mapper, OctaviaObjects objects) {
        Map<String, Config> states = new java.util.LinkedHashMap<>();
        mapper.map(objects).forEach((agent, parts) -> states.put(agent, RouterStateAssembler.union(parts.values())));
        return states;
    }

    @Test
    void mapsATaggedTreeFieldForFieldToEveryTaggedAgent() {
        OctaviaMapper mapper = new OctaviaMapper("edgelb:", "vip", Map.of());
        Map<String, Config> agents = states(mapper, objects(LB, MEMBER));
        assertEquals(List.of("r1", "r2"), List.copyOf(agents.keySet()));
        Config r1 = agents.get("r1");
        assertEquals(List.of(), ConfigValidator.validate(r1).stream().filter(p -> p.isError()).toList());
        var listener = r1.listeners().get("l1");
        assertEquals("198.51.100.1", listener.address());
        assertEquals(80, listener.port());
        assertEquals("p1", listener.poolId());
        assertFalse(r1.listeners().containsKey("l2"), "UDP is left out");
        var pool = r1.pools().get("p1");
        assertEquals(LbAlgorithm.SOURCE_IP, pool.algorithm());
        assertEquals(SessionPersistence.SOURCE_IP, pool.persistence());
        assertEquals(60_000, pool.persistenceTimeoutMs());
        var member = r1.members().get("m1");
        assertEquals(7, member.weight());
        assertTrue(member.backup());
        assertFalse(member.enabled(), "admin_state_up false");
        var monitor = r1.healthMonitors().get("hm1");
        assertEquals(MonitorType.TCP, monitor.type(), "PING is checked as a TCP connect");
        assertEquals(5_000, monitor.timeoutMs(), "timeout cut to the delay");
        assertTrue(mapper.notes().contains("healthmonitor hm1: PING is checked as a TCP connect to the member port"));
        assertTrue(mapper.notes().contains("listener l2: protocol UDP is not supported by edgelb; left out"));
        assertTrue(mapper.notes().contains("listener l1: HTTP with a PROXY pool is relayed as TCP"), mapper.notes().toString());
        assertEquals(ListenerProtocol.TCP, listener.protocol());
    }

    @Test
    void pendingUpdatesKeepTheLastActiveVersionAndOthersAreLeftOut() {
        OctaviaMapper first = new OctaviaMapper("edgelb:", "::", Map.of());
        first.map(objects(LB, MEMBER));
        JsonObject updating = Json.parse(MEMBER.toString()).asObject().set("provisioning_status", "PENDING_UPDATE")
                .set("weight", 99);
        OctaviaMapper second = new OctaviaMapper("edgelb:", "::", first.remembered());
        Config r1 = states(second, objects(LB, updating)).get("r1");
        assertEquals(7, r1.members().get("m1").weight(), "the change in flight is not taken before it is ACTIVE");
        assertEquals("::", r1.listeners().get("l1").address(), "listener_address overrides the VIP");

        JsonObject creating = Json.parse(MEMBER.toString()).asObject().set("id", "m2")
                .set("provisioning_status", "PENDING_CREATE");
        assertNull(states(new OctaviaMapper("edgelb:", "vip", Map.of()), objects(LB, creating)).get("r1").members()
                .get("m2"));
        JsonObject broken = Json.parse(LB.toString()).asObject().set("provisioning_status", "ERROR");
        assertTrue(new OctaviaMapper("edgelb:", "vip", Map.of()).map(objects(broken, MEMBER)).isEmpty(),
                "a load balancer in ERROR is not deployed");
    }

    @Test
    void anHttpListenerWithAnHttpPoolIsAnHttpListenerWithItsHeaders() {
        JsonObject listener = Json.parse(LISTENER.toString()).asObject().set("insert_headers", o(
                "{\"X-Forwarded-For\": \"true\", \"X-Forwarded-Port\": \"false\", \"X-Forwarded-Proto\": \"True\","
                        + " \"X-SSL-Client-Verify\": \"true\"}"));
        JsonObject pool = Json.parse(POOL.toString()).asObject().set("protocol", "HTTP");
        JsonObject tcpListener = Json.parse(LISTENER.toString()).asObject().set("id", "l3").set("protocol", "TCP")
                .set("protocol_port", 81).set("default_pool_id", "p2");
        JsonObject httpPoolUnderTcp = Json.parse(POOL.toString()).asObject().set("id", "p2").set("protocol", "HTTP");
        OctaviaMapper mapper = new OctaviaMapper("edgelb:", "vip", Map.of());
        Config r1 = states(mapper, new OctaviaObjects(List.of(LB), List.of(listener, tcpListener),
                List.of(pool, httpPoolUnderTcp), Map.of("p1", List.of(MEMBER)), List.of(MONITOR))).get("r1");
        assertEquals(List.of(), ConfigValidator.validate(r1).stream().filter(p -> p.isError()).toList());
        var web = r1.listeners().get("l1");
        assertEquals(ListenerProtocol.HTTP, web.protocol());
        assertEquals(List.of("X-Forwarded-For", "X-Forwarded-Proto"), web.insertHeaders(), "only those set true");
        assertEquals(PoolProtocol.HTTP, r1.pools().get("p1").protocol());
        assertTrue(mapper.notes().contains("listener l1: insert_headers X-SSL-Client-Verify is not supported by edgelb;"
                + " not inserted"), mapper.notes().toString());
        assertEquals(ListenerProtocol.TCP, r1.listeners().get("l3").protocol());
        assertEquals(PoolProtocol.TCP, r1.pools().get("p2").protocol(), "an HTTP pool under a TCP listener relays TCP");
        assertTrue(mapper.notes().contains("pool p2: HTTP under a TCP listener is relayed as TCP"));
    }

    @Test
    void httpCookiePersistenceMapsOnHttpPoolsOfHttpListenersOnly() {
        JsonObject cookiePool = o("{\"id\": \"p1\", \"provisioning_status\": \"ACTIVE\", \"protocol\": \"HTTP\","
                + " \"lb_algorithm\": \"ROUND_ROBIN\", \"session_persistence\": {\"type\": \"HTTP_COOKIE\"},"
                + " \"admin_state_up\": true, \"loadbalancers\": [{\"id\": \"lb1\"}]}");
        OctaviaObjects http = new OctaviaObjects(List.of(LB), List.of(LISTENER), List.of(cookiePool),
                Map.of("p1", List.of(MEMBER)), List.of());
        Config r1 = states(new OctaviaMapper("edgelb:", "vip", Map.of()), http).get("r1");
        assertEquals(SessionPersistence.HTTP_COOKIE, r1.pools().get("p1").persistence());
        assertEquals(List.of(), ConfigValidator.validate(r1).stream().filter(p -> p.isError()).toList());

        JsonObject tcpListener = o(LISTENER.toString().replace("\"protocol\":\"HTTP\"", "\"protocol\":\"TCP\""));
        OctaviaMapper mapper = new OctaviaMapper("edgelb:", "vip", Map.of());
        Config tcp = states(mapper, new OctaviaObjects(List.of(LB), List.of(tcpListener), List.of(cookiePool),
                Map.of("p1", List.of(MEMBER)), List.of())).get("r1");
        assertEquals(SessionPersistence.NONE, tcp.pools().get("p1").persistence(), "relayed as TCP: no cookies");
        assertEquals(List.of(), ConfigValidator.validate(tcp).stream().filter(p -> p.isError()).toList());
    }
}
