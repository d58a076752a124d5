package io.edgelb.agent.health;

import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.IpLiteral;
import io.edgelb.model.Member;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A member and the health monitor of its pool: what one scheduled check probes, and how.
 *
 * <p>Equality is the {@link HealthCheckService} notion of "unchanged": the same runtime object
 * (MemberRuntime keeps identity equality) with an equal monitor.
 */
public record CheckTarget(MemberRuntime member, HealthMonitor monitor) {

    public CheckTarget {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(monitor, "monitor");
    }

    /**
     * Where the probe connects: monitor_address and monitor_port each replace their half of the
     * member's endpoint when set. Read at every check, so a reload that only changes the overrides
     * takes effect without restarting the schedule.
     */
    public InetSocketAddress address() {
        Member settings = member.settings();
        String monitorAddress = settings.monitorAddress();
        InetAddress address = monitorAddress == null || monitorAddress.isEmpty()
                ? member.endpoint().getAddress()
                : IpLiteral.parse(monitorAddress);
        int port = settings.monitorPort() != 0 ? settings.monitorPort() : member.endpoint().getPort();
        return new InetSocketAddress(address, port);
    }

    @Override
    public String toString() {
        return member.id() + " by " + monitor.id() + " (" + monitor.type().octaviaName() + ")";
    }
}
