package io.edgelb.agent.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.model.IpLiteral;
import io.edgelb.model.LbAlgorithm;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SourceHashBalancerTest {
    private static final int CLIENTS = 10_000;

    private final TestMembers pool = new TestMembers();
    private final MemberRuntime a = pool.member("a", 1);
    private final MemberRuntime b = pool.member("b", 1);
    private final MemberRuntime c = pool.member("c", 1);
    private final Balancer<MemberRuntime> balancer = Balancers.create(LbAlgorithm.SOURCE_IP, List.of(a, b, c));

    @Test
    void aMemberThatLeavesMovesOnlyItsOwnClients() {
        MemberRuntime[] before = assignments(balancer);

        b.setDrainedByOperator(true);
        MemberRuntime[] after = assignments(balancer);

        Map<MemberRuntime, Integer> movedTo = new HashMap<>();
        for (int i = 0; i < CLIENTS; i++) {
            if (before[i] == b) {
                assertNotSame(b, after[i]);
                movedTo.merge(after[i], 1, Integer::sum);
            } else {
                assertSame(before[i], after[i], "client " + i + " moved although its member stayed");
            }
        }
        int moved = movedTo.values().stream().mapToInt(Integer::intValue).sum();
        assertShare(movedTo.get(a), moved, 0.5);
        assertShare(movedTo.get(c), moved, 0.5);
    }

    @Test
    void aMemberThatJoinsTakesClientsOnlyForItself() {
        c.health().recordConnectFailure("refused");
        c.health().recordConnectFailure("refused");
        c.health().recordConnectFailure("refused");
        MemberRuntime[] before = assignments(balancer);
        for (MemberRuntime member : before) {
            assertNotSame(c, member);
        }

        pool.clock.addAndGet(60_000); // the passive ejection ends
        MemberRuntime[] after = assignments(balancer);

        int toC = 0;
        for (int i = 0; i < CLIENTS; i++) {
            if (after[i] == c) {
                toC++;
            } else {
                assertSame(before[i], after[i], "client " + i + " moved, but not to the member that joined");
            }
        }
        assertShare(toC, CLIENTS, 1.0 / 3);
    }

    @Test
    void excludingAMemberGivesTheClientsNextChoice() {
        MemberRuntime[] first = assignments(balancer);
        b.setDrainedByOperator(true);
        MemberRuntime[] withoutB = assignments(balancer);
        b.setDrainedByOperator(false);

        for (int i = 0; i < 1_000; i++) {
            MemberRuntime retry = balancer.choose(TestMembers.client(i), List.of(first[i]));
            assertNotSame(first[i], retry);
            if (first[i] == b) {
                assertSame(withoutB[i], retry);
            }
        }
    }

    @Test
    void sharesFollowWeights() {
        MemberRuntime light = pool.member("light", 1);
        MemberRuntime middle = pool.member("middle", 2);
        MemberRuntime heavy = pool.member("heavy", 3);
        Balancer<MemberRuntime> weighted = Balancers.create(LbAlgorithm.SOURCE_IP, List.of(light, middle, heavy));

        Map<MemberRuntime, Integer> counts = count(assignments(weighted));

        assertShare(counts.get(light), CLIENTS, 1.0 / 6);
        assertShare(counts.get(middle), CLIENTS, 2.0 / 6);
        assertShare(counts.get(heavy), CLIENTS, 3.0 / 6);
    }

    @Test
    void aWeightChangeMovesClientsOnlyToThatMember() {
        MemberRuntime[] before = assignments(balancer);

        a.update(a.settings().withWeight(4));
        MemberRuntime[] after = assignments(balancer);

        for (int i = 0; i < CLIENTS; i++) {
            if (after[i] != before[i]) {
                assertSame(a, after[i]);
            }
        }
        assertShare(count(after).get(a), CLIENTS, 4.0 / 6);
    }

    @Test
    void sameChoiceWhateverTheMemberOrder() {
        Balancer<MemberRuntime> reversed = Balancers.create(LbAlgorithm.SOURCE_IP, List.of(c, b, a));

        for (int i = 0; i < 1_000; i++) {
            assertSame(balancer.choose(TestMembers.client(i), List.of()),
                    reversed.choose(TestMembers.client(i), List.of()));
        }
    }

    @Test
    void sourceIpIgnoresThePortAndSourceIpPortUsesIt() {
        Balancer<MemberRuntime> byPort = Balancers.create(LbAlgorithm.SOURCE_IP_PORT, List.of(a, b, c));
        Set<MemberRuntime> byAddress = new HashSet<>();
        Map<MemberRuntime, Integer> byAddressAndPort = new HashMap<>();

        for (int port = 30_000; port < 33_000; port++) {
            InetSocketAddress client = TestMembers.client(7, port);
            byAddress.add(balancer.choose(client, List.of()));
            byAddressAndPort.merge(byPort.choose(client, List.of()), 1, Integer::sum);
            assertSame(byPort.choose(client, List.of()), byPort.choose(TestMembers.client(7, port), List.of()));
        }

        assertEquals(1, byAddress.size());
        assertShare(byAddressAndPort.get(a), 3_000, 1.0 / 3);
        assertShare(byAddressAndPort.get(b), 3_000, 1.0 / 3);
        assertShare(byAddressAndPort.get(c), 3_000, 1.0 / 3);
    }

    @Test
    void spreadsIpv6ClientsOfOneSubnet() {
        Map<MemberRuntime, Integer> counts = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            InetAddress address = IpLiteral.parse("2001:db8::" + Integer.toHexString(i + 1));
            counts.merge(balancer.choose(new InetSocketAddress(address, 443), List.of()), 1, Integer::sum);
        }

        assertShare(counts.get(a), 3_000, 1.0 / 3);
        assertShare(counts.get(b), 3_000, 1.0 / 3);
        assertShare(counts.get(c), 3_000, 1.0 / 3);
    }

    /** The IPv4 client key relies on it (to avoid copying the address on every connection). */
    @Test
    void inet4HashCodeIsTheAddress() {
        for (String text : List.of("0.0.0.0", "10.1.2.3", "192.0.2.255", "255.255.255.255")) {
            Inet4Address address = (Inet4Address) IpLiteral.parse(text);
            assertEquals(ByteBuffer.wrap(address.getAddress()).getInt(), address.hashCode(), text);
        }
    }

    @Test
    void unitIntervalStaysStrictlyInsideZeroAndOne() {
        for (long hash : new long[] {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 12}) {
            double u = SourceHashBalancer.unitInterval(hash);
            assertTrue(u > 0 && u < 1, "u = " + u + " for " + Long.toHexString(hash));
        }
    }

    private static MemberRuntime[] assignments(Balancer<MemberRuntime> balancer) {
        MemberRuntime[] chosen = new MemberRuntime[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            chosen[i] = balancer.choose(TestMembers.client(i), List.of());
        }
        return chosen;
    }

    private static Map<MemberRuntime, Integer> count(MemberRuntime[] chosen) {
        Map<MemberRuntime, Integer> counts = new HashMap<>();
        for (MemberRuntime member : chosen) {
            counts.merge(member, 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Within 3 percentage points: over three standard deviations for these sample sizes, and the
     * hash is deterministic, so a pass is not luck that could run out.
     */
    private static void assertShare(Integer count, int total, double expected) {
        double share = count == null ? 0 : (double) count / total;
        assertTrue(Math.abs(share - expected) < 0.03, "share " + share + ", expected " + expected);
    }
}
