package io.edgelb.uci.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.Cidr;
import io.edgelb.model.IpLiteral;
import io.edgelb.model.LbAlgorithm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NftRulesetTest {
    private static final DnatMember A = SlotTableTest.member("m1", 1, false);
    private static final DnatMember B = SlotTableTest.member("m2", 1, false);

    private static DnatListener listener(String id, LbAlgorithm algorithm, boolean snat, List<Cidr> cidrs) {
        return new DnatListener(id, IpLiteral.parse("203.0.113.1"), 8080, algorithm, snat, cidrs, List.of(A, B));
    }

    @Test
    void rendersTheWholeTableForOneTransaction() {
        DnatListener web = listener("web", LbAlgorithm.ROUND_ROBIN, true, List.of(Cidr.parse("203.0.113.0/24")));
        SlotTable slots = SlotTable.sizedFor(web.members()).reassign(id -> true);
        String text = NftRuleset.render(List.of(web), Map.of("web", slots));
        assertTrue(text.startsWith("# edgelb DNAT fast path; written by the agent, reloaded after a firewall restart.\n"
                + "table inet edgelb\ndelete table inet edgelb\ntable inet edgelb {\n\tmap l_web {\n"
                + "\t\ttypeof numgen inc mod 64 : ip daddr . tcp dport\n"
                + "\t\telements = { 0 : 192.0.2.11 . 80, 1 : 192.0.2.12 . 80, 2 : 192.0.2.11 . 80,"), text);
        assertTrue(text.contains("\tchain dstnat {\n\t\ttype nat hook prerouting priority dstnat - 5; policy accept;\n"
                + "\t\tip daddr 203.0.113.1 tcp dport 8080 ip saddr { 203.0.113.0/24 }"
                + " ct mark set ct mark and 0x0000ffff or 0x4c420000 counter dnat ip to numgen inc mod 64 map @l_web"
                + " comment \"web\"\n\t}\n"), text);
        assertTrue(text.contains("\t\tct status dnat ct original ip daddr 203.0.113.1 meta l4proto tcp"
                + " ct original proto-dst 8080 counter masquerade comment \"web\"\n"), text);
    }

    @Test
    void sourceAlgorithmsHashTheClient() {
        DnatListener ip = listener("a", LbAlgorithm.SOURCE_IP, false, List.of());
        DnatListener port = listener("b", LbAlgorithm.SOURCE_IP_PORT, false, List.of());
        assertTrue(NftRuleset.dnatRule(ip, 64).contains("dnat ip to jhash ip saddr mod 64 seed 0x4c42 map @l_a"));
        assertTrue(NftRuleset.dnatRule(port, 64).contains("dnat ip to jhash ip saddr . tcp sport mod 64 seed 0x4c42 map"));
        DnatListener v6 = new DnatListener("v6", IpLiteral.parse("2001:db8::1"), 80, LbAlgorithm.ROUND_ROBIN, false,
                List.of(), List.of(new DnatMember("x", IpLiteral.parse("2001:db8::10"), 80, 1, false)));
        assertTrue(NftRuleset.dnatRule(v6, 64).startsWith("ip6 daddr 2001:db8::1 tcp dport 80 ct mark"));
    }

    @Test
    void noListenersOnlyDeletesTheTable() {
        assertEquals("# edgelb DNAT fast path; written by the agent, reloaded after a firewall restart.\n"
                + "table inet edgelb\ndelete table inet edgelb\n", NftRuleset.render(List.of(), Map.of()));
    }

    @Test
    void healthChangesAreElementUpdates() {
        DnatListener web = listener("web", LbAlgorithm.ROUND_ROBIN, false, List.of());
        SlotTable both = SlotTable.sizedFor(web.members()).reassign(id -> true);
        SlotTable onlyA = both.reassign(id -> id.equals("m1"));
        String update = NftRuleset.elementUpdate(web, both, onlyA);
        assertTrue(update.startsWith("delete element inet edgelb l_web { 1, 3, 5,"), update);
        assertTrue(update.contains("\nadd element inet edgelb l_web { 1 : 192.0.2.11 . 80, 3 : 192.0.2.11 . 80,"), update);
        String none = NftRuleset.elementUpdate(web, onlyA, onlyA.reassign(id -> false));
        assertEquals(1, none.lines().count()); // only a delete of all 64
        assertTrue(none.startsWith("delete element inet edgelb l_web { 0, 1, 2,"));
    }
}
