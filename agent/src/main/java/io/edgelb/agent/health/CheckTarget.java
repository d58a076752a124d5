package io.edgelb.agent.health;

import io.edgelb.model.HealthMonitor;
import io.edgelb.model.IpLiteral;
import io.edgelb.model.Member;
import io.edgelb.model.PoolProtocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A member, the health monitor of its pool and the pool's protocol: what one scheduled check
 * probes, and how.
 *
 * <p>Equality is the {@link HealthCheckService} notion of "unchanged": the same runtime object
 * (a {@link CheckedMember} has identity equality) with an equal monitor and protocol.
 */
public record CheckTarget(CheckedMember member, HealthMonitor monitor, PoolProtocol protocol) {

    public CheckTarget {
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(monitor, "monitor");
        Objects.requireNonNull(protocol, "protocol");
    }

    /** A check of a member of a plain TCP pool. */
    public CheckTarget(CheckedMember member, HealthMonitor monitor) {
        this(member, monitor, PoolProtocol.TCP);
    }

    /**
     * The PROXY header the check sends first, or TCP for none: a member of a PROXY pool expects
     * it on every connection (nginx {@code listen ... proxy_protocol}, HAProxy {@code accept-proxy})
     * and answers a check without it with an error. As HAProxy does for checks of a
     * {@code send-proxy} server, the header is left out when monitor_address or monitor_port send
     * the check somewhere else than the member's own endpoint, which may not speak PROXY.
     */
    public PoolProtocol checkProtocol() {
        return address().equals(member.endpoint()) ? protocol : PoolProtocol.TCP;
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
