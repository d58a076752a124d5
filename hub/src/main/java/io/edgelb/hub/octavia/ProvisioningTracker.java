package io.edgelb.hub.octavia;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Per provider-owned load balancer and router: the revision in which that load balancer's part of
 * the router's state last changed (a part is compared by its fingerprint, the JSON of the objects
 * it puts on the router). A pending object is done when every router applied that revision.
 * Owned by the {@link ProviderStatusBook} (its lock).
 */
final class ProvisioningTracker {
    /** revision: the router's desired revision holding the part; refused: the hub could not send it. */
    record Part(String fingerprint, long revision, String refused) {
    }

    private final Map<String, Map<String, Part>> parts = new HashMap<>();

    /**
     * Records what a poll made of one load balancer's part on one router. desiredRevision: the
     * router's desired revision after the poll; hubRefusal: why the hub kept the router's last
     * good state instead (null when it did not).
     */
    void record(String lb, String router, String fingerprint, long desiredRevision, String hubRefusal) {
        Map<String, Part> byRouter = parts.computeIfAbsent(lb, k -> new HashMap<>());
        Part last = byRouter.get(router);
        if (last == null || !last.fingerprint().equals(fingerprint)) {
            byRouter.put(router, new Part(fingerprint, desiredRevision, hubRefusal));
        } else if (last.refused() != null && hubRefusal == null) {
            byRouter.put(router, new Part(fingerprint, desiredRevision, null));
        }
    }

    Part part(String lb, String router) {
        return parts.getOrDefault(lb, Map.of()).get(router);
    }

    /** Forgets load balancers Octavia no longer lists and routers they no longer name. */
    void retain(Map<String, Set<String>> routersByLb) {
        parts.keySet().retainAll(routersByLb.keySet());
        parts.forEach((lb, byRouter) -> byRouter.keySet().retainAll(routersByLb.get(lb)));
    }
}
