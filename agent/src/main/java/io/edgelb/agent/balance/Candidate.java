package io.edgelb.agent.balance;

/**
 * What a balancer reads of a member: the few facts a choice depends on. The pool's members
 * implement it, so this package never depends on the pool.
 *
 * <p>Every method is called by every event loop without locks, so each must be a cheap read of
 * state published safely (volatile fields, atomics). Equality must be identity: balancers compare
 * candidates with the exclude collection.
 */
public interface Candidate {
    /** The configured weight; 0 or less never takes a new connection. */
    int weight();

    /** True for a backup member, a candidate only when no primary is. */
    boolean isBackup();

    /** True when the member may take a new connection (enabled, up, not draining, weight above 0). */
    boolean acceptsNewConnections();

    /** Connections open to the member now, for least connections. */
    int activeConnections();

    /** Stable identity for consistent hashing, the same on every router: {@code address:port}. */
    String hashKey();
}
