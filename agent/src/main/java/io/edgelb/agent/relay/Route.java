package io.edgelb.agent.relay;

import io.edgelb.agent.http.l7.L7Table;
import io.edgelb.agent.pool.PoolRuntime;
import io.edgelb.agent.tls.ListenerTls;
import io.edgelb.model.Cidr;
import io.edgelb.model.Listener;
import java.net.InetAddress;
import java.util.List;

/**
 * Where a listener's new connections go and under which rules: its settings, its pool and its
 * parsed allowed CIDRs, swapped as one value on reload so a connection never sees half of each.
 * pool is null when the listener has none (connections are refused); l7 holds its L7 policies;
 * tls is the TERMINATED_HTTPS listener's TLS, built for this configuration, null on others.
 */
public record Route(Listener settings, PoolRuntime pool, List<Cidr> allowedCidrs, L7Table l7, ListenerTls tls) {

    public Route {
        allowedCidrs = List.copyOf(allowedCidrs);
    }

    public static Route of(Listener settings, PoolRuntime pool) {
        return of(settings, pool, L7Table.NONE, null);
    }

    /** With the L7 policies of an HTTP listener and, for TERMINATED_HTTPS, its TLS (else null). */
    public static Route of(Listener settings, PoolRuntime pool, L7Table l7, ListenerTls tls) {
        return new Route(settings, pool, settings.allowedCidrs().stream().map(Cidr::parse).toList(), l7, tls);
    }

    /** True when allowed_cidrs is empty (everyone) or contains the client. */
    public boolean allows(InetAddress client) {
        if (allowedCidrs.isEmpty()) {
            return true;
        }
        for (Cidr cidr : allowedCidrs) {
            if (cidr.contains(client)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Inactivity limit in ms, 0 for none. In TCP every byte read on one side is written to the
     * other, so the client and member data timeouts measure the same silence; the shorter wins.
     */
    public long idleTimeoutMs() {
        long client = settings.timeoutClientDataMs();
        long member = settings.timeoutMemberDataMs();
        if (client == 0) {
            return member;
        }
        return member == 0 ? client : Math.min(client, member);
    }
}
