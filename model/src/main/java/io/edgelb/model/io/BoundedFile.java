package io.edgelb.model.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a file the agent or hub did not write itself (the UCI config, the persisted hub state, a token
 * or key file) with a size limit: at most {@code limit + 1} bytes are ever read, so a file symlinked to
 * {@code /dev/zero} or grown by mistake ends in a message instead of an OutOfMemoryError. Only regular
 * files are read (a symlink is followed, its target must be regular): opening a FIFO would block the
 * reading thread until a writer comes, and a device may never end. The limits are in docs/limits.md.
 */
public final class BoundedFile {
    private BoundedFile() {
    }

    /**
     * The file's bytes; an IOException whose message names the file and says what is wrong (missing:
     * {@link NoSuchFileException}; not a regular file; larger than {@code limit} bytes).
     */
    public static byte[] read(Path file, int limit) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new IOException(file + " is not a regular file (" + typeOf(attributes) + "); refused");
        }
        if (attributes.size() > limit) {
            throw tooLarge(file, attributes.size(), limit);
        }
        // The size may change between the check and the read (or the file be replaced): read at most
        // limit + 1 bytes whatever it has become.
        try (InputStream in = Files.newInputStream(file)) {
            byte[] content = in.readNBytes(limit + 1);
            if (content.length > limit) {
                throw tooLarge(file, -1, limit);
            }
            return content;
        }
    }

    /** A file over its limit (the message names the file, its size and the limit). */
    public static final class TooLargeException extends IOException {
        TooLargeException(String message) {
            super(message);
        }
    }

    private static IOException tooLarge(Path file, long size, int limit) {
        String actual = size >= 0 ? "is " + size + " bytes" : "grew";
        return new TooLargeException(file + " " + actual + ", more than the limit of " + limit + " bytes ("
                + Sizes.describe(limit) + "); refused");
    }

    private static String typeOf(BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        return attributes.isOther() ? "a FIFO, socket or device" : "not a plain file";
    }
}
