package io.edgelb.model;

/**
 * One backend server of a pool. Weight 0 drains it; a backup member only takes connections when
 * no primary member of its pool can. monitorPort 0 and a null monitorAddress mean "check the
 * member's own address and port".
 */
public record Member(
        String id,
        String poolId,
        String address,
        int protocolPort,
        int weight,
        boolean backup,
        boolean enabled,
        String monitorAddress,
        int monitorPort) {

    public static final int DEFAULT_WEIGHT = 1;
    public static final int MAX_WEIGHT = 256;

    public static Member of(String id, String poolId, String address, int port) {
        return new Member(id, poolId, address, port, DEFAULT_WEIGHT, false, true, null, 0);
    }

    public Member withWeight(int newWeight) {
        return new Member(id, poolId, address, protocolPort, newWeight, backup, enabled, monitorAddress, monitorPort);
    }

    public Member withBackup(boolean newBackup) {
        return new Member(id, poolId, address, protocolPort, weight, newBackup, enabled, monitorAddress, monitorPort);
    }

    public Member withEnabled(boolean newEnabled) {
        return new Member(id, poolId, address, protocolPort, weight, backup, newEnabled, monitorAddress, monitorPort);
    }

    /** True when both describe the same backend endpoint, so runtime state (health, counters) carries over. */
    public boolean sameEndpoint(Member other) {
        return protocolPort == other.protocolPort && address.equals(other.address) && poolId.equals(other.poolId);
    }
}
