package io.edgelb.agent.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.model.LbAlgorithm;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Which members every algorithm may pick: the rules shared by all of them. */
class EligibilityTest {
    private static final int PICKS = 600;

    private final TestMembers pool = new TestMembers();

    @ParameterizedTest
    @EnumSource(LbAlgorithm.class)
    void neverPicksMembersThatCannotTakeConnections(LbAlgorithm algorithm) {
        MemberRuntime good = pool.member("good", 1);
        MemberRuntime weightZero = pool.member("weight0", 0);
        MemberRuntime drained = pool.member("drained", 1);
        drained.setDrainedByOperator(true);
        MemberRuntime adminDown = pool.member("down", 1);
        adminDown.update(adminDown.settings().withEnabled(false));
        MemberRuntime failedCheck = pool.monitored("failed", 1);
        failedCheck.health().recordCheck(false, "connection refused");
        MemberRuntime ejected = pool.member("ejected", 1);
        for (int i = 0; i < 3; i++) {
            ejected.connectFailed("refused");
        }
        MemberRuntime removed = pool.member("removed", 1);
        removed.markRemoved();
        Balancer<MemberRuntime> balancer = Balancers.create(algorithm,
                List.of(weightZero, drained, adminDown, failedCheck, ejected, removed, good));

        assertEquals(Set.of(good), picks(balancer, List.of()));

        pool.clock.addAndGet(60_000); // the passive ejection is over
        assertEquals(Set.of(good, ejected), picks(balancer, List.of()));
    }

    @ParameterizedTest
    @EnumSource(LbAlgorithm.class)
    void usesBackupsOnlyWhenNoPrimaryCanTakeTheConnection(LbAlgorithm algorithm) {
        MemberRuntime primary1 = pool.member("p1", 1);
        MemberRuntime primary2 = pool.monitored("p2", 1);
        MemberRuntime backup1 = pool.backup("b1", 1);
        MemberRuntime backup2 = pool.backup("b2", 1);
        Balancer<MemberRuntime> balancer = Balancers.create(algorithm, List.of(backup1, primary1, backup2, primary2));

        assertEquals(Set.of(primary1, primary2), picks(balancer, List.of()));

        primary1.setDrainedByOperator(true);
        assertEquals(Set.of(primary2), picks(balancer, List.of()), "one primary left is enough");

        primary2.health().recordCheck(false, "timeout");
        assertEquals(Set.of(backup1, backup2), picks(balancer, List.of()));

        primary2.health().recordCheck(true, "ok");
        primary2.health().recordCheck(true, "ok");
        assertEquals(Set.of(primary2), picks(balancer, List.of()), "back to the primary once it rises");

        assertEquals(Set.of(backup1, backup2), picks(balancer, List.of(primary2)),
                "a primary that failed this connection leaves it to the backups");
    }

    @ParameterizedTest
    @EnumSource(LbAlgorithm.class)
    void neverPicksExcludedMembers(LbAlgorithm algorithm) {
        MemberRuntime a = pool.member("a", 1);
        MemberRuntime b = pool.member("b", 2);
        MemberRuntime c = pool.member("c", 3);
        Balancer<MemberRuntime> balancer = Balancers.create(algorithm, List.of(a, b, c));

        assertEquals(Set.of(a, c), picks(balancer, List.of(b)));
        assertEquals(Set.of(c), picks(balancer, Set.of(a, b)));
        for (int i = 0; i < PICKS; i++) {
            MemberRuntime first = balancer.choose(TestMembers.client(i), List.of());
            assertNotSame(first, balancer.choose(TestMembers.client(i), List.of(first)));
        }
    }

    @ParameterizedTest
    @EnumSource(LbAlgorithm.class)
    void returnsNullWhenNothingQualifies(LbAlgorithm algorithm) {
        MemberRuntime a = pool.member("a", 1);
        MemberRuntime backup = pool.backup("backup", 1);
        Balancer<MemberRuntime> balancer = Balancers.create(algorithm, List.of(a, backup));

        assertNull(balancer.choose(TestMembers.client(1), List.of(a, backup)));
        a.setDrainedByOperator(true);
        assertSame(backup, balancer.choose(TestMembers.client(1), List.of()));
        backup.update(backup.settings().withWeight(0));
        assertNull(balancer.choose(TestMembers.client(1), List.of()));
        assertNull(Balancers.create(algorithm, List.of()).choose(TestMembers.client(1), List.of()));
    }

    private static Set<MemberRuntime> picks(Balancer<MemberRuntime> balancer, Collection<MemberRuntime> exclude) {
        Set<MemberRuntime> chosen = new HashSet<>();
        for (int i = 0; i < PICKS; i++) {
            chosen.add(balancer.choose(TestMembers.client(i), exclude));
        }
        return chosen;
    }
}
