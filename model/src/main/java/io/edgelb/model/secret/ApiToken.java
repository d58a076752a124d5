package io.edgelb.model.secret;

import io.edgelb.model.ConfigLimits;
import io.edgelb.model.io.BoundedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret that mutating calls to the agent's or the hub's API must present. Read from a root-only
 * file; created (mode 0600, 32 random bytes in hex) when the file does not exist, so a fresh install
 * needs no setup and the CLI (and on the router LuCI's rpcd plugin) read the same file.
 */
public final class ApiToken {
    private final byte[] secret;

    private ApiToken(String token) {
        this.secret = token.getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads the token, creating the file (and its directory, 0700) when it is missing. */
    public static ApiToken loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = HexFormat.of().formatHex(random);
            try {
                Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------"))), token + "\n", StandardOpenOption.WRITE);
                return new ApiToken(token);
            } catch (FileAlreadyExistsException raced) {
                // another process created it meanwhile: read theirs
            }
        }
        return read(file);
    }

    /** Reads an existing token file (the CLI side). */
    public static ApiToken read(Path file) throws IOException {
        String token = new String(BoundedFile.read(file, ConfigLimits.MAX_SECRET_FILE_BYTES),
                StandardCharsets.US_ASCII).trim();
        if (token.isEmpty()) {
            throw new IOException(file + " is empty");
        }
        return new ApiToken(token);
    }

    public String value() {
        return new String(secret, StandardCharsets.US_ASCII);
    }

    /** Constant-time comparison, so response timing does not leak the token. */
    public boolean matches(String presented) {
        return presented != null
                && MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.US_ASCII));
    }

    /** The same for an HTTP {@code Authorization: Bearer TOKEN} header (scheme case-insensitive). */
    public boolean matchesBearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                && matches(authorization.substring(7).trim());
    }
}
