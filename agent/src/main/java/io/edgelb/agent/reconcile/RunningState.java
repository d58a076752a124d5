package io.edgelb.agent.reconcile;

import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.agent.pool.PoolRuntime;
import io.edgelb.agent.relay.ListenerRuntime;
import io.edgelb.model.Config;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * What runs, as one immutable value: the control thread publishes a new one through a single volatile
 * field whenever it changes something, and the API (any event loop) reads only this. The runtimes it
 * names are shared with the data plane; their counters and health are atomic or volatile.
 *
 * @param bound  the address each listening relay listener's socket really has
 * @param system the kernel state, or null when this agent runs no system commands
 */
public record RunningState(Config config, Map<String, ListenerRuntime> listeners, Map<String, PoolRuntime> pools,
                           List<MemberRuntime> leaving, Map<String, InetSocketAddress> bound, SystemView system) {
    static final RunningState EMPTY = new RunningState(Config.empty(), Map.of(), Map.of(), List.of(), Map.of(), null);

    public boolean isListening(String listenerId) {
        return bound.containsKey(listenerId);
    }
}
