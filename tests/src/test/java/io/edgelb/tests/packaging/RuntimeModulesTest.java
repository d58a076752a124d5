package io.edgelb.tests.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.tests.AgentProcess;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The runtime package links only the modules the agent needs: what jdeps finds in the jar, minus
 * modules that only code the agent never runs refers to. A new dependency on a module fails here
 * first, instead of on a router.
 */
class RuntimeModulesTest {
    /** Referenced by the jar, not needed at run time, and why. */
    private static final Map<String, String> LEFT_OUT = Map.of(
            "java.sql", "tinylog's JDBC writer and its tokens' JDBC methods; the agent logs to the console",
            "java.naming", "tinylog's JNDI lookup and netty's OpenSSL trust manager; neither is used",
            "jdk.jfr", "netty's allocation events, off unless JFR is present");
    /** Not found by jdeps (service providers), needed all the same. */
    private static final Set<String> ADDED = Set.of("jdk.crypto.ec");

    @Test
    void theLinkedModulesAreWhatJdepsFindsMinusTheUnusedOnes() throws Exception {
        String jdeps = Path.of(System.getProperty("java.home"), "bin", "jdeps").toString();
        String found = PackagingBuild.check(jdeps, "--ignore-missing-deps", "--multi-release", "17",
                "--print-module-deps", AgentProcess.jar().toAbsolutePath().toString()).strip();
        Set<String> needed = new TreeSet<>(Arrays.asList(found.split(",")));
        needed.removeAll(LEFT_OUT.keySet());
        needed.addAll(ADDED);

        Ipk runtime = Ipk.open(PackagingBuild.shared().ipk("edgelb-runtime"));
        String release = runtime.requireFile("/usr/lib/edgelb/jre/release").text();
        String modules = release.lines().filter(l -> l.startsWith("MODULES=")).findFirst().orElseThrow();
        Set<String> linked = new TreeSet<>(Arrays.asList(modules.substring("MODULES=\"".length(),
                modules.length() - 1).split(" ")));
        assertEquals(needed, linked, "jdeps found " + found + "; left out on purpose: " + LEFT_OUT);
        assertTrue(linked.contains("jdk.unsupported"), "sun.misc.Signal: SIGHUP reloads");
    }
}
