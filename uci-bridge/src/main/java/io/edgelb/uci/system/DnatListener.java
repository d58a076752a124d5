package io.edgelb.uci.system;

import io.edgelb.model.Cidr;
import io.edgelb.model.Config;
import io.edgelb.model.IpLiteral;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Listener;
import io.edgelb.model.ListenerMode;
import io.edgelb.model.Member;
import io.edgelb.model.Pool;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code mode dnat} listener as the kernel programs it: the address and port clients connect to,
 * how to spread them (round robin or a source hash), whether to masquerade towards the members, and
 * every member that could take connections. Which of them may right now is decided elsewhere (health).
 */
public record DnatListener(
        String id,
        InetAddress address,
        int port,
        LbAlgorithm algorithm,
        boolean snat,
        List<Cidr> allowedCidrs,
        List<DnatMember> members) {

    public DnatListener {
        allowedCidrs = List.copyOf(allowedCidrs);
        members = List.copyOf(members);
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /**
     * The enabled dnat listeners of a validated snapshot, with the enabled members of their enabled
     * pool; a listener without a usable pool gets no members (its connections are not translated).
     */
    public static List<DnatListener> of(Config config) {
        List<DnatListener> result = new ArrayList<>();
        for (Listener l : config.listeners().values()) {
            if (!l.enabled() || l.mode() != ListenerMode.DNAT) {
                continue;
            }
            Pool pool = l.poolId() == null ? null : config.pools().get(l.poolId());
            List<DnatMember> members = new ArrayList<>();
            if (pool != null && pool.enabled()) {
                for (Member m : config.membersOf(pool.id())) {
                    if (m.enabled()) {
                        members.add(new DnatMember(m.id(), IpLiteral.parse(m.address()), m.protocolPort(), m.weight(),
                                m.backup()));
                    }
                }
            }
            List<Cidr> cidrs = l.allowedCidrs().stream().map(Cidr::parse).toList();
            result.add(new DnatListener(l.id(), IpLiteral.parse(l.address()), l.port(),
                    pool == null ? LbAlgorithm.ROUND_ROBIN : pool.algorithm(), l.snat(), cidrs, members));
        }
        return result;
    }
}
