package io.edgelb.model;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rules for {@code config vrrp} sections that need only the file: ranges, addresses, the
 * listeners that follow each VIP, and clashes between instances. Checks against the running system
 * (the device's subnets, keepalived installed) are the agent's ({@code VrrpHostCheck}).
 *
 * <p>Every value ends up in a keepalived configuration, and OpenWrt's keepalived init script copies
 * UCI values into keepalived.conf without escaping: what is accepted here cannot open a block, quote,
 * comment or a second word there.
 */
final class VrrpRules {
    /** A kernel device name as keepalived and {@code ip link} take it. */
    static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    /** VRRPv2 simple-text passwords are 8 bytes; keepalived's config grammar reserves {@code "{}#!} and blanks. */
    static final Pattern AUTH_PASS = Pattern.compile("[A-Za-z0-9_.,:;@%+=/*^~()\\[\\]-]{1,8}");
    static final long MAX_PREEMPT_DELAY_MS = 1_000_000;
    static final Pattern SCRIPT_PATH = Pattern.compile("/[A-Za-z0-9_./-]*");

    private final List<Problem> problems;
    private final Config config;

    private VrrpRules(List<Problem> problems, Config config) {
        this.problems = problems;
        this.config = config;
    }

    static void check(Config config, List<Problem> problems) {
        VrrpRules rules = new VrrpRules(problems, config);
        config.vrrps().values().forEach(rules::checkInstance);
        rules.checkClashes();
        String stateDir = config.agent().stateDir();
        if (!config.vrrps().isEmpty() && !SCRIPT_PATH.matcher(stateDir).matches()) {
            problems.add(Problem.error(Kind.AGENT, "main", "state_dir", "state_dir '" + stateDir + "' goes into"
                    + " keepalived's check command: with vrrp sections it may hold only letters, digits and _.-/"));
        }
    }

    private void checkInstance(VrrpInstance v) {
        if (v.device() == null) {
            error(v, "device", "has no device (the kernel device the VIPs live on, e.g. br-lan or eth1)");
        } else if (!DEVICE.matcher(v.device()).matches()) {
            error(v, "device", "device '" + v.device() + "' is not a kernel device name (letters, digits, '_', '.', '-'; 1-15)");
        }
        if (v.virtualRouterId() < 1 || v.virtualRouterId() > 255) {
            error(v, "virtual_router_id", "virtual_router_id " + v.virtualRouterId() + " is out of range 1-255");
        }
        if (v.priority() == 0) {
            error(v, "priority", "priority 0 is what a master sends when it gives up the VIP; use 1-254");
        } else if (v.priority() == 255) {
            error(v, "priority", "priority 255 is reserved for the router that owns the VIP as its own address;"
                    + " edgelb's VIPs float, use 1-254 (the higher, the more it is preferred as master)");
        } else if (v.priority() < 1 || v.priority() > 255) {
            error(v, "priority", "priority " + v.priority() + " is out of range 1-254");
        }
        checkTiming(v);
        Class<?> family = checkVips(v);
        checkPeers(v, family);
        if (v.authPass() != null) {
            if (v.version() == 3) {
                error(v, "auth_pass", "VRRP version 3 has no authentication (RFC 5798); remove auth_pass or set version 2");
            } else if (!AUTH_PASS.matcher(v.authPass()).matches()) {
                error(v, "auth_pass", "auth_pass must be 1-8 characters: letters, digits or _.,:;@%+=/*^~()[]-");
            }
        }
        checkFollowers(v);
    }

    private void checkTiming(VrrpInstance v) {
        long ms = v.advertIntMs();
        if (v.version() != 2 && v.version() != 3) {
            error(v, "version", "version " + v.version() + " is not a VRRP version (2 or 3)");
        } else if (v.version() == 2 && (ms % 1000 != 0 || ms < 1000 || ms > 255_000)) {
            error(v, "advert_int", "advert_int " + seconds(ms) + " is not whole seconds 1-255, which VRRP version 2 needs"
                    + " (version 3 takes 0.01-40.95)");
        } else if (v.version() == 3 && (ms % 10 != 0 || ms < 10 || ms > 40_950)) {
            error(v, "advert_int", "advert_int " + seconds(ms) + " is out of range 0.01-40.95 seconds in steps of 0.01");
        }
        if (v.preemptDelayMs() < 0 || v.preemptDelayMs() > MAX_PREEMPT_DELAY_MS || v.preemptDelayMs() % 1000 != 0) {
            error(v, "preempt_delay", "preempt_delay " + seconds(v.preemptDelayMs()) + " is not whole seconds 0-1000");
        } else if (v.nopreempt() && v.preemptDelayMs() > 0) {
            warn(v, "preempt_delay", "preempt_delay is ignored with nopreempt");
        }
    }

    /** Returns the address family of the first VIP (the one VRRP advertises), or null. */
    private Class<?> checkVips(VrrpInstance v) {
        if (v.vips().isEmpty()) {
            error(v, "vip", "has no VIP (list vip '203.0.113.10/24')");
            return null;
        }
        if (!v.vips().isEmpty() && Vip.parse(v.vips().get(0)) != null && Vip.parse(v.vips().get(0)).device() != null) {
            error(v, "vip", "the first vip must be on the section's device (no dev): VRRP advertises it there");
        }
        Class<?> family = null;
        java.util.Set<InetAddress> seen = new java.util.HashSet<>();
        for (String vip : v.vips()) {
            Vip parsed = Vip.parse(vip);
            if (parsed == null) {
                error(v, "vip", "vip '" + vip + "' is not ADDRESS[/PREFIX] [dev DEVICE] (DEVICE: 1-" + Vip.MAX_DEVICE
                        + " letters, digits, '_', '.', '-')");
                continue;
            }
            InetAddress address = parsed.address();
            if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isMulticastAddress()
                    || address.isLinkLocalAddress()) {
                error(v, "vip", "vip " + vip + " is not an address a router can share (wildcard, loopback,"
                        + " multicast or link-local)");
            } else if (!seen.add(address)) {
                error(v, "vip", "vip " + IpLiteral.format(address) + " is listed twice");
            }
            if (family == null) {
                family = address.getClass();
            }
        }
        return family;
    }

    private void checkPeers(VrrpInstance v, Class<?> family) {
        String familyName = family == Inet6Address.class ? "IPv6" : "IPv4";
        for (String peer : v.unicastPeers()) {
            InetAddress address = IpLiteral.tryParse(peer);
            if (address == null) {
                error(v, "unicast_peer", "unicast_peer '" + peer + "' is not an IP address");
            } else if (family != null && address.getClass() != family) {
                error(v, "unicast_peer", "unicast_peer " + peer + " is not " + familyName + ", the family of the"
                        + " first VIP: VRRP advertises over the first VIP's family (put a VIP of that family first)");
            } else if (v.holds(peer)) {
                error(v, "unicast_peer", "unicast_peer " + peer + " is one of the VIPs; name the peer router's own address");
            }
        }
        if (v.unicastSrcIp() != null) {
            InetAddress address = IpLiteral.tryParse(v.unicastSrcIp());
            if (address == null) {
                error(v, "unicast_src_ip", "unicast_src_ip '" + v.unicastSrcIp() + "' is not an IP address");
            } else if (family != null && address.getClass() != family) {
                error(v, "unicast_src_ip", "unicast_src_ip " + v.unicastSrcIp() + " is not " + familyName
                        + ", the family of the first VIP");
            } else if (v.unicastPeers().isEmpty()) {
                warn(v, "unicast_src_ip", "unicast_src_ip is only used with unicast_peer");
            }
        }
    }

    private void checkFollowers(VrrpInstance v) {
        for (String id : v.listeners()) {
            Listener listener = config.listeners().get(id);
            if (listener == null) {
                error(v, "listener", "listener '" + id + "' does not exist");
            } else if (!v.holds(listener.address())) {
                error(v, "listener", "listener '" + id + "' listens on " + listener.address()
                        + ", which is not a VIP of this section: it cannot follow the VIP (set its address to one"
                        + " of the VIPs)");
            }
        }
        if (v.enabled() && v.followers(config).isEmpty()) {
            warn(v, "listener", "no listener is on its VIPs: the VIP moves, but nothing here serves it"
                    + " (and nothing ties it to a pool's health)");
        }
    }

    /** One VIP in one instance; one (device, id, family) per router; a listener follows one VIP only. */
    private void checkClashes() {
        Map<InetAddress, String> vipOwner = new HashMap<>();
        Map<String, String> routerIds = new HashMap<>();
        Map<String, String> follows = new HashMap<>();
        for (VrrpInstance v : config.vrrps().values()) {
            if (!v.enabled()) {
                continue;
            }
            List<InetAddress> vips = v.vipAddresses();
            for (InetAddress vip : vips) {
                String first = vipOwner.putIfAbsent(vip, v.id());
                if (first != null && !first.equals(v.id())) {
                    error(v, "vip", "vip " + IpLiteral.format(vip) + " is already a VIP of vrrp '" + first + "'");
                }
            }
            String family = vips.isEmpty() || vips.get(0) instanceof Inet6Address ? "IPv6" : "IPv4";
            String key = v.device() + "/" + v.virtualRouterId() + "/" + family;
            String first = routerIds.putIfAbsent(key, v.id());
            if (first != null) {
                error(v, "virtual_router_id", "virtual_router_id " + v.virtualRouterId() + " on " + v.device()
                        + " (" + family + ") is already used by vrrp '" + first + "'; each virtual router needs its own");
            }
            for (Listener listener : v.followers(config)) {
                String other = follows.putIfAbsent(listener.id(), v.id());
                if (other != null) {
                    error(v, "listener", "listener '" + listener.id() + "' already follows vrrp '" + other + "'");
                }
            }
        }
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? Long.toString(ms / 1000) : Double.toString(ms / 1000.0);
    }

    private void error(VrrpInstance v, String field, String message) {
        problems.add(Problem.error(Kind.VRRP, v.id(), field, message));
    }

    private void warn(VrrpInstance v, String field, String message) {
        problems.add(Problem.warning(Kind.VRRP, v.id(), field, message));
    }
}
