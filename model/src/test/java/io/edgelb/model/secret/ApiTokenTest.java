package io.edgelb.model.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokenTest {
    @TempDir
    Path dir;

    @Test
    void aMissingTokenIsCreatedRootOnlyAndReadBackTheSame() throws Exception {
        Path file = dir.resolve("state/api.token");
        ApiToken created = ApiToken.loadOrCreate(file);

        assertTrue(created.value().matches("[0-9a-f]{64}"), created.value());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(created.value(), ApiToken.loadOrCreate(file).value());
        assertEquals(created.value(), ApiToken.read(file).value());
    }

    @Test
    void onlyTheExactTokenMatchesBareOrAsBearer() throws Exception {
        Path file = dir.resolve("api.token");
        Files.writeString(file, "s3cret\n");
        ApiToken token = ApiToken.read(file);

        assertTrue(token.matches("s3cret"));
        assertFalse(token.matches("s3cre"));
        assertFalse(token.matches(null));
        assertTrue(token.matchesBearer("Bearer s3cret"));
        assertTrue(token.matchesBearer("bearer s3cret "));
        assertFalse(token.matchesBearer("s3cret"));
        assertFalse(token.matchesBearer("Basic s3cret"));
        assertFalse(token.matchesBearer(null));
    }

    @Test
    void anEmptyTokenFileIsAnErrorNamingTheFile() throws Exception {
        Path file = dir.resolve("api.token");
        Files.writeString(file, "\n");
        IOException error = assertThrows(IOException.class, () -> ApiToken.read(file));
        assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
    }
}
