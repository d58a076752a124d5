package io.edgelb.agent.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.model.LbAlgorithm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinBalancerTest {
    private final TestMembers pool = new TestMembers();

    @Test
    void followsNginxSmoothSequenceForFiveOneOne() {
        MemberRuntime a = pool.member("a", 5);
        MemberRuntime b = pool.member("b", 1);
        MemberRuntime c = pool.member("c", 1);
        Balancer<MemberRuntime> balancer = Balancers.create(LbAlgorithm.ROUND_ROBIN, List.of(a, b, c));

        assertEquals("a a b a c a a a a b a c a a", sequence(balancer, 14));
    }

    @Test
    void interleavesThreeToOne() {
        Balancer<MemberRuntime> balancer = Balancers.create(LbAlgorithm.ROUND_ROBIN,
                List.of(pool.member("A", 3), pool.member("B", 1)));

        assertEquals("A A B A A A B A", sequence(balancer, 8));
    }

    @Test
    void honoursWeightsExactly() {
        MemberRuntime a = pool.member("a", 1);
        MemberRuntime b = pool.member("b", 2);
        MemberRuntime c = pool.member("c", 3);
        Balancer<MemberRuntime> balancer = Balancers.create(LbAlgorithm.ROUND_ROBIN, List.of(a, b, c));

        Map<MemberRuntime, Integer> counts = count(balancer, 6_000);

        assertEquals(1_000, counts.get(a));
        assertEquals(2_000, counts.get(b));
        assertEquals(3_000, counts.get(c));
    }

    @Test
    void followsWeightChangesAndSkipsMembersThatLeft() {
        MemberRuntime a = pool.member("a", 1);
        MemberRuntime b = pool.member("b", 1);
        MemberRuntime c = pool.member("c", 1);
        Balancer<MemberRuntime> balancer = Balancers.create(LbAlgorithm.ROUND_ROBIN, List.of(a, b, c));

        b.setDrainedByOperator(true);
        a.update(a.settings().withWeight(3));
        Map<MemberRuntime, Integer> counts = count(balancer, 4_000);

        assertEquals(3_000, counts.get(a));
        assertEquals(null, counts.get(b));
        assertEquals(1_000, counts.get(c));
    }

    private static String sequence(Balancer<MemberRuntime> balancer, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(balancer.choose(TestMembers.client(i), List.of()).id());
        }
        return String.join(" ", ids);
    }

    private static Map<MemberRuntime, Integer> count(Balancer<MemberRuntime> balancer, int n) {
        Map<MemberRuntime, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(balancer.choose(TestMembers.client(i), List.of()), 1, Integer::sum);
        }
        return counts;
    }
}
