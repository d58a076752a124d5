package io.edgelb.hub.octavia;

import com.eclipsesource.json.JsonValue;
import io.edgelb.hub.registry.AgentRegistry;

/**
 * Where one provider-owned load balancer's part stands on its routers: applied by all (done),
 * still waiting for some, or failed (a router refused it, is not enrolled, or the hub could not
 * send it). For deletes an unknown router has nothing to drop, so it is not waited for.
 */
record Provisioning(boolean done, String error, long appliedRevision) {

    static Provisioning of(ProviderView.LoadBalancer lb, ProvisioningTracker tracker, AgentRegistry registry,
                           boolean deleting) {
        if (lb.routers().isEmpty()) {
            return deleting ? new Provisioning(true, null, 0) : new Provisioning(false,
                    "no router serves it (no availability zone agents, no edgelb: tag)", 0);
        }
        boolean waiting = false;
        long applied = 0;
        for (String router : lb.routers()) {
            if (!registry.agents().contains(router)) {
                if (deleting) {
                    continue;
                }
                return new Provisioning(false, "agent " + router + " is not enrolled at this hub", applied);
            }
            ProvisioningTracker.Part part = tracker.part(lb.id(), router);
            if (part == null) {
                waiting = true;
                continue;
            }
            if (part.refused() != null) {
                return new Provisioning(false, "not sent to agent " + router + ": " + part.refused(), applied);
            }
            AgentRegistry.Reported report = registry.reported(router);
            long reported = report == null ? 0 : report.status().getLong("applied_revision", 0);
            if (reported >= part.revision()) {
                applied = Math.max(applied, part.revision());
                continue;
            }
            JsonValue error = report == null ? null : report.status().get("last_apply_error");
            if (error != null && error.isString()) {
                return new Provisioning(false, "agent " + router + " refused revision " + part.revision() + ": "
                        + error.asString(), applied);
            }
            waiting = true;
        }
        return new Provisioning(!waiting, null, applied);
    }

    /**
     * The provisioning status to report for an object of the load balancer; null: nothing to say.
     * Only a pending operation is completed: a status sent for an object that is already ACTIVE
     * would race the tenant's next change and could turn its PENDING_DELETE back into ACTIVE.
     */
    String statusFor(ProviderView.Item item, String refusal) {
        String observed = item.provisioning();
        if (!observed.startsWith("PENDING_")) {
            return null;
        }
        boolean deleting = observed.equals("PENDING_DELETE");
        if (refusal != null && !deleting) {
            return "ERROR";
        }
        if (error != null) {
            return "ERROR";
        }
        if (!done) {
            return null;
        }
        return deleting ? "DELETED" : "ACTIVE";
    }
}
