package io.edgelb.tests.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What build.sh takes from the other parts of the tree, with small examples made here: the fw4
 * files its INSTALL manifest lists, and the LuCI app (htdocs/ and root/, as luci.mk installs them).
 */
class Fw4AndLuciPackagingTest {
    private static final String EPOCH = "1767225600"; // 2026-01-01T00:00:00Z

    @TempDir
    static Path examples;
    private static Ipk edgelb;
    private static Ipk luci;

    @TempDir
    Path dir;

    @BeforeAll
    static void build() throws Exception {
        Path fw4 = Files.createDirectories(examples.resolve("fw4"));
        Files.writeString(fw4.resolve("10-edgelb.nft"), "# accept edgelb's DNAT'd traffic\nct status dnat accept\n");
        Files.writeString(fw4.resolve("fw-hook.sh"), "#!/bin/sh\nexit 0\n");
        Files.writeString(fw4.resolve("INSTALL"), String.join("\n",
                "# SOURCE DEST MODE",
                "10-edgelb.nft  /usr/share/nftables.d/chain-pre/forward_wan/10-edgelb.nft  0644",
                "",
                "fw-hook.sh /usr/share/edgelb/fw-hook.sh 755   # run by fw4 after each reload",
                ""));

        Path app = examples.resolve("luci-app");
        Path view = Files.createDirectories(app.resolve("htdocs/luci-static/resources/view/edgelb"));
        Files.writeString(view.resolve("status.js"), "'use strict';\n");
        Path rpcd = Files.createDirectories(app.resolve("root/usr/libexec/rpcd"));
        Files.writeString(rpcd.resolve("luci.edgelb"), "#!/bin/sh\necho '{}'\n"); // not executable in the checkout
        Path acl = Files.createDirectories(app.resolve("root/usr/share/rpcd/acl.d"));
        Files.writeString(acl.resolve("luci-app-edgelb.json"), "{}\n");

        PackagingBuild.Built built = PackagingBuild.build(PackagingBuild.workDir("fw4-luci"),
                Map.of("SOURCE_DATE_EPOCH", EPOCH), "--packages", "edgelb,luci", "--fw4-dir", fw4.toString(),
                "--luci-dir", app.toString());
        edgelb = Ipk.open(built.ipk("edgelb"));
        luci = Ipk.open(built.ipk("luci-app-edgelb"));
    }

    @Test
    void theFw4ManifestsFilesAreInstalledWhereAndAsItSays() {
        Tar.Entry nft = edgelb.requireFile("/usr/share/nftables.d/chain-pre/forward_wan/10-edgelb.nft");
        assertEquals("0644", nft.octalMode());
        assertTrue(nft.text().contains("ct status dnat accept"));
        assertEquals("0755", edgelb.requireFile("/usr/share/edgelb/fw-hook.sh").octalMode());
        assertTrue(edgelb.file("/usr/share/nftables.d/chain-pre/forward_wan").isPresent(), "with its directories");
        assertTrue(edgelb.data().stream().noneMatch(e -> e.name().endsWith("INSTALL")));
    }

    @Test
    void sourceDateEpochFromTheEnvironmentFixesEveryTimestamp() {
        assertEquals(EPOCH, edgelb.field("SourceDateEpoch"));
        for (Ipk ipk : List.of(edgelb, luci)) {
            assertTrue(ipk.data().stream().allMatch(e -> e.mtime() == Long.parseLong(EPOCH)), ipk.toString());
            assertTrue(ipk.outer().stream().allMatch(e -> e.mtime() == Long.parseLong(EPOCH)), ipk.toString());
        }
    }

    @Test
    void theLuciPackageIsLaidOutAsLuciMkDoes() {
        assertEquals("all", luci.field("Architecture"));
        assertEquals("luci-base, edgelb", luci.field("Depends"));
        assertEquals("luci", luci.field("Section"));
        assertEquals(edgelb.field("Version"), luci.field("Version"));
        assertEquals("0644", luci.requireFile("/www/luci-static/resources/view/edgelb/status.js").octalMode());
        assertEquals("0644", luci.requireFile("/usr/share/rpcd/acl.d/luci-app-edgelb.json").octalMode());
        assertEquals("0755", luci.requireFile("/usr/libexec/rpcd/luci.edgelb").octalMode(),
                "rpcd runs exec plugins, whatever mode the checkout gave the file");
        assertTrue(luci.data().stream().allMatch(e -> e.uid() == 0 && e.gid() == 0));
        assertTrue(luci.controlFile("conffiles").isEmpty());
    }

    @Test
    void luciScriptsRefreshCachesAndRpcdOnARunningRouterOnly() throws Exception {
        for (String name : List.of("postinst-pkg", "postrm")) {
            String script = luci.controlFile(name).orElseThrow().text();
            assertTrue(script.contains("rm -f /tmp/luci-indexcache"), name + ":\n" + script);
            assertTrue(script.contains("rm -rf /tmp/luci-modulecache/"), name);
            assertTrue(script.contains("/etc/init.d/rpcd reload"), name);
            Path file = dir.resolve(name);
            Files.writeString(file, script);
            PackagingBuild.Ran traced = PackagingBuild.run(List.of("sh", "-x", file.toString()),
                    Map.of("IPKG_INSTROOT", dir.toString()), dir, Duration.ofSeconds(30));
            assertEquals(0, traced.exit(), traced.output());
            assertFalse(traced.output().contains("rm "), "an image build touches no cache:\n" + traced.output());
            assertFalse(traced.output().contains("rpcd"), traced.output());
        }
        assertTrue(luci.controlFile("postinst").orElseThrow().text().contains("default_postinst $0 $@"));
        assertTrue(luci.controlFile("prerm").orElseThrow().text().contains("default_prerm $0 $@"));
    }

    @Test
    void aBrokenManifestLineStopsTheBuildWithItsLineNumber() throws Exception {
        Path fw4 = Files.createDirectories(dir.resolve("fw4"));
        Files.writeString(fw4.resolve("a.nft"), "");
        for (String bad : List.of("a.nft /usr/share/a.nft", "a.nft usr/share/a.nft 0644", "a.nft /usr/a.nft 0649",
                "missing.nft /usr/a.nft 0644", "../a.nft /usr/a.nft 0644", "a.nft /usr/a.nft 0644 extra")) {
            Files.writeString(fw4.resolve("INSTALL"), "# header\n" + bad + "\n");
            PackagingBuild.Ran ran = PackagingBuild.runBuild(dir.resolve("out"), Map.of("SOURCE_DATE_EPOCH", EPOCH),
                    "--packages", "edgelb", "--fw4-dir", fw4.toString());
            assertNotEquals(0, ran.exit(), bad);
            assertTrue(ran.output().contains(fw4.resolve("INSTALL") + ":2: "), bad + ":\n" + ran.output());
        }
    }
}
