package io.edgelb.tests.hub;

import static io.edgelb.tests.hub.OctaviaFixture.setting;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.tests.AgentProcess;
import io.edgelb.tests.HubProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * One edge router behind the edgelb Octavia provider, for the provider's end-to-end tests: its own
 * availability zone (profile provider edgelb, {@code {"agents": [id]}}), a hub on the API address
 * the fixture's octavia.conf names ({@code [edgelb] hub_url}, 127.0.0.1:18090) with the fixture's
 * token, and an agent enrolled there. The hub and the agent are started and stopped by the test.
 */
final class ProviderBed implements AutoCloseable {
    static final String HUB_API = setting("EDGELB_HUB_API", "127.0.0.1:18090");
    static final Path HUB_TOKEN = Path.of(setting("EDGELB_HUB_TOKEN_FILE", "/var/lib/octavia-dev/edgelb/hub-api.token"));

    final String agentId = "it-" + UUID.randomUUID().toString().substring(0, 8);
    final String zone = "it-zone-" + agentId;
    private final OctaviaApi octavia;
    private final HubTestbed bed;
    private final String agentApi;
    private final String profileId;
    private final List<String> loadBalancers = new ArrayList<>();
    private HubProcess hub;
    private AgentProcess agent;

    ProviderBed(Path dir, OctaviaApi octavia, String octaviaUrl) throws IOException, InterruptedException {
        this.octavia = octavia;
        bed = new HubTestbed(dir, List.of(agentId), 1);
        JsonObject source = Json.object().add("type", "octavia").add("url", octaviaUrl).add("interval", 2)
                .add("provider", "edgelb");
        bed.writeHubConfig(bed.hubConfig, dir.resolve("hub.key"), bed.hubPort, HUB_API, source);
        Path token = dir.resolve("hub-api.token");
        Files.copy(HUB_TOKEN, token, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        agentApi = "127.0.0.1:" + HubTestbed.freePort();
        profileId = octavia.createAdmin("availabilityzoneprofiles", "availability_zone_profile", Json.object()
                .add("name", zone).add("provider_name", "edgelb")
                .add("availability_zone_data", Json.object().add("agents", Json.array(agentId)).toString()));
        octavia.createAdmin("availabilityzones", "availability_zone", Json.object().add("name", zone)
                .add("availability_zone_profile_id", profileId));
    }


    /** Starts the hub; the bed stops it on close, after its load balancers are deleted. */
    HubProcess startHub() throws IOException, InterruptedException {
        hub = HubProcess.start(bed.hubConfig, HUB_API);
        return hub;
    }

    void stopHub() throws Exception {
        hub.close();
        hub = null;
    }

    AgentProcess startAgent() throws IOException, InterruptedException {
        agent = AgentProcess.start(bed.agentConfig(agentId, agentApi), agentApi);
        return agent;
    }

    /** A load balancer in this zone, created with its whole tree in one call; deleted on close. */
    String createLoadBalancer(JsonObject tree) throws IOException, InterruptedException {
        tree.add("provider", "edgelb").add("availability_zone", zone).add("vip_subnet_id", OctaviaApi.SUBNET);
        String id = octavia.create("loadbalancers", "loadbalancer", tree);
        loadBalancers.add(id);
        return id;
    }

    /** A load balancer the test created some other way (the openstack CLI): deleted on close too. */
    void adopt(String lb) {
        loadBalancers.add(lb);
    }

    /** GET /api/octavia/status on the hub, with the fixture's token. */
    static JsonObject hubStatus() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + HUB_API + "/api/octavia/status?since=0"))
                .header("Authorization", "Bearer " + Files.readString(HUB_TOKEN).trim()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("hub /api/octavia/status: " + response.statusCode() + " " + response.body());
        }
        return Json.parse(response.body()).asObject();
    }

    /** True when the hub's status feed names the load balancer (it has read it from Octavia). */
    static boolean hubKnows(String lb) throws IOException, InterruptedException {
        for (JsonValue entry : hubStatus().get("loadbalancers").asArray()) {
            if (entry.asObject().getString("id", "").equals(lb)) {
                return true;
            }
        }
        return false;
    }

    String provisioning(String lb) throws IOException, InterruptedException {
        JsonObject found = octavia.get("loadbalancers/" + lb);
        return found == null ? "GONE" : found.get("loadbalancer").asObject().getString("provisioning_status", "?");
    }

    /** A condition for {@link io.edgelb.testkit.Await}: I/O failures are failures, not false. */
    static boolean check(Callable<Boolean> condition) {
        try {
            return condition.call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Deletes what the test left while the hub and the agent still run (the router must drop it),
     * then stops them. A load balancer still PENDING (its router never applied it) cannot be
     * deleted through the API; that is a failed test, and its leftover names the test's agent.
     */
    @Override
    public void close() throws Exception {
        try {
            deleteAll();
        } finally {
            if (agent != null) {
                agent.close();
            }
            if (hub != null) {
                hub.close();
            }
        }
    }

    private void deleteAll() throws Exception {
        for (String lb : loadBalancers) {
            if (!provisioning(lb).equals("GONE") && !provisioning(lb).startsWith("PENDING")) {
                octavia.deleteLoadBalancer(lb);
            }
        }
        for (String lb : loadBalancers) {
            io.edgelb.testkit.Await.until(() -> check(() -> !provisioning(lb).equals("PENDING_DELETE")),
                    Duration.ofSeconds(60), "load balancer " + lb + " deleted");
        }
        try {
            octavia.delete("availabilityzones/" + zone);
            octavia.delete("availabilityzoneprofiles/" + profileId);
        } catch (IOException inUse) {
            // a load balancer that could not be deleted still holds the zone; the test failed already
        }
    }
}
