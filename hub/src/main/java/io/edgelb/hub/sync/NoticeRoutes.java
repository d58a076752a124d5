package io.edgelb.hub.sync;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which agents can hear a change notice on the PUB socket, and for those that cannot yet, the
 * ROUTER routing id of their last authenticated request, so that the notice reaches them there.
 *
 * <p>Why: under a join or reconnect storm an agent's two CURVE handshakes finish far apart. With
 * 1,000 routers joining at once, when all of them held their state only 304 SUBs had subscribed
 * (bench/fleet.sh); a change made then reached the others only when their subscription landed,
 * 46 s later at p50. The DEALER that fetched the state is the one connection known to work.
 *
 * <p>Threading: the sync thread only. Bounded by the allow-list: the caller passes only agent ids
 * from it (a request's authenticated user id, a subscription topic it checked).
 */
final class NoticeRoutes {
    private final Map<String, byte[]> lastRoute = new HashMap<>();
    private final Set<String> subscribed = new HashSet<>();

    /** An authenticated request of this agent came from this routing id. */
    void heardOn(String agent, byte[] routingId) {
        lastRoute.put(agent, routingId);
    }

    /**
     * The agent's topic was subscribed (XPUB tells every subscription) or lost its last subscriber
     * (XPUB tells only that one). Another enrolled key may subscribe to the topic too: then the
     * agent gets no direct notice while its own SUB is down, as before this class, and still hears
     * of the change from its heartbeat or on its own subscription.
     */
    void subscription(String agent, boolean on) {
        if (on) {
            subscribed.add(agent);
        } else {
            subscribed.remove(agent);
        }
    }

    /** Where to send a notice the PUB socket cannot deliver yet; null when PUB can, or when unknown. */
    byte[] directRoute(String agent) {
        return subscribed.contains(agent) ? null : lastRoute.get(agent);
    }
}
