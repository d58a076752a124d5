package io.edgelb.hub.octavia;

import com.eclipsesource.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** What the status book needs of one provider-owned load balancer of a poll. Stateless. */
final class OwnedLoadBalancer {
    private OwnedLoadBalancer() {
    }

    /** An owned load balancer as the status book needs it: every object Octavia still lists. */
    static ProviderView.LoadBalancer view(JsonObject lb, List<String> routers, String refusal, String fingerprint,
                                          OctaviaObjects objects) {
        String lbId = lb.getString("id", "");
        List<ProviderView.Item> items = new ArrayList<>();
        items.add(item("loadbalancer", lb, null, false));
        for (JsonObject l : objects.listeners()) {
            if (OctaviaMapper.belongsTo(l, lbId) && present(l)) {
                items.add(item("listener", l, OctaviaMapper.text(l, "default_pool_id"), false));
            }
        }
        for (JsonObject p : objects.pools()) {
            if (!OctaviaMapper.belongsTo(p, lbId) || !present(p)) {
                continue;
            }
            String poolId = p.getString("id", "");
            String hm = OctaviaMapper.text(p, "healthmonitor_id");
            items.add(item("pool", p, null, hm != null));
            for (JsonObject m : objects.membersByPool().getOrDefault(poolId, List.of())) {
                if (present(m)) {
                    items.add(item("member", m, poolId, false));
                }
            }
            for (JsonObject monitor : objects.healthMonitors()) {
                if (monitor.getString("id", "").equals(hm) && present(monitor)) {
                    items.add(item("healthmonitor", monitor, poolId, false));
                }
            }
        }
        return new ProviderView.LoadBalancer(lbId, lb.getBoolean("admin_state_up", true),
                lb.getString("provisioning_status", "ACTIVE"), List.copyOf(routers), refusal,
                fingerprint, List.copyOf(items));
    }

    private static boolean present(JsonObject o) {
        return !"DELETED".equals(o.getString("provisioning_status", ""));
    }

    private static ProviderView.Item item(String kind, JsonObject o, String ref, boolean monitored) {
        return new ProviderView.Item(kind, o.getString("id", ""), o.getString("provisioning_status", "ACTIVE"),
                o.getBoolean("admin_state_up", true), ref, monitored);
    }
}
