package io.edgelb.model;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One virtual router (RFC 5798) that this router and its peers run through keepalived: the VIPs on
 * {@code device} (a kernel device), held by whichever router is master. Listeners on a VIP follow
 * it: they listen before the VIP arrives, and their pools' health decides whether this router may
 * hold it. {@code listeners} names them; empty means every listener whose address is one of the VIPs.
 * The advertisement interval is in milliseconds (VRRPv3 counts centiseconds, VRRPv2 whole seconds).
 */
public record VrrpInstance(
        String id,
        boolean enabled,
        String device,
        int virtualRouterId,
        int priority,
        List<String> vips,
        List<String> unicastPeers,
        String unicastSrcIp,
        long advertIntMs,
        int version,
        String authPass,
        boolean nopreempt,
        long preemptDelayMs,
        List<String> listeners) {

    public static final int DEFAULT_PRIORITY = 100;
    public static final long DEFAULT_ADVERT_INT_MS = 1_000;
    /** VRRPv3: IPv6, centisecond intervals; both routers of a pair are edgelb, so no v2 peer to suit. */
    public static final int DEFAULT_VERSION = 3;

    public VrrpInstance {
        vips = List.copyOf(vips);
        unicastPeers = List.copyOf(unicastPeers);
        listeners = List.copyOf(listeners);
    }

    /** The VIP's address, or null when it does not parse (reported by the validator). */
    public static InetAddress vipAddress(String vip) {
        Vip parsed = Vip.parse(vip);
        return parsed == null ? null : parsed.address();
    }

    /** The VIPs that parse, in order. */
    public List<Vip> parsedVips() {
        List<Vip> result = new ArrayList<>();
        for (String vip : vips) {
            Vip parsed = Vip.parse(vip);
            if (parsed != null) {
                result.add(parsed);
            }
        }
        return result;
    }

    /** The addresses of the VIPs that parse, in order. */
    public List<InetAddress> vipAddresses() {
        return parsedVips().stream().map(Vip::address).toList();
    }

    /** The addresses of the VIPs on the instance's own device (no {@code dev}): their presence means master. */
    public List<InetAddress> ownDeviceVips() {
        return parsedVips().stream().filter(v -> v.device() == null).map(Vip::address).toList();
    }

    /** True when a listener on {@code address} is on one of this instance's VIPs. */
    public boolean holds(String address) {
        InetAddress parsed = IpLiteral.tryParse(address);
        return parsed != null && vipAddresses().contains(parsed);
    }

    /**
     * The listeners that follow this VIP in {@code config}: the named ones, or every listener on one
     * of the VIPs.
     */
    public List<Listener> followers(Config config) {
        List<Listener> result = new ArrayList<>();
        for (Listener listener : config.listeners().values()) {
            if (listeners.isEmpty() ? holds(listener.address()) : listeners.contains(listener.id())) {
                result.add(listener);
            }
        }
        return result;
    }
}
