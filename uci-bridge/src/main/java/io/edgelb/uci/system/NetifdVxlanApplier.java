package io.edgelb.uci.system;

import io.edgelb.model.IpLiteral;
import io.edgelb.model.VxlanLink;
import io.edgelb.uci.UciPackage;
import io.edgelb.uci.UciSection;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * VXLAN links the OpenWrt way: sections in {@code /etc/config/network} that netifd turns into links
 * (package {@code vxlan}: proto {@code vxlan}/{@code vxlan6}), then {@code ubus call network reload}.
 * Per link {@code NAME}: {@code config interface 'NAME'} (the tunnel; the kernel device takes its
 * name), {@code config vxlan_peer 'NAME_peerN'} for each further remote VTEP and
 * {@code 'NAME_nbrN'} for each neighbour MAC with its VTEP (static FDB entries), and
 * {@code config interface 'NAME_l3'} (proto static on device NAME) for the overlay address.
 * Permanent ARP/ND entries, which netifd cannot express, follow with {@code ip neigh} once the device
 * exists.
 *
 * <p>The sections it writes carry {@code option edgelb 'NAME'} and are edited through
 * {@link OwnedUciSections}, which never touches any other section; a run that changes nothing
 * reloads nothing. Threads: called from the agent's control thread only.
 */
public final class NetifdVxlanApplier implements VxlanApplier {
    /** The option that marks a section as written by edgelb; its value is the link's name. */
    public static final String MARKER = OwnedUciSections.MARKER;
    static final String PACKAGE = "network";
    private static final long DEVICE_WAIT_MS = 10_000;
    private static final long DEVICE_POLL_MS = 100;

    private final CommandRunner runner;
    private final OwnedUciSections owned;

    /**
     * {@code configDir} is {@code /etc/config} on a router; tests pass a directory of their own.
     * {@code saveDir} is edgelb's own uci delta directory (in its state directory).
     */
    public NetifdVxlanApplier(CommandRunner runner, Path configDir, Path saveDir) {
        this.runner = runner;
        this.owned = new OwnedUciSections(runner, configDir, saveDir, PACKAGE, "rename the vxlan section in /etc/config/edgelb");
    }

    @Override
    public String name() {
        return "netifd";
    }

    @Override
    public void apply(List<VxlanLink> links) throws SystemCommandException {
        if (owned.apply(sections(links))) {
            if (runner.available("ubus")) {
                runner.run(List.of("ubus", "call", "network", "reload"));
            }
        }
        for (VxlanLink link : links) {
            List<VxlanNeighbor> neighbors = VxlanNeighbor.of(link);
            if (!neighbors.isEmpty()) {
                awaitDevice(link.id());
                Iproute2VxlanApplier.applyNeighbors(runner, link.id(), neighbors);
            }
        }
    }

    /** The sections edgelb wants in the network package, in the order they are added. */
    static UciPackage sections(List<VxlanLink> links) {
        UciPackage pkg = new UciPackage();
        for (VxlanLink link : links) {
            String name = link.id();
            boolean v6 = IpLiteral.parse(link.remotes().get(0)) instanceof Inet6Address
                    || (link.local() != null && IpLiteral.parse(link.local()) instanceof Inet6Address);
            UciSection tunnel = pkg.addSection("interface", name);
            tunnel.set("proto", v6 ? "vxlan6" : "vxlan");
            tunnel.set(v6 ? "peer6addr" : "peeraddr", ip(link.remotes().get(0)));
            if (link.local() != null) {
                tunnel.set(v6 ? "ip6addr" : "ipaddr", ip(link.local()));
            }
            if (link.device() != null) {
                tunnel.set("tunlink", link.device());
            }
            tunnel.set("vid", Integer.toString(link.vni()));
            tunnel.set("port", Integer.toString(link.port()));
            tunnel.set("mtu", Integer.toString(link.mtu()));
            tunnel.set("learning", link.learning() ? "1" : "0");
            tunnel.set(MARKER, name);
            for (int i = 1; i < link.remotes().size(); i++) {
                UciSection peer = pkg.addSection("vxlan_peer", name + "_peer" + i);
                peer.set("vxlan", name);
                peer.set("dst", ip(link.remotes().get(i)));
                peer.set(MARKER, name);
            }
            int n = 0;
            for (VxlanNeighbor neighbor : VxlanNeighbor.of(link)) {
                if (neighbor.vtep() == null) {
                    continue;
                }
                UciSection peer = pkg.addSection("vxlan_peer", name + "_nbr" + (++n));
                peer.set("vxlan", name);
                peer.set("lladdr", neighbor.mac());
                peer.set("dst", neighbor.vtep());
                peer.set(MARKER, name);
            }
            if (!link.addresses().isEmpty()) {
                UciSection l3 = pkg.addSection("interface", name + "_l3");
                l3.set("proto", "static");
                l3.set("device", name);
                List<String> ipv4 = new ArrayList<>();
                List<String> ipv6 = new ArrayList<>();
                for (String address : link.addresses()) {
                    String cidr = Iproute2VxlanApplier.normalizedCidr(address);
                    (cidr.contains(":") ? ipv6 : ipv4).add(cidr);
                }
                // One address stays an option, as LuCI writes it; more become a list (proto static takes both).
                addresses(l3, "ipaddr", ipv4);
                addresses(l3, "ip6addr", ipv6);
                l3.set(MARKER, name);
            }
        }
        return pkg;
    }

    private static void addresses(UciSection section, String option, List<String> values) {
        if (values.size() == 1) {
            section.set(option, values.get(0));
        } else if (!values.isEmpty()) {
            values.forEach(value -> section.addListValue(option, value));
        }
    }

    private static String ip(String text) {
        return IpLiteral.format(IpLiteral.parse(text));
    }

    /** netifd creates the device after the reload returns; neighbours need it. Bounded wait. */
    private void awaitDevice(String name) throws SystemCommandException {
        long deadline = System.nanoTime() + DEVICE_WAIT_MS * 1_000_000;
        SystemCommandException last;
        do {
            try {
                runner.run(List.of("ip", "link", "show", "dev", name));
                return;
            } catch (SystemCommandException e) {
                last = e;
            }
            try {
                Thread.sleep(DEVICE_POLL_MS); // netifd works asynchronously; nothing to wait on but the device
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SystemCommandException(List.of("ip", "link", "show", "dev", name), "interrupted");
            }
        } while (System.nanoTime() < deadline);
        throw new SystemCommandException(last.argv(), "netifd did not create " + name + " within "
                + DEVICE_WAIT_MS / 1000 + " s (is the vxlan package installed?): " + last.error());
    }

}
