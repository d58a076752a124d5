package io.edgelb.agent.pool;

import io.edgelb.agent.balance.Balancer;
import io.edgelb.agent.balance.StickyTable;
import io.edgelb.model.OperatingStatus;
import io.edgelb.model.Pool;
import io.edgelb.model.SessionPersistence;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One pool as it runs: its settings, members, balancer and sticky table. Immutable apart from the
 * members' own state; a reload builds a new PoolRuntime that shares the surviving members.
 */
public final class PoolRuntime {
    private final Pool settings;
    private final List<MemberRuntime> members;
    private final Balancer<MemberRuntime> balancer;
    private final StickyTable<MemberRuntime> sticky;
    private final LongSupplier clockMillis;
    private final MemberTokens tokens;

    public PoolRuntime(Pool settings, List<MemberRuntime> members, Balancer<MemberRuntime> balancer,
                       StickyTable<MemberRuntime> sticky,
                       LongSupplier clockMillis) {
        this.settings = settings;
        this.members = List.copyOf(members);
        this.balancer = balancer;
        this.sticky = settings.persistence() == SessionPersistence.SOURCE_IP ? sticky : null;
        this.clockMillis = clockMillis;
        this.tokens = settings.persistence() == SessionPersistence.HTTP_COOKIE
                ? new MemberTokens(settings.id(), this.members) : null;
    }

    /** HTTP_COOKIE: the cookie that names this pool's member, a token ({@code EDGELB_<pool>}), else null. */
    public String cookieName() {
        return tokens == null ? null : "EDGELB_" + settings.id().replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /** HTTP_COOKIE: the member a cookie value names, or null (unknown, forged or another pool's). */
    public MemberRuntime memberByToken(String token) {
        return tokens == null ? null : tokens.member(token);
    }

    /** HTTP_COOKIE: the cookie value for a member of this pool, or null. */
    public String tokenOf(MemberRuntime member) {
        return tokens == null ? null : tokens.token(member);
    }

    public String id() {
        return settings.id();
    }

    public Pool settings() {
        return settings;
    }

    public List<MemberRuntime> members() {
        return members;
    }

    /** The sticky table, or null when the pool has no session persistence; a reload passes it on. */
    public StickyTable<MemberRuntime> sticky() {
        return sticky;
    }

    /**
     * The member for a new connection: the client's sticky member while it can take connections,
     * else the balancer's choice. Null when no member can take it.
     */
    public MemberRuntime choose(InetSocketAddress client, Collection<MemberRuntime> exclude) {
        if (!settings.enabled()) {
            return null;
        }
        if (sticky == null) {
            return balancer.choose(client, exclude);
        }
        long now = clockMillis.getAsLong();
        MemberRuntime remembered = sticky.lookup(client.getAddress(), now);
        if (remembered != null && remembered.acceptsNewConnections() && !exclude.contains(remembered)) {
            return remembered;
        }
        MemberRuntime chosen = balancer.choose(client, exclude);
        if (chosen != null) {
            sticky.remember(client.getAddress(), chosen, now);
        }
        return chosen;
    }

    /** ONLINE when every primary member serves, DEGRADED when some do, ERROR when none can. */
    public OperatingStatus status() {
        if (!settings.enabled()) {
            return OperatingStatus.OFFLINE;
        }
        int serving = 0;
        int counted = 0;
        for (MemberRuntime member : members) {
            if (member.isBackup() || !member.settings().enabled()) {
                continue;
            }
            counted++;
            if (member.acceptsNewConnections()) {
                serving++;
            }
        }
        boolean backupServing = members.stream().anyMatch(m -> m.isBackup() && m.acceptsNewConnections());
        if (counted == 0) {
            return backupServing ? OperatingStatus.DEGRADED : OperatingStatus.ERROR;
        }
        if (serving == counted) {
            return OperatingStatus.ONLINE;
        }
        return serving > 0 || backupServing ? OperatingStatus.DEGRADED : OperatingStatus.ERROR;
    }
}
