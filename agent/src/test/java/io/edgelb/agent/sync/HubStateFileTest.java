package io.edgelb.agent.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.Config;
import io.edgelb.model.json.ConfigJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubStateFileTest {
    @TempDir
    Path dir;

    private static HubState state(long revision, int port) {
        Config objects = ConfigJson.decode("{\"pools\": {\"web\": {}}, \"members\": {\"m1\": {\"pool\": \"web\", "
                + "\"address\": \"192.0.2.10\", \"protocol_port\": " + port + "}}}", "").config();
        return new HubState("tcp://hub:5570", "0102030405060708", revision, objects, ConfigJson.encodeText(objects));
    }

    @Test
    void writesOnlyWhenTheObjectsChangeAndReadsBack() throws Exception {
        Path path = dir.resolve("etc/edgelb/hub-state.json");
        HubStateFile file = new HubStateFile(path);
        assertNull(file.load("r1"));
        assertTrue(file.save("r1", state(1, 80)));
        assertFalse(file.save("r1", state(2, 80)), "a new revision of the same objects is not written");
        assertTrue(file.save("r1", state(3, 81)));
        try (var listing = Files.list(path.getParent())) {
            assertEquals(1, listing.count(), "no temporary file left behind");
        }

        HubStateFile again = new HubStateFile(path);
        HubState loaded = again.load("r1");
        assertEquals(3, loaded.revision());
        assertEquals(81, loaded.objects().members().get("m1").protocolPort());
        assertFalse(again.save("r1", state(4, 81)), "what is on disk counts as written after a restart");
        assertNull(new HubStateFile(path).load("r2"), "another agent's state is not served");
    }

    @Test
    void aDamagedFileIsIgnoredNotFatal() throws Exception {
        Path path = dir.resolve("hub-state.json");
        Files.writeString(path, "{\"agent_id\": \"r1\", \"state\": {\"members\": {\"m1\": {\"weight\": \"x\"}}}}");
        assertNull(new HubStateFile(path).load("r1"));
        Files.writeString(path, "\u0000garbage");
        assertNull(new HubStateFile(path).load("r1"));
    }

    @Test
    void hubIdsAreNamespacedAndNeverCollideWithLocalOnes() {
        Config hub = state(1, 80).objects();
        Config namespaced = HubObjects.namespaced(hub);
        assertEquals("hub-web", namespaced.members().get("hub-m1").poolId());
        Config local = ConfigJson.decode("{\"pools\": {\"m1\": {}}}", "").config();
        Config composed = HubObjects.compose(local, namespaced);
        assertEquals(2, composed.pools().size());
        assertEquals(1, composed.members().size());
        assertTrue(composed.pools().containsKey("m1") && composed.pools().containsKey("hub-web"));
        assertEquals("m1", HubObjects.hubId("hub-m1"));
        assertFalse(HubObjects.isHub("web_1"));
    }

    @Test
    void anOversizedDevZeroOrFifoStateFileIsRefusedWithoutReadingIt() throws Exception {
        Path big = dir.resolve("big.json");
        try (java.io.RandomAccessFile sparse = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            sparse.setLength(64L << 20); // 64 MiB: once an OutOfMemoryError before the local config was served
        }
        assertNull(new HubStateFile(big).load("r1"));
        Path zero = Files.createSymbolicLink(dir.resolve("zero.json"), Path.of("/dev/zero"));
        assertNull(new HubStateFile(zero).load("r1"));
        Path fifo = dir.resolve("fifo.json");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertNull(new HubStateFile(fifo).load("r1"), "a FIFO must not block the start");
    }
}
