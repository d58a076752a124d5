package io.edgelb.agent.balance;

import java.net.InetSocketAddress;
import java.util.Collection;

/**
 * Smooth weighted round robin, nginx's algorithm: each candidate's current weight grows by its
 * weight, the largest wins and gives back the sum of the candidates' weights. Weights 3:1 give
 * A A B A, not A A A B, so a heavy member never takes a long burst.
 *
 * <p>Only the candidates of this choice take part, so a member that is down or excluded keeps
 * its current weight until it is back. The state is a few longs under one lock held for a single
 * pass over the members; round robin is inherently a shared sequence.
 */
final class RoundRobinBalancer<M extends Candidate> implements Balancer<M> {
    private final M[] members;
    private final Object lock = new Object();
    // Guarded by lock; current[i] belongs to members[i].
    private final long[] current;

    RoundRobinBalancer(M[] members) {
        this.members = members;
        this.current = new long[members.length];
    }

    @Override
    public M choose(InetSocketAddress client, Collection<M> exclude) {
        synchronized (lock) {
            int chosen = pick(false, exclude);
            if (chosen < 0) {
                chosen = pick(true, exclude);
            }
            return chosen < 0 ? null : members[chosen];
        }
    }

    /** One nginx round over the tier's candidates; the chosen index, or -1 when there is none. */
    private int pick(boolean backupTier, Collection<M> exclude) {
        long total = 0;
        int best = -1;
        for (int i = 0; i < members.length; i++) {
            int weight = Eligibility.weight(members[i], backupTier, exclude);
            if (weight == 0) {
                continue;
            }
            current[i] += weight;
            total += weight;
            // Strictly greater: on a tie the earlier member wins, as in nginx.
            if (best < 0 || current[i] > current[best]) {
                best = i;
            }
        }
        if (best >= 0) {
            current[best] -= total;
        }
        return best;
    }
}
