package io.edgelb.tests.netns;

import io.edgelb.uci.system.SystemCommandException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The seed scenario in network namespaces, documentation addresses only:
 * <pre>
 *   client 203.0.113.2 ── 203.0.113.1 router 198.51.100.1 ── 198.51.100.2 compute ── br100 ── vm1..vm3
 *   (203.0.113.0/24)         (the agent runs here)   (underlay)   VTEP, VNI 100      192.0.2.11-13/24
 * </pre>
 * The compute namespace is the OpenStack side: a bridge on VNI 100 (UDP 4789) with the VMs' ports,
 * learning, and a flood entry towards the router's VTEP. The router's side of the tunnel is what the
 * agent under test creates from its configuration. VMs have fixed MACs ({@link #vmMac}) so the
 * configuration can name static neighbours, MTU 1450, and an HTTP server ({@link VmServer}) on port 80.
 *
 * <p>With {@link Style#FLOATING_IPS} the VMs route through the compute namespace instead
 * (192.0.2.254) and it DNATs floating IPs 198.51.100.11-13 to them, as Neutron does.
 *
 * <p>Every name starts with {@code elbt<pid>-}: {@link #close} deletes this run's namespaces (with every
 * link, bridge and nft table in them; nothing is ever created in the host namespace), and
 * {@link #build} first removes what a killed earlier run left behind.
 */
public final class SeedTopology implements AutoCloseable {
    public enum Style { OVERLAY, FLOATING_IPS }

    static final String NAME_PREFIX = "elbt";
    public static final int VMS = 3;
    public static final String CLIENT_IP = "203.0.113.2";
    public static final String ROUTER_CLIENT_IP = "203.0.113.1";
    public static final String ROUTER_UNDERLAY_IP = "198.51.100.1";
    public static final String COMPUTE_UNDERLAY_IP = "198.51.100.2";
    public static final String ROUTER_OVERLAY_CIDR = "192.0.2.1/24";
    public static final String COMPUTE_OVERLAY_IP = "192.0.2.254";
    public static final int VNI = 100;

    private final String prefix = NAME_PREFIX + ProcessHandle.current().pid() + "-";
    private final Style style;
    private final List<String> namespaces = new ArrayList<>();
    private final Process[] servers = new Process[VMS + 1];

    private SeedTopology(Style style) {
        this.style = style;
    }

    /** Skips the calling test unless this process may create namespaces (root with netns, veth, vxlan, nft). */
    public static void assumeAvailable() {
        boolean root = "root".equals(System.getProperty("user.name"));
        Assumptions.assumeTrue(root, "network namespace tests need root");
        for (String tool : List.of("ip", "bridge", "nft", "curl")) {
            Assumptions.assumeTrue(new io.edgelb.uci.system.ProcessCommandRunner().available(tool),
                    tool + " is not installed");
        }
    }

    public static SeedTopology build(Style style) throws Exception {
        removeLeftovers();
        SeedTopology topology = new SeedTopology(style);
        try {
            topology.create();
            return topology;
        } catch (Exception | AssertionError e) {
            topology.close();
            throw e;
        }
    }

    public String client() {
        return prefix + "client";
    }

    public String router() {
        return prefix + "router";
    }

    public String compute() {
        return prefix + "compute";
    }

    public String vm(int i) {
        return prefix + "vm" + i;
    }

    public static String vmIp(int i) {
        return "192.0.2.1" + i;
    }

    public static String vmMac(int i) {
        return "02:00:00:00:00:1" + i;
    }

    public static String floatingIp(int i) {
        return "198.51.100.1" + i;
    }

    private void create() throws SystemCommandException {
        for (String ns : List.of(client(), router(), compute(), vm(1), vm(2), vm(3))) {
            Netns.host("ip", "netns", "add", ns);
            namespaces.add(ns);
            Netns.in(ns, "ip", "link", "set", "lo", "up");
        }
        // client <-> router
        Netns.host("ip", "-n", router(), "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", client());
        address(client(), "eth0", CLIENT_IP + "/24");
        Netns.in(client(), "ip", "route", "add", "default", "via", ROUTER_CLIENT_IP);
        address(router(), "eth0", ROUTER_CLIENT_IP + "/24");
        // router <-> compute: the underlay
        Netns.host("ip", "-n", router(), "link", "add", "eth1", "type", "veth", "peer", "name", "eth0", "netns",
                compute());
        address(router(), "eth1", ROUTER_UNDERLAY_IP + "/24");
        address(compute(), "eth0", COMPUTE_UNDERLAY_IP + "/24");
        Netns.in(router(), "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Netns.in(compute(), "sysctl", "-qw", "net.ipv4.ip_forward=1");
        // compute: the tenant network on VNI 100
        Netns.in(compute(), "ip", "link", "add", "br100", "type", "bridge");
        Netns.in(compute(), "ip", "link", "add", "vxlan100", "mtu", "1450", "type", "vxlan", "id", Integer.toString(VNI),
                "local", COMPUTE_UNDERLAY_IP, "dstport", "4789", "dev", "eth0");
        Netns.in(compute(), "ip", "link", "set", "vxlan100", "master", "br100", "up");
        Netns.in(compute(), "bridge", "fdb", "append", "00:00:00:00:00:00", "dev", "vxlan100", "dst", ROUTER_UNDERLAY_IP);
        address(compute(), "br100", COMPUTE_OVERLAY_IP + "/24");
        String gateway = style == Style.OVERLAY ? "192.0.2.1" : COMPUTE_OVERLAY_IP;
        for (int i = 1; i <= VMS; i++) {
            Netns.host("ip", "-n", compute(), "link", "add", "vm" + i, "mtu", "1450", "type", "veth", "peer", "name",
                    "eth0", "netns", vm(i));
            Netns.in(compute(), "ip", "link", "set", "vm" + i, "master", "br100", "up");
            Netns.in(vm(i), "ip", "link", "set", "eth0", "address", vmMac(i), "mtu", "1450");
            address(vm(i), "eth0", vmIp(i) + "/24");
            Netns.in(vm(i), "ip", "route", "add", "default", "via", gateway);
        }
        if (style == Style.FLOATING_IPS) {
            StringBuilder rules = new StringBuilder("table ip neutron {\n\tchain floating {\n"
                    + "\t\ttype nat hook prerouting priority dstnat; policy accept;\n");
            for (int i = 1; i <= VMS; i++) {
                Netns.in(compute(), "ip", "addr", "add", floatingIp(i) + "/32", "dev", "eth0");
                rules.append("\t\tip daddr ").append(floatingIp(i)).append(" dnat to ").append(vmIp(i)).append('\n');
            }
            rules.append("\t}\n}\n");
            io.edgelb.uci.system.ProcessCommandRunner runner = new io.edgelb.uci.system.ProcessCommandRunner();
            runner.run(Netns.prefixed(compute(), List.of("nft", "-f", "-")), rules.toString());
        }
    }

    private static void address(String ns, String dev, String cidr) throws SystemCommandException {
        Netns.in(ns, "ip", "addr", "add", cidr, "dev", dev);
        Netns.in(ns, "ip", "link", "set", dev, "up");
    }

    /** Starts the HTTP server of every VM and waits until each answers from the compute namespace. */
    public void startServers() throws Exception {
        for (int i = 1; i <= VMS; i++) {
            startServer(i);
        }
        for (int i = 1; i <= VMS; i++) {
            awaitServer(i);
        }
    }

    public void startServer(int i) throws IOException {
        String classes = Path.of(VmServer.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        List<String> command = Netns.prefixed(vm(i), List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classes,
                VmServer.class.getName(), "80", "vm" + i));
        servers[i] = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(
                ProcessBuilder.Redirect.appendTo(new File("/dev/null"))).start();
    }

    /** Waits (bounded) until vm i answers HTTP on its overlay address. */
    public void awaitServer(int i) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!servers[i].isAlive()) {
                throw new IllegalStateException("the server of vm" + i + " exited with " + servers[i].exitValue());
            }
            String answer = Netns.tryIn(compute(), "curl", "-sf", "-m", "1", "http://" + vmIp(i) + "/");
            if (("vm" + i + "\n").equals(answer)) {
                return;
            }
            servers[i].waitFor(100, TimeUnit.MILLISECONDS); // poll interval while the JVM starts
        }
        throw new IllegalStateException("vm" + i + " did not answer within 30 s");
    }

    /** Stops vm i's server (the VM stays: its address answers with a reset). */
    public void stopServer(int i) throws InterruptedException {
        Process server = servers[i];
        if (server != null && server.isAlive()) {
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** One HTTP GET from the client namespace: the body, or null when the request failed. */
    public String get(String url) {
        return Netns.tryIn(client(), "curl", "-sf", "-m", "5", url);
    }

    @Override
    public void close() throws Exception {
        for (int i = 1; i <= VMS; i++) {
            stopServer(i);
        }
        for (String ns : namespaces) {
            deleteNamespace(ns);
        }
        namespaces.clear();
    }

    /** Deletes namespaces of runs that are gone (a killed JVM never ran its close). */
    static void removeLeftovers() throws SystemCommandException {
        long self = ProcessHandle.current().pid();
        for (String line : Netns.host("ip", "netns", "list").split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (!name.startsWith(NAME_PREFIX) || name.indexOf('-') < 0) {
                continue;
            }
            long pid;
            try {
                pid = Long.parseLong(name.substring(NAME_PREFIX.length(), name.indexOf('-')));
            } catch (NumberFormatException e) {
                continue;
            }
            if (pid != self && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                continue; // another run (another worktree's build), still going
            }
            deleteNamespace(name);
        }
    }

    private static void deleteNamespace(String ns) {
        Netns.delete(ns); // kills what still runs inside (servers, agents) first
    }
}
