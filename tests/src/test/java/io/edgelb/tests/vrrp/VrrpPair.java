package io.edgelb.tests.vrrp;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonValue;
import io.edgelb.tests.netns.Netns;
import io.edgelb.uci.system.ProcessCommandRunner;
import io.edgelb.uci.system.SystemCommandException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * Two routers that share a VIP with VRRP, in network namespaces, documentation addresses only:
 * <pre>
 *             client 198.51.100.10/24, 2001:db8:1::10/64
 *                          │
 *   underlay ──────── br0 (namespace "ul") ───────────  VIP 198.51.100.100/24, 2001:db8:1::100/64
 *                  pa │                │ pb
 *      router a  eth1 198.51.100.1     eth1 198.51.100.2   router b
 *                     2001:db8:1::1    2001:db8:1::2
 *                eth2 203.0.113.1      eth2 203.0.113.2
 *                  pa │                │ pb
 *   members ───────── br0 (namespace "mb") ───────────
 *                  p1 │                │ p2
 *              m1 203.0.113.11      m2 203.0.113.12
 * </pre>
 * Both bridges live in namespaces of their own, so that a router's link can be cut from the bridge
 * side: {@link #underlayDown} takes the bridge port down, the router's eth1 loses its carrier (it
 * stays administratively up, with its addresses) and keepalived, which watches the link, goes FAULT,
 * as when a cable is pulled. {@link #cutMembers} disables the router's port on the members bridge:
 * its links stay up, but no frame passes either way, so the members silently stop answering that
 * router only (connections time out).
 *
 * <p>Every name starts with {@code elbv<pid>-<n>-}, unique per instance; nothing is created in the
 * host namespace. {@link #close} deletes this instance's namespaces (with every link, bridge and
 * process in them); {@link #build} first removes what a killed earlier run left behind. The
 * routers forward IPv4 and IPv6; nothing routes between the two segments otherwise (the members
 * have no default route: tests that need one add it with {@link #exec}).
 */
public final class VrrpPair implements AutoCloseable {
    static final String NAME_PREFIX = "elbv";
    /** The routers' device on the underlay, where keepalived runs its instances. */
    public static final String UNDERLAY_DEV = "eth1";
    /** The routers' device on the members segment. */
    public static final String MEMBER_DEV = "eth2";
    public static final String CLIENT_IP = "198.51.100.10";
    public static final String CLIENT_IP6 = "2001:db8:1::10";
    public static final String VIP = "198.51.100.100";
    public static final String VIP_CIDR = VIP + "/24";
    public static final String VIP6 = "2001:db8:1::100";
    public static final String VIP6_CIDR = VIP6 + "/64";
    public static final int MEMBERS = 2;

    /** One of the two routers; its addresses on both segments. */
    public enum Router {
        A("a", "198.51.100.1", "2001:db8:1::1", "203.0.113.1"),
        B("b", "198.51.100.2", "2001:db8:1::2", "203.0.113.2");

        private final String id;
        private final String ip;
        private final String ip6;
        private final String memberIp;

        Router(String id, String ip, String ip6, String memberIp) {
            this.id = id;
            this.ip = ip;
            this.ip6 = ip6;
            this.memberIp = memberIp;
        }

        /** "a" or "b": the last part of its namespace's name. */
        public String id() {
            return id;
        }

        /** Its own address on the underlay (eth1): the unicast_src_ip of its VRRP instances. */
        public String ip() {
            return ip;
        }

        public String ip6() {
            return ip6;
        }

        /** Its address on the members segment (eth2). */
        public String memberIp() {
            return memberIp;
        }

        public Router peer() {
            return this == A ? B : A;
        }
    }

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Prefixes of this JVM's open pairs: never leftovers. */
    private static final Set<String> OPEN = ConcurrentHashMap.newKeySet();

    private final String prefix = NAME_PREFIX + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet() + "-";
    private final List<String> namespaces = new ArrayList<>();

    private VrrpPair() {
    }

    /** Skips the calling test unless this process may create namespaces, veths and bridges. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "network namespace tests need root");
        for (String tool : List.of("ip", "bridge")) {
            Assumptions.assumeTrue(new ProcessCommandRunner().available(tool), tool + " is not installed");
        }
    }

    /** Builds the two segments; on failure removes what it made. */
    public static VrrpPair build() throws Exception {
        removeLeftovers();
        VrrpPair pair = new VrrpPair();
        OPEN.add(pair.prefix);
        try {
            pair.create();
            return pair;
        } catch (Exception | AssertionError e) {
            pair.close();
            throw e;
        }
    }

    /** This instance's name prefix, {@code elbv<pid>-<n>-}. */
    public String prefix() {
        return prefix;
    }

    public String client() {
        return prefix + "client";
    }

    public String router(Router router) {
        return prefix + router.id();
    }

    /** Member i (1 or 2). */
    public String member(int i) {
        if (i < 1 || i > MEMBERS) {
            throw new IllegalArgumentException("member " + i);
        }
        return prefix + "m" + i;
    }

    public static String memberIp(int i) {
        return "203.0.113.1" + i;
    }

    /** The namespace of the underlay bridge (br0; ports pa, pb, pc). */
    public String underlayBridge() {
        return prefix + "ul";
    }

    /** The namespace of the members bridge (br0; ports pa, pb, p1, p2). */
    public String memberBridge() {
        return prefix + "mb";
    }

    /** Every namespace of this pair, in creation order. */
    public List<String> namespaces() {
        return Collections.unmodifiableList(namespaces);
    }

    private void create() throws SystemCommandException {
        List<String> all = new ArrayList<>(List.of(underlayBridge(), memberBridge(), client(), router(Router.A),
                router(Router.B)));
        for (int i = 1; i <= MEMBERS; i++) {
            all.add(member(i));
        }
        for (String ns : all) {
            Netns.host("ip", "netns", "add", ns);
            namespaces.add(ns);
            Netns.host("ip", "-n", ns, "link", "set", "dev", "lo", "up");
        }
        for (String ns : List.of(underlayBridge(), memberBridge())) {
            Netns.host("ip", "-n", ns, "link", "add", "name", "br0", "type", "bridge");
            Netns.host("ip", "-n", ns, "link", "set", "dev", "br0", "up");
        }
        // Underlay: client and both routers' eth1.
        port(underlayBridge(), "pc", client(), "eth0");
        address(client(), "eth0", CLIENT_IP + "/24", CLIENT_IP6 + "/64");
        for (Router router : Router.values()) {
            String ns = router(router);
            port(underlayBridge(), "p" + router.id(), ns, UNDERLAY_DEV);
            address(ns, UNDERLAY_DEV, router.ip() + "/24", router.ip6() + "/64");
            port(memberBridge(), "p" + router.id(), ns, MEMBER_DEV);
            address(ns, MEMBER_DEV, router.memberIp() + "/24", null);
            Netns.in(ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            Netns.in(ns, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        }
        for (int i = 1; i <= MEMBERS; i++) {
            port(memberBridge(), "p" + i, member(i), "eth0");
            address(member(i), "eth0", memberIp(i) + "/24", null);
        }
    }

    /** A veth from bridge port {@code port} (in the bridge's namespace) to device {@code dev} in {@code ns}. */
    private static void port(String bridgeNs, String port, String ns, String dev) throws SystemCommandException {
        Netns.host("ip", "-n", bridgeNs, "link", "add", "name", port, "type", "veth", "peer", "name", dev, "netns", ns);
        Netns.host("ip", "-n", bridgeNs, "link", "set", "dev", port, "master", "br0", "up");
    }

    private static void address(String ns, String dev, String cidr, String cidr6) throws SystemCommandException {
        Netns.host("ip", "-n", ns, "addr", "add", cidr, "dev", dev);
        if (cidr6 != null) {
            Netns.host("ip", "-n", ns, "-6", "addr", "add", cidr6, "dev", dev, "nodad");
        }
        Netns.host("ip", "-n", ns, "link", "set", "dev", dev, "up");
    }

    /** Takes the router's underlay bridge port down: its eth1 loses the carrier, keepalived goes FAULT. */
    public void underlayDown(Router router) throws SystemCommandException {
        Netns.host("ip", "-n", underlayBridge(), "link", "set", "dev", "p" + router.id(), "down");
    }

    public void underlayUp(Router router) throws SystemCommandException {
        Netns.host("ip", "-n", underlayBridge(), "link", "set", "dev", "p" + router.id(), "up");
    }

    /**
     * Disables the router's port on the members bridge: links stay up on both sides, but no frame
     * passes, so the members stop answering this router (and only it). Undone by {@link #restoreMembers}.
     */
    public void cutMembers(Router router) throws SystemCommandException {
        Netns.host("bridge", "-n", memberBridge(), "link", "set", "dev", "p" + router.id(), "state", "0");
    }

    public void restoreMembers(Router router) throws SystemCommandException {
        Netns.host("bridge", "-n", memberBridge(), "link", "set", "dev", "p" + router.id(), "state", "3");
    }

    /** True when the address (IPv4 or IPv6, any spelling) is on the router's eth1. */
    public boolean holdsVip(Router router, String address) throws SystemCommandException {
        return addresses(router).contains(canonical(address));
    }

    /** The addresses on the router's eth1 now (canonical spelling, no prefix length). */
    public Set<String> addresses(Router router) throws SystemCommandException {
        String json = Netns.host("ip", "-n", router(router), "-j", "addr", "show", "dev", UNDERLAY_DEV);
        Set<String> addresses = new LinkedHashSet<>();
        for (JsonValue link : Json.parse(json).asArray()) {
            JsonValue info = link.asObject().get("addr_info");
            if (info == null) {
                continue;
            }
            for (JsonValue address : info.asArray()) {
                String local = address.asObject().getString("local", null);
                if (local != null) {
                    addresses.add(canonical(local));
                }
            }
        }
        return addresses;
    }

    /**
     * The address in one spelling (IPv6 as RFC 5952 writes it: lower case, the longest run of zero
     * groups as "::"), so that "2001:db8:1:0::100" matches "2001:db8:1::100".
     */
    static String canonical(String literal) {
        if (!literal.matches("[0-9a-fA-F:.]+") || io.edgelb.model.IpLiteral.tryParse(literal) == null) {
            throw new IllegalArgumentException("not an IP address literal: " + literal);
        }
        return io.edgelb.model.IpLiteral.format(io.edgelb.model.IpLiteral.parse(literal));
    }

    /** The MAC address of the router's eth1. */
    public String mac(Router router) throws SystemCommandException {
        String json = Netns.host("ip", "-n", router(router), "-j", "link", "show", "dev", UNDERLAY_DEV);
        return Json.parse(json).asArray().get(0).asObject().getString("address", "");
    }

    /** The link-layer address the namespace's neighbour table holds for the IP address, or null. */
    public String neighbour(String ns, String address) throws SystemCommandException {
        String json = Netns.host("ip", "-n", ns, "-j", "neigh", "show", "to", address);
        for (JsonValue entry : Json.parse(json.isBlank() ? "[]" : json).asArray()) {
            String lladdr = entry.asObject().getString("lladdr", null);
            if (lladdr != null) {
                return lladdr;
            }
        }
        return null;
    }

    /**
     * Whether the address answers from the namespace: a TCP connection to its port 9 (where nothing
     * listens) is refused within a second. False when it times out or the host is unreachable
     * (nothing there, or cut off).
     */
    public boolean answers(String ns, String address) throws SystemCommandException {
        String error = Netns.in(ns, "sh", "-c", "timeout 1 bash -c 'exec 3<>/dev/tcp/" + canonical(address)
                + "/9' 2>&1; true");
        return error.contains("Connection refused");
    }

    /** Runs a command inside a namespace (any of this pair's, by name): its output; fails on a non-zero exit. */
    public String exec(String ns, String... argv) throws SystemCommandException {
        return Netns.in(ns, argv);
    }

    /** Like {@link #exec} but returns null instead of failing. */
    public String tryExec(String ns, String... argv) {
        return Netns.tryIn(ns, argv);
    }

    @Override
    public void close() {
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            deleteNamespace(namespaces.get(i));
        }
        namespaces.clear();
        OPEN.remove(prefix);
    }

    /** Deletes namespaces of pairs that are gone: a killed JVM's, or one of this JVM's never closed. */
    public static void removeLeftovers() throws SystemCommandException {
        long self = ProcessHandle.current().pid();
        for (String line : Netns.host("ip", "netns", "list").split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (!name.startsWith(NAME_PREFIX)) {
                continue;
            }
            String[] parts = name.substring(NAME_PREFIX.length()).split("-", 3);
            if (parts.length < 3) {
                continue;
            }
            long pid;
            try {
                pid = Long.parseLong(parts[0]);
                Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                continue;
            }
            String prefix = NAME_PREFIX + parts[0] + "-" + parts[1] + "-";
            boolean alive = pid == self ? OPEN.contains(prefix)
                    : ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            if (!alive) {
                deleteNamespace(name);
            }
        }
    }

    private static void deleteNamespace(String ns) {
        Netns.delete(ns); // kills what still runs inside (keepalived, agents) first
    }
}
