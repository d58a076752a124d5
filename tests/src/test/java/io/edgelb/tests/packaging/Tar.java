package io.edgelb.tests.packaging;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A tar archive read the way opkg's libbb unarchiver reads one: 512-byte headers in the ustar or GNU
 * layout, GNU long names, no pax extensions. Keeps every header field the packaging tests check.
 */
final class Tar {
    private static final int BLOCK = 512;

    /** One member: its header, and its content for regular files. */
    record Entry(String name, int mode, int uid, int gid, String user, String group, long mtime, char type,
                 String linkName, String magic, byte[] content) {
        boolean isDirectory() {
            return type == '5';
        }

        boolean isFile() {
            return type == '0' || type == '\0';
        }

        boolean isSymlink() {
            return type == '2';
        }

        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }

        String octalMode() {
            return String.format("%04o", mode);
        }
    }

    private Tar() {
    }

    static List<Entry> gunzip(byte[] tarGz) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tarGz))) {
            return read(in);
        }
    }

    static List<Entry> read(InputStream in) throws IOException {
        List<Entry> entries = new ArrayList<>();
        String longName = null;
        String longLink = null;
        byte[] header = new byte[BLOCK];
        while (true) {
            if (!fill(in, header)) {
                throw new EOFException("the archive ends without its two zero blocks");
            }
            if (isZero(header)) {
                break;
            }
            String name = string(header, 0, 100);
            int mode = (int) octal(header, 100, 8);
            int uid = (int) octal(header, 108, 8);
            int gid = (int) octal(header, 116, 8);
            long size = octal(header, 124, 12);
            long mtime = octal(header, 136, 12);
            char type = (char) header[156];
            String linkName = string(header, 157, 100);
            String magic = new String(header, 257, 8, StandardCharsets.US_ASCII);
            String user = string(header, 265, 32);
            String group = string(header, 297, 32);
            if (magic.startsWith("ustar\0")) { // POSIX ustar: a name prefix may precede the name
                String prefix = string(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            byte[] content = new byte[Math.toIntExact(size)];
            if (!fill(in, content)) {
                throw new EOFException(name + " is cut short");
            }
            skip(in, (BLOCK - size % BLOCK) % BLOCK);
            if (type == 'L') { // GNU: the next header's name is too long for its field
                longName = new String(content, StandardCharsets.UTF_8).replace("\0", "");
                continue;
            }
            if (type == 'K') { // GNU: the same for the next header's link target
                longLink = new String(content, StandardCharsets.UTF_8).replace("\0", "");
                continue;
            }
            if (longName != null) {
                name = longName;
                longName = null;
            }
            if (longLink != null) {
                linkName = longLink;
                longLink = null;
            }
            entries.add(new Entry(name, mode, uid, gid, user, group, mtime, type, linkName, magic, content));
        }
        return Collections.unmodifiableList(entries);
    }

    private static boolean fill(InputStream in, byte[] buffer) throws IOException {
        int read = in.readNBytes(buffer, 0, buffer.length);
        return read == buffer.length;
    }

    private static void skip(InputStream in, long n) throws IOException {
        if (in.readNBytes(Math.toIntExact(n)).length != n) {
            throw new EOFException("padding is cut short");
        }
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String string(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] header, int offset, int length) {
        String text = string(header, offset, length).trim();
        return text.isEmpty() ? 0 : Long.parseLong(text, 8);
    }
}
