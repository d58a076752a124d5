package io.edgelb.agent.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.model.LbAlgorithm;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeastConnectionsBalancerTest {
    private final TestMembers pool = new TestMembers();
    private final List<Channel> channels = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        channels.forEach(Channel::close);
    }

    @Test
    void keepsActiveConnectionsProportionalToWeight() {
        MemberRuntime a = pool.member("a", 1);
        MemberRuntime b = pool.member("b", 2);
        MemberRuntime c = pool.member("c", 3);
        Balancer<MemberRuntime> balancer = Balancers.create(LbAlgorithm.LEAST_CONNECTIONS, List.of(a, b, c));

        for (int i = 0; i < 600; i++) {
            open(balancer.choose(TestMembers.client(i), List.of()));
        }

        assertEquals(100, a.activeConnections());
        assertEquals(200, b.activeConnections());
        assertEquals(300, c.activeConnections());
    }

    @Test
    void sendsNewConnectionsWhereConnectionsClosed() {
        MemberRuntime a = pool.member("a", 1);
        MemberRuntime b = pool.member("b", 1);
        Balancer<MemberRuntime> balancer = Balancers.create(LbAlgorithm.LEAST_CONNECTIONS, List.of(a, b));
        List<Channel> onA = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            onA.add(open(a));
        }

        for (int i = 0; i < 5; i++) {
            MemberRuntime chosen = balancer.choose(TestMembers.client(i), List.of());
            assertSame(b, chosen);
            open(chosen);
        }
        assertEquals(5, b.activeConnections());

        onA.subList(0, 3).forEach(a::connectionClosed);
        for (int i = 0; i < 3; i++) {
            MemberRuntime chosen = balancer.choose(TestMembers.client(i), List.of());
            assertSame(a, chosen);
            open(chosen);
        }
        assertEquals(5, a.activeConnections());
    }

    @Test
    void equalMembersTakeTurnsWhenIdle() {
        MemberRuntime a = pool.member("a", 1);
        MemberRuntime b = pool.member("b", 1);
        MemberRuntime c = pool.member("c", 1);
        Balancer<MemberRuntime> balancer = Balancers.create(LbAlgorithm.LEAST_CONNECTIONS, List.of(a, b, c));

        Map<MemberRuntime, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            counts.merge(balancer.choose(TestMembers.client(i), List.of()), 1, Integer::sum);
        }

        assertEquals(Map.of(a, 100, b, 100, c, 100), counts);
    }

    @Test
    void tiedMembersShareEvenlyWhateverTheirPlaceInTheList() {
        MemberRuntime a = pool.member("a", 1);
        MemberRuntime busy = pool.member("busy", 1);
        MemberRuntime c = pool.member("c", 1);
        open(busy);
        Balancer<MemberRuntime> balancer = Balancers.create(LbAlgorithm.LEAST_CONNECTIONS, List.of(a, busy, c));

        Map<MemberRuntime, Integer> counts = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            counts.merge(balancer.choose(TestMembers.client(i), List.of()), 1, Integer::sum);
        }

        assertEquals(Map.of(a, 100, c, 100), counts);
    }

    /** Opens a dummy client connection on member and returns it. */
    private Channel open(MemberRuntime member) {
        Channel channel = new EmbeddedChannel();
        channels.add(channel);
        member.connectionOpened(channel);
        return channel;
    }
}
