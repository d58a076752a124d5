package io.edgelb.agent.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.Config;
import io.edgelb.model.ConfigValidator;
import io.edgelb.model.VrrpInstance;
import io.edgelb.model.json.ConfigJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A hub-delivered router pair VIP (Octavia ACTIVE_STANDBY) beside the router's own VRRP sections. */
class HubVrrpTest {
    static final String STATE = """
            {"listeners": {"l1": {"address": "198.51.100.100", "port": 80, "pool": "p1"}},
             "pools": {"p1": {}},
             "members": {"m1": {"pool": "p1", "address": "203.0.113.11", "protocol_port": 80}},
             "healthmonitors": {},
             "vrrps": {"lb-1": {"device": "eth1", "virtual_router_id": 7, "priority": 150,
                                "vip": ["198.51.100.100/24"], "unicast_peer": ["198.51.100.2"],
                                "unicast_src_ip": "198.51.100.1", "advert_int": 0.5}}}
            """;

    @Test
    void aHubStateCarriesTheVipAndItsListenerFollowsIt() {
        io.edgelb.model.json.Decoded decoded = ConfigJson.decode(STATE, "");
        assertEquals(List.of(), decoded.errors());
        Config composed = HubObjects.compose(Config.empty(), HubObjects.namespaced(decoded.config()));
        VrrpInstance vrrp = composed.vrrps().get("hub-lb-1");
        assertEquals(150, vrrp.priority());
        assertEquals(500, vrrp.advertIntMs());
        assertEquals(List.of("hub-l1"), vrrp.followers(composed).stream().map(l -> l.id()).toList());
        assertEquals(List.of(), ConfigValidator.validate(composed).stream().filter(p -> p.isError()).toList());
    }

    @Test
    void aHostileVipFromTheHubIsRefusedWithItsPath() {
        io.edgelb.model.json.Decoded decoded = ConfigJson.decode(STATE.replace("\"eth1\"", "\"eth1\\\" }\""), "");
        assertTrue(decoded.errors().stream().anyMatch(e -> e.startsWith("vrrps.lb-1.device")), decoded.errors().toString());
    }
}
