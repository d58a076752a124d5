package io.edgelb.uci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class UciEditTest {

    private static final String NETWORK = """

            config interface 'loopback'
            \toption device 'lo'
            \toption proto 'static'
            \toption ipaddr '127.0.0.1'
            \toption netmask '255.0.0.0'

            config device
            \toption name 'br-lan'
            \toption type 'bridge'
            \tlist ports 'lan1'
            \tlist ports 'lan2'

            config interface 'lan'
            \toption device 'br-lan'
            \toption proto 'static'
            \toption ipaddr '192.168.1.1'

            """;

    @Test
    void addingALinkToNetworkLeavesEveryOtherSectionAsItWas() throws Exception {
        UciPackage network = UciParser.parse(NETWORK);
        UciSection vx = network.addSection("interface", "vx100");
        vx.set("proto", "vxlan");
        vx.set("vid", "100");
        vx.addListValue("peeraddr", "198.51.100.10");
        assertEquals(NETWORK.substring(0, NETWORK.length() - 1) + """

                config interface 'vx100'
                \toption proto 'vxlan'
                \toption vid '100'
                \tlist peeraddr '198.51.100.10'

                """, UciWriter.write(network));
        assertTrue(network.deleteSection("vx100"));
        assertEquals(NETWORK, UciWriter.write(network));
    }

    @Test
    void settingAnExistingOptionKeepsItsPlaceAndANewOneGoesLast() throws Exception {
        UciSection lan = UciParser.parse(NETWORK).section("lan");
        lan.set("proto", "dhcp");
        lan.set("mtu", "1450");
        assertEquals(List.of("device", "proto", "ipaddr", "mtu"), names(lan));
        assertEquals("dhcp", lan.value("proto"));
        assertEquals(0, lan.option("proto").line());
    }

    @Test
    void settingAnEmptyValueDeletesTheOption() throws Exception {
        UciSection lan = UciParser.parse(NETWORK).section("lan");
        lan.set("ipaddr", "");
        lan.set("never_there", "");
        assertEquals(List.of("device", "proto"), names(lan));
    }

    @Test
    void addingToASingleValueTurnsItIntoAListInPlace() throws Exception {
        UciSection lan = UciParser.parse(NETWORK).section("lan");
        lan.addListValue("device", "br-guest");
        assertEquals(List.of("device", "proto", "ipaddr"), names(lan));
        assertTrue(lan.option("device").isList());
        assertEquals(List.of(new UciOption.Item("br-lan", 15), new UciOption.Item("br-guest", 0)),
                lan.option("device").items());
    }

    @Test
    void removingListValuesRemovesEveryEqualItemAndAnEmptyList() throws Exception {
        UciPackage network = UciParser.parse(NETWORK);
        UciSection device = network.sections().get(1);
        device.addListValue("ports", "lan1");
        assertTrue(device.removeListValue("ports", "lan1"));
        assertEquals(List.of("lan2"), device.values("ports"));
        assertFalse(device.removeListValue("ports", "wan"));
        assertFalse(device.removeListValue("name", "br-lan")); // uci del_list ignores single values
        assertTrue(device.removeListValue("ports", "lan2"));
        assertNull(device.option("ports"));
    }

    @Test
    void deletingAnOption() throws Exception {
        UciSection lan = UciParser.parse(NETWORK).section("lan");
        assertTrue(lan.delete("proto"));
        assertFalse(lan.delete("proto"));
        assertEquals(List.of("device", "ipaddr"), names(lan));
    }

    @Test
    void anonymousSectionsGetTheNextCfgIdEvenAfterADelete() throws Exception {
        UciPackage network = UciParser.parse(NETWORK);
        assertEquals("cfg02" + hex("device"), network.sections().get(1).uciName());
        assertTrue(network.deleteSection("loopback"));
        UciSection added = network.addSection("device");
        assertEquals("cfg04" + hex("device"), added.uciName());
        assertTrue(added.isAnonymous());
        assertSame(added, network.section(added.uciName()));
        assertEquals(2, network.sectionsOfType("device").size());
    }

    @Test
    void aNamedSectionIsReusedWhenItsTypeMatches() throws Exception {
        UciPackage network = UciParser.parse(NETWORK);
        assertSame(network.section("lan"), network.addSection("interface", "lan"));
        IllegalStateException clash = assertThrows(IllegalStateException.class,
                () -> network.addSection("device", "lan"));
        assertEquals("section 'lan' already exists with type 'interface', not 'device'", clash.getMessage());
    }

    @Test
    void editsRefuseWhatUciWouldRefuse() {
        UciPackage p = new UciPackage();
        assertThrows(IllegalArgumentException.class, () -> p.addSection("interface", "bad-name"));
        assertThrows(IllegalArgumentException.class, () -> p.addSection("bad type"));
        UciSection s = p.addSection("interface", "ok");
        assertThrows(IllegalArgumentException.class, () -> s.set("bad.opt", "1"));
        assertThrows(IllegalArgumentException.class, () -> s.set("opt", "a\u0001b"));
        assertThrows(IllegalArgumentException.class, () -> s.addListValue("opt", "a\u0000b"));
        s.set("multi", "line1\nline2\tx");
        assertEquals("line1\nline2\tx", s.value("multi"));
    }

    private static List<String> names(UciSection section) {
        return section.options().stream().map(UciOption::name).toList();
    }

    private static String hex(String type) {
        return String.format("%04x", UciNames.djbHash(type) & 0xffff);
    }
}
