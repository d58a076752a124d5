package io.edgelb.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.sync.CurveKeyFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeygenCommandTest {
    @TempDir
    Path dir;

    private String keygen(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, Main.run(args, new PrintStream(out), new PrintStream(new ByteArrayOutputStream())));
        return out.toString().strip();
    }

    @Test
    void writesARootOnlyKeyPairPrintsThePublicKeyAndKeepsAnExistingOne() throws Exception {
        Path file = dir.resolve("etc/edgelb/agent.key");
        String publicKey = keygen("keygen", "--out", file.toString());
        assertTrue(CurveKeyFile.Z85_KEY.matcher(publicKey).matches(), publicKey);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(publicKey, CurveKeyFile.read(file).publicKey());
        assertTrue(Files.readString(file).contains("secret-key = \""), "the pair, in czmq's certificate syntax");

        assertEquals(publicKey, keygen("keygen", "--out", file.toString()), "an existing pair is kept");
        assertNotEquals(publicKey, keygen("keygen", "--out", file.toString(), "--force"));
    }

    @Test
    void findsTheKeyFileInTheHubSection() throws Exception {
        Path config = dir.resolve("edgelb");
        Path file = dir.resolve("keys/router.key");
        Files.writeString(config, "config hub 'hub'\n\toption key_file '" + file + "'\n");
        String publicKey = keygen("keygen", "--config", config.toString());
        assertEquals(publicKey, CurveKeyFile.read(file).publicKey());
    }
}
