package io.edgelb.agent.pool;

import io.edgelb.agent.balance.Candidate;
import io.edgelb.agent.health.CheckedMember;
import io.edgelb.agent.health.MemberHealth;
import io.edgelb.model.IpLiteral;
import io.edgelb.model.Member;
import io.edgelb.model.OperatingStatus;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A member as it runs: its current settings, health, counters and open connections. One instance
 * lives as long as the member's endpoint (pool, address, port) stays in the configuration, so a
 * reload that only changes the weight keeps health and counters.
 *
 * <p>Threads: settings are replaced by the reconciler (volatile); counters are updated by every
 * event loop; the balancer reads everything without locks.
 *
 * <p>It is the balancers' {@link Candidate} and the health checker's {@link CheckedMember}: the pool
 * depends on balance and health, never the other way round.
 */
public final class MemberRuntime implements Candidate, CheckedMember {
    private volatile Member settings;
    private final InetSocketAddress endpoint;
    private final String hashKey;
    private volatile MemberHealth health;
    private volatile boolean drainedByOperator;
    private volatile boolean removed;

    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();

    public MemberRuntime(Member settings, MemberHealth health) {
        this.settings = settings;
        this.endpoint = new InetSocketAddress(IpLiteral.parse(settings.address()), settings.protocolPort());
        // The endpoint, not the id: two routers with the same pool hash a client to the same member.
        this.hashKey = IpLiteral.forHostPort(endpoint.getAddress()) + ":" + settings.protocolPort();
        this.health = health;
    }

    @Override
    public String id() {
        return settings.id();
    }

    @Override
    public Member settings() {
        return settings;
    }

    /** Applies new settings for the same endpoint (weight, backup, admin state, monitor overrides). */
    public void update(Member newSettings) {
        if (!newSettings.sameEndpoint(settings)) {
            throw new IllegalArgumentException("member " + newSettings.id() + " changed endpoint; make a new runtime");
        }
        this.settings = newSettings;
    }

    @Override
    public InetSocketAddress endpoint() {
        return endpoint;
    }

    /** Stable identity for consistent hashing: {@code address:port}. */
    @Override
    public String hashKey() {
        return hashKey;
    }

    @Override
    public int weight() {
        return settings.weight();
    }

    @Override
    public boolean isBackup() {
        return settings.backup();
    }

    @Override
    public MemberHealth health() {
        return health;
    }

    /** Swaps in new health state when the pool's monitor changed (other rise/fall, or none). */
    public void replaceHealth(MemberHealth newHealth) {
        this.health = newHealth;
    }

    /** True when the balancer may send a new connection here. */
    @Override
    public boolean acceptsNewConnections() {
        Member s = settings;
        return s.enabled() && s.weight() > 0 && !drainedByOperator && !removed && health.isUp();
    }

    public OperatingStatus status() {
        Member s = settings;
        if (!s.enabled()) {
            return OperatingStatus.OFFLINE;
        }
        if (removed || drainedByOperator || s.weight() == 0) {
            return OperatingStatus.DRAINING;
        }
        if (!health.isUp()) {
            return OperatingStatus.ERROR;
        }
        return health.isMonitored() ? OperatingStatus.ONLINE : OperatingStatus.NO_MONITOR;
    }

    /** Operator drain (API): no new connections, open ones continue. */
    public void setDrainedByOperator(boolean drained) {
        this.drainedByOperator = drained;
    }

    public boolean isDrainedByOperator() {
        return drainedByOperator;
    }

    /** The member left the configuration; it only finishes what it has. */
    public void markRemoved() {
        this.removed = true;
    }

    public boolean isRemoved() {
        return removed;
    }

    /** Told to the client connections of a member that began to drain (see {@link #leaving()}). */
    public static final Object LEAVING = new Object() {
        @Override
        public String toString() {
            return "member leaving";
        }
    };

    /**
     * The member began to drain: tells its client connections, on their event loops. A relayed
     * connection ignores it; an HTTP one between requests drops its member connection, so that
     * the drain does not wait for idle keep-alive clients. Any thread.
     */
    public void leaving() {
        for (Channel client : List.copyOf(connections)) {
            client.pipeline().fireUserEventTriggered(LEAVING);
        }
    }

    // --- connection accounting, called by the relay -------------------------------------------

    public void connectionOpened(Channel client) {
        active.incrementAndGet();
        total.incrementAndGet();
        connections.add(client);
    }

    public void connectionClosed(Channel client) {
        if (connections.remove(client)) {
            active.decrementAndGet();
        }
    }

    public void connectFailed(String detail) {
        connectFailures.incrementAndGet();
        health.recordConnectFailure(detail);
    }

    public void retried() {
        retries.incrementAndGet();
    }

    public void addBytesIn(long n) {
        bytesIn.add(n);
    }

    public void addBytesOut(long n) {
        bytesOut.add(n);
    }

    /** The client channels relayed to this member right now (for forced close after a drain timeout). */
    public Set<Channel> connections() {
        return connections;
    }

    @Override
    public int activeConnections() {
        return active.get();
    }

    public long totalConnections() {
        return total.get();
    }

    public long connectFailures() {
        return connectFailures.get();
    }

    public long retries() {
        return retries.get();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    @Override
    public String toString() {
        return settings.id() + " (" + hashKey + ")";
    }
}
