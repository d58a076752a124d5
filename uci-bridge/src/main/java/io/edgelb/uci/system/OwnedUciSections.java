package io.edgelb.uci.system;

import io.edgelb.uci.UciOption;
import io.edgelb.uci.UciPackage;
import io.edgelb.uci.UciParseException;
import io.edgelb.uci.UciParser;
import io.edgelb.uci.UciSection;
import io.edgelb.uci.UciWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tinylog.Logger;

/**
 * The sections edgelb owns in one package of {@code /etc/config} ({@code network} for VXLAN links,
 * {@code keepalived} for VRRP instances): each carries {@code option edgelb 'NAME'}. Only such
 * sections are ever changed or deleted; a section of a wanted name without the marker is an error,
 * never taken over. Every other section, option and their order stay as they were: the {@code uci}
 * command makes the edit when it is installed (batch, then commit, with edgelb's own delta directory:
 * a commit from the shared {@code /tmp/.uci} would also commit what the user left pending in LuCI);
 * without it the file is parsed, edited and written back in {@code uci commit} format, atomically
 * (same directory, fsync, rename, mode kept). The file is read and written byte for byte
 * (ISO-8859-1 maps each byte to one char), so bytes of other sections that are not UTF-8 stay as
 * they were, as with the real uci.
 *
 * <p>A rollback (an apply that returns the edgelb sections to what the file held before the last
 * write, nobody having changed the file since) puts the original bytes back, comments included,
 * instead of writing the file again. Threads: the agent's control thread only, which owns
 * {@link #beforeLastWrite} and {@link #lastWritten}.
 */
final class OwnedUciSections {
    /** The option that marks a section as written by edgelb. */
    static final String MARKER = "edgelb";

    private final CommandRunner runner;
    private final Path configDir;
    private final Path saveDir;
    private final String pkg;
    private final String renameHint;
    private final boolean useUciCommand;
    private byte[] beforeLastWrite; // the file as it was before edgelb last changed it, or null
    private byte[] lastWritten; // the file as edgelb left it then

    /** {@code renameHint} tells the user how to resolve a name clash with a section edgelb did not write. */
    OwnedUciSections(CommandRunner runner, Path configDir, Path saveDir, String pkg, String renameHint) {
        this.runner = runner;
        this.configDir = configDir;
        this.saveDir = saveDir;
        this.pkg = pkg;
        this.renameHint = renameHint;
        this.useUciCommand = runner.available("uci");
    }

    Path file() {
        return configDir.resolve(pkg);
    }

    /** Makes edgelb's sections in the package exactly {@code wanted}; true when the file changed. */
    boolean apply(UciPackage wanted) throws SystemCommandException {
        Path file = file();
        byte[] bytes = readBytes(file);
        UciPackage current = parse(file, bytes);
        List<String> deletes = new ArrayList<>();
        List<UciSection> adds = new ArrayList<>();
        for (UciSection have : current.sections()) {
            if (have.option(MARKER) == null) {
                continue;
            }
            UciSection want = wanted.section(have.uciName());
            if (want == null || !same(want, have)) {
                deletes.add(have.uciName());
            }
        }
        for (UciSection want : wanted.sections()) {
            UciSection have = current.section(want.name());
            if (have != null && have.option(MARKER) == null) {
                throw new SystemCommandException(List.of("uci", "set", pkg + "." + want.name() + "=" + want.type()),
                        "section '" + want.name() + "' exists in " + file + " and edgelb did not write it; " + renameHint);
            }
            if (have == null || !same(want, have)) {
                adds.add(want);
            }
        }
        if (deletes.isEmpty() && adds.isEmpty()) {
            return false;
        }
        if (returnsToBefore(bytes, file, wanted)) {
            writeFile(file, beforeLastWrite);
            beforeLastWrite = null;
            lastWritten = null;
        } else {
            if (useUciCommand) {
                commitWithUci(deletes, adds, file, wanted);
            } else {
                writeFile(file, UciWriter.write(edited(current, deletes, adds)).getBytes(StandardCharsets.ISO_8859_1));
            }
            beforeLastWrite = bytes;
            lastWritten = readBytes(file);
        }
        Logger.info("{}: {} section(s) removed, {} written", file, deletes.size(), adds.size());
        return true;
    }

    /**
     * True when the file is still as edgelb last wrote it and {@code wanted} is exactly what it held
     * before: a rollback, which gets the original bytes back rather than a rewritten file.
     */
    private boolean returnsToBefore(byte[] bytes, Path file, UciPackage wanted) throws SystemCommandException {
        if (beforeLastWrite == null || lastWritten == null || bytes == null
                || !java.util.Arrays.equals(bytes, lastWritten)) {
            return false;
        }
        List<UciSection> marked = parse(file, beforeLastWrite).sections().stream()
                .filter(section -> section.option(MARKER) != null).toList();
        if (marked.size() != wanted.sections().size()) {
            return false;
        }
        for (UciSection have : marked) {
            UciSection want = wanted.section(have.uciName());
            if (want == null || !same(want, have)) {
                return false;
            }
        }
        return true;
    }

    private static boolean same(UciSection a, UciSection b) {
        if (!a.type().equals(b.type())) {
            return false;
        }
        List<UciOption> x = a.options();
        List<UciOption> y = b.options();
        if (x.size() != y.size()) {
            return false;
        }
        for (int i = 0; i < x.size(); i++) {
            if (!x.get(i).name().equals(y.get(i).name()) || x.get(i).isList() != y.get(i).isList()
                    || !x.get(i).values().equals(y.get(i).values())) {
                return false;
            }
        }
        return true;
    }

    /** The current package with edgelb's changes; existing sections keep their place, new ones go last. */
    static UciPackage edited(UciPackage current, List<String> deletes, List<UciSection> adds) {
        for (String name : deletes) {
            current.deleteSection(name);
        }
        for (UciSection want : adds) {
            UciSection section = current.addSection(want.type(), want.name());
            copyOptions(want, section);
        }
        return current;
    }

    private static void copyOptions(UciSection from, UciSection to) {
        for (UciOption option : from.options()) {
            if (option.isList()) {
                for (String value : option.values()) {
                    to.addListValue(option.name(), value);
                }
            } else {
                to.set(option.name(), option.value());
            }
        }
    }

    /** The same edit as {@code uci batch}; uci keeps comments' absence, order and locking its own way. */
    String batch(List<String> deletes, List<UciSection> adds) {
        StringBuilder out = new StringBuilder();
        for (String name : deletes) {
            out.append("delete ").append(pkg).append('.').append(name).append('\n');
        }
        for (UciSection want : adds) {
            String prefix = pkg + "." + want.name();
            out.append("set ").append(prefix).append('=').append(want.type()).append('\n');
            for (UciOption option : want.options()) {
                for (String value : option.values()) {
                    out.append(option.isList() ? "add_list " : "set ").append(prefix).append('.')
                            .append(option.name()).append("='").append(value.replace("'", "'\\''")).append("'\n");
                }
            }
        }
        return out.append("commit ").append(pkg).append('\n').toString();
    }

    private void commitWithUci(List<String> deletes, List<UciSection> adds, Path file, UciPackage wanted)
            throws SystemCommandException {
        try {
            Files.createDirectories(saveDir);
        } catch (IOException e) {
            throw new SystemCommandException(List.of("mkdir", saveDir.toString()), e.toString());
        }
        List<String> argv = List.of("uci", "-c", configDir.toString(), "-t", saveDir.toString(), "batch");
        String output = runner.run(argv, batch(deletes, adds));
        // uci batch exits 0 even when a line fails: check the result instead.
        UciPackage after = read(file);
        for (UciSection want : wanted.sections()) {
            UciSection have = after.section(want.name());
            if (have == null || !same(want, have)) {
                throw new SystemCommandException(argv, "section '" + want.name() + "' was not written: "
                        + (output.isBlank() ? "uci said nothing" : output.trim()));
            }
        }
    }

    private static UciPackage read(Path file) throws SystemCommandException {
        return parse(file, readBytes(file));
    }

    /** The file's bytes, or null when there is no file. */
    private static byte[] readBytes(Path file) throws SystemCommandException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new SystemCommandException(List.of("read", file.toString()), e.toString());
        }
    }

    /** Bytes as ISO-8859-1 chars: a value that is not UTF-8 comes back byte for byte when written. */
    private static UciPackage parse(Path file, byte[] bytes) throws SystemCommandException {
        if (bytes == null) {
            return new UciPackage();
        }
        try {
            return UciParser.parse(new String(bytes, StandardCharsets.ISO_8859_1));
        } catch (UciParseException e) {
            throw new SystemCommandException(List.of("read", file.toString()), e.getMessage()
                    + "; fix the file (edgelb does not write a file it cannot parse)");
        }
    }

    /** Writes like {@code uci commit}: a temporary file beside it, fsync, the old mode, rename. */
    static void writeFile(Path file, byte[] content) throws SystemCommandException {
        Path temp = null;
        try {
            temp = Files.createTempFile(file.getParent(), "." + file.getFileName() + ".edgelb-", "");
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Set<PosixFilePermission> mode = Files.exists(file) ? Files.getPosixFilePermissions(file)
                    : Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            Files.setPosixFilePermissions(temp, mode);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | UnsupportedOperationException e) {
            try {
                if (temp != null) {
                    Files.deleteIfExists(temp);
                }
            } catch (IOException ignored) {
                // the original error is the one to report
            }
            throw new SystemCommandException(List.of("write", file.toString()), e.toString());
        }
    }

}
