package io.edgelb.tests.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.tests.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default build's packages, read as opkg reads them: format, control fields, files, modes, scripts. */
class IpkFormatTest {
    private static final Pattern PACKAGE_NAME = Pattern.compile("[a-zA-Z0-9_.+-]+");
    private static final List<String> REQUIRED_FIELDS = List.of("Package", "Version", "Source", "SourceName",
            "Section", "SourceDateEpoch", "Maintainer", "Architecture", "Installed-Size", "Description");

    private static Ipk edgelb;
    private static Ipk runtime;
    /** Every package of the default build: the two above, and luci-app-edgelb once luci-app/ exists. */
    private static List<Ipk> all;

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        PackagingBuild.Built built = PackagingBuild.shared();
        edgelb = Ipk.open(built.ipk("edgelb"));
        runtime = Ipk.open(built.ipk("edgelb-runtime"));
        all = new ArrayList<>();
        for (Path ipk : built.ipks()) {
            all.add(Ipk.open(ipk));
        }
    }

    @Test
    void theOuterFileIsAGzipTarOfTheThreeMembersInIpkgBuildOrder() throws Exception {
        assertTrue(all.size() >= 2, all.toString());
        for (Ipk ipk : all) {
            byte[] head = Files.readAllBytes(ipk.file());
            assertEquals(0x1f, head[0] & 0xff, ipk + " is gzip, not a Debian ar archive");
            assertEquals(0x8b, head[1] & 0xff, ipk + " is gzip");
            assertEquals(List.of("./debian-binary", "./data.tar.gz", "./control.tar.gz"),
                    ipk.outer().stream().map(Tar.Entry::name).toList(), ipk.toString());
            assertEquals("2.0\n", ipk.outer().get(0).text());
        }
    }

    @Test
    void everyMemberHasGnuHeadersRootOwnersAndTheSourceDateEpoch() {
        for (Ipk ipk : all) {
            long epoch = Long.parseLong(ipk.field("SourceDateEpoch"));
            List<Tar.Entry> all = new ArrayList<>(ipk.outer());
            all.addAll(ipk.control());
            all.addAll(ipk.data());
            for (Tar.Entry entry : all) {
                String where = ipk + " " + entry.name();
                assertEquals("ustar  \0", entry.magic(), where + ": GNU tar header (opkg reads no pax)");
                assertEquals(0, entry.uid(), where);
                assertEquals(0, entry.gid(), where);
                assertEquals(epoch, entry.mtime(), where);
                assertTrue(entry.name().startsWith("./"), where);
                assertTrue(entry.isFile() || entry.isDirectory() || entry.isSymlink(), where + ": no device, no hard link");
                if (entry.isDirectory()) {
                    assertEquals("0755", entry.octalMode(), where);
                }
                if (entry.isSymlink()) { // jlink links the legal notices of the other modules to java.base's
                    Path target = Path.of(entry.name()).getParent().resolve(entry.linkName()).normalize();
                    assertFalse(entry.linkName().startsWith("/"), where + " -> " + entry.linkName());
                    assertTrue(ipk.data().stream().anyMatch(e -> e.isFile() && Path.of(e.name()).normalize()
                            .equals(target)), where + " -> " + entry.linkName() + ": a file of the package");
                }
            }
        }
    }

    @Test
    void controlFieldsAreCompleteAndNamedLikeTheFile() {
        for (Ipk ipk : all) {
            for (String field : REQUIRED_FIELDS) {
                assertNotNull(ipk.field(field), ipk + " lacks " + field + ": " + ipk.fields());
                assertFalse(ipk.field(field).isBlank(), ipk + ": empty " + field);
            }
            assertTrue(PACKAGE_NAME.matcher(ipk.field("Package")).matches(), ipk.field("Package"));
            assertTrue(ipk.field("Version").matches("[0-9][A-Za-z0-9.+~]*-[0-9]+"), ipk.field("Version"));
            assertEquals(ipk.field("Package") + "_" + ipk.field("Version") + "_" + ipk.field("Architecture") + ".ipk",
                    ipk.file().getFileName().toString());
            assertEquals(Integer.toString(ipk.dataTarSize()), ipk.field("Installed-Size"),
                    "Installed-Size is the uncompressed data tar, as ipkg-build writes it");
            String control = ipk.controlFile("control").orElseThrow().text();
            assertTrue(control.endsWith("\n"), ipk + ": the control file ends with a newline");
            for (String line : control.split("\n")) {
                assertTrue(line.matches(" \\S.*") || line.matches("[A-Za-z-]+: \\S.*"),
                        ipk + ": '" + line + "' is neither a field with a value nor a continuation");
            }
            String depends = ipk.field("Depends");
            assertNotNull(depends, ipk + " depends on something");
            for (String item : depends.split(",", -1)) {
                assertTrue(PACKAGE_NAME.matcher(item.strip()).matches(), ipk + ": Depends item '" + item
                        + "' (an empty Depends entry crashes opkg)");
            }
        }
        assertEquals("all", edgelb.field("Architecture"));
        assertEquals("edgelb-runtime", edgelb.field("Depends"));
        assertEquals("x86_64", runtime.field("Architecture"));
        assertTrue(runtime.field("Depends").startsWith("libc"), runtime.field("Depends"));
        assertEquals(edgelb.field("Version"), runtime.field("Version"), "the two packages come as a matched pair");
    }

    @Test
    void maintainerScriptsFollowOpenWrtsDefaultPostinstAndPrerm() {
        for (Ipk ipk : all) {
            assertEquals("0644", ipk.controlFile("control").orElseThrow().octalMode());
            for (String script : List.of("preinst", "postinst", "prerm", "postrm", "postinst-pkg", "prerm-pkg")) {
                if (ipk.controlFile(script).isEmpty()) {
                    continue;
                }
                Tar.Entry entry = ipk.controlFile(script).orElseThrow();
                assertEquals("0755", entry.octalMode(), ipk + " " + script);
                assertTrue(entry.text().startsWith("#!/bin/sh\n"), ipk + " " + script);
            }
            String postinst = ipk.controlFile("postinst").orElseThrow().text();
            assertTrue(postinst.contains("[ \"${IPKG_NO_SCRIPT}\" = \"1\" ] && exit 0"), postinst);
            assertTrue(postinst.contains(". ${IPKG_INSTROOT}/lib/functions.sh"), postinst);
            assertTrue(postinst.contains("default_postinst $0 $@"), postinst);
            assertTrue(ipk.controlFile("prerm").orElseThrow().text().contains("default_prerm $0 $@"));
        }
    }

    @Test
    void everyShellScriptParses() throws Exception {
        List<String> checked = new ArrayList<>();
        for (Ipk ipk : all) {
            for (Tar.Entry entry : ipk.control()) {
                if (entry.isFile() && entry.text().startsWith("#!/bin/sh")) {
                    checked.add(syntaxCheck(ipk + " " + entry.name(), entry.text()));
                }
            }
            for (Tar.Entry entry : ipk.data()) {
                if (entry.isFile() && entry.content().length > 2 && entry.content()[0] == '#'
                        && entry.content()[1] == '!' && entry.text().startsWith("#!/bin/sh")) {
                    checked.add(syntaxCheck(ipk + " " + entry.name(), entry.text()));
                }
            }
        }
        assertTrue(checked.contains(edgelb + " ./etc/init.d/edgelb"), checked.toString());
        assertTrue(checked.contains(edgelb + " ./usr/sbin/edgelb"), checked.toString());
        assertTrue(checked.contains(edgelb + " ./etc/uci-defaults/80-edgelb"), checked.toString());
        for (Ipk ipk : List.of(edgelb, runtime)) {
            for (String script : List.of("postinst", "prerm", "postinst-pkg", "prerm-pkg")) {
                assertTrue(checked.contains(ipk + " ./" + script), ipk + " has a parsing " + script + ": " + checked);
            }
        }
    }

    private String syntaxCheck(String name, String script) throws Exception {
        Path file = dir.resolve("script-" + Integer.toHexString(name.hashCode()));
        Files.writeString(file, script);
        List<String> shells = new ArrayList<>(List.of("sh"));
        if (PackagingBuild.run("sh", "-c", "command -v busybox").exit() == 0) {
            shells.add("busybox sh"); // the router's shell, where the build machine has it
        }
        for (String shell : shells) {
            List<String> command = new ArrayList<>(List.of(shell.split(" ")));
            command.addAll(List.of("-n", file.toString()));
            PackagingBuild.Ran ran = PackagingBuild.run(command.toArray(String[]::new));
            assertEquals(0, ran.exit(), shell + " -n " + name + ":\n" + ran.output());
        }
        return name;
    }

    @Test
    void theAgentPackageInstallsItsFilesWithOpenWrtModes() throws Exception {
        assertArrayEquals(Files.readAllBytes(AgentProcess.jar()),
                edgelb.requireFile("/usr/share/edgelb/edgelb-agent.jar").content(), "the jar Maven built, unchanged");
        Map<String, String> modes = Map.of(
                "/usr/share/edgelb/edgelb-agent.jar", "0644",
                "/usr/sbin/edgelb", "0755",
                "/etc/init.d/edgelb", "0755",
                "/etc/config/edgelb", "0600",
                "/etc/uci-defaults/80-edgelb", "0755",
                "/lib/upgrade/keep.d/edgelb", "0644");
        modes.forEach((path, mode) -> assertEquals(mode, edgelb.requireFile(path).octalMode(), path));
        assertEquals("/etc/edgelb/\n", edgelb.requireFile("/lib/upgrade/keep.d/edgelb").text(),
                "sysupgrade keeps the key pair made on the router");

        assertEquals("/etc/config/edgelb\n", edgelb.controlFile("conffiles").orElseThrow().text());
        assertEquals("0644", edgelb.controlFile("conffiles").orElseThrow().octalMode());
        assertTrue(runtime.controlFile("conffiles").isEmpty());
    }

    @Test
    void theRuntimePackageCarriesTheLinkedJreAndTheEpollLibrary() {
        assertEquals("0755", runtime.requireFile("/usr/lib/edgelb/jre/bin/java").octalMode());
        assertEquals("0755",
                runtime.requireFile("/usr/lib/edgelb/native/libnetty_transport_native_epoll_x86_64.so").octalMode());
        String release = runtime.requireFile("/usr/lib/edgelb/jre/release").text();
        assertTrue(release.contains("MODULES=\"java.base java.management jdk.crypto.ec jdk.unsupported\""), release);
        assertTrue(runtime.data().stream().noneMatch(e -> e.name().contains("/include/") || e.name().contains("/man/")),
                "no headers, no man pages");
        assertTrue(runtime.data().stream().noneMatch(e -> e.name().endsWith(".jsa")),
                "no CDS archive: it is made on the router, and would make the package irreproducible");
    }

    @Test
    void theDefaultConfigurationPassesTheAgentsCheck() throws Exception {
        Path config = dir.resolve("edgelb");
        Files.write(config, edgelb.requireFile("/etc/config/edgelb").content());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        PackagingBuild.Ran ran = PackagingBuild.run(java, "-jar", AgentProcess.jar().toAbsolutePath().toString(),
                "check", "--config", config.toString());
        assertEquals(0, ran.exit(), ran.output());
        assertEquals(config + ": valid (1 listener(s), 1 pool(s), 2 member(s))\n", ran.output(), "no warnings either");
        String text = Files.readString(config);
        assertTrue(text.contains("config agent 'main'\n\toption enabled '0'\n"), "off until the user turns it on");
    }
}
