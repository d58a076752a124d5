package io.edgelb.tests.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.tests.netns.VmServer;
import io.edgelb.tests.vrrp.VrrpPair.Router;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.edgelb.testkit.Await;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dnat listener on the VIP, the members' gateway a second VIP on the inside, and conntrackd
 * syncing flows between the routers: a long transfer through the VIP survives the master's agent
 * being killed, byte for byte.
 */
class VrrpDnatFailoverTest {
    private static final int BYTES = 24_000_000;
    @TempDir
    Path dir;

    @BeforeAll
    static void available() {
        VrrpPair.assumeAvailable();
        Keepalived.assumeAvailable();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/conntrackd")),
                "conntrackd is not installed");
    }

    @Test
    void aLongDnatTransferSurvivesTheFailoverWithConntrackd() throws Exception {
        try (VrrpBed bed = VrrpBed.start(new VrrpBed.Settings(1_000, 3, false, true, true))) {
            Path body = dir.resolve("body");
            // About twelve seconds at 2 MB/s: the failover happens in the middle of it.
            Process curl = new ProcessBuilder("ip", "netns", "exec", bed.pair.client(), "curl", "-sS",
                    "--limit-rate", "2M", "-m", "60", "-o", body.toString(), "-w", "%{http_code} %{size_download}",
                    "http://" + VrrpPair.VIP + "/bytes?n=" + BYTES).redirectErrorStream(true).start();
            awaitFlowOn(bed, Router.B, Duration.ofSeconds(5)); // conntrackd has put A's flow into B's table
            long killedNanos = System.nanoTime();
            bed.killAgent(Router.A);
            VipMonitor.Sample moved = bed.monitor.await(s -> s.soleHolder(Router.B, VrrpBed.VIPS),
                    Duration.ofSeconds(10), "B holds the VIPs after A's agent died");
            boolean ranThrough = curl.isAlive();
            assertTrue(curl.waitFor(60, TimeUnit.SECONDS), "curl did not finish");
            String result = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            System.out.println("dnat: VIP on B " + (moved.nanos - killedNanos) / 1_000_000 + " ms after the kill;"
                    + " curl: " + result + ", exit " + curl.exitValue());
            assertTrue(ranThrough || curl.exitValue() != 0, "the transfer ended before the failover; make it longer");
            assertEquals(0, curl.exitValue(), "the transfer broke at the failover: " + result);
            assertEquals("200 " + BYTES, result);
            byte[] got = Files.readAllBytes(body);
            for (int i = 0; i < got.length; i++) {
                if (got[i] != VmServer.pattern(i)) {
                    throw new AssertionError("byte " + i + " differs after the failover");
                }
            }
        }
    }

    private static void awaitFlowOn(VrrpBed bed, Router router, Duration timeout) throws Exception {
        String[] flows = {""};
        // conntrackd syncs on its own schedule: nothing to wait on but the table, read every 100 ms.
        Await.until(() -> {
            flows[0] = bed.conntrackFlows(router);
            return flows[0] != null && flows[0].contains("dst=" + VrrpPair.VIP) && flows[0].contains("ESTABLISHED");
        }, timeout, Duration.ofMillis(100), () -> "a synced flow to the VIP on " + router + ": " + flows[0]);
    }
}
