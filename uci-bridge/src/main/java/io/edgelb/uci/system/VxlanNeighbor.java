package io.edgelb.uci.system;

import io.edgelb.model.IpLiteral;
import io.edgelb.model.VxlanLink;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code neighbor 'IP MAC [VTEP]'} entry of a link: a permanent ARP/ND entry, and the VTEP whose FDB
 * entry carries that MAC (the one named, else the only remote; null with several remotes and none
 * named, when frames to the MAC are flooded to every remote).
 */
record VxlanNeighbor(String ip, String mac, String vtep) {
    static final String FLOOD_MAC = "00:00:00:00:00:00";

    static List<VxlanNeighbor> of(VxlanLink link) {
        List<VxlanNeighbor> result = new ArrayList<>();
        for (String entry : link.neighbors()) {
            String[] parts = entry.trim().split("\\s+");
            String vtep = parts.length > 2 ? IpLiteral.format(IpLiteral.parse(parts[2]))
                    : link.remotes().size() == 1 ? IpLiteral.format(IpLiteral.parse(link.remotes().get(0))) : null;
            result.add(new VxlanNeighbor(IpLiteral.format(IpLiteral.parse(parts[0])), parts[1].toLowerCase(Locale.ROOT),
                    vtep));
        }
        return result;
    }

    /** Every FDB entry of a link as "MAC DST": the flood entry per remote, then one per neighbour with a VTEP. */
    static List<String> fdbEntries(VxlanLink link) {
        List<String> entries = new ArrayList<>();
        for (String remote : link.remotes()) {
            entries.add(FLOOD_MAC + " " + IpLiteral.format(IpLiteral.parse(remote)));
        }
        for (VxlanNeighbor n : of(link)) {
            if (n.vtep() != null) {
                entries.add(n.mac() + " " + n.vtep());
            }
        }
        return entries;
    }
}
