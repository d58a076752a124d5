package io.edgelb.tests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.testkit.Await;
import io.edgelb.tests.AgentProcess;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent jar in the router namespace of {@link SeedTopology}, end to end through the real kernel:
 * VXLAN into the overlay, relay and DNAT listeners, health-driven DNAT updates, floating IPs with
 * SNAT, reloads and failed applies. Needs root (CI is); skipped otherwise.
 */
class NetnsEndToEndTest {
    private static final long BIG = 50L << 20;

    @TempDir
    Path dir;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private SeedTopology net;
    private AgentProcess agent;
    private Path config;

    @BeforeAll
    static void requireNamespaces() throws Exception {
        SeedTopology.assumeAvailable();
        SeedTopology.removeLeftovers();
    }

    @AfterEach
    void tearDown() throws Exception {
        Exception first = null;
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @AfterAll
    static void nothingLeftBehind() throws Exception {
        String prefix = SeedTopology.NAME_PREFIX + ProcessHandle.current().pid() + "-";
        assertTrue(!Netns.host("ip", "netns", "list").contains(prefix), "namespaces left behind");
    }

    private void start(SeedTopology.Style style, RouterConfig routerConfig) throws Exception {
        net = SeedTopology.build(style);
        toClose.add(net);
        net.startServers();
        config = routerConfig.writeTo(dir.resolve("edgelb"));
        agent = AgentProcess.start(config, RouterConfig.API, List.of("-Xmx64m", "-XX:+UseSerialGC"),
                Netns.prefix(net.router()));
        toClose.add(agent);
        awaitMembersOnline();
    }

    /** Every member of every pool has passed its first check: the start-up verdict is settled. */
    private void awaitMembersOnline() throws Exception {
        agent.awaitStatus(s -> {
            for (JsonValue pool : s.get("pools").asArray()) {
                for (JsonValue member : pool.asObject().get("members").asArray()) {
                    if (!"ONLINE".equals(member.asObject().getString("operating_status", ""))
                            || member.asObject().get("last_check").asObject().isEmpty()) {
                        return false;
                    }
                }
            }
            return true;
        }, Duration.ofSeconds(30), "every member ONLINE");
    }

    private RouterConfig overlayConfig() {
        return new RouterConfig(dir).vxlan().relayListener().dnatListener(false).pool()
                .member("vm1", SeedTopology.vmIp(1)).member("vm2", SeedTopology.vmIp(2));
    }

    // --- 1 ---------------------------------------------------------------------------------------

    @Test
    void relayBalancesOverTheVxlanLinkAndCarriesALargeTransfer() throws Exception {
        start(SeedTopology.Style.OVERLAY, overlayConfig());
        JsonObject link = linkDetails(net.router(), "vx100");
        assertEquals(1450, link.getInt("mtu", 0));
        assertEquals(100, link.get("linkinfo").asObject().get("info_data").asObject().getInt("id", 0));

        assertEquals(Set.of("vm1", "vm2"), answers("http://203.0.113.1/", 10));
        assertTransfer("http://203.0.113.1/bytes?n=" + BIG, BIG, null);
        JsonObject status = agent.status();
        assertEquals("iproute2", status.get("system").asObject().get("vxlan").asObject().getString("applier", ""));
    }

    // --- 2 ---------------------------------------------------------------------------------------

    @Test
    void dnatBalancesInTheKernelAndDropsAFailedMemberFromTheMap() throws Exception {
        start(SeedTopology.Style.OVERLAY, overlayConfig());
        assertTrue(mapHolds(SeedTopology.vmIp(1)) && mapHolds(SeedTopology.vmIp(2)), why());

        // No agent in the data path: the kernel serves while the JVM is frozen.
        signal(agent.pid(), "STOP");
        try {
            assertEquals(Set.of("vm1", "vm2"), answers("http://203.0.113.1:8080/", 10));
            assertTransfer("http://203.0.113.1:8080/bytes?n=" + BIG, BIG, null);
        } finally {
            signal(agent.pid(), "CONT");
        }
        JsonObject fast = listener(agent.status(), "web_fast");
        assertEquals("kernel", fast.getString("state", ""));
        // Not a misleading 0: the kernel forwarded 11 connections the agent never saw.
        assertTrue(fast.get("total_connections").isNull(), fast.toString());
        assertTrue(fast.get("active_connections").isNull(), fast.toString());
        assertEquals("kernel path: not counted", fast.getString("counts", ""));

        // delay 1 s x max_retries_down 2, plus one second.
        long stoppedAt = System.nanoTime();
        net.stopServer(2);
        long budgetMs = 3_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
        Await.until(() -> !mapHolds(SeedTopology.vmIp(2)), Duration.ofMillis(budgetMs),
                "vm2 leaves the map within max_retries_down x delay + 1 s");
        assertTrue(mapHolds(SeedTopology.vmIp(1)), why());
        // Every new connection goes to vm1; a connection sent to vm2 would fail (its port resets).
        for (int i = 0; i < 20; i++) {
            assertEquals("vm1\n", net.get("http://203.0.113.1:8080/"), "request " + i + " after vm2 stopped");
        }
        JsonObject members = dnatStatus(agent.status()).get("members").asObject();
        assertEquals(0, members.getInt("vm2", -1));
        assertEquals(64, members.getInt("vm1", -1));
        String metrics = agent.metrics();
        assertTrue(metrics.contains("edgelb_dnat_member_slots{listener=\"web_fast\",member=\"vm2\"} 0\n"), metrics);
        assertTrue(metrics.contains("edgelb_system_apply_ok 1\n"), metrics);
        assertTrue(metrics.contains("edgelb_listener_connections_total{listener=\"web_relay\"}"), metrics);
        assertTrue(!metrics.contains("{listener=\"web_fast\"}"), "uncounted kernel path exported as 0: " + metrics);

        // vm2 comes back: numgen inc walks the slots in order, so consecutive connections alternate
        // (they went 2222...1111 when the returning member got one block of slots).
        net.startServer(2);
        Await.until(() -> mapHolds(SeedTopology.vmIp(2)), Duration.ofSeconds(10), "vm2 returns to the map");
        List<String> sequence = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String body = net.get("http://203.0.113.1:8080/");
            sequence.add(body == null ? "(failed)" : body.trim());
        }
        for (int i = 1; i < sequence.size(); i++) {
            assertTrue(!sequence.get(i).equals(sequence.get(i - 1)), "consecutive connections " + sequence);
        }
        assertEquals(Set.of("vm1", "vm2"), Set.copyOf(sequence));
    }

    @Test
    void theIptablesBackendBalancesAndFollowsHealthToo() throws Exception {
        start(SeedTopology.Style.OVERLAY, overlayConfig().agentOption("firewall 'iptables'"));
        assertEquals("iptables", agent.status().get("system").asObject().get("dnat").asObject()
                .getString("backend", ""));
        assertEquals(Set.of("vm1", "vm2"), answers("http://203.0.113.1:8080/", 10));
        assertTrue(ipset().contains("192.0.2.12,tcp:80"), ipset());

        net.stopServer(2);
        Await.until(() -> !ipset().contains("192.0.2.12,tcp:80"), Duration.ofSeconds(3), "vm2 leaves the ipset");
        for (int i = 0; i < 10; i++) {
            assertEquals("vm1\n", net.get("http://203.0.113.1:8080/"), "request " + i + " after vm2 stopped");
        }
        agent.close();
        assertNull(Netns.tryIn(net.router(), "ipset", "list", "edgelb-web_fast"), "the set remains after stop");
        assertTrue(!Netns.in(net.router(), "iptables-save").contains("EDGELB"), "edgelb chains remain after stop");
    }

    private String ipset() {
        return String.valueOf(Netns.tryIn(net.router(), "ipset", "list", "edgelb-web_fast"));
    }

    // --- 3 ---------------------------------------------------------------------------------------

    @Test
    void floatingIpMembersAreReachedWithDnatAndSnatWithoutTheOverlay() throws Exception {
        RouterConfig floating = new RouterConfig(dir).dnatListener(true)
                .raw("config pool 'web'\n\toption lb_algorithm 'ROUND_ROBIN'\n\toption healthmonitor 'tcp_check'")
                .raw("config healthmonitor 'tcp_check'\n\toption type 'TCP'\n\toption delay '1'\n\toption timeout '0.5'")
                .member("vm1", SeedTopology.floatingIp(1)).member("vm2", SeedTopology.floatingIp(2));
        start(SeedTopology.Style.FLOATING_IPS, floating);
        assertNull(Netns.tryIn(net.router(), "ip", "link", "show", "dev", "vx100"), "no overlay on the router");

        assertEquals(Set.of("vm1", "vm2"), answers("http://203.0.113.1:8080/", 10));
        // The VMs see the router (masquerade), not the client: their replies go back through it.
        assertEquals(SeedTopology.ROUTER_UNDERLAY_IP + "\n", net.get("http://203.0.113.1:8080/whoami"));
        assertTrue(dnatStatus(agent.status()).getBoolean("snat", false));
    }

    // --- 4 ---------------------------------------------------------------------------------------

    @Test
    void reloadAddsAMemberWithoutDroppingConnectionsAndRemovesTheLink() throws Exception {
        start(SeedTopology.Style.OVERLAY, overlayConfig());
        long size = 24L << 20; // at 4 MiB/s: about six seconds, across the reload
        Process relayHeld = slowDownload("http://203.0.113.1/bytes?n=" + size, dir.resolve("relay.bin"));
        Process dnatHeld = slowDownload("http://203.0.113.1:8080/bytes?n=" + size, dir.resolve("dnat.bin"));

        overlayConfig().member("vm3", SeedTopology.vmIp(3)).writeTo(config);
        reload(2);
        awaitMembersOnline();
        assertTrue(eventually(() -> answers("http://203.0.113.1/", 6).contains("vm3")), "relay never chose vm3");
        assertTrue(eventually(() -> answers("http://203.0.113.1:8080/", 6).contains("vm3")), "dnat never chose vm3");
        assertTrue(relayHeld.isAlive(), "the held relay transfer ended before the reload was checked");
        assertTrue(dnatHeld.isAlive(), "the held dnat transfer ended before the reload was checked");

        assertDownloaded(relayHeld, dir.resolve("relay.bin"), size);
        assertDownloaded(dnatHeld, dir.resolve("dnat.bin"), size);

        new RouterConfig(dir).relayListener().pool().member("vm1", SeedTopology.vmIp(1)).writeTo(config);
        reload(3);
        assertNull(Netns.tryIn(net.router(), "ip", "link", "show", "dev", "vx100"), "vx100 still exists");
        assertNull(Netns.tryIn(net.router(), "nft", "list", "table", "inet", "edgelb"), "the DNAT table remains");
    }

    // --- 5 ---------------------------------------------------------------------------------------

    @Test
    void aBrokenApplyLeavesThePreviousWorkingState() throws Exception {
        start(SeedTopology.Style.OVERLAY, overlayConfig());

        new RouterConfig(dir).vxlan().raw("config vxlan 'vx101'\n\toption vni '101'\n\tlist remote 'not-an-address'")
                .relayListener().dnatListener(false).pool().member("vm1", SeedTopology.vmIp(1)).writeTo(config);
        JsonObject rejected = failedReload(1);
        assertTrue(rejected.toString().contains("remote 'not-an-address' is not an IP address"), rejected.toString());
        assertWorking();

        // Valid, but the kernel refuses it: the underlay device does not exist. vm2 leaves the pool
        // in the same change, so a half-applied state would show in the DNAT map.
        new RouterConfig(dir).vxlan().raw("config vxlan 'vx200'\n\toption vni '200'\n\toption device 'nosuch0'"
                        + "\n\tlist remote '198.51.100.2'")
                .relayListener().dnatListener(false).pool().member("vm1", SeedTopology.vmIp(1)).writeTo(config);
        JsonObject failed = failedReload(2);
        String error = failed.get("last_reload").asObject().getString("error", "");
        assertTrue(error.contains("ip link add vx200") && error.contains("nosuch0"), error);
        assertNotNull(failed.get("system").asObject().getString("last_error", null));
        assertNull(Netns.tryIn(net.router(), "ip", "link", "show", "dev", "vx200"), "vx200 was not rolled back");
        assertWorking();
    }

    private void assertWorking() throws Exception {
        assertNotNull(Netns.tryIn(net.router(), "ip", "link", "show", "dev", "vx100"));
        assertTrue(mapHolds(SeedTopology.vmIp(1)) && mapHolds(SeedTopology.vmIp(2)), why());
        assertEquals(Set.of("vm1", "vm2"), answers("http://203.0.113.1/", 10));
        assertEquals(Set.of("vm1", "vm2"), answers("http://203.0.113.1:8080/", 10));
    }

    // --- helpers ---------------------------------------------------------------------------------

    private Set<String> answers(String url, int requests) {
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < requests; i++) {
            String body = net.get(url);
            names.add(body == null ? "(failed)" : body.trim());
        }
        return names;
    }

    /** Downloads through the client namespace into a file and checks size and every byte. */
    private void assertTransfer(String url, long size, String rate) throws Exception {
        Path file = dir.resolve("transfer.bin");
        List<String> curl = new ArrayList<>(List.of("curl", "-sf", "-m", "120", "-o", file.toString()));
        if (rate != null) {
            curl.addAll(List.of("--limit-rate", rate));
        }
        curl.add(url);
        Netns.in(net.client(), curl);
        assertContent(file, size);
        Files.delete(file);
    }

    private Process slowDownload(String url, Path file) throws Exception {
        return new ProcessBuilder(Netns.prefixed(net.client(), List.of("curl", "-sf", "-m", "60", "--limit-rate", "4M",
                "-o", file.toString(), url))).redirectErrorStream(true).start();
    }

    private static void assertDownloaded(Process curl, Path file, long size) throws Exception {
        assertTrue(curl.waitFor(60, TimeUnit.SECONDS), "download did not finish");
        assertEquals(0, curl.exitValue(), "download failed: " + new String(curl.getInputStream().readAllBytes()));
        assertContent(file, size);
    }

    private static void assertContent(Path file, long size) throws Exception {
        assertEquals(size, Files.size(file));
        byte[] chunk = new byte[1 << 16];
        long position = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != VmServer.pattern(position + i)) {
                        throw new AssertionError("byte " + (position + i) + " differs");
                    }
                }
                position += n;
            }
        }
    }

    private void reload(long generation) throws Exception {
        agent.signal("HUP");
        JsonObject status = agent.awaitStatus(s -> s.getLong("generation", 0) >= generation
                        || s.getLong("reload_failures", 0) > 0, Duration.ofSeconds(30), "generation " + generation);
        assertEquals(generation, status.getLong("generation", 0), status.toString());
    }

    private JsonObject failedReload(long failures) throws Exception {
        agent.signal("HUP");
        return agent.awaitStatus(s -> s.getLong("reload_failures", 0) >= failures, Duration.ofSeconds(30),
                "reload failure " + failures);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    /** Repeats a check that does real work each time (requests), at most 20 times. */
    private static boolean eventually(Check check) throws Exception {
        for (int i = 0; i < 20; i++) {
            if (check.holds()) {
                return true;
            }
        }
        return false;
    }

    private String nftMap() {
        return String.valueOf(Netns.tryIn(net.router(), "nft", "list", "map", "inet", "edgelb", "l_web_fast"));
    }

    /** The map and the agent's log, for a failure message. */
    private String why() {
        try {
            return nftMap() + "\nagent log:\n" + agent.log();
        } catch (java.io.IOException e) {
            return nftMap();
        }
    }

    private boolean mapHolds(String address) {
        return nftMap().contains(address + " . 80");
    }

    private static JsonObject linkDetails(String ns, String link) throws Exception {
        return com.eclipsesource.json.Json.parse(Netns.in(ns, "ip", "-j", "-d", "link", "show", "dev", link)).asArray()
                .get(0).asObject();
    }

    private static JsonObject listener(JsonObject status, String id) {
        for (JsonValue value : status.get("listeners").asArray()) {
            if (id.equals(value.asObject().getString("id", ""))) {
                return value.asObject();
            }
        }
        throw new AssertionError("no listener " + id + " in " + status);
    }

    private static JsonObject dnatStatus(JsonObject status) {
        return status.get("system").asObject().get("dnat").asObject().get("listeners").asArray().get(0).asObject();
    }

    private static void signal(long pid, String name) throws Exception {
        Netns.host("kill", "-" + name, Long.toString(pid));
    }
}
