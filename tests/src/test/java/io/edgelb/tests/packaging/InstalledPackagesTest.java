package io.edgelb.tests.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import io.edgelb.agent.testing.Closer;
import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.agent.testing.TestHttpServer;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edgelb and edgelb-runtime packages unpacked into a staging root, as opkg installs them, and
 * the agent run from there the way procd runs it: /usr/sbin/edgelb on the packaged runtime with
 * the router flags, netty's epoll library built by build.sh, CDS archives made on first start.
 */
class InstalledPackagesTest {
    @TempDir
    Path dir;
    private final Closer closer = new Closer();
    private String api;
    private int port;

    @BeforeEach
    void ports() throws Exception {
        port = freePort();
        api = "127.0.0.1:" + freePort();
    }

    @AfterEach
    void tearDown() throws Exception {
        closer.close();
    }

    private <T extends AutoCloseable> T closing(T resource) {
        return closer.add(resource);
    }

    /** A staging root with both packages unpacked into it. */
    private Path install(String name) throws Exception {
        Path root = Files.createDirectories(dir.resolve(name));
        PackagingBuild.Built built = PackagingBuild.shared();
        Ipk.open(built.ipk("edgelb")).installInto(root);
        Ipk.open(built.ipk("edgelb-runtime")).installInto(root);
        return root;
    }

    private Path config(String body) throws Exception {
        Path config = dir.resolve("edgelb");
        Files.writeString(config, String.join("\n",
                "config agent 'main'",
                "\toption api '" + api + "'",
                "\toption state_dir '" + dir.resolve("state") + "'",
                "\toption workers '1'",
                "\toption heap '48m'",
                "",
                "config listener 'web_tcp'",
                "\toption address '127.0.0.1'",
                "\toption port '" + port + "'",
                "\toption pool 'web'",
                "",
                "config pool 'web'",
                "",
                body));
        return config;
    }

    private static String member(String id, String pool, int port) {
        return "config member '" + id + "'\n\toption pool '" + pool + "'\n\toption address '127.0.0.1'\n"
                + "\toption protocol_port '" + port + "'\n\n";
    }

    private String landOn() throws Exception {
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(5_000);
            return RelayHarness.greeting(client);
        }
    }

    /** A `uci` that answers the launcher's two questions and records how it was asked. */
    private Map<String, String> fakeUci(String heap, String javaOpts) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path uci = bin.resolve("uci");
        Files.writeString(uci, String.join("\n",
                "#!/bin/sh",
                "echo \"$*\" >> '" + dir.resolve("uci.log") + "'",
                "case \"$*\" in",
                "  *'.@agent[0].heap') echo '" + heap + "' ;;",
                "  *'.@agent[0].java_opts') echo '" + javaOpts + "' ;;",
                "  *) exit 1 ;;",
                "esac",
                ""));
        uci.toFile().setExecutable(true);
        return Map.of("PATH", bin + ":" + System.getenv("PATH"));
    }

    @Test
    void checkValidatesTheShippedConfigurationOnThePackagedRuntime() throws Exception {
        Path root = install("root");
        Path shipped = root.resolve("etc/config/edgelb");
        PackagingBuild.Ran ran = PackagingBuild.run(root.resolve("usr/sbin/edgelb").toString(), "check", "--config",
                shipped.toString());
        assertEquals(0, ran.exit(), ran.output());
        assertEquals(shipped + ": valid (1 listener(s), 1 pool(s), 2 member(s))\n", ran.output());
    }

    @Test
    void servesTrafficWithTheRouterFlagsAndTheSelfBuiltEpollLibrary() throws Exception {
        Path root = install("root");
        TcpBackend a = closing(TcpBackend.start("a"));
        TcpBackend b = closing(TcpBackend.start("b"));
        TestHttpServer https = closing(TestHttpServer.startTls());
        Path config = config(member("member_a", "web", a.port()) + member("member_b", "web", b.port())
                + "config pool 'secure'\n\toption healthmonitor 'secure_check'\n\n"
                + "config healthmonitor 'secure_check'\n\toption type 'HTTPS'\n\toption delay '0.5'\n"
                + "\toption timeout '0.4'\n\toption max_retries '1'\n\n"
                + member("secure_1", "secure", https.port()));
        Map<String, String> env = fakeUci("24m", "-Dedgelb.packaging.test=yes");
        InstalledAgent agent = closing(InstalledAgent.start(root, config, api, env));

        List<String> jvm = agent.commandLine();
        assertEquals(root.resolve("usr/lib/edgelb/jre/bin/java").toString(), jvm.get(0), "the packaged runtime");
        for (String flag : List.of("-XX:+UseSerialGC", "-Xmx24m", "-Xms8m", "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData", "-XX:ReservedCodeCacheSize=16m", "-XX:+ExitOnOutOfMemoryError",
                "-XX:ArchiveRelocationMode=0", "-Dio.netty.allocator.type=unpooled",
                "-Djava.library.path=" + root.resolve("usr/lib/edgelb/native"), "-Dedgelb.packaging.test=yes")) {
            assertTrue(jvm.contains(flag), flag + " in " + jvm);
        }
        assertTrue(jvm.indexOf("-Dedgelb.packaging.test=yes") > jvm.indexOf("-Xmx24m"), "java_opts come last");
        assertEquals(List.of("-jar", root.resolve("usr/share/edgelb/edgelb-agent.jar").toString(), "run", "--config",
                config.toString()), jvm.subList(jvm.size() - 5, jvm.size()));
        String asked = Files.readString(dir.resolve("uci.log"));
        assertTrue(asked.contains("-q -c " + dir + " get edgelb.@agent[0].heap"), asked);

        assertTrue(agent.log().contains("transport: epoll (native library loaded)"), agent.log());
        assertEquals("epoll", agent.status().getString("transport", null));
        assertTrue(agent.maps().contains(root.resolve("usr/lib/edgelb/native/libnetty_transport_native_epoll_x86_64.so")
                .toString()), "netty loaded the runtime package's library, not a copy from the jar");

        List<String> landed = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            landed.add(landOn());
        }
        assertTrue(landed.contains("a") && landed.contains("b"), landed.toString());

        // HTTPS checks of an EC-certificate server: the runtime's TLS (jdk.crypto.ec) works.
        agent.awaitStatus(s -> "ONLINE".equals(member(s, "secure", "secure_1").getString("operating_status", "")),
                Duration.ofSeconds(20), "the HTTPS-checked member to come ONLINE");

        Files.writeString(config, Files.readString(config).replace(member("member_a", "web", a.port()), ""));
        agent.signal("HUP");
        agent.awaitStatus(s -> s.getLong("generation", 0) == 2, Duration.ofSeconds(10), "the SIGHUP reload");
        for (int i = 0; i < 3; i++) {
            assertEquals("b", landOn());
        }
        assertEquals(0, agent.stop(), agent.log());
        assertTrue(agent.log().contains("stopping (SIGTERM)"), agent.log());
    }

    private static JsonObject member(JsonObject status, String pool, String id) {
        for (JsonValue p : status.get("pools").asArray()) {
            if (p.asObject().getString("id", "").equals(pool)) {
                for (JsonValue m : p.asObject().get("members").asArray()) {
                    if (m.asObject().getString("id", "").equals(id)) {
                        return m.asObject();
                    }
                }
            }
        }
        throw new AssertionError("no member " + pool + "/" + id + " in " + status);
    }

    @Test
    void withoutTheEpollLibraryTheAgentUsesNioAndUnpacksNothing() throws Exception {
        Path root = install("root");
        PackagingBuild.deleteRecursively(root.resolve("usr/lib/edgelb/native"));
        TcpBackend a = closing(TcpBackend.start("a"));
        InstalledAgent agent = closing(InstalledAgent.start(root, config(member("member_a", "web", a.port())), api,
                Map.of("EDGELB_HEAP", "32m", "EDGELB_JAVA_OPTS", "")));
        assertTrue(agent.commandLine().contains("-Dio.netty.transport.noNative=true"), agent.commandLine().toString());
        assertTrue(agent.log().contains("transport: nio (native epoll unavailable: "), agent.log());
        assertFalse(agent.maps().contains("libnetty_transport_native_epoll"),
                "no glibc copy unpacked from the jar and tried");
        assertEquals("nio", agent.status().getString("transport", null));
        assertEquals("a", landOn());
        assertEquals(0, agent.stop(), agent.log());
    }

    @Test
    void theFirstAgentRecordsTheClassDataSharingArchiveAndTheNextOneMapsIt() throws Exception {
        Path root = install("root");
        Path cds = root.resolve("usr/lib/edgelb/cds");
        TcpBackend a = closing(TcpBackend.start("a"));
        Path config = config(member("member_a", "web", a.port()));
        Map<String, String> env = Map.of("EDGELB_HEAP", "32m", "EDGELB_JAVA_OPTS", "");

        InstalledAgent first = closing(InstalledAgent.start(root, config, api, env));
        assertTrue(Files.isRegularFile(cds.resolve("base.jsa")), "the JDK's archive, made before the first start");
        assertTrue(first.commandLine().contains("-XX:ArchiveClassesAtExit=" + cds.resolve("edgelb.jsa.new")));
        assertEquals("a", landOn());
        assertEquals(0, first.stop(), first.log());
        assertTrue(Files.isRegularFile(cds.resolve("edgelb.jsa.new")), "written as the first agent stopped");
        assertFalse(first.log().contains("[cds]"), "the archive is written quietly:\n" + first.log());

        InstalledAgent second = closing(InstalledAgent.start(root, config, api, env));
        assertTrue(Files.isRegularFile(cds.resolve("edgelb.jsa")), "accepted after a trial");
        assertFalse(Files.exists(cds.resolve("edgelb.jsa.new")));
        assertTrue(second.maps().contains(cds.resolve("edgelb.jsa").toString()), "the JVM maps the agent's archive");
        assertTrue(second.maps().contains(cds.resolve("base.jsa").toString()), "and the JDK's");
        assertTrue(second.commandLine().stream().noneMatch(arg -> arg.startsWith("-XX:ArchiveClassesAtExit")));
        assertEquals("a", landOn());
        assertEquals(0, second.stop(), second.log());

        // An agent killed while writing leaves a broken archive: the trial rejects it.
        Files.delete(cds.resolve("edgelb.jsa"));
        Files.write(cds.resolve("edgelb.jsa.new"), new byte[4096]);
        InstalledAgent third = closing(InstalledAgent.start(root, config, api, env));
        assertFalse(Files.exists(cds.resolve("edgelb.jsa")));
        assertTrue(third.commandLine().contains("-XX:ArchiveClassesAtExit=" + cds.resolve("edgelb.jsa.new")),
                "and records a new one");
        assertEquals(0, third.stop(), third.log());
    }

    @Test
    void theLauncherFallsBackToTheDefaultHeapForANonsenseValue() throws Exception {
        Path root = install("root");
        PackagingBuild.Ran ran = PackagingBuild.run(List.of(root.resolve("usr/sbin/edgelb").toString(), "version"),
                Map.of("EDGELB_HEAP", "lots", "EDGELB_JAVA_OPTS", ""), dir, Duration.ofSeconds(60));
        assertEquals(0, ran.exit(), ran.output());
        assertTrue(ran.output().contains("edgelb: heap 'lots' is not a size like 32m; using 32m"), ran.output());
        assertTrue(ran.output().contains("edgelb-agent "), ran.output());
    }

    @Test
    void maintainerScriptsDoNothingDeviceSpecificForAnImageBuild() throws Exception {
        Ipk edgelb = Ipk.open(PackagingBuild.shared().ipk("edgelb"));
        Path image = Files.createDirectories(dir.resolve("image"));
        Files.createDirectories(image.resolve("lib"));
        Files.writeString(image.resolve("lib/functions.sh"),
                "default_postinst() { echo \"default_postinst $*\" >> \"$IPKG_INSTROOT/calls\"; }\n"
                        + "default_prerm() { echo \"default_prerm $*\" >> \"$IPKG_INSTROOT/calls\"; }\n");
        Files.createDirectories(image.resolve("usr/lib/edgelb/cds"));
        Files.writeString(image.resolve("usr/lib/edgelb/cds/edgelb.jsa"), "stale");
        Map<String, Path> scripts = new HashMap<>();
        for (String name : List.of("postinst", "prerm", "postinst-pkg", "prerm-pkg")) {
            Path script = dir.resolve("edgelb." + name);
            Files.write(script, edgelb.controlFile(name).orElseThrow().content());
            scripts.put(name, script);
        }
        Map<String, String> env = Map.of("IPKG_INSTROOT", image.toString());

        PackagingBuild.Ran postinst = PackagingBuild.run(List.of("sh", scripts.get("postinst").toString(), "configure"),
                env, dir, Duration.ofSeconds(30));
        assertEquals(0, postinst.exit(), postinst.output());
        assertEquals("default_postinst " + scripts.get("postinst") + " configure\n",
                Files.readString(image.resolve("calls")));

        PackagingBuild.Ran skipped = PackagingBuild.run(List.of("sh", scripts.get("postinst").toString()),
                Map.of("IPKG_INSTROOT", image.toString(), "IPKG_NO_SCRIPT", "1"), dir, Duration.ofSeconds(30));
        assertEquals(0, skipped.exit());
        assertEquals(1, Files.readAllLines(image.resolve("calls")).size(), "IPKG_NO_SCRIPT=1 runs nothing");

        PackagingBuild.Ran pkg = PackagingBuild.run(List.of("sh", "-x", scripts.get("postinst-pkg").toString()),
                env, dir, Duration.ofSeconds(30));
        assertEquals(0, pkg.exit(), pkg.output());
        assertFalse(Files.exists(image.resolve("usr/lib/edgelb/cds")), "stale archives go");
        assertFalse(pkg.output().contains("/etc/init.d/edgelb"), "no service is touched:\n" + pkg.output());

        PackagingBuild.Ran prerm = PackagingBuild.run(List.of("sh", scripts.get("prerm").toString(), "remove"),
                env, dir, Duration.ofSeconds(30));
        assertEquals(0, prerm.exit(), prerm.output());
        assertTrue(Files.readString(image.resolve("calls")).endsWith("default_prerm " + scripts.get("prerm")
                + " remove\n"));
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
