package io.edgelb.hub.octavia;

import com.eclipsesource.json.JsonObject;
import io.edgelb.model.VrrpInstance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * Octavia's ACTIVE_STANDBY on a router pair: each load balancer of a pair zone becomes one VRRP
 * instance on both routers, its VIP the load balancer's {@code vip_address}. The hub chooses:
 * <ul>
 * <li>the virtual router id, unique among the zone's load balancers: a hash of the id, then the
 *     next free one, older load balancers first, so a new one never takes an existing one's id
 *     (which would flap both);</li>
 * <li>the roles: the zone's first agent is master (priority 150, the other 100) until a
 *     {@code loadbalancer failover} swaps them; with preemption, the new higher priority takes the
 *     VIP at once.</li>
 * </ul>
 * Threads: {@link #failover} runs on an API thread, everything else on the poll thread; the only
 * shared state is the concurrent set of swapped load balancers. It lives as long as the hub: a hub
 * restart puts every pair back to the zone's order.
 */
final class RouterPairs {
    static final int MASTER_PRIORITY = 150;
    static final int BACKUP_PRIORITY = 100;

    private final Set<String> swapped = ConcurrentHashMap.newKeySet();

    /** {@code openstack loadbalancer failover}: the pair swaps roles. */
    void failover(String loadBalancerId) {
        if (!swapped.remove(loadBalancerId)) {
            swapped.add(loadBalancerId);
        }
    }

    /** The agent that should be master of the load balancer's VIP. */
    String master(String loadBalancerId, List<String> agents) {
        return swapped.contains(loadBalancerId) ? agents.get(1) : agents.get(0);
    }

    /** Forgets load balancers that are gone. */
    void retain(Set<String> loadBalancerIds) {
        swapped.retainAll(loadBalancerIds);
    }

    /** Virtual router ids for the load balancers of one zone (ids 1-255; more than 255 get none). */
    static Map<String, Integer> vrids(List<JsonObject> loadBalancers) {
        List<JsonObject> byAge = new ArrayList<>(loadBalancers);
        byAge.sort(Comparator.comparing((JsonObject lb) -> lb.getString("created_at", ""))
                .thenComparing(lb -> lb.getString("id", "")));
        Map<String, Integer> ids = new HashMap<>();
        boolean[] taken = new boolean[256];
        for (JsonObject lb : byAge) {
            String id = lb.getString("id", "");
            CRC32 crc = new CRC32();
            crc.update(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            int start = (int) (crc.getValue() % 255) + 1;
            for (int i = 0; i < 255; i++) {
                int vrid = (start - 1 + i) % 255 + 1;
                if (!taken[vrid]) {
                    taken[vrid] = true;
                    ids.put(id, vrid);
                    break;
                }
            }
        }
        return ids;
    }

    /** The instance one router of the pair runs for a load balancer. */
    VrrpInstance instance(String loadBalancerId, String vipAddress, ZoneAgents.Zone zone, String agent, int vrid) {
        ZoneAgents.RouterPair pair = zone.pair();
        String peer = zone.agents().get(0).equals(agent) ? zone.agents().get(1) : zone.agents().get(0);
        int priority = master(loadBalancerId, zone.agents()).equals(agent) ? MASTER_PRIORITY : BACKUP_PRIORITY;
        return new VrrpInstance(loadBalancerId, true, pair.device(), vrid, priority,
                List.of(vipAddress + "/" + pair.prefix()), List.of(pair.addresses().get(peer)),
                pair.addresses().get(agent), pair.advertIntMs(), 3, null, false, 0, List.of());
    }
}
