package io.edgelb.hub.octavia;

import java.util.List;

/**
 * What one poll saw of the load balancers the hub owns (its provider's): each with its routers,
 * the fingerprint of its part of their state, and its objects as Octavia lists them (DELETED ones
 * left out). Plain data handed from the poll to the {@link ProviderStatusBook}.
 */
record ProviderView(List<LoadBalancer> loadBalancers) {
    /**
     * refusal: why the hub will not deploy it (its zone's agents could not be read, or it asks for
     * an option edgelb does not serve); its pending objects are then ERROR. Null when none.
     */
    record LoadBalancer(String id, boolean adminUp, String provisioning, List<String> routers, String refusal,
                        String fingerprint, List<Item> items) {
    }

    /**
     * One object. kind: loadbalancer, listener, pool, member, healthmonitor. ref: a member's pool,
     * a listener's default pool (null without). monitored: a pool with a health monitor.
     */
    record Item(String kind, String id, String provisioning, boolean adminUp, String ref, boolean monitored) {
    }
}
