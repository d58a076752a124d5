/**
 * Which member of a pool takes a new connection: the balancing algorithms and the sticky table
 * for source-IP session persistence.
 *
 * <p>Threads: one {@link io.edgelb.agent.balance.Balancer} per pool is called by every event loop.
 * It reads member state through {@link io.edgelb.agent.balance.Candidate} ({@code acceptsNewConnections()},
 * {@code weight()}, {@code activeConnections()}) without locks, as the pool's members publish it
 * through volatile fields and atomics; this package never depends on the pool, which composes it. Least connections and the source hashes keep no shared mutable
 * state apart from one atomic tie-break counter; round robin keeps its per-member counters under
 * a lock held for one pass over the members. A reload builds a new balancer around the same
 * member objects, so nothing here needs to survive a reload.
 */
package io.edgelb.agent.balance;
