package io.edgelb.model;

/** A member's reported state, as Octavia names it. Reported, never configured. */
public enum OperatingStatus {
    /** Passing its health checks and taking new connections. */
    ONLINE,
    /** Some members of a pool are down (pools and listeners only). */
    DEGRADED,
    /** Failing its health checks, or ejected after failed connects. */
    ERROR,
    /** Weight 0, drained by an operator, or removed: no new connections. */
    DRAINING,
    /** Taking connections; the pool has no health monitor. */
    NO_MONITOR,
    /** admin_state_up is false. */
    OFFLINE
}
