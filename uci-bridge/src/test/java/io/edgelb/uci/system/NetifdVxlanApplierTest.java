package io.edgelb.uci.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.VxlanLink;
import io.edgelb.uci.UciPackage;
import io.edgelb.uci.UciParser;
import io.edgelb.uci.UciSection;
import io.edgelb.uci.UciWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The uci-command path of the netifd applier (the file path is checked in the tests module, test 6). */
class NetifdVxlanApplierTest {
    @TempDir
    Path dir;

    /** Stands in for uci: records the batch and, like uci, appends the sections it sets to the file. */
    final class FakeUci implements CommandRunner {
        final List<String> argv = new ArrayList<>();
        String batch;
        boolean failing;

        @Override
        public String run(List<String> command, String stdin) throws SystemCommandException {
            if (command.get(0).equals("uci")) {
                argv.addAll(command);
                batch = stdin;
                if (failing) {
                    return "uci: Invalid argument\n";
                }
                try {
                    UciPackage pkg = UciParser.parse(Files.readAllBytes(dir.resolve("network")));
                    for (UciSection want : NetifdVxlanApplier.sections(links()).sections()) {
                        UciSection added = pkg.addSection(want.type(), want.name());
                        want.options().forEach(o -> added.set(o.name(), o.value()));
                    }
                    Files.writeString(dir.resolve("network"), UciWriter.write(pkg));
                } catch (Exception e) {
                    throw new SystemCommandException(command, e.toString());
                }
            }
            return "";
        }

        @Override
        public boolean available(String program) {
            return program.equals("uci");
        }
    }

    static List<VxlanLink> links() {
        return List.of(new VxlanLink("vx7", 7, "wan", null, List.of("198.51.100.2", "198.51.100.3"), 4789, List.of(), 1400,
                List.of(), true, true));
    }

    @Test
    void usesABatchWithItsOwnDeltaDirectory() throws Exception {
        Files.writeString(dir.resolve("network"), "\nconfig interface 'lan'\n\toption proto 'static'\n");
        FakeUci uci = new FakeUci();
        new NetifdVxlanApplier(uci, dir, dir.resolve("save")).apply(links());
        assertEquals(List.of("uci", "-c", dir.toString(), "-t", dir.resolve("save").toString(), "batch"), uci.argv);
        assertEquals("""
                set network.vx7=interface
                set network.vx7.proto='vxlan'
                set network.vx7.peeraddr='198.51.100.2'
                set network.vx7.tunlink='wan'
                set network.vx7.vid='7'
                set network.vx7.port='4789'
                set network.vx7.mtu='1400'
                set network.vx7.learning='1'
                set network.vx7.edgelb='vx7'
                set network.vx7_peer1=vxlan_peer
                set network.vx7_peer1.vxlan='vx7'
                set network.vx7_peer1.dst='198.51.100.3'
                set network.vx7_peer1.edgelb='vx7'
                commit network
                """, uci.batch);
        assertTrue(Files.isDirectory(dir.resolve("save")));
    }

    @Test
    void aBatchThatDidNotTakeIsAnError() throws Exception {
        Files.writeString(dir.resolve("network"), "\nconfig interface 'lan'\n\toption proto 'static'\n");
        FakeUci uci = new FakeUci();
        uci.failing = true;
        SystemCommandException e = assertThrows(SystemCommandException.class,
                () -> new NetifdVxlanApplier(uci, dir, dir.resolve("save")).apply(links()));
        assertTrue(e.getMessage().endsWith("section 'vx7' was not written: uci: Invalid argument"), e.getMessage());
    }

    /** IPv4 and IPv6 on one VNI: one static interface, ipaddr and ip6addr (an option for one, a list for more). */
    @Test
    void theOverlayAddressesGoIntoOneStaticInterface() throws Exception {
        VxlanLink link = new VxlanLink("vx7", 7, "wan", null, List.of("198.51.100.2"), 4789,
                List.of("192.0.2.1/24", "2001:DB8:7::1/64", "198.51.100.77/32"), 1400, List.of(), false, true);
        UciSection l3 = NetifdVxlanApplier.sections(List.of(link)).section("vx7_l3");
        assertEquals(List.of("192.0.2.1/24", "198.51.100.77/32"), l3.values("ipaddr"));
        assertTrue(l3.option("ipaddr").isList());
        assertEquals(List.of("2001:db8:7::1/64"), l3.values("ip6addr"));
        assertTrue(!l3.option("ip6addr").isList(), "one address stays an option");
        assertEquals("vx7", l3.option("device").value());
    }
}
