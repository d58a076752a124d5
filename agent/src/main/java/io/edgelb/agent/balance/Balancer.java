package io.edgelb.agent.balance;

import java.net.InetSocketAddress;
import java.util.Collection;

/** Chooses the member for each new connection of one pool. Thread-safe: every event loop calls it. */
public interface Balancer<M extends Candidate> {
    /**
     * The member for a new connection from client, never one in exclude (members that already
     * failed for this connection; an empty collection when none did); null when no member can
     * take it.
     *
     * <p>Primary members that accept new connections are the candidates; backup members are
     * candidates only when no primary is.
     */
    M choose(InetSocketAddress client, Collection<M> exclude);
}
