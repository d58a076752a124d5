package io.edgelb.hub.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.sync.CurveKeyFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path dir;

    @Test
    void keygenWritesAPairAndRefusesToOverwriteIt() throws Exception {
        Path file = dir.resolve("hub.key");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"keygen", "--out", file.toString()}, new PrintStream(out),
                new PrintStream(err)));
        assertEquals(CurveKeyFile.read(file).publicKey(), out.toString().strip());
        assertEquals(1, Main.run(new String[] {"keygen", "--out", file.toString()}, new PrintStream(out),
                new PrintStream(err)));
        assertTrue(err.toString().contains("exists"), err.toString());
    }

    @Test
    void checkReportsEveryProblemOfTheConfigAndItsDocument() throws Exception {
        Path config = dir.resolve("hub.json");
        Path pools = dir.resolve("pools.json");
        Files.writeString(config, "{\"source\": {\"type\": \"file\", \"path\": \"" + pools + "\"}}");
        Files.writeString(pools, "{\"agents\": {\"r1\": {\"members\": {\"m\": {\"pool\": \"p\", \"address\": \"x\","
                + " \"protocol_port\": 80}}}}}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, Main.run(new String[] {"check", "--config", config.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err)));
        assertEquals(pools + ": agents.r1.members.m.pool: pool 'p' does not exist\n"
                + pools + ": agents.r1.members.m.address: address 'x' is not an IP address\n", err.toString());
    }
}
