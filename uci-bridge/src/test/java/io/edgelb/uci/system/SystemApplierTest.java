package io.edgelb.uci.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgelb.model.AgentSettings;
import io.edgelb.model.Config;
import io.edgelb.model.HubSettings;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Listener;
import io.edgelb.model.ListenerMode;
import io.edgelb.model.Member;
import io.edgelb.model.Pool;
import io.edgelb.model.VxlanLink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemApplierTest {
    /** Remembers the links it was given; fails for a link named "bad". */
    static final class FakeVxlan implements VxlanApplier {
        List<String> links = List.of();

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public void apply(List<VxlanLink> next) throws SystemCommandException {
            if (next.stream().anyMatch(l -> l.id().equals("bad"))) {
                links = next.stream().map(VxlanLink::id).filter(id -> !id.equals("bad")).toList(); // half done
                throw new SystemCommandException(List.of("ip", "link", "add", "bad"), "Cannot find device");
            }
            links = next.stream().map(VxlanLink::id).toList();
        }
    }

    /** Holds what was loaded; refuses a listener on port 666 (as nft would refuse a bad file). */
    static final class FakeDnat implements DnatBackend {
        final List<String> loaded = new ArrayList<>();

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public void replace(List<DnatListener> listeners, Map<String, SlotTable> slots) throws SystemCommandException {
            if (listeners.stream().anyMatch(l -> l.port() == 666)) {
                throw new SystemCommandException(List.of("nft", "-f", "dnat.nft"), "Error: Could not process rule");
            }
            loaded.clear();
            listeners.forEach(l -> loaded.add(l.id() + ":" + slots.get(l.id()).shares()));
        }

        @Override
        public void update(List<DnatListener> changed, Map<String, SlotTable> before, Map<String, SlotTable> after,
                           List<DnatListener> all) {
            loaded.clear();
            all.forEach(l -> loaded.add(l.id() + ":" + after.get(l.id()).shares()));
        }

        @Override
        public void remove() {
            loaded.clear();
        }
    }

    private static Config config(String link, int dnatPort) {
        VxlanLink vx = new VxlanLink(link, 100, null, null, List.of("198.51.100.2"), 4789, List.of("192.0.2.1/24"), 1450,
                List.of(), false, true);
        Listener fast = Listener.of("fast", "203.0.113.1", dnatPort, "p").withMode(ListenerMode.DNAT, false);
        return new Config(AgentSettings.defaults(), HubSettings.disabled(), Map.of("fast", fast),
                Map.of("p", Pool.of("p", LbAlgorithm.ROUND_ROBIN)),
                Config.byId(List.of(Member.of("m1", "p", "192.0.2.11", 80), Member.of("m2", "p", "192.0.2.12", 80)),
                        Member::id),
                Map.of(), Map.of(link, vx));
    }

    @Test
    void aFailedDnatStepRestoresTheLinks() throws Exception {
        FakeVxlan vxlan = new FakeVxlan();
        FakeDnat dnat = new FakeDnat();
        SystemApplier system = new SystemApplier(vxlan, new DnatTable(dnat));
        system.apply(config("vx100", 8080), id -> true, id -> true);
        assertEquals(List.of("vx100"), vxlan.links);
        assertEquals(List.of("fast:{m1=32, m2=32}"), dnat.loaded);

        assertThrows(SystemCommandException.class, () -> system.apply(config("vx200", 666), id -> true, id -> true));
        assertEquals(List.of("vx100"), vxlan.links);
        assertEquals(List.of("fast:{m1=32, m2=32}"), dnat.loaded);
        assertEquals("nft -f dnat.nft: Error: Could not process rule", system.lastError());
    }

    /**
     * The netifd file writer (no uci binary) under a failed apply: the rollback puts back the exact
     * bytes the file had, comments and all, not a rewrite in uci commit format.
     */
    @Test
    void aRolledBackApplyLeavesTheNetworkFileByteForByte(@TempDir Path dir) throws Exception {
        String network = "# the router's own comments\nconfig interface 'lan'\n\toption proto 'static'  # inside\n"
                + "\toption ipaddr \"192.0.2.254\"\n";
        Files.writeString(dir.resolve("network"), network);
        CommandRunner noUci = new CommandRunner() {
            @Override
            public String run(List<String> argv, String stdin) {
                return "";
            }

            @Override
            public boolean available(String program) {
                return false;
            }
        };
        FakeDnat dnat = new FakeDnat();
        SystemApplier system = new SystemApplier(new NetifdVxlanApplier(noUci, dir, dir.resolve("save")),
                new DnatTable(dnat));
        Config noLinks = new Config(AgentSettings.defaults(), HubSettings.disabled(), Map.of(), Map.of(), Map.of(),
                Map.of(), Map.of());
        system.apply(noLinks, id -> true, id -> true);
        assertThrows(SystemCommandException.class, () -> system.apply(config("vx200", 666), id -> true, id -> true));
        assertEquals(network, Files.readString(dir.resolve("network")));
    }

    @Test
    void aFailedLinkLeavesDnatAsItWasWithTheCurrentMembers() throws Exception {
        FakeVxlan vxlan = new FakeVxlan();
        FakeDnat dnat = new FakeDnat();
        SystemApplier system = new SystemApplier(vxlan, new DnatTable(dnat));
        system.apply(config("vx100", 8080), id -> true, id -> true);
        // The next config would drop m2; the current state keeps it.
        assertThrows(SystemCommandException.class,
                () -> system.apply(config("bad", 8080), id -> id.equals("m1"), id -> true));
        assertEquals(List.of("vx100"), vxlan.links);
        assertEquals(List.of("fast:{m1=32, m2=32}"), dnat.loaded);
    }

    @Test
    void revertUndoesASuccessfulApplyAndRefreshMovesSlots() throws Exception {
        FakeVxlan vxlan = new FakeVxlan();
        FakeDnat dnat = new FakeDnat();
        SystemApplier system = new SystemApplier(vxlan, new DnatTable(dnat));
        system.apply(config("vx100", 8080), id -> true, id -> true);
        system.apply(config("vx101", 8081), id -> true, id -> true);
        system.revert(id -> true);
        assertEquals(List.of("vx100"), vxlan.links);
        assertEquals(8080, system.dnat().listeners().get(0).port());

        assertEquals(true, system.refresh(id -> id.equals("m2")));
        assertEquals(List.of("fast:{m1=0, m2=64}"), dnat.loaded);
        assertEquals(false, system.refresh(id -> id.equals("m2")));
        system.removeDnat();
        assertEquals(List.of(), dnat.loaded);
    }
}
