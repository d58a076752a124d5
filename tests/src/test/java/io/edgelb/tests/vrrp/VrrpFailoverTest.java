package io.edgelb.tests.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.tests.AgentProcess;
import io.edgelb.tests.vrrp.VrrpPair.Router;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two routers, one VIP, everything real: keepalived (Debian's) and an edgelb agent on each router
 * namespace, HTTP members behind both, a client opening a new connection to the VIP every 50 ms.
 * The master fails three ways (its agent killed, its link down, its pool without members); the VIP
 * must move within the bound VRRP gives, the client must see failures only inside the gap, and
 * both routers must never hold the VIP for longer than one advertisement interval at once.
 */
class VrrpFailoverTest {
    private static final long ADVERT_MS = 1_000;
    /** The bound: three advertisement intervals and one second. */
    private static final Duration MOVE_BOUND = Duration.ofMillis(3 * ADVERT_MS + 1_000);

    @BeforeAll
    static void available() {
        VrrpPair.assumeAvailable();
        Keepalived.assumeAvailable();
    }

    @Test
    void killingTheMastersAgentMovesTheVipToTheBackup() throws Exception {
        try (VrrpBed bed = VrrpBed.start(ADVERT_MS, false)) {
            assertState(bed.agent(Router.A), "MASTER");
            assertState(bed.agent(Router.B), "BACKUP");
            // What an operator sees: edgelb status, the metrics.
            String table = bed.cli(Router.A, "status", "--api", VrrpBed.API);
            assertTrue(table.contains("VRRP") && table.matches("(?s).*edge\\s+MASTER\\s.*"), table);
            assertTrue(bed.agent(Router.B).metrics().contains("edgelb_vrrp_state{vrrp=\"edge\",state=\"BACKUP\"} 1"));
            bed.startClient();
            bed.awaitSuccesses(0, 20, Duration.ofSeconds(10));

            long killedAt = System.currentTimeMillis();
            long killedNanos = System.nanoTime();
            bed.killAgent(Router.A);
            VipMonitor.Sample moved = bed.monitor.awaitSample(s -> s.soleHolder(Router.B, VrrpBed.VIPS),
                    MOVE_BOUND.plusSeconds(5), "B holds the VIPs after A's agent died", killedNanos);
            Duration took = Duration.ofNanos(moved.nanos - killedNanos);
            bed.awaitSuccesses(System.currentTimeMillis(), 20, Duration.ofSeconds(10));

            Outage outage = Outage.after(bed.attempts(), killedAt, System.currentTimeMillis());
            System.out.println("agent killed: VIP on B after " + took.toMillis() + " ms; " + outage);
            assertTrue(took.compareTo(MOVE_BOUND) <= 0, "the VIP took " + took.toMillis() + " ms to move");
            assertTrue(outage.gapMillis() <= MOVE_BOUND.toMillis(), outage.toString());
            assertEquals(0, outage.failuresOutside(), outage.toString());
            assertNoSplitBrain(bed);
            bed.agent(Router.B).awaitStatus(s -> state(s).equals("MASTER"), Duration.ofSeconds(5), "B says MASTER");
        }
    }

    @Test
    void theMastersLinkGoingDownMovesTheVipToTheBackup() throws Exception {
        try (VrrpBed bed = VrrpBed.start(ADVERT_MS, false)) {
            bed.startClient();
            bed.awaitSuccesses(0, 20, Duration.ofSeconds(10));
            long downAt = System.currentTimeMillis();
            long downNanos = System.nanoTime();
            bed.pair.underlayDown(Router.A);
            VipMonitor.Sample moved = bed.monitor.awaitSample(s -> s.held(Router.B).containsAll(canonical()),
                    MOVE_BOUND.plusSeconds(5), "B holds the VIPs after A's link went down", downNanos);
            Duration took = Duration.ofNanos(moved.nanos - downNanos);
            bed.awaitSuccesses(System.currentTimeMillis(), 20, Duration.ofSeconds(10));
            Outage outage = Outage.after(bed.attempts(), downAt, System.currentTimeMillis());
            System.out.println("link down: VIP on B after " + took.toMillis() + " ms; " + outage);
            assertTrue(took.compareTo(MOVE_BOUND) <= 0, "the VIP took " + took.toMillis() + " ms to move");
            assertTrue(outage.gapMillis() <= MOVE_BOUND.toMillis(), outage.toString());
            bed.agent(Router.A).awaitStatus(s -> state(s).equals("FAULT"), Duration.ofSeconds(5),
                    "A says FAULT while its link is down");

            bed.pair.underlayUp(Router.A); // and it preempts: A has the higher priority
            bed.monitor.await(s -> s.soleHolder(Router.A, VrrpBed.VIPS), Duration.ofSeconds(15),
                    "A holds the VIPs again once its link is back");
            assertNoSplitBrain(bed);
        }
    }

    @Test
    void theMastersPoolLosingAllMembersMovesTheVipToTheBackup() throws Exception {
        try (VrrpBed bed = VrrpBed.start(ADVERT_MS, false)) {
            bed.startClient();
            bed.awaitSuccesses(0, 20, Duration.ofSeconds(10));
            long cutNanos = System.nanoTime();
            bed.pair.cutMembers(Router.A);
            // Health checks take delay 1 s × max_retries_down 2 (+ timeout) to find both members down,
            // then keepalived's check (every second, twice) gives the VIP up.
            bed.monitor.awaitSample(s -> s.soleHolder(Router.B, VrrpBed.VIPS), Duration.ofSeconds(15),
                    "B holds the VIPs once A's members are unreachable", cutNanos);
            System.out.println("members cut: VIP on B after " + (System.nanoTime() - cutNanos) / 1_000_000 + " ms");
            long movedAt = System.currentTimeMillis();
            bed.awaitSuccesses(movedAt, 20, Duration.ofSeconds(10));
            JsonObject a = vrrp(bed.agent(Router.A).awaitStatus(s -> state(s).equals("FAULT"), Duration.ofSeconds(5),
                    "A says FAULT while no member is up"));
            assertEquals(false, a.getBoolean("healthy", true));

            bed.pair.restoreMembers(Router.A);
            bed.monitor.await(s -> s.soleHolder(Router.A, VrrpBed.VIPS), Duration.ofSeconds(15),
                    "A takes the VIPs back once its members answer again");
            assertNoSplitBrain(bed);
        }
    }

    @Test
    void restartingTheMastersAgentDoesNotMoveTheVip() throws Exception {
        try (VrrpBed bed = VrrpBed.start(ADVERT_MS, false)) {
            bed.startClient();
            bed.awaitSuccesses(0, 20, Duration.ofSeconds(10));
            long restartNanos = System.nanoTime();
            long restartAt = System.currentTimeMillis();
            bed.restartAgent(Router.A);
            long restartedMillis = (System.nanoTime() - restartNanos) / 1_000_000;
            // keepalived's check must not have failed twice while the new agent started: B never took over.
            AssertionError never = assertThrows(AssertionError.class, () -> bed.monitor.awaitSample(
                    s -> !s.held(Router.B).isEmpty(), Duration.ofMillis(4 * ADVERT_MS), "B holds a VIP", restartNanos));
            assertTrue(never.getMessage().startsWith("not reached"), "the restart moved the VIP: " + never.getMessage());
            bed.awaitSuccesses(System.currentTimeMillis(), 20, Duration.ofSeconds(10));
            Outage outage = Outage.after(bed.attempts(), restartAt, System.currentTimeMillis());
            System.out.println("restart took " + restartedMillis + " ms; " + outage);
        }
    }

    @Test
    void removingTheVrrpSectionOnTheMasterHandsTheVipToTheBackup() throws Exception {
        try (VrrpBed bed = VrrpBed.start(ADVERT_MS, false)) {
            String config = bed.config(Router.A);
            String without = config.substring(0, config.indexOf("config vrrp 'edge'"))
                    + config.substring(config.indexOf("config listener 'web_http'"));
            bed.writeConfig(Router.A, without);
            bed.agent(Router.A).signal("HUP");
            bed.agent(Router.A).awaitStatus(s -> s.get("vrrp").asArray().isEmpty() && s.getLong("generation", 0) == 2,
                    Duration.ofSeconds(10), "A runs without its vrrp section");
            bed.monitor.await(s -> s.soleHolder(Router.B, VrrpBed.VIPS), MOVE_BOUND.plusSeconds(5),
                    "B holds the VIPs once A has no instance any more");
            assertTrue(bed.keepalived(Router.A).isAlive(), "keepalived on A stays up with no edgelb instance");
        }
    }

    @Test
    void checkNamesTheRoutersOwnProblemsAtTheirLines() throws Exception {
        try (VrrpBed bed = VrrpBed.start(ADVERT_MS, false)) {
            String config = bed.config(Router.A).replace("list vip '" + VrrpPair.VIP6_CIDR + "'",
                    "list vip '192.0.2.100/24'");
            bed.writeConfig(Router.A, config);
            String out = bed.cli(Router.A, "check", "--config", bed.configFile(Router.A).toString());
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(
                    bed.configFile(Router.A).toString()) + ":(\\d+): vrrp 'edge': vip 192.0.2.100/24 is not in a subnet"
                    + " of eth1 \\(it has 198.51.100.1/24\\)").matcher(out);
            assertTrue(m.find(), out);
            assertTrue(config.split("\n", -1)[Integer.parseInt(m.group(1)) - 1].startsWith("\tlist vip '"),
                    "the message points at the section's vip option");
            assertTrue(out.contains("error(s); the configuration is not valid"), out);
        }
    }

    @Test
    void aRecoveredMasterTakesTheVipBack() throws Exception {
        try (VrrpBed bed = VrrpBed.start(ADVERT_MS, false)) {
            bed.killAgent(Router.A);
            bed.monitor.await(s -> s.soleHolder(Router.B, VrrpBed.VIPS), MOVE_BOUND.plusSeconds(5), "B takes over");
            bed.startAgent(Router.A);
            bed.monitor.await(s -> s.soleHolder(Router.A, VrrpBed.VIPS), Duration.ofSeconds(15),
                    "A, priority 150, takes the VIPs back from B (preempt)");
            assertNoSplitBrain(bed);
            assertTrue(vrrp(bed.agent(Router.B).awaitStatus(s -> state(s).equals("BACKUP"), Duration.ofSeconds(5),
                    "B back to BACKUP")).getInt("transitions", 0) >= 2);
        }
    }

    @Test
    void withNopreemptTheBackupKeepsTheVip() throws Exception {
        try (VrrpBed bed = VrrpBed.start(ADVERT_MS, true)) {
            bed.killAgent(Router.A);
            bed.monitor.await(s -> s.soleHolder(Router.B, VrrpBed.VIPS), MOVE_BOUND.plusSeconds(5), "B takes over");
            AgentProcess a = bed.startAgent(Router.A);
            a.awaitStatus(s -> state(s).equals("BACKUP") && vrrp(s).getBoolean("healthy", false),
                    Duration.ofSeconds(10), "A is back, healthy, as BACKUP");
            long since = System.nanoTime();
            // A must not take the VIP back: no sample in ten advertisement intervals may show it on A.
            AssertionError never = assertThrows(AssertionError.class, () -> bed.monitor.awaitSample(
                    s -> !s.held(Router.A).isEmpty(), Duration.ofMillis(10 * ADVERT_MS), "A holds a VIP", since));
            assertTrue(never.getMessage().startsWith("not reached"), never.getMessage());
            assertTrue(bed.monitor.latest().soleHolder(Router.B, VrrpBed.VIPS));
            assertNoSplitBrain(bed);
        }
    }

    private static java.util.Set<String> canonical() {
        return java.util.Set.of(VrrpPair.canonical(VrrpPair.VIP), VrrpPair.canonical(VrrpPair.VIP6));
    }

    /** Test 6: the peers see each other, so the VIP is never on both for longer than one interval. */
    private static void assertNoSplitBrain(VrrpBed bed) {
        Duration overlap = bed.monitor.longestOverlap();
        System.out.println("longest overlap " + overlap.toMillis() + " ms; " + bed.monitor.statistics());
        assertTrue(overlap.toMillis() <= ADVERT_MS, "both routers held a VIP for " + overlap.toMillis() + " ms");
    }

    private static void assertState(AgentProcess agent, String state) throws Exception {
        agent.awaitStatus(s -> state(s).equals(state), Duration.ofSeconds(5), "state " + state);
    }

    private static JsonObject vrrp(JsonObject status) {
        JsonValue vrrp = status.get("vrrp");
        return vrrp == null || vrrp.asArray().isEmpty() ? new JsonObject() : vrrp.asArray().get(0).asObject();
    }

    private static String state(JsonObject status) {
        return vrrp(status).getString("state", "");
    }
}
