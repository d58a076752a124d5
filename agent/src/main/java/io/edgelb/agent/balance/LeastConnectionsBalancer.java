package io.edgelb.agent.balance;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Weighted least connections: the candidate with the fewest active connections per unit of
 * weight, so a member of weight 2 carries twice the connections of one of weight 1.
 *
 * <p>Ratios are compared by cross-multiplying ({@code a1 * w2 < a2 * w1} in longs): exact, and no
 * floating point on the connection path. Equal members take turns through a shared ticket, so an
 * idle pool, or one whose connections are all short, still spreads evenly instead of sending
 * everything to the first member in the list.
 *
 * <p>Lock-free: active counts are atomics in {@link Candidate}; the only shared write is the
 * ticket increment, and only when there is a tie. Counts read by concurrent choices may be a
 * moment stale, which costs at most a little balance, never correctness.
 */
final class LeastConnectionsBalancer<M extends Candidate> implements Balancer<M> {
    private final M[] members;
    private final AtomicInteger ticket = new AtomicInteger();

    LeastConnectionsBalancer(M[] members) {
        this.members = members;
    }

    @Override
    public M choose(InetSocketAddress client, Collection<M> exclude) {
        M chosen = pick(false, exclude);
        return chosen != null ? chosen : pick(true, exclude);
    }

    private M pick(boolean backupTier, Collection<M> exclude) {
        M best = null;
        long bestActive = 0;
        long bestWeight = 1;
        int ties = 0;
        // The tied members of this pass, as bits of their index (pools of up to 64 members): the
        // tie is broken among what this pass saw, not among counts that moved since.
        long tiedMask = 0;
        for (int i = 0; i < members.length; i++) {
            M member = members[i];
            int weight = Eligibility.weight(member, backupTier, exclude);
            if (weight == 0) {
                continue;
            }
            long active = member.activeConnections();
            long difference = best == null ? -1 : active * bestWeight - bestActive * weight;
            if (difference < 0) {
                best = member;
                bestActive = active;
                bestWeight = weight;
                ties = 1;
                tiedMask = bit(i);
            } else if (difference == 0) {
                ties++;
                tiedMask |= bit(i);
            }
        }
        if (ties <= 1) {
            return best;
        }
        int n = Math.floorMod(ticket.getAndIncrement(), ties);
        if (members.length <= Long.SIZE) {
            for (int skip = 0; skip < n; skip++) {
                tiedMask &= tiedMask - 1; // drop the lowest tied member
            }
            return members[Long.numberOfTrailingZeros(tiedMask)];
        }
        return nthTie(n, bestActive, bestWeight, backupTier, exclude, best);
    }

    private static long bit(int index) {
        return index < Long.SIZE ? 1L << index : 0;
    }

    /**
     * For pools of more than 64 members: the n-th candidate (0-based) with the best ratio, found
     * in a second pass. Counts may have moved since the first pass; then fewer ties remain and
     * the first pass's winner is still a good answer.
     */
    private M nthTie(int n, long bestActive, long bestWeight, boolean backupTier,
            Collection<M> exclude, M fallback) {
        int seen = 0;
        for (M member : members) {
            int weight = Eligibility.weight(member, backupTier, exclude);
            if (weight != 0 && member.activeConnections() * bestWeight == bestActive * weight && seen++ == n) {
                return member;
            }
        }
        return fallback;
    }
}
