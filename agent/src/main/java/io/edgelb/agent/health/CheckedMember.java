package io.edgelb.agent.health;

import io.edgelb.model.Member;
import java.net.InetSocketAddress;

/**
 * What the health checker needs of a member: where it is, its current settings (for
 * monitor_address and monitor_port) and the {@link MemberHealth} that takes each result. The
 * pool's members implement it, so this package never depends on the pool.
 *
 * <p>Equality must be identity: {@link HealthCheckService} keys its schedules by the member object.
 */
public interface CheckedMember {
    String id();

    /** The member's own address and port; fixed for the object's life. */
    InetSocketAddress endpoint();

    /** The current settings; read at every check, so a reload of the overrides takes effect. */
    Member settings();

    /** Where check results go. */
    MemberHealth health();
}
