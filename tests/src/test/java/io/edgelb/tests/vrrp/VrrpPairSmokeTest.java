package io.edgelb.tests.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import io.edgelb.tests.netns.Netns;
import io.edgelb.tests.vrrp.VipMonitor.Sample;
import io.edgelb.tests.vrrp.VrrpPair.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import io.edgelb.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the VRRP harness with keepalived alone (no edgelb agent): a hand-made VRRP instance per
 * router, priorities 150 (a) and 100 (b), a track script each whose exit code the test sets. The
 * VIP follows the link, preemption and the script, and no address is ever on both routers for as
 * long as one advert interval. Needs root and keepalived; skipped otherwise.
 */
class VrrpPairSmokeTest {
    private static final int ADVERT_INT = 1;
    /** The backup's master-down interval (3 adverts plus its skew, under one more) and a second. */
    private static final Duration FAILOVER = Duration.ofSeconds(3L * ADVERT_INT + 1);
    /** A first election or a preemption: the master-down interval and generous slack. */
    private static final Duration ELECTION = Duration.ofSeconds(10);
    private static final Duration ADVERT = Duration.ofSeconds(ADVERT_INT);
    private static final Set<String> VIPS = Set.of(VrrpPair.VIP, VrrpPair.VIP6);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Map<String, String> measured = new LinkedHashMap<>();

    @BeforeAll
    static void requirements() throws Exception {
        VrrpPair.assumeAvailable();
        Keepalived.assumeAvailable();
        VrrpPair.removeLeftovers();
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
        toClose.clear();
        if (!measured.isEmpty()) {
            System.out.println("measured: " + measured);
        }
        if (first != null) {
            throw first;
        }
    }

    @AfterAll
    static void nothingLeftBehind() throws Exception {
        String prefix = VrrpPair.NAME_PREFIX + ProcessHandle.current().pid() + "-";
        assertFalse(Netns.host("ip", "netns", "list").contains(prefix), "namespaces left behind");
        if (Files.isDirectory(Keepalived.BASE)) {
            try (var entries = Files.list(Keepalived.BASE)) {
                List<Path> ours = entries.filter(p -> p.getFileName().toString()
                        .startsWith(ProcessHandle.current().pid() + "-")).collect(Collectors.toList());
                assertTrue(ours.isEmpty(), "directories left behind: " + ours);
            }
        }
    }

    @Test
    void keepalivedMovesTheVipWithTheLinkPreemptionAndTheTrackScript() throws Exception {
        long testStart = System.nanoTime();
        Path dir = Keepalived.secureDirectory("smoke");
        toClose.add(() -> Keepalived.deleteDirectory(dir));
        VrrpPair pair = VrrpPair.build();
        toClose.add(pair);
        Map<Router, Path> include = new LinkedHashMap<>();
        for (Router router : Router.values()) {
            Path routerDir = Files.createDirectory(dir.resolve(router.id()));
            setCheck(routerDir, 0);
            Keepalived.writeFile(routerDir.resolve("check"), "read code < " + routerDir.resolve("exit_code")
                    + "\nexit \"$code\"\n");
            include.put(router, routerDir.resolve("vrrp.conf"));
            Keepalived.writeFile(include.get(router), instance(router, router == Router.A ? 150 : 100, routerDir));
        }
        VipMonitor monitor = VipMonitor.start(pair, VIPS);
        toClose.add(monitor);

        // 1. Both start as BACKUP; a (150) wins the first election, b (100) stays backup.
        long step = System.nanoTime();
        Keepalived a = Keepalived.start(pair.router(Router.A), "a", include.get(Router.A));
        toClose.add(a);
        Keepalived b = Keepalived.start(pair.router(Router.B), "b", include.get(Router.B));
        toClose.add(b);
        Sample sample = monitor.await(s -> s.soleHolder(Router.A, VIPS), ELECTION, "a holds both VIPs, b none");
        measure("first election", step, sample);
        b.awaitLog("(smoke_51) Entering BACKUP STATE", Duration.ofSeconds(5));
        assertTrue(a.problems().isEmpty() && b.problems().isEmpty(), a.problems() + " " + b.problems());
        assertTrue(pair.answers(pair.client(), VrrpPair.VIP), "the client does not reach the VIP");
        assertEquals(pair.mac(Router.A), pair.neighbour(pair.client(), VrrpPair.VIP));
        assertTrue(pair.answers(pair.client(), VrrpPair.VIP6), "the client does not reach the IPv6 VIP");
        overlapBelowOneAdvert(monitor, "first election", step);

        // 2. a's underlay link goes down: a goes FAULT at once, b takes over when a's adverts stop.
        step = System.nanoTime();
        long mark = a.logMark();
        pair.underlayDown(Router.A);
        sample = monitor.await(s -> s.soleHolder(Router.B, VIPS), FAILOVER, "b holds both VIPs, a none, after a's link"
                + " went down");
        measure("failover on link down", step, sample);
        a.awaitLog("(smoke_51) Entering FAULT STATE", mark, Duration.ofSeconds(2));
        // b's gratuitous ARP moves the client's neighbour entry for the VIP.
        awaitNeighbour(pair, Router.B);
        overlapBelowOneAdvert(monitor, "link down", step);

        // 3. The link comes back: a, the higher priority, takes the VIP back (preemption).
        step = System.nanoTime();
        pair.underlayUp(Router.A);
        sample = monitor.await(s -> s.soleHolder(Router.A, VIPS), ELECTION, "a takes the VIPs back after its link"
                + " came up");
        measure("preemption after link up", step, sample);
        awaitNeighbour(pair, Router.A);
        overlapBelowOneAdvert(monitor, "link up", step);

        // 4. a's track script fails: a goes FAULT, sends priority 0, and b takes over.
        step = System.nanoTime();
        mark = a.logMark();
        setCheck(dir.resolve("a"), 1);
        sample = monitor.await(s -> s.soleHolder(Router.B, VIPS), FAILOVER, "b holds both VIPs after a's check"
                + " failed");
        measure("failover on check failure", step, sample);
        a.awaitLog("(smoke_51) Entering FAULT STATE", mark, Duration.ofSeconds(2));
        overlapBelowOneAdvert(monitor, "check failure", step);

        // 5. The check passes again: a takes the VIP back; a reload (SIGHUP) of both keeps it there.
        step = System.nanoTime();
        setCheck(dir.resolve("a"), 0);
        sample = monitor.await(s -> s.soleHolder(Router.A, VIPS), ELECTION, "a takes the VIPs back after its check"
                + " passed again");
        measure("preemption after check recovery", step, sample);
        step = System.nanoTime();
        long markA = a.reload();
        long markB = b.reload();
        a.awaitReload(markA, Duration.ofSeconds(10));
        b.awaitReload(markB, Duration.ofSeconds(10));
        sample = monitor.await(s -> true, Duration.ofSeconds(2), "a sample after the reloads");
        assertTrue(sample.soleHolder(Router.A, VIPS), "after the reloads: " + sample);
        measured.put("reload of both", millis(step, sample.nanos));
        overlapBelowOneAdvert(monitor, "check recovery and reload", step);

        // 6. A clean stop removes keepalived's VIPs: a's go, b takes over at once (priority 0); then b's.
        step = System.nanoTime();
        a.close();
        sample = monitor.await(s -> s.soleHolder(Router.B, VIPS), FAILOVER, "b holds the VIPs after a stopped");
        measure("failover on a's stop", step, sample);
        b.close();
        monitor.await(s -> s.a.isEmpty() && s.b.isEmpty(), Duration.ofSeconds(2), "no VIP left after both stopped");
        overlapBelowOneAdvert(monitor, "stop", step);
        assertTrue(a.problems().isEmpty() && b.problems().isEmpty(), a.problems() + " " + b.problems());

        measured.put("longest overlap", monitor.longestOverlap().toMillis() + " ms");
        measured.put("sampling", monitor.statistics());
        measured.put("test", millis(testStart, System.nanoTime()));
    }

    @Test
    void theHarnessCutsOneRoutersUnderlayOrMembersOnly() throws Exception {
        VrrpPair pair = VrrpPair.build();
        toClose.add(pair);
        String a = pair.router(Router.A);
        String b = pair.router(Router.B);
        for (String router : List.of(a, b)) {
            assertEquals("1", pair.exec(router, "sysctl", "-n", "net.ipv4.ip_forward").trim());
            for (int i = 1; i <= VrrpPair.MEMBERS; i++) {
                assertTrue(pair.answers(router, VrrpPair.memberIp(i)), router + " does not reach m" + i);
            }
        }
        assertTrue(pair.answers(pair.client(), Router.A.ip()) && pair.answers(pair.client(), Router.B.ip6()));

        pair.cutMembers(Router.A);
        assertFalse(pair.answers(a, VrrpPair.memberIp(1)), "a still reaches m1");
        assertTrue(pair.answers(b, VrrpPair.memberIp(1)), "b no longer reaches m1");
        assertEquals(List.of("UP", "LOWER_UP"), flags(a, VrrpPair.MEMBER_DEV), "the cut took a's eth2 down");
        pair.restoreMembers(Router.A);
        assertTrue(pair.answers(a, VrrpPair.memberIp(2)), "a does not reach m2 after the restore");

        pair.underlayDown(Router.A);
        JsonObject link = link(a, VrrpPair.UNDERLAY_DEV);
        assertEquals("DOWN", link.getString("operstate", ""));
        assertTrue(link.get("flags").toString().contains("NO-CARRIER") && link.get("flags").toString().contains("\"UP\""),
                link.toString());
        assertFalse(pair.answers(pair.client(), Router.A.ip()), "the client still reaches a");
        assertTrue(pair.answers(pair.client(), Router.B.ip()), "the client no longer reaches b");
        pair.underlayUp(Router.A);
        assertTrue(pair.holdsVip(Router.A, Router.A.ip6()), "a lost its IPv6 address with the carrier");
        assertTrue(pair.answers(pair.client(), Router.A.ip()), "the client does not reach a after the link came up");

        // The monitor sees an overlap when there is one (so the smoke test's zero means something).
        try (VipMonitor monitor = VipMonitor.start(pair, VIPS)) {
            long start = System.nanoTime();
            pair.exec(a, "ip", "addr", "add", VrrpPair.VIP_CIDR, "dev", VrrpPair.UNDERLAY_DEV);
            pair.exec(b, "ip", "-6", "addr", "add", VrrpPair.VIP6_CIDR, "dev", VrrpPair.UNDERLAY_DEV, "nodad");
            monitor.await(s -> s.a.contains(VrrpPair.VIP) && s.b.contains(VrrpPair.VIP6), Duration.ofSeconds(2),
                    "the addresses added by hand");
            assertEquals(Duration.ZERO, monitor.longestOverlap(start, System.nanoTime()), "different addresses");
            pair.exec(b, "ip", "addr", "add", VrrpPair.VIP_CIDR, "dev", VrrpPair.UNDERLAY_DEV);
            monitor.await(VipMonitor.Sample::overlap, Duration.ofSeconds(2), "the VIP on both");
            pair.exec(b, "ip", "addr", "del", VrrpPair.VIP_CIDR, "dev", VrrpPair.UNDERLAY_DEV);
            monitor.await(s -> !s.overlap(), Duration.ofSeconds(2), "the VIP on a only");
            Duration overlap = monitor.longestOverlap(start, System.nanoTime());
            assertTrue(overlap.compareTo(Duration.ZERO) > 0 && overlap.compareTo(Duration.ofSeconds(2)) < 0,
                    overlap.toString());
            assertTrue(pair.holdsVip(Router.A, "198.51.100.100") && pair.holdsVip(Router.B, "2001:DB8:1:0::100"));
        }
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** One router's hand-made instance, as edgelb's agent would write it into the include. */
    private static String instance(Router router, int priority, Path routerDir) {
        return "vrrp_script smoke_check {\n"
                + "    script \"/bin/sh " + routerDir.resolve("check") + "\"\n"
                + "    interval 1\n"
                + "    timeout 1\n"
                + "    fall 1\n"
                + "    rise 1\n"
                + "}\n"
                + "vrrp_instance smoke_51 {\n"
                + "    state BACKUP\n"
                + "    interface " + VrrpPair.UNDERLAY_DEV + "\n"
                + "    virtual_router_id 51\n"
                + "    version 3\n"
                + "    priority " + priority + "\n"
                + "    advert_int " + ADVERT_INT + "\n"
                + "    unicast_src_ip " + router.ip() + "\n"
                + "    unicast_peer {\n"
                + "        " + router.peer().ip() + "\n"
                + "    }\n"
                + "    virtual_ipaddress {\n"
                + "        " + VrrpPair.VIP_CIDR + "\n"
                + "    }\n"
                + "    virtual_ipaddress_excluded {\n"
                + "        " + VrrpPair.VIP6_CIDR + "\n"
                + "    }\n"
                + "    track_script {\n"
                + "        smoke_check\n"
                + "    }\n"
                + "}\n";
    }

    private static void setCheck(Path routerDir, int exitCode) throws Exception {
        Keepalived.writeFile(routerDir.resolve("exit_code"), exitCode + "\n");
    }

    private void measure(String what, long since, Sample sample) {
        measured.put(what, millis(since, sample.nanos));
    }

    private static String millis(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from) + " ms";
    }

    private void overlapBelowOneAdvert(VipMonitor monitor, String step, long since) {
        Duration overlap = monitor.longestOverlap(since, System.nanoTime());
        measured.merge("overlaps", step + " " + overlap.toMillis() + " ms", (x, y) -> x + ", " + y);
        assertTrue(overlap.compareTo(ADVERT) < 0, "both routers held a VIP for " + overlap.toMillis() + " ms during "
                + step);
    }

    /** The client's neighbour entry for the VIP moves to the holder's MAC (gratuitous ARP), bounded. */
    private static void awaitNeighbour(VrrpPair pair, Router holder) throws Exception {
        String mac = pair.mac(holder);
        String[] seen = {null};
        Await.until(() -> mac.equals(seen[0] = pair.neighbour(pair.client(), VrrpPair.VIP)), Duration.ofSeconds(3),
                Duration.ofMillis(50), () -> "the client's neighbour entry for the VIP is " + seen[0] + ", not "
                        + holder + "'s " + mac);
    }

    private static JsonObject link(String ns, String dev) throws Exception {
        return Json.parse(Netns.host("ip", "-n", ns, "-j", "link", "show", "dev", dev)).asArray().get(0).asObject();
    }

    private static List<String> flags(String ns, String dev) throws Exception {
        List<String> flags = new ArrayList<>();
        link(ns, dev).get("flags").asArray().forEach(v -> flags.add(v.asString()));
        flags.retainAll(List.of("UP", "LOWER_UP", "NO-CARRIER"));
        return flags;
    }
}
