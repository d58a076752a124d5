package io.edgelb.tests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.VxlanLink;
import io.edgelb.uci.system.CommandRunner;
import io.edgelb.uci.system.Iproute2VxlanApplier;
import io.edgelb.uci.system.ProcessCommandRunner;
import io.edgelb.uci.system.SystemCommandException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The iproute2 applier against a real kernel, in a namespace of its own: idempotent, and it owns only its links. */
class Iproute2ApplierTest {
    private final String ns = SeedTopology.NAME_PREFIX + ProcessHandle.current().pid() + "-links";
    private final Recording runner = new Recording();

    /** Runs inside the namespace and records every command that changes something (not the -j listings). */
    final class Recording implements CommandRunner {
        final ProcessCommandRunner real = new ProcessCommandRunner();
        final List<String> changes = new ArrayList<>();

        @Override
        public String run(List<String> argv, String stdin) throws SystemCommandException {
            if (!argv.contains("-j") && !(argv.contains("show"))) {
                changes.add(String.join(" ", argv));
            }
            return real.run(Netns.prefixed(ns, argv), stdin);
        }

        @Override
        public boolean available(String program) {
            return real.available(program);
        }
    }

    @BeforeEach
    void createNamespace() throws Exception {
        SeedTopology.assumeAvailable();
        SeedTopology.removeLeftovers();
        Netns.host("ip", "netns", "add", ns);
        Netns.in(ns, "ip", "link", "add", "eth1", "type", "veth", "peer", "name", "eth2");
        Netns.in(ns, "ip", "addr", "add", "198.51.100.1/24", "dev", "eth1");
        Netns.in(ns, "ip", "link", "set", "eth1", "up");
    }

    @AfterEach
    void deleteNamespace() throws Exception {
        try {
            Netns.host("ip", "netns", "del", ns);
        } catch (SystemCommandException e) {
            // not created (skipped)
        }
    }

    private static VxlanLink link(String id, int vni, String address, List<String> neighbors) {
        return link(id, vni, address == null ? List.of() : List.of(address), neighbors);
    }

    private static VxlanLink link(String id, int vni, List<String> addresses, List<String> neighbors) {
        return new VxlanLink(id, vni, "eth1", "198.51.100.1", List.of("198.51.100.2", "198.51.100.3"), 4789, addresses,
                1450, neighbors, false, true);
    }

    /**
     * IPv4 and IPv6 on one VNI; the IPv6 address is usable at once (nodad): a tentative one fails
     * the first checks of IPv6 members, which flap DOWN and UP.
     */
    @Test
    void oneLinkCarriesIpv4AndIpv6AndIpv6IsNotTentative() throws Exception {
        Iproute2VxlanApplier applier = new Iproute2VxlanApplier(runner);
        applier.apply(List.of(link("vx100", 100, List.of("192.0.2.1/24", "2001:db8:100::1/64"), List.of())));
        assertTrue(runner.changes.contains("ip addr add 2001:db8:100::1/64 dev vx100 nodad"), runner.changes.toString());
        String addresses = Netns.in(ns, "ip", "addr", "show", "dev", "vx100");
        assertTrue(addresses.contains("inet 192.0.2.1/24") && addresses.contains("inet6 2001:db8:100::1/64"), addresses);
        String global6 = addresses.lines().filter(l -> l.contains("2001:db8:100::1/64")).findFirst().orElseThrow();
        assertFalse(global6.contains("tentative"), addresses); // the kernel's own fe80:: may be

        runner.changes.clear();
        applier.apply(List.of(link("vx100", 100, List.of("192.0.2.1/24", "2001:db8:100::1/64"), List.of())));
        assertEquals(List.of(), runner.changes, "a second apply changed something");
        applier.apply(List.of(link("vx100", 100, List.of("2001:db8:100::1/64"), List.of())));
        assertEquals(List.of("ip addr del 192.0.2.1/24 dev vx100"),
                runner.changes.stream().filter(c -> c.startsWith("ip addr")).toList());
        applier.apply(List.of());
    }

    @Test
    void applyingTwiceChangesNothingAndRemovalTakesOnlyEdgelbsLinks() throws Exception {
        Netns.in(ns, "ip", "link", "add", "vxforeign", "type", "vxlan", "id", "7", "dstport", "4789");
        Iproute2VxlanApplier applier = new Iproute2VxlanApplier(runner);
        VxlanLink vx = link("vx100", 100, "192.0.2.1/24",
                List.of("192.0.2.11 02:00:00:00:00:11 198.51.100.3", "192.0.2.12 02:00:00:00:00:12"));
        applier.apply(List.of(vx));
        assertTrue(runner.changes.contains("ip link add vx100 mtu 1450 type vxlan id 100 dstport 4789 local 198.51.100.1"
                + " dev eth1 nolearning"), runner.changes.toString());
        String fdb = Netns.in(ns, "bridge", "fdb", "show", "dev", "vx100");
        assertTrue(fdb.contains("00:00:00:00:00:00 dst 198.51.100.2") && fdb.contains("00:00:00:00:00:00 dst 198.51.100.3")
                && fdb.contains("02:00:00:00:00:11 dst 198.51.100.3"), fdb);
        assertTrue(Netns.in(ns, "ip", "neigh", "show", "dev", "vx100").contains("192.0.2.12 lladdr 02:00:00:00:00:12 PERMANENT"));

        runner.changes.clear();
        applier.apply(List.of(vx));
        assertEquals(List.of(), runner.changes, "a second apply changed something");

        // A changed address and neighbour are corrected in place; the link stays.
        applier.apply(List.of(link("vx100", 100, "192.0.2.2/24", List.of("192.0.2.12 02:00:00:00:00:22"))));
        assertEquals(List.of("ip addr del 192.0.2.1/24 dev vx100", "ip addr add 192.0.2.2/24 dev vx100"),
                runner.changes.stream().filter(c -> c.startsWith("ip addr")).toList());
        assertTrue(runner.changes.stream().noneMatch(c -> c.startsWith("ip link del")), runner.changes.toString());

        applier.apply(List.of());
        assertNull(Netns.tryIn(ns, "ip", "link", "show", "dev", "vx100"));
        assertNotNull(Netns.tryIn(ns, "ip", "link", "show", "dev", "vxforeign"), "a link edgelb did not make was removed");
    }

    @Test
    void aForeignLinkOfTheSameNameIsNotTakenOver() throws Exception {
        Netns.in(ns, "ip", "link", "add", "vx100", "type", "vxlan", "id", "7", "dstport", "4789");
        SystemCommandException e = org.junit.jupiter.api.Assertions.assertThrows(SystemCommandException.class,
                () -> new Iproute2VxlanApplier(runner).apply(List.of(link("vx100", 100, List.of(), List.of()))));
        assertTrue(e.getMessage().contains("edgelb did not create it"), e.getMessage());
        assertTrue(Netns.in(ns, "ip", "-d", "link", "show", "dev", "vx100").contains("id 7"));
    }
}
