package io.edgelb.hub.octavia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import io.edgelb.model.Config;
import io.edgelb.model.ConfigValidator;
import io.edgelb.model.VrrpInstance;
import io.edgelb.model.json.ConfigJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Octavia's ACTIVE_STANDBY on a router pair zone: both routers get the VIP as a VRRP instance, with roles. */
class RouterPairsTest {
    private static JsonObject o(String json) {
        return Json.parse(json).asObject();
    }

    static final String PAIR = "{\"agents\": [\"r1\", \"r2\"], \"vrrp\": {\"device\": \"eth1\", \"prefix\": 24,"
            + " \"advert_int\": 0.5, \"addresses\": {\"r1\": \"198.51.100.1\", \"r2\": \"198.51.100.2\"}}}";

    private static ZoneAgents zones(String data) {
        JsonObject profile = o("{\"id\": \"p1\", \"provider_name\": \"edgelb\"}").add("availability_zone_data", data);
        return new ZoneAgents(List.of(o("{\"name\": \"pair\", \"availability_zone_profile_id\": \"p1\"}")),
                List.of(profile), "edgelb");
    }

    private static JsonObject lb(String id, String created) {
        return o("{\"id\": \"" + id + "\", \"provisioning_status\": \"ACTIVE\", \"vip_address\": \"198.51.100.100\","
                + " \"provider\": \"edgelb\", \"availability_zone\": \"pair\", \"created_at\": \"" + created + "\"}");
    }

    private static final JsonObject LISTENER = o("{\"id\": \"l1\", \"provisioning_status\": \"ACTIVE\", \"protocol\": \"TCP\","
            + " \"protocol_port\": 80, \"loadbalancers\": [{\"id\": \"lb1\"}]}");

    private static Map<String, Map<String, Config>> map(RouterPairs pairs, ZoneAgents zones, JsonObject... lbs) {
        OctaviaMapper mapper = new OctaviaMapper("edgelb:", "::", Map.of(), "edgelb", zones, pairs);
        return mapper.map(new OctaviaObjects(List.of(lbs), List.of(LISTENER), List.of(), Map.of(), List.of()));
    }

    @Test
    void bothRoutersGetTheVipTheFirstAsMasterUntilAFailover() {
        RouterPairs pairs = new RouterPairs();
        Map<String, Map<String, Config>> parts = map(pairs, zones(PAIR), lb("lb1", "2026-01-01T00:00:00"));
        VrrpInstance r1 = parts.get("r1").get("lb1").vrrps().get("lb1");
        VrrpInstance r2 = parts.get("r2").get("lb1").vrrps().get("lb1");
        assertEquals(List.of("198.51.100.100/24"), r1.vips());
        assertEquals("eth1", r1.device());
        assertEquals(500, r1.advertIntMs());
        assertEquals(r1.virtualRouterId(), r2.virtualRouterId());
        assertEquals(RouterPairs.MASTER_PRIORITY, r1.priority());
        assertEquals(RouterPairs.BACKUP_PRIORITY, r2.priority());
        assertEquals(List.of("198.51.100.2"), r1.unicastPeers());
        assertEquals("198.51.100.1", r1.unicastSrcIp());
        // The listener listens on the VIP (whatever listener_address says), so it follows it.
        Config state = parts.get("r1").get("lb1");
        assertEquals("198.51.100.100", state.listeners().get("l1").address());
        assertEquals(List.of(), ConfigValidator.validate(state).stream().filter(p -> p.isError()).toList());
        // The hub's document carries it, and an agent reads it back the same.
        assertEquals(state.vrrps(), ConfigJson.decode(ConfigJson.encodeText(state), "").config().vrrps());

        pairs.failover("lb1");
        parts = map(pairs, zones(PAIR), lb("lb1", "2026-01-01T00:00:00"));
        assertEquals(RouterPairs.BACKUP_PRIORITY, parts.get("r1").get("lb1").vrrps().get("lb1").priority());
        assertEquals(RouterPairs.MASTER_PRIORITY, parts.get("r2").get("lb1").vrrps().get("lb1").priority());
    }

    @Test
    void virtualRouterIdsAreUniqueAndANewLoadBalancerNeverTakesAnOldOnesId() {
        List<JsonObject> lbs = new java.util.ArrayList<>();
        for (int i = 0; i < 255; i++) {
            lbs.add(lb("lb" + i, String.format("2026-01-01T00:%02d:%02d", i / 60, i % 60)));
        }
        Map<String, Integer> all = RouterPairs.vrids(lbs);
        assertEquals(255, new java.util.HashSet<>(all.values()).size());
        Map<String, Integer> first = RouterPairs.vrids(lbs.subList(0, 100));
        for (Map.Entry<String, Integer> e : first.entrySet()) {
            assertEquals(e.getValue(), all.get(e.getKey()), "a later load balancer moved " + e.getKey());
        }
        lbs.add(lb("lb-one-too-many", "2027-01-01T00:00:00"));
        assertNull(RouterPairs.vrids(lbs).get("lb-one-too-many"));
        assertNotEquals(null, RouterPairs.vrids(lbs).get("lb0"));
    }

    @Test
    void aRoutersReportSaysWhichVipItHoldsAndAHostileStateIsRefused() {
        String base = "{\"agent_id\": \"r1\", \"applied_revision\": 1, \"vrrp\": [{\"id\": \"lb1\", \"state\": \"%s\"}]}";
        io.edgelb.hub.sync.StatusReportCheck.Result ok = io.edgelb.hub.sync.StatusReportCheck.check(
                Json.parse(String.format(base, "MASTER")).asObject());
        assertEquals("MASTER", ok.report().get("vrrp").asArray().get(0).asObject().getString("state", ""));
        assertTrue(io.edgelb.hub.sync.StatusReportCheck.check(Json.parse(String.format(base, "<b>MASTER</b>"))
                .asObject()).refused().startsWith("vrrp[0].state"));
    }

    @Test
    void hostilePairZonesAreRefusedNamingTheField() {
        Map<String, String> bad = Map.of(
                "{\"agents\": [\"r1\"], \"vrrp\": {}}", "exactly two agents",
                "{\"agents\": [\"r1\", \"r2\"], \"vrrp\": \"yes\"}", "vrrp is not an object",
                "{\"agents\": [\"r1\", \"r2\"], \"vrrp\": {\"device\": \"eth1\\\"; reboot\", \"prefix\": 24}}", "vrrp.device",
                "{\"agents\": [\"r1\", \"r2\"], \"vrrp\": {\"device\": \"eth1\", \"prefix\": 24.5}}", "vrrp.prefix",
                "{\"agents\": [\"r1\", \"r2\"], \"vrrp\": {\"device\": \"eth1\", \"prefix\": 24, \"advert_int\": 0}}",
                "vrrp.advert_int",
                "{\"agents\": [\"r1\", \"r2\"], \"vrrp\": {\"device\": \"eth1\", \"prefix\": 24, \"addresses\":"
                        + " {\"r1\": \"198.51.100.1\", \"r2\": \"{}\"}}}", "vrrp.addresses.r2");
        bad.forEach((data, field) -> {
            ZoneAgents.Zone zone = zones(data).zone("pair");
            assertTrue(zone.error() != null && zone.error().contains(field), data + " -> " + zone.error());
            assertTrue(map(new RouterPairs(), zones(data), lb("lb1", "x")).isEmpty(), "deployed despite " + field);
        });
    }
}
