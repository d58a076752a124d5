package io.edgelb.tests.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.model.sync.CurveKeyFile;
import io.edgelb.model.sync.SyncProtocol;
import io.edgelb.tests.AgentProcess;
import io.edgelb.tests.HubProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * Status reports from enrolled keys (issue 10 §3): a hostile report is refused field by field and
 * the last good one stays, so the API and /metrics keep working; a router with a large pool is
 * shown online and in sync, its report compressed to fit.
 */
class HubReportTest {
    private static final Duration SYNC = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        toClose.add(resource);
        return resource;
    }

    @Test
    void aHostileReportIsRefusedAndTheLastGoodOneStays() throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        HubTestbed bed = new HubTestbed(dir, List.of("r1", "r2"), 0.5);
        bed.writePools(Map.of("r1", HubTestbed.objects(HubTestbed.freePort(), Map.of("m1", a.port())),
                "r2", HubTestbed.objects(HubTestbed.freePort(), Map.of("m2", a.port()))));
        HubProcess hub = closing(bed.startHub());
        String good = "{\"agent_id\": \"r2\", \"applied_revision\": 7, \"last_apply_error\": \"line\\none\","
                + " \"members\": [{\"id\": \"m2\", \"pool\": \"web\", \"operating_status\": \"ONLINE\","
                + " \"weight\": 1, \"total_connections\": 3}]}";
        List<String> hostile = List.of(
                "{\"agent_id\": \"r2\", \"applied_revision\": 1e999999}",
                "{\"agent_id\": \"r2\", \"applied_revision\": \"x\"}",
                "{\"agent_id\": \"r2\", \"applied_revision\": 1.5}",
                "{\"agent_id\": \"r2\", \"applied_revision\": -1}",
                "{\"agent_id\": \"r2\", \"applied_revision\": 99999999999999999999999}",
                "{\"agent_id\": \"r2\", \"applied_revision\": 8, \"members\": {\"m2\": 1}}",
                "{\"agent_id\": \"r2\", \"applied_revision\": 8, \"members\": [{\"id\": \"m2\", \"weight\": \"x\"}]}",
                "{\"agent_id\": \"r2\", \"applied_revision\": 8, \"members\": [{\"id\": \"<img src=x>\"}]}",
                "{\"agent_id\": \"r2\", \"applied_revision\": 8, \"members\": [{\"id\": \"m2\","
                        + " \"operating_status\": \"" + "O".repeat(100_000) + "\"}]}",
                "{\"agent_id\": \"r2\", \"applied_revision\": 8, \"last_apply_error\": 5}",
                "{\"agent_id\": \"r2\", \"applied_revision\": 8, \"listeners\": [{\"id\": \"l\","
                        + " \"bytes_in\": 1e3}]}");
        try (ZMQ.Context context = ZMQ.context(1)) {
            // Sent again until the hub has it, as an agent reports every interval, on a new
            // connection every 3 s: in three CI runs of the whole suite the report never arrived
            // on the first connection in 30 s, resent each second, and the hub logged nothing
            // (cause not found; the metrics are in the message if it happens again).
            ZMQ.Socket[] dealer = {null};
            long[] connected = {0};
            long[] sent = {0};
            try {
                hub.awaitAgents(agents -> {
                    if (HubTestbed.agentEntry(agents, "r2").getLong("applied_revision", 0) == 7) {
                        return true;
                    }
                    if (dealer[0] == null || System.nanoTime() - connected[0] > 3_000_000_000L) {
                        if (dealer[0] != null) {
                            dealer[0].close();
                        }
                        dealer[0] = client(context, bed.agentKeys.get("r2"), bed.hubKeys.publicKey());
                        dealer[0].connect(bed.endpoint());
                        connected[0] = System.nanoTime();
                    }
                    if (System.nanoTime() - sent[0] > 1_000_000_000L) {
                        report(dealer[0], good);
                        sent[0] = System.nanoTime();
                    }
                    return false;
                }, SYNC, "r2's good report");
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nhub metrics:\n" + metrics(hub), e);
            }
            for (String report : hostile) {
                report(dealer[0], report);
            }
            report(dealer[0], "{\"agent_id\": \"r2\", \"applied_revision\": 1e999999}");
            hub.awaitAgents(agents -> counter(metrics(hub), "edgelb_hub_reports_rejected_total{reason=\"field\"}")
                    >= hostile.size() + 1, SYNC, "every hostile report counted");
            dealer[0].close();
        }
        JsonObject r2 = hub.agent("r2");
        assertEquals(7, r2.getLong("applied_revision", 0), r2.toString());
        assertEquals("line one", r2.getString("last_apply_error", "?"), "control characters are not kept");
        assertEquals(1, r2.get("health").asObject().getInt("online", 0), r2.toString());
        JsonObject r2InList = HubTestbed.agentEntry(hub.agents(), "r2");
        assertEquals(7, r2InList.getLong("applied_revision", 0));
        assertTrue(hub.metrics().contains("edgelb_hub_agent_in_sync{agent=\"r2\"}"));
        String log = hub.log();
        assertTrue(log.contains("a status report from agent r2: applied_revision: 1e999999 is not a non-negative"),
                log);
        assertTrue(hub.isAlive());
    }

    @Test
    void aRouterWithALargePoolIsOnlineAndInSync() throws Exception {
        TcpBackend a = closing(TcpBackend.start("a"));
        HubTestbed bed = new HubTestbed(dir, List.of("r1"), 0.5);
        Map<String, Integer> members = new LinkedHashMap<>();
        for (int i = 0; i < 5_000; i++) {
            members.put("m" + i, 40_000 + i); // distinct address:port; no monitor, so nothing is probed
        }
        int port = HubTestbed.freePort();
        bed.writePools(Map.of("r1", HubTestbed.objects(port, members)));
        HubProcess hub = closing(bed.startHub());
        String api = "127.0.0.1:" + HubTestbed.freePort();
        AgentProcess r1 = closing(AgentProcess.start(bed.agentConfig("r1", api), api));
        r1.awaitStatus(s -> HubTestbed.members(s).size() == 5_000, SYNC, "r1 serves 5000 hub members");
        JsonObject agents = hub.awaitAgents(all -> HubTestbed.agentEntry(all, "r1").getBoolean("in_sync", false),
                SYNC, "r1 in sync with 5000 members");
        JsonObject r1View = HubTestbed.agentEntry(agents, "r1");
        assertTrue(r1View.getBoolean("online", false), r1View.toString());
        assertEquals(5_000, r1View.get("health").asObject().getInt("members", 0), r1View.toString());
    }

    private static String metrics(HubProcess hub) {
        try {
            return hub.metrics();
        } catch (java.io.IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void report(ZMQ.Socket dealer, String json) {
        dealer.sendMore(SyncProtocol.STATUS);
        dealer.sendMore("r2");
        dealer.send(json);
    }

    private static ZMQ.Socket client(ZMQ.Context context, CurveKeyFile keys, String serverKey) {
        ZMQ.Socket socket = context.socket(SocketType.DEALER);
        socket.setLinger(0);
        socket.setCurvePublicKey(ZMQ.Curve.z85Decode(keys.publicKey()));
        socket.setCurveSecretKey(ZMQ.Curve.z85Decode(keys.secretKey()));
        socket.setCurveServerKey(ZMQ.Curve.z85Decode(serverKey));
        return socket;
    }

    private static long counter(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\d+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
