package io.edgelb.tests.packaging;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * A built .ipk opened the way opkg opens it: the outer gzip'd tar, then control.tar.gz and
 * data.tar.gz inside it, and the control file's fields.
 */
final class Ipk {
    private final Path file;
    private final List<Tar.Entry> outer;
    private final List<Tar.Entry> control;
    private final List<Tar.Entry> data;
    private final byte[] dataTar;
    private final Map<String, String> fields;

    private Ipk(Path file, List<Tar.Entry> outer, List<Tar.Entry> control, List<Tar.Entry> data, byte[] dataTar,
                Map<String, String> fields) {
        this.file = file;
        this.outer = outer;
        this.control = control;
        this.data = data;
        this.dataTar = dataTar;
        this.fields = fields;
    }

    static Ipk open(Path file) throws IOException {
        List<Tar.Entry> outer = Tar.gunzip(Files.readAllBytes(file));
        List<Tar.Entry> control = Tar.gunzip(member(outer, "./control.tar.gz", file).content());
        byte[] dataTarGz = member(outer, "./data.tar.gz", file).content();
        byte[] dataTar;
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(dataTarGz))) {
            dataTar = in.readAllBytes();
        }
        List<Tar.Entry> data = Tar.read(new ByteArrayInputStream(dataTar));
        Map<String, String> fields = parseControl(member(control, "./control", file).text());
        return new Ipk(file, outer, control, data, dataTar, fields);
    }

    private static Tar.Entry member(List<Tar.Entry> entries, String name, Path file) throws IOException {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new IOException(file + " has no " + name));
    }

    /** Control fields in file order; a continuation line (leading space) joins its field with a newline. */
    static Map<String, String> parseControl(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        String last = null;
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith(" ") && last != null) {
                fields.put(last, fields.get(last) + "\n" + line.substring(1));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("not a control field: '" + line + "'");
            }
            last = line.substring(0, colon);
            fields.put(last, line.substring(colon + 1).startsWith(" ") ? line.substring(colon + 2)
                    : line.substring(colon + 1));
        }
        return fields;
    }

    Path file() {
        return file;
    }

    List<Tar.Entry> outer() {
        return outer;
    }

    List<Tar.Entry> control() {
        return control;
    }

    List<Tar.Entry> data() {
        return data;
    }

    /** Size of the uncompressed data tar: what ipkg-build writes as Installed-Size. */
    int dataTarSize() {
        return dataTar.length;
    }

    Map<String, String> fields() {
        return fields;
    }

    String field(String name) {
        return fields.get(name);
    }

    /** A data member by its absolute path on the router ("/etc/config/edgelb"). */
    Optional<Tar.Entry> file(String absolutePath) {
        return data.stream().filter(e -> e.name().equals("." + absolutePath) || e.name().equals("." + absolutePath + "/"))
                .findFirst();
    }

    Tar.Entry requireFile(String absolutePath) {
        return file(absolutePath).orElseThrow(() -> new AssertionError(this.file.getFileName() + " has no "
                + absolutePath + "; it has " + data.stream().map(Tar.Entry::name).toList()));
    }

    Optional<Tar.Entry> controlFile(String name) {
        return control.stream().filter(e -> e.name().equals("./" + name)).findFirst();
    }

    /** Unpacks data.tar.gz under root, as opkg does on install (modes kept; owners are the test's). */
    void installInto(Path root) throws IOException {
        for (Tar.Entry entry : data) {
            Path target = root.resolve(entry.name()).normalize();
            if (!target.startsWith(root)) {
                throw new IOException(entry.name() + " points outside the root");
            }
            if (entry.isSymlink()) {
                Files.createDirectories(target.getParent());
                Files.createSymbolicLink(target, Path.of(entry.linkName()));
                continue; // a link's own mode means nothing on Linux
            }
            if (entry.isDirectory()) {
                Files.createDirectories(target);
            } else if (entry.isFile()) {
                Files.createDirectories(target.getParent());
                Files.write(target, entry.content());
            } else {
                throw new IOException(entry.name() + ": unexpected tar type " + entry.type());
            }
            Files.setPosixFilePermissions(target, permissions(entry.mode()));
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        StringBuilder text = new StringBuilder();
        String letters = "rwxrwxrwx";
        for (int bit = 8; bit >= 0; bit--) {
            text.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
        }
        return PosixFilePermissions.fromString(text.toString());
    }

    @Override
    public String toString() {
        return file.getFileName().toString();
    }
}
