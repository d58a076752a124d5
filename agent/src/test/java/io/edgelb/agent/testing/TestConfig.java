package io.edgelb.agent.testing;

import io.edgelb.model.AgentSettings;
import io.edgelb.model.Config;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.HubSettings;
import io.edgelb.model.Listener;
import io.edgelb.model.Member;
import io.edgelb.model.Pool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Builds Config snapshots in tests without a UCI file: {@code TestConfig.create().listener(...).build()}. */
public final class TestConfig {
    private AgentSettings agent = AgentSettings.defaults();
    private final Map<String, Listener> listeners = new LinkedHashMap<>();
    private final Map<String, Pool> pools = new LinkedHashMap<>();
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final Map<String, HealthMonitor> monitors = new LinkedHashMap<>();

    public static TestConfig create() {
        return new TestConfig();
    }

    public TestConfig agent(UnaryOperator<AgentSettings> change) {
        agent = change.apply(agent);
        return this;
    }

    public TestConfig drainTimeoutMs(long ms) {
        AgentSettings a = agent;
        agent = new AgentSettings(a.enabled(), a.api(), a.apiTokenFile(), a.stateDir(), a.workers(), ms,
                a.shutdownTimeoutMs(), a.logLevel(), a.firewall(), a.network());
        return this;
    }

    public TestConfig listener(Listener listener) {
        listeners.put(listener.id(), listener);
        return this;
    }

    /** A relay listener on 127.0.0.1 with an ephemeral port. */
    public TestConfig listener(String id, String poolId) {
        return listener(Listener.of(id, "127.0.0.1", 0, poolId));
    }

    public TestConfig pool(Pool pool) {
        pools.put(pool.id(), pool);
        return this;
    }

    public TestConfig member(Member member) {
        members.put(member.id(), member);
        return this;
    }

    public TestConfig member(String id, String poolId, TcpBackend backend) {
        return member(Member.of(id, poolId, backend.address(), backend.port()));
    }

    public TestConfig monitor(HealthMonitor monitor) {
        monitors.put(monitor.id(), monitor);
        return this;
    }

    public TestConfig without(String memberId) {
        members.remove(memberId);
        return this;
    }

    public Config build() {
        return new Config(agent, HubSettings.disabled(), listeners, pools, members, monitors, Map.of());
    }
}
