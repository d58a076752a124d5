package io.edgelb.hub.octavia;

import java.util.Collection;
import java.util.List;

/**
 * Octavia's operating statuses from the routers' reports, aggregated the way Octavia's own
 * drivers do: a member's worst status over its routers; a pool DEGRADED when some enabled
 * members are down, ERROR when all are; a listener as its default pool; a load balancer DEGRADED
 * when a listener is. Stateless.
 */
final class OperatingStatus {
    static final String ONLINE = "ONLINE";
    static final String OFFLINE = "OFFLINE";
    static final String ERROR = "ERROR";
    static final String DEGRADED = "DEGRADED";
    static final String DRAINING = "DRAINING";
    static final String NO_MONITOR = "NO_MONITOR";

    private OperatingStatus() {
    }

    /**
     * reported: the member's status on each router that reports it (weight 0 and drained already
     * turned into DRAINING); null when no router reports it yet.
     */
    static String member(boolean adminUp, Collection<String> reported) {
        if (!adminUp) {
            return OFFLINE;
        }
        String worst = null;
        for (String status : reported) {
            if (rank(status) > rank(worst)) {
                worst = status;
            }
        }
        return worst == null ? null : worst.equals(DEGRADED) ? ONLINE : worst;
    }

    /** ERROR > DRAINING > ONLINE/NO_MONITOR; a router's OFFLINE (admin down there) ranks lowest. */
    private static int rank(String status) {
        if (status == null) {
            return -1;
        }
        return switch (status) {
            case ERROR -> 3;
            case DRAINING -> 2;
            case ONLINE, NO_MONITOR, DEGRADED -> 1;
            default -> 0;
        };
    }

    /** enabledMembers: the statuses of its admin-up members (null entries: not known yet). */
    static String pool(boolean adminUp, List<String> enabledMembers) {
        if (!adminUp) {
            return OFFLINE;
        }
        long down = enabledMembers.stream().filter(ERROR::equals).count();
        if (down == 0) {
            return ONLINE;
        }
        return down == enabledMembers.size() ? ERROR : DEGRADED;
    }

    /** defaultPool: its default pool's status, null without a pool. */
    static String listener(boolean adminUp, String defaultPool) {
        if (!adminUp) {
            return OFFLINE;
        }
        return defaultPool == null || defaultPool.equals(OFFLINE) ? ONLINE : defaultPool;
    }

    /** allRoutersOffline: it has routers and none reported within the online window. */
    static String loadBalancer(boolean adminUp, boolean allRoutersOffline, List<String> listeners) {
        if (!adminUp) {
            return OFFLINE;
        }
        if (allRoutersOffline) {
            return ERROR;
        }
        return listeners.stream().anyMatch(s -> s.equals(DEGRADED) || s.equals(ERROR)) ? DEGRADED : ONLINE;
    }

    static String healthMonitor(boolean adminUp) {
        return adminUp ? ONLINE : OFFLINE;
    }
}
