package io.edgelb.agent.balance;

import io.edgelb.model.LbAlgorithm;
import java.util.List;

/** Builds the balancer for a pool's lb_algorithm. */
public final class Balancers {
    private Balancers() {
    }

    /**
     * A balancer over members, which stay fixed for its life; their eligibility (health, drain,
     * weight, admin state) is read at every choice, so only a membership change needs a new one.
     */
    public static <M extends Candidate> Balancer<M> create(LbAlgorithm algorithm, List<M> members) {
        @SuppressWarnings("unchecked") // only ever read as M, and every element is one
        M[] fixed = (M[]) members.toArray(new Candidate[0]);
        switch (algorithm) {
            case ROUND_ROBIN:
                return new RoundRobinBalancer<>(fixed);
            case LEAST_CONNECTIONS:
                return new LeastConnectionsBalancer<>(fixed);
            case SOURCE_IP:
                return new SourceHashBalancer<>(fixed, false);
            case SOURCE_IP_PORT:
                return new SourceHashBalancer<>(fixed, true);
            default:
                throw new IllegalArgumentException("no balancer for lb_algorithm " + algorithm);
        }
    }
}
