package io.edgelb.model.io;

/** Byte counts as people read them in messages: 4 MiB, 512 KiB, 100 bytes. */
public final class Sizes {
    private Sizes() {
    }

    public static String describe(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return bytes / (1 << 20) + " MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return bytes / (1 << 10) + " KiB";
        }
        return bytes + " bytes";
    }
}
