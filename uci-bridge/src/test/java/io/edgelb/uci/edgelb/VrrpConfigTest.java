package io.edgelb.uci.edgelb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.Config;
import io.edgelb.model.Kind;
import io.edgelb.model.Problem;
import io.edgelb.model.VrrpInstance;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code config vrrp}: what is read, the defaults, and every rule with its FILE:LINE message. */
class VrrpConfigTest {
    private static final String FILE = "/etc/config/edgelb";
    private static final String SERVICE = """
            config listener 'web'
            	option address '198.51.100.100'
            	option port '80'
            	option pool 'p'

            config pool 'p'

            config member 'm1'
            	option pool 'p'
            	option address '203.0.113.11'
            	option protocol_port '80'
            """;

    private static LoadResult load(String vrrp) {
        return EdgelbConfigLoader.load(FILE, (SERVICE + "\n" + vrrp).getBytes(StandardCharsets.UTF_8));
    }

    /** Line numbers in messages count from the first line of {@code vrrp}. */
    private static List<String> messages(String vrrp) {
        int offset = SERVICE.split("\n", -1).length;
        return load(vrrp).messages().stream().map(m -> {
            String rest = m.substring(FILE.length() + 1);
            int colon = rest.indexOf(':');
            return "L" + (Integer.parseInt(rest.substring(0, colon)) - offset) + rest.substring(colon);
        }).toList();
    }

    @Test
    void readsEveryOptionAndTheListenersOnItsVips() {
        LoadResult result = load("""
                config vrrp 'edge'
                	option device 'eth1'
                	option virtual_router_id '51'
                	option priority '150'
                	list vip '198.51.100.100/24'
                	list vip '2001:db8:1::100/64'
                	list unicast_peer '198.51.100.2'
                	option unicast_src_ip '198.51.100.1'
                	option advert_int '0.2'
                	option nopreempt '1'
                """);
        assertEquals(List.of(), result.messages());
        VrrpInstance v = result.config().vrrps().get("edge");
        assertEquals(new VrrpInstance("edge", true, "eth1", 51, 150, List.of("198.51.100.100/24", "2001:db8:1::100/64"),
                List.of("198.51.100.2"), "198.51.100.1", 200, 3, null, true, 0, List.of()), v);
        assertEquals(List.of("web"), v.followers(result.config()).stream().map(l -> l.id()).toList());
        assertEquals(v, result.config().vrrpHolding("198.51.100.100"));
    }

    @Test
    void defaultsAreVersion3OneSecondPriority100() {
        Config config = load("""
                config vrrp 'edge'
                	option device 'eth1'
                	option virtual_router_id '7'
                	option vip '198.51.100.100'
                """).config();
        VrrpInstance v = config.vrrps().get("edge");
        assertEquals(3, v.version());
        assertEquals(1000, v.advertIntMs());
        assertEquals(100, v.priority());
        assertTrue(v.enabled());
    }

    @Test
    void everyRuleNamesTheLineAndWhy() {
        assertEquals(List.of(
                "L1: vrrp 'a': has no device (the kernel device the VIPs live on, e.g. br-lan or eth1)",
                "L1: vrrp 'a': has no VIP (list vip '203.0.113.10/24')",
                "L1: warning: vrrp 'a': no listener is on its VIPs: the VIP moves, but nothing here serves it"
                        + " (and nothing ties it to a pool's health)",
                "L2: vrrp 'a': virtual_router_id 256 is out of range 1-255"), messages("""
                config vrrp 'a'
                	option virtual_router_id '256'
                """));
        assertEquals(List.of("L4: vrrp 'b': priority 255 is reserved for the router that owns the VIP as its own"
                + " address; edgelb's VIPs float, use 1-254 (the higher, the more it is preferred as master)"), messages("""
                config vrrp 'b'
                	option device 'eth1'
                	option virtual_router_id '1'
                	option priority '255'
                	list vip '198.51.100.100/24'
                """));
        assertEquals(List.of("L4: vrrp 'b': priority 0 is what a master sends when it gives up the VIP; use 1-254"),
                messages("""
                config vrrp 'b'
                	option device 'eth1'
                	option virtual_router_id '1'
                	option priority '0'
                	list vip '198.51.100.100/24'
                """));
        assertEquals(List.of(
                "L3: vrrp 'c': advert_int 0.5 is not whole seconds 1-255, which VRRP version 2 needs (version 3 takes 0.01-40.95)",
                "L6: vrrp 'c': unicast_peer 2001:db8::2 is not IPv4, the family of the first VIP: VRRP advertises over"
                        + " the first VIP's family (put a VIP of that family first)",
                "L7: vrrp 'c': listener 'web' listens on 198.51.100.100, which is not a VIP of this section: it cannot"
                        + " follow the VIP (set its address to one of the VIPs)",
                "L8: vrrp 'c': auth_pass must be 1-8 characters: letters, digits or _.,:;@%+=/*^~()[]-",
                "L9: vrrp 'c': device 'eth1\"' is not a kernel device name (letters, digits, '_', '.', '-'; 1-15)"),
                messages("""
                config vrrp 'c'
                	option virtual_router_id '1'
                	option advert_int '0.5'
                	option version '2'
                	list vip '198.51.100.101/24'
                	list unicast_peer '2001:db8::2'
                	list listener 'web'
                	option auth_pass 'a"b} #c'
                	option device 'eth1"'
                """));
        assertEquals(List.of("L5: vrrp 'd': VRRP version 3 has no authentication (RFC 5798); remove auth_pass or set version 2"),
                messages("""
                config vrrp 'd'
                	option device 'eth1'
                	option virtual_router_id '1'
                	list vip '198.51.100.100/24'
                	option auth_pass 'secret'
                """));
    }

    @Test
    void twoInstancesCannotShareAVipOrAVirtualRouterId() {
        assertEquals(List.of(
                "L6: vrrp 'f': listener 'web' already follows vrrp 'e'",
                "L8: vrrp 'f': virtual_router_id 9 on eth1 (IPv4) is already used by vrrp 'e'; each virtual router needs its own",
                "L9: vrrp 'f': vip 198.51.100.100 is already a VIP of vrrp 'e'"), messages("""
                config vrrp 'e'
                	option device 'eth1'
                	option virtual_router_id '9'
                	list vip '198.51.100.100/24'

                config vrrp 'f'
                	option device 'eth1'
                	option virtual_router_id '9'
                	list vip '198.51.100.100/24'
                """));
    }

    @Test
    void theHostCheckReportsAtTheSectionsLine() {
        LoadResult result = EdgelbConfigLoader.load(FILE, (SERVICE + """

                config vrrp 'edge'
                	option device 'eth1'
                	option virtual_router_id '51'
                	list vip '198.51.100.100/24'
                """).getBytes(StandardCharsets.UTF_8), config -> List.of(
                Problem.error(Kind.VRRP, "edge", "vip", "vip 198.51.100.100/24 is not in a subnet of eth1"),
                Problem.error(Kind.VRRP, "edge", null, "keepalived is not installed")));
        int line = SERVICE.split("\n", -1).length + 1;
        assertEquals(List.of(FILE + ":" + line + ": vrrp 'edge': keepalived is not installed",
                FILE + ":" + (line + 3) + ": vrrp 'edge': vip 198.51.100.100/24 is not in a subnet of eth1"),
                result.messages());
        assertTrue(!result.ok());
    }
}
