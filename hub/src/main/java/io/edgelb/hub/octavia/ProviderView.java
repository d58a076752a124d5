package io.edgelb.hub.octavia;

import java.util.List;

/**
 * What one poll saw of the load balancers the hub owns (its provider's): each with its routers,
 * the fingerprint of its part of their state, and its objects as Octavia lists them (DELETED ones
 * left out). Plain data handed from the poll to the {@link ProviderStatusBook}.
 */
record ProviderView(List<LoadBalancer> loadBalancers) {
    /** zoneError: why the zone's agents could not be read (then the load balancer is ERROR), or null. */
    record LoadBalancer(String id, boolean adminUp, String provisioning, List<String> routers, String zoneError,
                        String fingerprint, List<Item> items) {
    }

    /**
     * One object. kind: loadbalancer, listener, pool, member, healthmonitor. ref: a member's pool,
     * a listener's default pool (null without). monitored: a pool with a health monitor.
     */
    record Item(String kind, String id, String provisioning, boolean adminUp, String ref, boolean monitored) {
    }
}
