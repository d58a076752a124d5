package io.edgelb.model.sync;

import io.edgelb.model.ConfigLimits;
import io.edgelb.model.io.BoundedFile;
import io.edgelb.model.io.Printable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CURVE key pair on disk, in the text form of czmq's certificates:
 * <pre>
 * # edgelb CURVE key pair: keep this file secret
 * public-key = "Z85 (40 characters)"
 * secret-key = "Z85 (40 characters)"
 * </pre>
 * Written mode 0600 (the secret key authenticates this machine), never overwritten by accident.
 */
public record CurveKeyFile(String publicKey, String secretKey) {
    /** The alphabet of Z85 (ZeroMQ RFC 32); a CURVE key is 32 bytes, 40 characters. */
    public static final Pattern Z85_KEY = Pattern.compile("[0-9a-zA-Z.\\-:+=^!/*?&<>()\\[\\]{}@%$#]{40}");
    private static final Pattern LINE = Pattern.compile("\\s*(public-key|secret-key)\\s*=\\s*\"([^\"]*)\"\\s*");

    public CurveKeyFile {
        if (!Z85_KEY.matcher(publicKey).matches() || !Z85_KEY.matcher(secretKey).matches()) {
            throw new IllegalArgumentException("a CURVE key is 40 characters of Z85");
        }
    }

    /** Reads a key file; the message of the IOException names the file and what is wrong. */
    public static CurveKeyFile read(Path file) throws IOException {
        String publicKey = null;
        String secretKey = null;
        String text = new String(BoundedFile.read(file, ConfigLimits.MAX_SECRET_FILE_BYTES), StandardCharsets.US_ASCII);
        for (String line : text.split("\n", -1)) {
            if (line.isBlank() || line.trim().startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IOException(file + ": not a key file line: " + Printable.capped(line.strip(), 80));
            }
            if (m.group(1).equals("public-key")) {
                publicKey = m.group(2);
            } else {
                secretKey = m.group(2);
            }
        }
        if (publicKey == null || secretKey == null) {
            throw new IOException(file + ": needs both public-key and secret-key");
        }
        try {
            return new CurveKeyFile(publicKey, secretKey);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    /**
     * Writes the pair to a new file, mode 0600 from the start (never readable by others, not even
     * for a moment); refuses to replace an existing file unless {@code replace}.
     */
    public void write(Path file, boolean replace) throws IOException {
        if (!replace && Files.exists(file)) {
            throw new FileAlreadyExistsException(file + " exists; remove it first to make a new key pair");
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".key", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, "# edgelb CURVE key pair: keep this file secret\n"
                    + "public-key = \"" + publicKey + "\"\n"
                    + "secret-key = \"" + secretKey + "\"\n", StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public String toString() {
        return "CurveKeyFile[public " + publicKey + "]"; // never print the secret
    }
}
