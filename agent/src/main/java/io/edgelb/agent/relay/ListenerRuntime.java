package io.edgelb.agent.relay;

import io.edgelb.model.Listener;
import io.netty.channel.Channel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A relay listener as it runs: its current {@link Route} and its counters. The server socket
 * belongs to {@link RelayServer}; this object outlives socket changes of the same listener id.
 * The counting methods are public for the HTTP proxy ({@code io.edgelb.agent.http}).
 */
public final class ListenerRuntime {
    /**
     * Why a connection was closed without ever reaching a member, for metrics and the API; their
     * sum is Octavia's request_errors. CONNECT_FAILED: every member tried refused or timed out.
     */
    public enum Rejection { CIDR, LIMIT, NO_MEMBER, CONNECT_FAILED }

    /** Told to an HTTP listener's client connections when the listener is removed or the agent stops. */
    public static final Object STOPPING = new Object() {
        @Override
        public String toString() {
            return "listener stopping";
        }
    };

    private volatile Route route;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong rejectedCidr = new AtomicLong();
    private final AtomicLong rejectedLimit = new AtomicLong();
    private final AtomicLong rejectedNoMember = new AtomicLong();
    private final AtomicLong rejectedConnectFailed = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong tlsHandshakeFailures = new AtomicLong();
    private final AtomicLong spliced = new AtomicLong();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final HttpCounters http = new HttpCounters();
    /**
     * An HTTP listener's open client connections: unlike a relayed one, an idle keep-alive client
     * may have no member connection, so no member's accounting would find it to close it.
     */
    private final Set<Channel> httpClients = ConcurrentHashMap.newKeySet();

    public ListenerRuntime(Route route) {
        this.route = route;
    }

    public String id() {
        return route.settings().id();
    }

    public Route route() {
        return route;
    }

    public Listener settings() {
        return route.settings();
    }

    public void setRoute(Route route) {
        this.route = route;
    }

    /** A TERMINATED_HTTPS client's handshake failed (bad version, cipher, certificate, timeout). */
    public void tlsHandshakeFailed() {
        tlsHandshakeFailures.incrementAndGet();
    }

    public long tlsHandshakeFailures() {
        return tlsHandshakeFailures.get();
    }

    /**
     * Takes a connection slot if the limit allows; the caller must {@link #release()} it exactly once.
     * Counted before the member is chosen so a flood cannot overshoot the limit.
     */
    boolean tryAcquire(int limit) {
        while (true) {
            int current = active.get();
            if (limit != Listener.UNLIMITED && current >= limit) {
                return false;
            }
            if (active.compareAndSet(current, current + 1)) {
                total.incrementAndGet();
                return true;
            }
        }
    }

    public void release() {
        active.decrementAndGet();
    }

    public void rejected(Rejection why) {
        switch (why) {
            case CIDR -> rejectedCidr.incrementAndGet();
            case LIMIT -> rejectedLimit.incrementAndGet();
            case NO_MEMBER -> rejectedNoMember.incrementAndGet();
            case CONNECT_FAILED -> rejectedConnectFailed.incrementAndGet();
        }
    }

    public void timedOut() {
        timeouts.incrementAndGet();
    }

    void spliced() {
        spliced.incrementAndGet();
    }

    public void addBytesIn(long n) {
        bytesIn.add(n);
    }

    public void addBytesOut(long n) {
        bytesOut.add(n);
    }

    public int activeConnections() {
        return active.get();
    }

    public long totalConnections() {
        return total.get();
    }

    public long rejectedCount(Rejection why) {
        return switch (why) {
            case CIDR -> rejectedCidr.get();
            case LIMIT -> rejectedLimit.get();
            case NO_MEMBER -> rejectedNoMember.get();
            case CONNECT_FAILED -> rejectedConnectFailed.get();
        };
    }

    /**
     * Connections accepted and closed without reaching a member, plus, on an HTTP listener, requests
     * refused as malformed, too large or too slow (Octavia's request_errors).
     */
    public long requestErrors() {
        return rejectedCidr.get() + rejectedLimit.get() + rejectedNoMember.get() + rejectedConnectFailed.get()
                + http.requestErrors();
    }

    public void httpOpened(Channel client) {
        httpClients.add(client);
    }

    public void httpClosed(Channel client) {
        httpClients.remove(client);
    }

    /**
     * The listener is removed or the agent stops: its HTTP clients finish the exchange in progress
     * and are closed, idle ones at once (HAProxy's soft-stop). Relayed connections are not touched.
     * Any thread: the event reaches each connection on its own event loop.
     */
    public void stopping() {
        for (Channel client : List.copyOf(httpClients)) {
            client.pipeline().fireUserEventTriggered(STOPPING);
        }
    }

    /** The HTTP client connections open now (a copy). */
    public List<Channel> httpClients() {
        return List.copyOf(httpClients);
    }

    /** Requests and responses of an HTTP listener (all zero on a TCP one). */
    public HttpCounters http() {
        return http;
    }

    public long timeouts() {
        return timeouts.get();
    }

    /** Connection directions that moved to splice(2) because they carried bulk data. */
    public long splicedDirections() {
        return spliced.get();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }
}
