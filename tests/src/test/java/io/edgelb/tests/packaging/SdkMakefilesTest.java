package io.edgelb.tests.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenWrt SDK Makefiles of packaging/openwrt/feed, read by GNU make against stand-ins for the
 * SDK's rules.mk, package.mk and luci.mk: their maintainer scripts and conffiles are those of the
 * packages build.sh makes, and their versions and source hashes match the tree.
 */
class SdkMakefilesTest {
    /** BuildPackage writes each package's scripts and conffiles, as make expands them, to $(OUT). */
    private static final String PACKAGE_MK = """
            Download =
            BuildPackage = $(foreach v,postinst prerm postrm conffiles,$(file >$(OUT)/$(1).$(v),$(Package/$(1)/$(v))))\
            $(file >$(OUT)/$(1).version,$(PKG_VERSION)-$(PKG_RELEASE))
            """;

    @TempDir
    Path dir;

    private Path feed(String name) {
        return PackagingBuild.repoRoot().resolve("packaging/openwrt/feed").resolve(name);
    }

    /** Runs make on a feed Makefile with the stand-ins; returns the directory BuildPackage wrote to. */
    private Path make(String name) throws Exception {
        Path top = dir.resolve("sdk");
        Files.createDirectories(top.resolve("include"));
        Files.createDirectories(top.resolve("feeds/luci"));
        Files.writeString(top.resolve("rules.mk"), "INCLUDE_DIR:=$(TOPDIR)/include\n");
        Files.writeString(top.resolve("include/package.mk"), PACKAGE_MK);
        Files.writeString(top.resolve("feeds/luci/luci.mk"),
                "include $(INCLUDE_DIR)/package.mk\n$(eval $(call BuildPackage,$(notdir $(CURDIR))))\n");
        Path out = Files.createDirectories(dir.resolve("out-" + name));
        PackagingBuild.Ran ran = PackagingBuild.run(List.of("make", "-s", "-f", "Makefile", "TOPDIR=" + top,
                "OUT=" + out, "--eval=nothing: ; @:", "nothing"), Map.of(), feed(name), Duration.ofSeconds(30));
        assertEquals(0, ran.exit(), "make read " + name + "/Makefile:\n" + ran.output());
        assertEquals("", ran.output(), "no warnings");
        assertTrue(Files.exists(out.resolve(name + ".version")), ran.output());
        return out;
    }

    /** What BuildPackage wrote, without the newline make's file function adds. */
    private static String read(Path file) throws Exception {
        return Files.exists(file) ? Files.readString(file).stripTrailing() : "";
    }

    private static String script(Ipk ipk, String name) {
        return ipk.controlFile(name).orElseThrow().text().stripTrailing();
    }

    @Test
    void theEdgelbMakefileShipsWhatBuildShShips() throws Exception {
        Ipk ipk = Ipk.open(PackagingBuild.shared().ipk("edgelb"));
        Path out = make("edgelb");
        assertEquals(ipk.field("Version"), read(out.resolve("edgelb.version")));
        assertEquals(script(ipk, "postinst-pkg"), read(out.resolve("edgelb.postinst")));
        assertEquals(script(ipk, "prerm-pkg"), read(out.resolve("edgelb.prerm")));
        // The SDK lists shipped conffiles in the package and the rest in keep.d, as build.sh does.
        assertEquals(ipk.controlFile("conffiles").orElseThrow().text()
                + ipk.requireFile("/lib/upgrade/keep.d/edgelb").text(), read(out.resolve("edgelb.conffiles")) + "\n");
    }

    @Test
    void theRuntimeMakefileShipsWhatBuildShShipsFromTheSameNettySources() throws Exception {
        Ipk ipk = Ipk.open(PackagingBuild.shared().ipk("edgelb-runtime"));
        Path out = make("edgelb-runtime");
        assertEquals(ipk.field("Version"), read(out.resolve("edgelb-runtime.version")));
        assertEquals(script(ipk, "postinst-pkg"), read(out.resolve("edgelb-runtime.postinst")));
        assertEquals(script(ipk, "prerm-pkg"), read(out.resolve("edgelb-runtime.prerm")));

        String makefile = Files.readString(feed("edgelb-runtime").resolve("Makefile"));
        String netty = System.getProperty("edgelb.nettyVersion", "4.2.18.Final");
        String jniUtil = System.getProperty("edgelb.nettyJniUtil", "0.0.11.Final");
        assertEquals(netty, variable(makefile, "NETTY_VERSION"), "the netty of the agent's classes");
        assertEquals(jniUtil, variable(makefile, "NETTY_JNI_UTIL_VERSION"));
        Path repo = Path.of(System.getProperty("edgelb.mavenRepo", System.getProperty("user.home") + "/.m2/repository"))
                .resolve("io/netty");
        assertEquals(sha256(repo.resolve("netty-transport-native-epoll/" + netty
                + "/netty-transport-native-epoll-" + netty + "-sources.jar")), variable(makefile, "PKG_HASH"));
        List<String> hashes = Pattern.compile("HASH:=(\\w+)").matcher(makefile).results()
                .map(m -> m.group(1)).toList();
        assertEquals(List.of(
                sha256(repo.resolve("netty-transport-native-unix-common/" + netty
                        + "/netty-transport-native-unix-common-" + netty + "-sources.jar")),
                sha256(repo.resolve("netty-jni-util/" + jniUtil + "/netty-jni-util-" + jniUtil + "-sources.jar"))),
                hashes.subList(1, hashes.size()), "the Download hashes, in file order");
    }

    @Test
    void theLuciMakefileRefreshesLikeTheLuciPackageAndLinksToTheApp() throws Exception {
        Path app = Files.createDirectories(dir.resolve("luci-app/htdocs"));
        PackagingBuild.Built built = PackagingBuild.build(PackagingBuild.workDir("sdk-luci"), Map.of(),
                "--packages", "luci", "--luci-dir", app.getParent().toString());
        Ipk ipk = Ipk.open(built.ipk("luci-app-edgelb"));
        Path out = make("luci-app-edgelb");
        assertEquals(ipk.field("Version"), read(out.resolve("luci-app-edgelb.version")));
        assertEquals(script(ipk, "postinst-pkg"), read(out.resolve("luci-app-edgelb.postinst")));
        assertEquals(script(ipk, "postrm"), read(out.resolve("luci-app-edgelb.postrm")));
        for (String link : List.of("htdocs", "root", "po")) {
            Path path = feed("luci-app-edgelb").resolve(link);
            assertTrue(Files.isSymbolicLink(path), path.toString());
            assertEquals(PackagingBuild.repoRoot().resolve("luci-app").resolve(link),
                    path.getParent().resolve(Files.readSymbolicLink(path)).normalize());
        }
    }

    private static String variable(String makefile, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":=(.*)$").matcher(makefile);
        assertTrue(m.find(), name);
        return m.group(1).strip();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
