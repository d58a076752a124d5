package io.edgelb.agent.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.model.IpLiteral;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class StickyTableTest {
    private static final long TIMEOUT = 360_000;

    private final TestMembers pool = new TestMembers();
    private final MemberRuntime a = pool.member("a", 1);
    private final MemberRuntime b = pool.member("b", 1);
    private final InetAddress client = IpLiteral.parse("10.0.0.1");

    @Test
    void remembersUntilTheTimeoutAfterLastUse() {
        StickyTable<MemberRuntime> table = new StickyTable<>(TIMEOUT, 100);
        table.remember(client, a, 0);

        assertSame(a, table.lookup(IpLiteral.parse("10.0.0.1"), TIMEOUT - 1));
        assertNull(table.lookup(IpLiteral.parse("10.0.0.2"), TIMEOUT - 1));
        assertNull(table.lookup(client, 2 * TIMEOUT - 1), "the lookup at TIMEOUT - 1 was a use");

        table.remember(client, a, 0);
        assertNull(table.lookup(client, TIMEOUT));
        assertEquals(0, table.size());
    }

    @Test
    void aLookupRefreshesTheEntry() {
        StickyTable<MemberRuntime> table = new StickyTable<>(TIMEOUT, 100);
        table.remember(client, a, 0);

        for (long now = 100_000; now <= 1_000_000; now += 100_000) {
            assertSame(a, table.lookup(client, now));
        }
        assertNull(table.lookup(client, 1_000_000 + TIMEOUT));
    }

    @Test
    void rememberReplacesTheMember() {
        StickyTable<MemberRuntime> table = new StickyTable<>(TIMEOUT, 100);
        table.remember(client, a, 0);
        table.remember(client, b, 10);

        assertSame(b, table.lookup(client, 20));
        assertEquals(1, table.size());
    }

    @Test
    void evictsTheLeastRecentlyUsedBeyondItsBound() {
        StickyTable<MemberRuntime> table = new StickyTable<>(TIMEOUT, 3);
        InetAddress c1 = IpLiteral.parse("10.0.0.1");
        InetAddress c2 = IpLiteral.parse("10.0.0.2");
        InetAddress c3 = IpLiteral.parse("2001:db8::3");
        InetAddress c4 = IpLiteral.parse("10.0.0.4");
        table.remember(c1, a, 0);
        table.remember(c2, a, 1);
        table.remember(c3, b, 2);
        table.lookup(c1, 3); // c2 is now the least recently used

        table.remember(c4, b, 4);

        assertEquals(3, table.size());
        assertNull(table.lookup(c2, 5));
        assertSame(a, table.lookup(c1, 5));
        assertSame(b, table.lookup(c3, 5));
        assertSame(b, table.lookup(c4, 5));
    }

    @Test
    void dropsExpiredEntriesWithoutBeingAskedForThem() {
        StickyTable<MemberRuntime> table = new StickyTable<>(TIMEOUT, 1_000);
        for (int i = 0; i < 500; i++) {
            table.remember(TestMembers.client(i).getAddress(), a, i);
        }

        table.remember(client, b, 499 + TIMEOUT);

        assertEquals(1, table.size());
    }

    @Test
    void rejectsNonsenseBounds() {
        assertThrows(IllegalArgumentException.class, () -> new StickyTable<>(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new StickyTable<>(TIMEOUT, 0));
    }
}
