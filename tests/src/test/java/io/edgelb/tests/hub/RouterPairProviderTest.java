package io.edgelb.tests.hub;

import static io.edgelb.tests.hub.OctaviaFixture.KEYSTONE_URL;
import static io.edgelb.tests.hub.OctaviaFixture.NOAUTH_PROJECT;
import static io.edgelb.tests.hub.OctaviaFixture.NOAUTH_URL;
import static io.edgelb.tests.hub.ProviderBed.check;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.tests.AgentProcess;
import io.edgelb.tests.HubProcess;
import io.edgelb.tests.netns.Netns;
import io.edgelb.tests.netns.VmServer;
import io.edgelb.tests.vrrp.Keepalived;
import io.edgelb.tests.vrrp.VipMonitor;
import io.edgelb.tests.vrrp.VrrpPair;
import io.edgelb.tests.vrrp.VrrpPair.Router;
import io.edgelb.testkit.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Octavia's ACTIVE_STANDBY from the CLI: an availability zone naming a router pair, a load balancer
 * created with the plain openstack CLI, served by two routers in namespaces (real keepalived, real
 * agents following the real hub, which reads the real Octavia), the VIP on the zone's first router;
 * {@code openstack loadbalancer failover} moves it to the second and the load balancer is ACTIVE again.
 */
class RouterPairProviderTest {
    private static final String HUB_HOST = "198.51.100.250";
    @TempDir
    Path dir;
    private final OctaviaApi octavia = OctaviaApi.noauth(NOAUTH_URL, NOAUTH_PROJECT);

    @BeforeAll
    static void available() throws Exception {
        VrrpPair.assumeAvailable();
        Keepalived.assumeAvailable();
        OctaviaService.ensureRunning(NOAUTH_URL, KEYSTONE_URL);
    }

    @Test
    void theCliCreatesALoadBalancerOnARouterPairAndFailoverMovesItsVip() throws Exception {
        String suffix = Long.toString(ProcessHandle.current().pid(), 36) + Long.toString(System.nanoTime() % 100_000, 36);
        Map<Router, String> agents = Map.of(Router.A, "pa-" + suffix, Router.B, "pb-" + suffix);
        String hostLink = "elbh" + suffix;
        List<AutoCloseable> open = new ArrayList<>();
        String zone = "it-pair-" + suffix;
        String profile = null;
        String lb = null;
        Throwable deleteFailure = null;
        Map<Router, AgentProcess> running = new EnumMap<>(Router.class);
        VrrpPair pair = VrrpPair.build(); // closed last: its namespaces hold the routers that must drop the load balancer
        try {
            // The hub runs on the host: a link from the host into the routers' underlay reaches it.
            Netns.host("ip", "link", "add", hostLink, "type", "veth", "peer", "name", hostLink + "p");
            Netns.host("ip", "link", "set", hostLink + "p", "netns", pair.underlayBridge());
            Netns.in(pair.underlayBridge(), "ip", "link", "set", "dev", hostLink + "p", "master", "br0", "up");
            Netns.host("ip", "addr", "add", HUB_HOST + "/24", "dev", hostLink);
            Netns.host("ip", "link", "set", "dev", hostLink, "up");

            HubTestbed bed = new HubTestbed(dir, List.of(agents.get(Router.A), agents.get(Router.B)), 1);
            JsonObject source = Json.object().add("type", "octavia").add("url", NOAUTH_URL).add("interval", 2)
                    .add("provider", "edgelb");
            bed.writeHubConfig(bed.hubConfig, dir.resolve("hub.key"), HUB_HOST, bed.hubPort, ProviderBed.HUB_API, source);
            Path token = dir.resolve("hub-api.token");
            Files.copy(ProviderBed.HUB_TOKEN, token, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
            HubProcess hub = HubProcess.start(bed.hubConfig, ProviderBed.HUB_API);
            open.add(hub);

            for (int i = 1; i <= VrrpPair.MEMBERS; i++) {
                Process server = new ProcessBuilder(Netns.prefixed(pair.member(i), List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m", "-cp",
                        Path.of(VmServer.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString(),
                        VmServer.class.getName(), "80", "m" + i))).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectErrorStream(true).start();
                open.add(server::destroyForcibly);
            }
            for (Router router : Router.values()) {
                Path routerDir = Keepalived.secureDirectory("pair-" + router.id());
                open.add(() -> Keepalived.deleteDirectory(routerDir));
                Path include = routerDir.resolve("edgelb.conf");
                Keepalived.writeFile(include, "# the agent writes this\n");
                Keepalived keepalived = Keepalived.start(pair.router(router), "pair-" + router.id(), include);
                open.add(keepalived);
                Path config = routerDir.resolve("edgelb");
                String agent = agents.get(router);
                Files.writeString(config, String.join("\n",
                        "config agent 'main'",
                        "\toption api '127.0.0.1:8089'",
                        "\toption state_dir '" + routerDir.resolve("state") + "'",
                        "\toption keepalived 'conf'",
                        "\toption keepalived_conf '" + include + "'",
                        "\toption keepalived_pid '" + keepalived.pidFile() + "'",
                        "",
                        "config hub 'hub'",
                        "\toption enabled '1'",
                        "\tlist endpoint 'tcp://" + HUB_HOST + ":" + bed.hubPort + "'",
                        "\toption server_key '" + bed.hubKeys.publicKey() + "'",
                        "\toption key_file '" + dir.resolve(agent + ".key") + "'",
                        "\toption agent_id '" + agent + "'",
                        "\toption state_file '" + routerDir.resolve("hub-state.json") + "'",
                        ""));
                AgentProcess process = AgentProcess.start(config, "127.0.0.1:8089", List.of("-Xmx64m"),
                        Netns.prefix(pair.router(router)));
                open.add(process);
                running.put(router, process);
            }

            JsonObject vrrp = Json.object().add("device", VrrpPair.UNDERLAY_DEV).add("prefix", 24).add("advert_int", 1)
                    .add("addresses", Json.object().add(agents.get(Router.A), Router.A.ip())
                            .add(agents.get(Router.B), Router.B.ip()));
            profile = octavia.createAdmin("availabilityzoneprofiles", "availability_zone_profile", Json.object()
                    .add("name", zone).add("provider_name", "edgelb").add("availability_zone_data", Json.object()
                            .add("agents", Json.array(agents.get(Router.A), agents.get(Router.B))).add("vrrp", vrrp)
                            .toString()));
            octavia.createAdmin("availabilityzones", "availability_zone", Json.object().add("name", zone)
                    .add("availability_zone_profile_id", profile));

            JsonObject created = OpenstackCli.run("loadbalancer", "create", "--name", zone, "--provider", "edgelb",
                    "--availability-zone", zone, "--vip-subnet-id", "edge-vip-subnet", "--vip-address", VrrpPair.VIP,
                    "--wait", "-f", "json").json();
            lb = created.getString("id", "?");
            assertEquals("ACTIVE", created.getString("provisioning_status", "?"), created.toString());
            JsonObject listener = OpenstackCli.run("loadbalancer", "listener", "create", "--name", "http",
                    "--protocol", "TCP", "--protocol-port", "80", "--wait", "-f", "json", lb).json();
            JsonObject pool = OpenstackCli.run("loadbalancer", "pool", "create", "--name", "web", "--listener",
                    listener.getString("id", "?"), "--protocol", "TCP", "--lb-algorithm", "ROUND_ROBIN", "--wait",
                    "-f", "json").json();
            OpenstackCli.run("loadbalancer", "member", "create", "--address", VrrpPair.memberIp(1), "--protocol-port",
                    "80", "--wait", "-f", "json", pool.getString("id", "?")).json();

            try (VipMonitor monitor = VipMonitor.start(pair, Set.of(VrrpPair.VIP))) {
                monitor.await(s -> s.soleHolder(Router.A, Set.of(VrrpPair.VIP)), Duration.ofSeconds(30),
                        "the zone's first router holds the load balancer's VIP");
                String through = pair.exec(pair.client(), "curl", "-sf", "-m", "5", "http://" + VrrpPair.VIP + "/").trim();
                assertEquals("m1", through, "the VIP serves the load balancer");
                Await.until(() -> check(() -> "MASTER".equals(vrrpState(agents.get(Router.A)))), Duration.ofSeconds(20),
                        "the hub's agent view says A is MASTER");

                OpenstackCli.Result failover = OpenstackCli.run("loadbalancer", "failover", "--wait", lb);
                assertEquals(0, failover.status(), failover.output());
                monitor.await(s -> s.soleHolder(Router.B, Set.of(VrrpPair.VIP)), Duration.ofSeconds(30),
                        "after the failover the second router holds the VIP");
                assertEquals("ACTIVE", octavia.get("loadbalancers/" + lb).get("loadbalancer").asObject()
                        .getString("provisioning_status", "?"));
                assertEquals("m1", pair.exec(pair.client(), "curl", "-sf", "-m", "5", "http://" + VrrpPair.VIP + "/").trim());
                Await.until(() -> check(() -> "MASTER".equals(vrrpState(agents.get(Router.B)))), Duration.ofSeconds(20),
                        "the hub's agent view says B is MASTER");
            }
        } finally {
            if (lb != null) {
                try { // while the hub and the routers still run: the routers must drop it
                    String id = lb;
                    Await.until(() -> check(() -> !octavia.get("loadbalancers/" + id).get("loadbalancer").asObject()
                            .getString("provisioning_status", "").startsWith("PENDING")), Duration.ofSeconds(60),
                            "the load balancer is not PENDING (it can be deleted)");
                    octavia.deleteLoadBalancer(lb);
                    Await.until(() -> check(() -> octavia.get("loadbalancers/" + id) == null), Duration.ofSeconds(60),
                            "the load balancer is deleted");
                } catch (Exception | AssertionError e) {
                    System.err.println("cleanup of load balancer " + lb + ": " + e);
                    try {
                        System.err.println("hub status: " + ProviderBed.hubStatus());
                        for (String agent : agents.values()) {
                            System.err.println("hub view of " + agent + ": " + agentView(agent));
                        }
                        for (AgentProcess process : running.values()) {
                            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                    .toString(), Long.toString(process.pid()), "Thread.print").redirectErrorStream(true).start();
                            System.err.println("threads of agent " + process.pid() + ":\n"
                                    + new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                        }
                    } catch (Exception why) {
                        System.err.println("no diagnostics: " + why);
                    }
                    deleteFailure = e;
                }
            }
            if (profile != null) {
                try {
                    octavia.delete("availabilityzones/" + zone);
                    octavia.delete("availabilityzoneprofiles/" + profile);
                } catch (java.io.IOException inUse) {
                    System.err.println("zone left behind: " + inUse.getMessage());
                }
            }
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception e) {
                    System.err.println("cleanup: " + e);
                }
            }
            try {
                Netns.host("ip", "link", "del", hostLink);
            } catch (io.edgelb.uci.system.SystemCommandException gone) {
                // went with the namespace
            }
            pair.close();
        }
        if (deleteFailure != null) {
            throw new AssertionError("the pair's load balancer was not deleted", deleteFailure);
        }
    }

    private static String agentView(String agent) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + ProviderBed.HUB_API + "/api/agents/" + agent))
                .header("Authorization", "Bearer " + Files.readString(ProviderBed.HUB_TOKEN).trim()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The VRRP state the hub's agent view shows for one agent (the load balancer's VIP), or null. */
    private static String vrrpState(String agent) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + ProviderBed.HUB_API + "/api/agents/" + agent))
                .header("Authorization", "Bearer " + Files.readString(ProviderBed.HUB_TOKEN).trim()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return null;
        }
        JsonValue vrrp = Json.parse(response.body()).asObject().get("vrrp");
        return vrrp == null || !vrrp.isArray() || vrrp.asArray().isEmpty() ? null
                : vrrp.asArray().get(0).asObject().getString("state", null);
    }
}
