package io.edgelb.uci.system;

import io.edgelb.model.Config;
import io.edgelb.model.IpLiteral;
import io.edgelb.model.Kind;
import io.edgelb.model.Problem;
import io.edgelb.model.Vip;
import io.edgelb.model.VrrpInstance;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The VRRP checks that need the router itself, run by {@code edgelb check} and at every load:
 * keepalived must be installed, and each VIP must lie in a subnet the device already has (keepalived
 * adds the VIP, but the pair's adverts and the clients' ARP need the subnet). A device that does
 * not exist (yet: netifd may create it after the agent starts) is a warning.
 */
public final class VrrpHostCheck implements Function<Config, List<Problem>> {
    private final CommandRunner runner;
    private final Function<String, List<InterfaceAddress>> addressesOf;

    public VrrpHostCheck(CommandRunner runner) {
        this(runner, VrrpHostCheck::systemAddresses);
    }

    /** {@code addressesOf} returns a device's addresses, null when there is no such device. */
    VrrpHostCheck(CommandRunner runner, Function<String, List<InterfaceAddress>> addressesOf) {
        this.runner = runner;
        this.addressesOf = addressesOf;
    }

    @Override
    public List<Problem> apply(Config config) {
        List<Problem> problems = new ArrayList<>();
        boolean keepalived = runner.available("keepalived") || runner.available("/usr/sbin/keepalived");
        for (VrrpInstance vrrp : config.vrrps().values()) {
            if (!vrrp.enabled() || vrrp.device() == null) {
                continue;
            }
            if (!keepalived) {
                problems.add(Problem.error(Kind.VRRP, vrrp.id(), null, "keepalived is not installed"
                        + " (OpenWrt: opkg install keepalived; Debian: apt install keepalived)"));
            }
            for (Vip vip : vrrp.parsedVips()) {
                String device = vip.device() == null ? vrrp.device() : vip.device();
                List<InterfaceAddress> addresses = addressesOf.apply(device);
                if (addresses == null) {
                    problems.add(Problem.warning(Kind.VRRP, vrrp.id(), vip.device() == null ? "device" : "vip",
                            "device " + device + " does not exist (yet); keepalived holds the VIPs once it does"));
                } else if (!inSubnetOf(vip.address(), own(addresses, vrrp))) {
                    problems.add(Problem.error(Kind.VRRP, vrrp.id(), "vip", "vip " + vip.keepalivedText()
                            + " is not in a subnet of " + device + " (" + describe(own(addresses, vrrp), vip.address())
                            + "); a VIP must be in the device's own network, or clients and the peer router cannot"
                            + " reach it"));
                }
            }
        }
        return problems;
    }

    /** The device's own addresses: the instance's VIPs, held now on the master, prove nothing. */
    private static List<InterfaceAddress> own(List<InterfaceAddress> addresses, VrrpInstance vrrp) {
        List<InetAddress> vips = vrrp.vipAddresses();
        return addresses.stream().filter(a -> !vips.contains(a.getAddress())).toList();
    }

    private static boolean inSubnetOf(InetAddress vip, List<InterfaceAddress> addresses) {
        for (InterfaceAddress a : addresses) {
            if (a.getAddress().getClass() == vip.getClass() && !a.getAddress().isLinkLocalAddress()
                    && samePrefix(a.getAddress().getAddress(), vip.getAddress(), a.getNetworkPrefixLength())) {
                return true;
            }
        }
        return false;
    }

    private static boolean samePrefix(byte[] a, byte[] b, int prefix) {
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static String describe(List<InterfaceAddress> addresses, InetAddress vip) {
        List<String> own = new ArrayList<>();
        for (InterfaceAddress a : addresses) {
            if (a.getAddress().getClass() == vip.getClass() && !a.getAddress().isLinkLocalAddress()) {
                own.add(IpLiteral.format(a.getAddress()) + "/" + a.getNetworkPrefixLength());
            }
        }
        return own.isEmpty() ? "it has no " + (vip instanceof Inet6Address ? "IPv6" : "IPv4") + " address"
                : "it has " + String.join(", ", own);
    }

    private static List<InterfaceAddress> systemAddresses(String device) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(device);
            return nic == null ? null : List.copyOf(nic.getInterfaceAddresses());
        } catch (SocketException e) {
            return null;
        }
    }
}
