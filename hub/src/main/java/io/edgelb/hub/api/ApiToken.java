package io.edgelb.hub.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret that the hub API's writes must present ({@code Authorization: Bearer TOKEN}): read
 * from a root-only file, created (0600, 32 random bytes in hex) when missing.
 */
public final class ApiToken {
    private final byte[] secret;

    private ApiToken(String token) {
        this.secret = token.getBytes(StandardCharsets.US_ASCII);
    }

    public static ApiToken loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = HexFormat.of().formatHex(random);
            try {
                Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------"))), token + "\n");
                return new ApiToken(token);
            } catch (FileAlreadyExistsException raced) {
                // another process made it: read theirs
            }
        }
        return read(file);
    }

    public static ApiToken read(Path file) throws IOException {
        String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (token.isEmpty()) {
            throw new IOException(file + " is empty");
        }
        return new ApiToken(token);
    }

    public String value() {
        return new String(secret, StandardCharsets.US_ASCII);
    }

    /** Constant time, so response timing does not leak the token. */
    public boolean matches(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(secret, authorization.substring(7).trim().getBytes(StandardCharsets.US_ASCII));
    }
}
