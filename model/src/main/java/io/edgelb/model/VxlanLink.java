package io.edgelb.model;

import java.util.List;

/**
 * A VXLAN tunnel into a tenant overlay: the router becomes a VTEP on VNI {@code vni}, with
 * addresses inside the tenant subnets ({@code ADDRESS/PREFIX}, IPv4 and IPv6 on one VNI) and static neighbour entries ({@code "IP MAC [VTEP]"}) for
 * members: a permanent ARP/ND entry plus, when the VTEP is named (or there is a single remote),
 * the FDB entry that sends that MAC to it.
 */
public record VxlanLink(
        String id,
        int vni,
        String device,
        String local,
        List<String> remotes,
        int port,
        List<String> addresses,
        int mtu,
        List<String> neighbors,
        boolean learning,
        boolean enabled) {

    public static final int DEFAULT_PORT = 4789;
    public static final int DEFAULT_MTU = 1450;
    /** Linux limits interface names to 15 bytes (IFNAMSIZ - 1). */
    public static final int MAX_IFNAME = 15;

    public VxlanLink {
        remotes = List.copyOf(remotes);
        addresses = List.copyOf(addresses);
        neighbors = List.copyOf(neighbors);
    }
}
