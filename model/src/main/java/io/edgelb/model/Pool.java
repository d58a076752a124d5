package io.edgelb.model;

/** A set of members that serve a listener, how to choose among them and how to check them. */
public record Pool(
        String id,
        LbAlgorithm algorithm,
        PoolProtocol protocol,
        SessionPersistence persistence,
        long persistenceTimeoutMs,
        String healthMonitorId,
        boolean enabled) {

    public static final long DEFAULT_PERSISTENCE_TIMEOUT_MS = 360_000;

    public static Pool of(String id, LbAlgorithm algorithm) {
        return new Pool(id, algorithm, PoolProtocol.TCP, SessionPersistence.NONE, DEFAULT_PERSISTENCE_TIMEOUT_MS,
                null, true);
    }

    public Pool withHealthMonitor(String monitorId) {
        return new Pool(id, algorithm, protocol, persistence, persistenceTimeoutMs, monitorId, enabled);
    }

    public Pool withPersistence(SessionPersistence newPersistence) {
        return new Pool(id, algorithm, protocol, newPersistence, persistenceTimeoutMs, healthMonitorId, enabled);
    }

    public Pool withProtocol(PoolProtocol newProtocol) {
        return new Pool(id, algorithm, newProtocol, persistence, persistenceTimeoutMs, healthMonitorId, enabled);
    }
}
