package io.edgelb.agent.reconcile;

import io.edgelb.model.VxlanLink;
import io.edgelb.uci.system.DnatListener;
import io.edgelb.uci.system.SlotTable;
import io.edgelb.uci.system.SystemApplier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What edgelb has programmed into the kernel, copied on the control thread when it changes, so that
 * API threads never read the system applier's mutable tables.
 */
public record SystemView(String vxlanApplier, List<VxlanLink> links, String dnatBackend, List<Dnat> dnat,
                         String lastError, Map<String, Boolean> vrrpHealth) {
    /** One dnat listener: how many of its map's slots each member holds (0 = no new connections). */
    public record Dnat(String listenerId, int slots, boolean snat, Map<String, Integer> shares) {
    }

    /** Control thread. */
    static SystemView of(SystemApplier system) {
        List<Dnat> dnat = new ArrayList<>();
        for (DnatListener listener : system.dnat().listeners()) {
            SlotTable slots = system.dnat().slots(listener.id());
            if (slots != null) {
                dnat.add(new Dnat(listener.id(), slots.size(), listener.snat(),
                        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(slots.shares()))));
            }
        }
        return new SystemView(system.vxlanApplier(), List.copyOf(system.links()), system.dnatBackend(),
                List.copyOf(dnat), system.lastError(), system.vrrp() == null ? Map.of() : system.vrrp().health());
    }
}
