package io.edgelb.uci.system;

import io.edgelb.model.IpLiteral;
import io.edgelb.model.VxlanLink;
import io.edgelb.uci.UciOption;
import io.edgelb.uci.UciPackage;
import io.edgelb.uci.UciParseException;
import io.edgelb.uci.UciParser;
import io.edgelb.uci.UciSection;
import io.edgelb.uci.UciWriter;
import java.io.IOException;
import java.net.Inet6Address;
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
 * VXLAN links the OpenWrt way: sections in {@code /etc/config/network} that netifd turns into links
 * (package {@code vxlan}: proto {@code vxlan}/{@code vxlan6}), then {@code ubus call network reload}.
 * Per link {@code NAME}: {@code config interface 'NAME'} (the tunnel; the kernel device takes its
 * name), {@code config vxlan_peer 'NAME_peerN'} for each further remote VTEP and
 * {@code 'NAME_nbrN'} for each neighbour MAC with its VTEP (static FDB entries), and
 * {@code config interface 'NAME_l3'} (proto static on device NAME) for the overlay address.
 * Permanent ARP/ND entries, which netifd cannot express, follow with {@code ip neigh} once the device
 * exists.
 *
 * <p>Every section it writes carries {@code option edgelb 'NAME'}; only such sections are ever changed
 * or deleted, and a section of the same name without it is an error, never taken over. Every other
 * section, option and their order stay as they were: the {@code uci} command makes the edit when it
 * is installed (batch, then commit); without it the file is parsed, edited and written back in
 * {@code uci commit} format, atomically (same directory, fsync, rename, mode kept). A run that would
 * change nothing writes nothing and reloads nothing. The file is read and written byte for byte
 * (ISO-8859-1 maps each byte to one char), so bytes of other sections that are not UTF-8 stay as
 * they were, as with the real uci.
 *
 * <p>A rollback (an apply that returns the edgelb sections to what the file held before the last
 * write, nobody having changed the file since) puts the original bytes back, comments included,
 * instead of writing the file again. Threads: called from the agent's control thread only, which
 * owns {@link #beforeLastWrite} and {@link #lastWritten}.
 */
public final class NetifdVxlanApplier implements VxlanApplier {
    /** The option that marks a section as written by edgelb; its value is the link's name. */
    public static final String MARKER = "edgelb";
    static final String PACKAGE = "network";
    private static final long DEVICE_WAIT_MS = 10_000;
    private static final long DEVICE_POLL_MS = 100;

    private final CommandRunner runner;
    private final Path configDir;
    private final Path saveDir;
    private final boolean useUciCommand;
    private byte[] beforeLastWrite; // the file as it was before edgelb last changed it, or null
    private byte[] lastWritten; // the file as edgelb left it then

    /**
     * {@code configDir} is {@code /etc/config} on a router; tests pass a directory of their own.
     * {@code saveDir} is edgelb's own uci delta directory (in its state directory): a commit from the
     * shared {@code /tmp/.uci} would also commit whatever the user left pending in LuCI.
     */
    public NetifdVxlanApplier(CommandRunner runner, Path configDir, Path saveDir) {
        this.runner = runner;
        this.configDir = configDir;
        this.saveDir = saveDir;
        this.useUciCommand = runner.available("uci");
    }

    @Override
    public String name() {
        return "netifd";
    }

    @Override
    public void apply(List<VxlanLink> links) throws SystemCommandException {
        Path file = configDir.resolve(PACKAGE);
        byte[] bytes = readBytes(file);
        UciPackage current = parse(file, bytes);
        UciPackage wanted = sections(links);
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
                throw new SystemCommandException(List.of("uci", "set", PACKAGE + "." + want.name() + "=" + want.type()),
                        "section '" + want.name() + "' exists in " + file + " and edgelb did not write it;"
                                + " rename the vxlan section in /etc/config/edgelb");
            }
            if (have == null || !same(want, have)) {
                adds.add(want);
            }
        }
        if (!deletes.isEmpty() || !adds.isEmpty()) {
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
            Logger.info("{}: {} section(s) removed, {} written; reloading netifd", file, deletes.size(), adds.size());
            if (runner.available("ubus")) {
                runner.run(List.of("ubus", "call", "network", "reload"));
            }
        }
        for (VxlanLink link : links) {
            List<VxlanNeighbor> neighbors = VxlanNeighbor.of(link);
            if (!neighbors.isEmpty()) {
                awaitDevice(link.id());
                Iproute2VxlanApplier.applyNeighbors(runner, link.id(), neighbors);
            }
        }
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

    /** The sections edgelb wants in the network package, in the order they are added. */
    static UciPackage sections(List<VxlanLink> links) {
        UciPackage pkg = new UciPackage();
        for (VxlanLink link : links) {
            String name = link.id();
            boolean v6 = IpLiteral.parse(link.remotes().get(0)) instanceof Inet6Address
                    || (link.local() != null && IpLiteral.parse(link.local()) instanceof Inet6Address);
            UciSection tunnel = pkg.addSection("interface", name);
            tunnel.set("proto", v6 ? "vxlan6" : "vxlan");
            tunnel.set(v6 ? "peer6addr" : "peeraddr", ip(link.remotes().get(0)));
            if (link.local() != null) {
                tunnel.set(v6 ? "ip6addr" : "ipaddr", ip(link.local()));
            }
            if (link.device() != null) {
                tunnel.set("tunlink", link.device());
            }
            tunnel.set("vid", Integer.toString(link.vni()));
            tunnel.set("port", Integer.toString(link.port()));
            tunnel.set("mtu", Integer.toString(link.mtu()));
            tunnel.set("learning", link.learning() ? "1" : "0");
            tunnel.set(MARKER, name);
            for (int i = 1; i < link.remotes().size(); i++) {
                UciSection peer = pkg.addSection("vxlan_peer", name + "_peer" + i);
                peer.set("vxlan", name);
                peer.set("dst", ip(link.remotes().get(i)));
                peer.set(MARKER, name);
            }
            int n = 0;
            for (VxlanNeighbor neighbor : VxlanNeighbor.of(link)) {
                if (neighbor.vtep() == null) {
                    continue;
                }
                UciSection peer = pkg.addSection("vxlan_peer", name + "_nbr" + (++n));
                peer.set("vxlan", name);
                peer.set("lladdr", neighbor.mac());
                peer.set("dst", neighbor.vtep());
                peer.set(MARKER, name);
            }
            if (!link.addresses().isEmpty()) {
                UciSection l3 = pkg.addSection("interface", name + "_l3");
                l3.set("proto", "static");
                l3.set("device", name);
                List<String> ipv4 = new ArrayList<>();
                List<String> ipv6 = new ArrayList<>();
                for (String address : link.addresses()) {
                    String cidr = Iproute2VxlanApplier.normalizedCidr(address);
                    (cidr.contains(":") ? ipv6 : ipv4).add(cidr);
                }
                // One address stays an option, as LuCI writes it; more become a list (proto static takes both).
                addresses(l3, "ipaddr", ipv4);
                addresses(l3, "ip6addr", ipv6);
                l3.set(MARKER, name);
            }
        }
        return pkg;
    }

    private static void addresses(UciSection section, String option, List<String> values) {
        if (values.size() == 1) {
            section.set(option, values.get(0));
        } else if (!values.isEmpty()) {
            values.forEach(value -> section.addListValue(option, value));
        }
    }

    private static String ip(String text) {
        return IpLiteral.format(IpLiteral.parse(text));
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
    static String batch(List<String> deletes, List<UciSection> adds) {
        StringBuilder out = new StringBuilder();
        for (String name : deletes) {
            out.append("delete ").append(PACKAGE).append('.').append(name).append('\n');
        }
        for (UciSection want : adds) {
            String prefix = PACKAGE + "." + want.name();
            out.append("set ").append(prefix).append('=').append(want.type()).append('\n');
            for (UciOption option : want.options()) {
                for (String value : option.values()) {
                    out.append(option.isList() ? "add_list " : "set ").append(prefix).append('.')
                            .append(option.name()).append("='").append(value.replace("'", "'\\''")).append("'\n");
                }
            }
        }
        return out.append("commit ").append(PACKAGE).append('\n').toString();
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

    /** netifd creates the device after the reload returns; neighbours need it. Bounded wait. */
    private void awaitDevice(String name) throws SystemCommandException {
        long deadline = System.nanoTime() + DEVICE_WAIT_MS * 1_000_000;
        SystemCommandException last;
        do {
            try {
                runner.run(List.of("ip", "link", "show", "dev", name));
                return;
            } catch (SystemCommandException e) {
                last = e;
            }
            try {
                Thread.sleep(DEVICE_POLL_MS); // netifd works asynchronously; nothing to wait on but the device
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SystemCommandException(List.of("ip", "link", "show", "dev", name), "interrupted");
            }
        } while (System.nanoTime() < deadline);
        throw new SystemCommandException(last.argv(), "netifd did not create " + name + " within "
                + DEVICE_WAIT_MS / 1000 + " s (is the vxlan package installed?): " + last.error());
    }

}
