package io.edgelb.tests.vrrp;

import io.edgelb.tests.AgentProcess;
import io.edgelb.tests.netns.VmServer;
import io.edgelb.tests.vrrp.VrrpPair.Router;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A VRRP router pair with everything real: keepalived and an edgelb agent on each router (the agent
 * writes keepalived's include and reloads it), HTTP servers on the two members, a VIP monitor and,
 * on demand, a client loop of new connections to the VIP. Router A has priority 150, B 100.
 */
final class VrrpBed implements AutoCloseable {
    static final Set<String> VIPS = Set.of(VrrpPair.VIP, VrrpPair.VIP6);
    static final String API = "127.0.0.1:8089";

    /** The members' gateway for dnat listeners: a second VIP, on the members' side, moving with the first. */
    static final String GATEWAY_VIP = "203.0.113.254";

    /**
     * How the pair runs: advertisement interval, VRRP version, nopreempt, and whether the listener
     * is a dnat one (then with the gateway VIP, and conntrackd syncing flows between the routers
     * when {@code conntrackd}).
     */
    record Settings(long advertMs, int version, boolean nopreempt, boolean dnat, boolean conntrackd) {
        static Settings relay(long advertMs, boolean nopreempt) {
            return new Settings(advertMs, 3, nopreempt, false, false);
        }

        String advertText() {
            return advertMs % 1000 == 0 ? Long.toString(advertMs / 1000)
                    : java.math.BigDecimal.valueOf(advertMs, 3).stripTrailingZeros().toPlainString();
        }
    }

    final VrrpPair pair;
    final VipMonitor monitor;
    final Settings settings;
    final long advertMs;
    private final Map<Router, Keepalived> keepalived = new EnumMap<>(Router.class);
    private final Map<Router, AgentProcess> agents = new EnumMap<>(Router.class);
    private final Map<Router, Path> dirs = new EnumMap<>(Router.class);
    private final List<Process> servers = new ArrayList<>();
    private Process client;
    private final List<String> attempts = new ArrayList<>();
    private final Map<Router, Process> conntrackd = new EnumMap<>(Router.class);

    private VrrpBed(VrrpPair pair, Settings settings) {
        this.pair = pair;
        this.settings = settings;
        this.advertMs = settings.advertMs();
        this.monitor = VipMonitor.start(pair, VIPS);
    }

    static VrrpBed start(long advertMs, boolean nopreempt) throws Exception {
        return start(Settings.relay(advertMs, nopreempt));
    }

    /** Builds the pair and starts everything; returns once A is the only holder of the VIPs. */
    static VrrpBed start(Settings settings) throws Exception {
        VrrpBed bed = new VrrpBed(VrrpPair.build(), settings);
        try {
            if (settings.dnat()) {
                bed.routeMembersThroughTheGatewayVip();
            }
            for (int i = 1; i <= VrrpPair.MEMBERS; i++) {
                bed.servers.add(java(bed.pair.member(i), VmServer.class.getName(), "80", "m" + i)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            for (Router router : Router.values()) {
                Path dir = Keepalived.secureDirectory("bed-" + router.id());
                bed.dirs.put(router, dir);
                Path include = dir.resolve("edgelb.conf");
                Keepalived.writeFile(include, "# empty until the agent writes it\n");
                bed.keepalived.put(router, Keepalived.start(bed.pair.router(router), "edge-" + router.id(), include));
                if (settings.conntrackd()) {
                    bed.startConntrackd(router, dir);
                }
            }
            for (Router router : Router.values()) {
                bed.startAgent(router);
            }
            bed.monitor.await(s -> s.soleHolder(Router.A, VIPS), Duration.ofSeconds(20), "A holds the VIPs");
            return bed;
        } catch (Exception | AssertionError e) {
            bed.close();
            throw e;
        }
    }

    private static ProcessBuilder java(String ns, String... mainAndArgs) {
        String classes = Path.of(VrrpBed.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classes));
        command.addAll(List.of(mainAndArgs));
        return new ProcessBuilder(command);
    }

    String config(Router router) {
        Path dir = dirs.get(router);
        return String.join("\n",
                "config agent 'main'",
                "\toption state_dir '" + dir.resolve("state") + "'",
                "\toption api '" + API + "'",
                "\toption keepalived 'conf'",
                "\toption keepalived_conf '" + dir.resolve("edgelb.conf") + "'",
                "\toption keepalived_pid '" + keepalived.get(router).pidFile() + "'",
                "",
                "config vrrp 'edge'",
                "\toption device '" + VrrpPair.UNDERLAY_DEV + "'",
                "\toption virtual_router_id '51'",
                "\toption priority '" + (router == Router.A ? 150 : 100) + "'",
                "\tlist vip '" + VrrpPair.VIP_CIDR + "'",
                "\tlist vip '" + VrrpPair.VIP6_CIDR + "'",
                "\toption unicast_src_ip '" + router.ip() + "'",
                "\tlist unicast_peer '" + router.peer().ip() + "'",
                settings.dnat() ? "\tlist vip '" + GATEWAY_VIP + "/24 dev " + VrrpPair.MEMBER_DEV + "'" : "",
                "\toption advert_int '" + settings.advertText() + "'",
                "\toption version '" + settings.version() + "'",
                settings.nopreempt() ? "\toption nopreempt '1'" : "",
                "",
                "config listener 'web_http'",
                "\toption address '" + VrrpPair.VIP + "'",
                "\toption port '80'",
                "\toption pool 'web'",
                settings.dnat() ? "\toption mode 'dnat'" : "",
                "",
                "config listener 'web_http6'",
                "\toption address '" + VrrpPair.VIP6 + "'",
                "\toption port '80'",
                "\toption pool 'web'",
                "",
                "config pool 'web'",
                "\toption healthmonitor 'check'",
                "",
                "config healthmonitor 'check'",
                "\toption type 'HTTP'",
                "\toption delay '1'",
                "\toption timeout '0.5'",
                "\toption max_retries '1'",
                "\toption max_retries_down '2'",
                "",
                "config member 'm1'",
                "\toption pool 'web'",
                "\toption address '" + VrrpPair.memberIp(1) + "'",
                "\toption protocol_port '80'",
                "",
                "config member 'm2'",
                "\toption pool 'web'",
                "\toption address '" + VrrpPair.memberIp(2) + "'",
                "\toption protocol_port '80'",
                "");
    }

    /** dnat: members answer the client directly, so their way back is the gateway VIP on the active router. */
    private void routeMembersThroughTheGatewayVip() throws Exception {
        for (int i = 1; i <= VrrpPair.MEMBERS; i++) {
            pair.exec(pair.member(i), "ip", "route", "add", "default", "via", GATEWAY_VIP);
        }
        for (Router router : Router.values()) {
            // A flow that moves mid-stream has a window the new router's conntrack did not see.
            pair.exec(pair.router(router), "sysctl", "-qw", "net.netfilter.nf_conntrack_tcp_be_liberal=1");
        }
    }

    /**
     * conntrackd in FTFW mode over the underlay, injecting the peer's flows straight into the kernel
     * table (no external cache): the backup already has every DNAT flow when it takes over, and no
     * notify script has to commit anything.
     */
    private void startConntrackd(Router router, Path dir) throws Exception {
        Path conf = dir.resolve("conntrackd.conf");
        Keepalived.writeFile(conf, String.join("\n",
                "Sync {",
                "\tMode FTFW {",
                "\t\tDisableExternalCache On",
                "\t}",
                "\tUDP {",
                "\t\tIPv4_address " + router.ip(),
                "\t\tIPv4_Destination_Address " + router.peer().ip(),
                "\t\tPort 3780",
                "\t\tInterface " + VrrpPair.UNDERLAY_DEV,
                "\t\tChecksum on",
                "\t}",
                "}",
                "General {",
                "\tHashSize 8192",
                "\tHashLimit 65536",
                "\tLogFile " + dir.resolve("conntrackd.log"),
                "\tLockFile " + dir.resolve("conntrackd.lock"),
                "\tUNIX {",
                "\t\tPath " + dir.resolve("conntrackd.ctl"),
                "\t}",
                "\tNetlinkBufferSize 2097152",
                "\tNetlinkBufferSizeMaxGrowth 8388608",
                "\tFilter From Userspace {",
                "\t\tProtocol Accept {",
                "\t\t\tTCP",
                "\t\t}",
                "\t\tAddress Ignore {",
                "\t\t\tIPv4_address 127.0.0.1",
                "\t\t\tIPv4_address " + Router.A.ip(),
                "\t\t\tIPv4_address " + Router.B.ip(),
                "\t\t\tIPv4_address " + Router.A.memberIp(),
                "\t\t\tIPv4_address " + Router.B.memberIp(),
                "\t\t}",
                "\t}",
                "}",
                ""));
        Process process = new ProcessBuilder("ip", "netns", "exec", pair.router(router), "/usr/sbin/conntrackd",
                "-C", conf.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("conntrackd.out").toFile())).start();
        conntrackd.put(router, process);
    }

    /** The flows in a router's kernel conntrack table that go to {@code port} of the VIP. */
    String conntrackFlows(Router router) throws Exception {
        return pair.tryExec(pair.router(router), "conntrack", "-L", "-p", "tcp", "--orig-dst", VrrpPair.VIP,
                "--orig-port-dst", "80");
    }

    Path configFile(Router router) {
        return dirs.get(router).resolve("edgelb");
    }

    /** Replaces a router's /etc/config/edgelb (the agent reads it at its next reload). */
    void writeConfig(Router router, String text) throws IOException {
        Files.writeString(dirs.get(router).resolve("edgelb"), text);
    }

    AgentProcess startAgent(Router router) throws Exception {
        Path file = dirs.get(router).resolve("edgelb");
        Files.writeString(file, config(router));
        AgentProcess agent = AgentProcess.start(file, API, List.of("-Xmx64m", "-XX:+UseSerialGC"),
                List.of("ip", "netns", "exec", pair.router(router)));
        agents.put(router, agent);
        return agent;
    }

    /** {@code edgelb ARGS...} (the agent jar's command line) inside a router's namespace: its output. */
    String cli(Router router, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", pair.router(router),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", AgentProcess.jar().toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return output;
    }

    AgentProcess agent(Router router) {
        return agents.get(router);
    }

    Keepalived keepalived(Router router) {
        return keepalived.get(router);
    }

    /** As procd restarts it: SIGTERM, wait for the exit, start again at once. */
    AgentProcess restartAgent(Router router) throws Exception {
        AgentProcess agent = agents.remove(router);
        long t0 = System.nanoTime();
        agent.stop(Duration.ofSeconds(15));
        agent.close();
        long t1 = System.nanoTime();
        AgentProcess next = startAgent(router);
        System.out.println("restart: stop " + (t1 - t0) / 1_000_000 + " ms, start " + (System.nanoTime() - t1) / 1_000_000 + " ms");
        return next;
    }

    /** SIGKILL: the agent cannot say goodbye; keepalived must find out by itself. */
    void killAgent(Router router) throws Exception {
        AgentProcess agent = agents.remove(router);
        agent.jvm().destroyForcibly();
        agent.awaitJvmExit(Duration.ofSeconds(10));
        agent.close();
    }

    /** Starts the client loop: a new connection to the IPv4 VIP every 50 ms, for at most two minutes. */
    void startClient() throws IOException {
        client = java(pair.client(), ConnectLoop.class.getName(), VrrpPair.VIP, "80", "50", "120")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (attempts) {
                        attempts.add(line);
                        attempts.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the loop ended
            }
        }, "connect-loop-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits until {@code count} successful attempts were made after {@code sinceMillis}. */
    void awaitSuccesses(long sinceMillis, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (attempts) {
            while (Outage.successesAfter(attempts, sinceMillis) < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("fewer than " + count + " successful connections after the event: "
                            + Outage.tail(attempts, 20));
                }
                TimeUnit.NANOSECONDS.timedWait(attempts, left);
            }
        }
    }

    List<String> attempts() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    @Override
    public void close() throws Exception {
        if (client != null) {
            client.destroyForcibly();
        }
        for (AgentProcess agent : agents.values()) {
            agent.close();
        }
        for (Keepalived k : keepalived.values()) {
            k.close();
        }
        conntrackd.values().forEach(Process::destroyForcibly);
        servers.forEach(Process::destroyForcibly);
        monitor.close();
        pair.close();
        for (Path dir : dirs.values()) {
            Keepalived.deleteDirectory(dir);
        }
    }

    static File devNull() {
        return new File("/dev/null");
    }
}
