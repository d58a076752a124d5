package io.edgelb.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.Member;
import io.edgelb.model.MonitorType;
import io.edgelb.model.PoolProtocol;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class CheckTargetTest {
    private static final HealthMonitor TCP = HealthMonitor.of("hm", MonitorType.TCP, 1000, 1000, 1, 1);

    private static MemberRuntime runtime(String monitorAddress, int monitorPort) {
        Member settings = new Member("web_1", "pool", "192.0.2.10", 80, 1, false, true, monitorAddress, monitorPort);
        return new MemberRuntime(settings, MemberHealth.monitored("web_1", 1, 1, System::currentTimeMillis));
    }

    @Test
    void theMemberEndpointWhenNoOverrideIsSet() {
        assertEquals(new InetSocketAddress("192.0.2.10", 80), new CheckTarget(runtime(null, 0), TCP).address());
    }

    @Test
    void monitorAddressAndPortEachReplaceTheirHalf() {
        assertEquals(new InetSocketAddress("192.0.2.99", 80), new CheckTarget(runtime("192.0.2.99", 0), TCP).address());
        assertEquals(new InetSocketAddress("192.0.2.10", 8080), new CheckTarget(runtime(null, 8080), TCP).address());
        assertEquals(new InetSocketAddress("2001:db8::1", 8080),
                new CheckTarget(runtime("2001:db8::1", 8080), TCP).address());
    }

    @Test
    void followsTheMembersCurrentSettings() {
        MemberRuntime member = runtime(null, 0);
        CheckTarget target = new CheckTarget(member, TCP);
        member.update(new Member("web_1", "pool", "192.0.2.10", 80, 1, false, true, null, 9000));
        assertEquals(new InetSocketAddress("192.0.2.10", 9000), target.address());
    }

    @Test
    void unchangedMeansTheSameRuntimeAndAnEqualMonitor() {
        MemberRuntime member = runtime(null, 0);
        assertEquals(new CheckTarget(member, TCP), new CheckTarget(member, HealthMonitor.of("hm", MonitorType.TCP,
                1000, 1000, 1, 1)));
        assertNotEquals(new CheckTarget(member, TCP), new CheckTarget(runtime(null, 0), TCP));
        assertNotEquals(new CheckTarget(member, TCP), new CheckTarget(member, HealthMonitor.of("hm", MonitorType.TCP,
                2000, 1000, 1, 1)));
    }

    /** As HAProxy: the header goes with checks of a PROXY pool unless monitor_address/port send them elsewhere. */
    @Test
    void checksOfAProxyPoolSendTheHeaderUnlessTheyGoElsewhere() {
        assertEquals(PoolProtocol.PROXY, new CheckTarget(runtime(null, 0), TCP, PoolProtocol.PROXY).checkProtocol());
        assertEquals(PoolProtocol.PROXYV2, new CheckTarget(runtime(null, 0), TCP, PoolProtocol.PROXYV2).checkProtocol());
        assertEquals(PoolProtocol.PROXY, new CheckTarget(runtime("192.0.2.10", 80), TCP, PoolProtocol.PROXY)
                .checkProtocol()); // overrides that name the member's own endpoint
        assertEquals(PoolProtocol.TCP, new CheckTarget(runtime(null, 8080), TCP, PoolProtocol.PROXY).checkProtocol());
        assertEquals(PoolProtocol.TCP, new CheckTarget(runtime("192.0.2.99", 0), TCP, PoolProtocol.PROXYV2)
                .checkProtocol());
        assertEquals(PoolProtocol.TCP, new CheckTarget(runtime(null, 0), TCP).checkProtocol());
        MemberRuntime member = runtime(null, 0);
        assertNotEquals(new CheckTarget(member, TCP), new CheckTarget(member, TCP, PoolProtocol.PROXY));
    }
}
