package io.edgelb.tests.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * netty's epoll library built from netty's published C sources with musl-gcc (Debian's
 * musl-tools), as an OpenWrt toolchain would: it links against musl and nothing of glibc.
 */
class MuslEpollLibraryTest {
    @TempDir
    Path dir;

    @Test
    void builtWithMuslGccItNeedsOnlyMuslsLibc() throws Exception {
        assertEquals(0, PackagingBuild.run("sh", "-c", "command -v musl-gcc").exit(),
                "musl-gcc is missing: apt-get install musl-tools");
        Path sources = Files.createDirectories(dir.resolve("sources"));
        Path repo = Path.of(System.getProperty("edgelb.mavenRepo", System.getProperty("user.home") + "/.m2/repository"));
        String netty = System.getProperty("edgelb.nettyVersion", "4.2.18.Final");
        copy(repo, "netty-transport-native-epoll", netty, sources);
        copy(repo, "netty-transport-native-unix-common", netty, sources);
        copy(repo, "netty-jni-util", System.getProperty("edgelb.nettyJniUtil", "0.0.11.Final"), sources);

        PackagingBuild.Ran built = PackagingBuild.run(List.of(
                PackagingBuild.repoRoot().resolve("packaging/openwrt/native/build-epoll.sh").toString(),
                "--cc", "musl-gcc", "--arch", "x86_64", "--sources", sources.toString(), "--out", dir.toString(),
                "--jdk", System.getProperty("java.home")), Map.of(), dir, Duration.ofMinutes(5));
        assertEquals(0, built.exit(), built.output());
        Path library = dir.resolve("libnetty_transport_native_epoll_x86_64.so");
        assertEquals(library + "\n", built.output(), "no compiler warnings, and the path it wrote");

        String dynamic = PackagingBuild.check("readelf", "-d", library.toString());
        List<String> needed = dynamic.lines().filter(l -> l.contains("(NEEDED)"))
                .map(l -> l.substring(l.indexOf('[') + 1, l.indexOf(']'))).toList();
        assertEquals(List.of("libc.so"), needed, "musl's libc only:\n" + dynamic);
        String versions = PackagingBuild.check("readelf", "-V", library.toString());
        assertFalse(versions.contains("GLIBC_"), "no glibc symbol versions:\n" + versions);
        String symbols = PackagingBuild.check("readelf", "--dyn-syms", "-W", library.toString());
        assertTrue(symbols.contains(" JNI_OnLoad"), "a loadable JNI library:\n" + symbols);
        assertTrue(PackagingBuild.check("readelf", "-h", library.toString()).contains("X86-64"));
    }

    private static void copy(Path repo, String artifact, String version, Path to) throws Exception {
        String name = artifact + "-" + version + "-sources.jar";
        Files.copy(repo.resolve("io/netty").resolve(artifact).resolve(version).resolve(name), to.resolve(name));
    }
}
