package io.edgelb.tests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.Config;
import io.edgelb.model.VxlanLink;
import io.edgelb.uci.UciParser;
import io.edgelb.uci.UciWriter;
import io.edgelb.uci.edgelb.EdgelbConfigLoader;
import io.edgelb.uci.edgelb.LoadResult;
import io.edgelb.uci.system.CommandRunner;
import io.edgelb.uci.system.NetifdVxlanApplier;
import io.edgelb.uci.system.NftRuleset;
import io.edgelb.uci.system.SystemCommandException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenWrt side as files, no kernel needed: what the netifd applier makes of a realistic
 * /etc/config/network, the fw4 files the package installs, and the README example being the
 * configuration the namespace tests run.
 */
class OpenWrtFilesTest {
    /** A router's network config as LuCI leaves it, with comments and odd quoting. */
    static final String NETWORK = """
            # /etc/config/network of a small router

            config interface 'loopback'
            	option device 'lo'
            	option proto 'static'
            	option ipaddr '127.0.0.1'
            	option netmask '255.0.0.0'

            config globals 'globals'
            	option ula_prefix 'fd12:3456:789a::/48'
            	option packet_steering '1'

            config device
            	option name 'br-lan'
            	option type 'bridge'
            	list ports 'lan1'
            	list ports 'lan2'
            	list ports "lan3"

            config interface 'lan'   # the inside
            	option device 'br-lan'
            	option proto 'static'
            	option ipaddr '192.0.2.254'
            	option netmask '255.255.255.0'
            	option ip6assign '60'

            config interface 'wan'
            	option device 'eth1'
            	option proto 'static'
            	option ipaddr '198.51.100.1'
            	option netmask '255.255.255.0'
            	option gateway '198.51.100.254'
            	list dns '198.51.100.53'

            config interface 'wan6'
            	option device 'eth1'
            	option proto 'dhcpv6'
            """;

    @TempDir
    Path dir;

    /** Records commands; answers the read-only ones the applier needs. */
    static final class Recorder implements CommandRunner {
        final List<String> commands = new ArrayList<>();

        @Override
        public String run(List<String> argv, String stdin) {
            commands.add(SystemCommandException.commandLine(argv));
            return argv.contains("-j") ? "[]" : "";
        }

        @Override
        public boolean available(String program) {
            return program.equals("ubus"); // no uci binary: the applier writes the file itself
        }
    }

    private static VxlanLink docsLink() throws Exception {
        LoadResult docs = EdgelbConfigLoader.load("README.md", firstExample());
        assertTrue(docs.ok(), docs.messages().toString());
        return docs.config().vxlans().get("vx100");
    }

    @Test
    void theNetworkConfigKeepsEverySectionAndGainsEdgelbsInUciCommitFormat() throws Exception {
        Path network = dir.resolve("network");
        Files.writeString(network, NETWORK);
        Files.setPosixFilePermissions(network, PosixFilePermissions.fromString("rw-r--r--"));
        Recorder runner = new Recorder();
        NetifdVxlanApplier applier = new NetifdVxlanApplier(runner, dir, dir.resolve("uci-save"));

        applier.apply(List.of(docsLink()));

        String original = UciWriter.write(UciParser.parse(NETWORK)); // uci commit drops comments, as here
        String expected = original.substring(0, original.length() - 1) + """

                config interface 'vx100'
                	option proto 'vxlan'
                	option peeraddr '198.51.100.2'
                	option ipaddr '198.51.100.1'
                	option tunlink 'eth1'
                	option vid '100'
                	option port '4789'
                	option mtu '1450'
                	option learning '0'
                	option edgelb 'vx100'

                config vxlan_peer 'vx100_nbr1'
                	option vxlan 'vx100'
                	option lladdr '02:00:00:00:00:11'
                	option dst '198.51.100.2'
                	option edgelb 'vx100'

                config vxlan_peer 'vx100_nbr2'
                	option vxlan 'vx100'
                	option lladdr '02:00:00:00:00:12'
                	option dst '198.51.100.2'
                	option edgelb 'vx100'

                config vxlan_peer 'vx100_nbr3'
                	option vxlan 'vx100'
                	option lladdr '02:00:00:00:00:13'
                	option dst '198.51.100.2'
                	option edgelb 'vx100'

                config interface 'vx100_l3'
                	option proto 'static'
                	option device 'vx100'
                	option ipaddr '192.0.2.1/24'
                	option edgelb 'vx100'

                """;
        assertEquals(expected, Files.readString(network));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(network)));
        assertTrue(runner.commands.contains("ubus call network reload"), runner.commands.toString());
        assertTrue(runner.commands.contains(
                "ip neigh replace 192.0.2.11 lladdr 02:00:00:00:00:11 dev vx100 nud permanent"), runner.commands.toString());

        // Idempotent: the same links again write nothing and reload nothing.
        runner.commands.clear();
        long modified = Files.getLastModifiedTime(network).toMillis();
        applier.apply(List.of(docsLink()));
        assertEquals(expected, Files.readString(network));
        assertEquals(modified, Files.getLastModifiedTime(network).toMillis());
        assertFalse(runner.commands.contains("ubus call network reload"), runner.commands.toString());

        // Removing the link (or a rollback) returns to the file as it was: nobody changed it since
        // edgelb wrote it, so the original bytes come back, comments included.
        applier.apply(List.of());
        assertEquals(NETWORK, Files.readString(network));
    }

    /** Without the uci binary, bytes of other sections that are not UTF-8 stay, as real uci keeps them. */
    @Test
    void bytesEdgelbDidNotChangeStayAsTheyWere() throws Exception {
        Path network = dir.resolve("network");
        byte[] latin1 = "\nconfig wifi-iface 'guest'\n\toption ssid 'Caf\u00e9 \u00ff'\n".getBytes(
                java.nio.charset.StandardCharsets.ISO_8859_1); // 0xE9 0xFF: not UTF-8
        byte[] utf8 = "\nconfig wifi-iface 'lobby'\n\toption ssid 'Caf\u00e9'\n".getBytes(
                java.nio.charset.StandardCharsets.UTF_8);
        byte[] before = concat(NETWORK.getBytes(java.nio.charset.StandardCharsets.UTF_8), latin1, utf8);
        Files.write(network, before);
        NetifdVxlanApplier applier = new NetifdVxlanApplier(new Recorder(), dir, dir.resolve("uci-save"));
        applier.apply(List.of(docsLink()));
        byte[] after = Files.readAllBytes(network);
        assertTrue(indexOf(after, "option ssid 'Caf\u00e9 \u00ff'".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)) > 0,
                new String(after, java.nio.charset.StandardCharsets.ISO_8859_1));
        assertTrue(indexOf(after, "option ssid 'Caf\u00e9'".getBytes(java.nio.charset.StandardCharsets.UTF_8)) > 0);
        assertTrue(indexOf(after, "\uFFFD".getBytes(java.nio.charset.StandardCharsets.UTF_8)) < 0, "U+FFFD written");
        assertTrue(indexOf(after, "config interface 'vx100'".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) > 0);
    }

    /** A file someone changed after edgelb wrote it is edited, not replaced by what it was before. */
    @Test
    void aFileChangedSinceIsEditedNotRestored() throws Exception {
        Path network = dir.resolve("network");
        Files.writeString(network, NETWORK);
        NetifdVxlanApplier applier = new NetifdVxlanApplier(new Recorder(), dir, dir.resolve("uci-save"));
        applier.apply(List.of(docsLink()));
        Files.writeString(network, Files.readString(network) + "\nconfig interface 'added'\n\toption proto 'none'\n");
        applier.apply(List.of());
        String now = Files.readString(network);
        assertTrue(now.contains("config interface 'added'") && !now.contains("vx100"), now);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void aSectionEdgelbDidNotWriteIsNeverTakenOver() throws Exception {
        Path network = dir.resolve("network");
        Files.writeString(network, NETWORK + "\nconfig interface 'vx100'\n\toption proto 'static'\n");
        NetifdVxlanApplier applier = new NetifdVxlanApplier(new Recorder(), dir, dir.resolve("uci-save"));
        SystemCommandException e = org.junit.jupiter.api.Assertions.assertThrows(SystemCommandException.class,
                () -> applier.apply(List.of(docsLink())));
        assertTrue(e.getMessage().contains("edgelb did not write it"), e.getMessage());
        assertTrue(Files.readString(network).startsWith(NETWORK), "the file was changed");
    }

    @Test
    void theFw4FilesAreInstalledAndMatchTheAgentsMark() throws Exception {
        Path fw4 = Path.of("..", "packaging", "openwrt", "files", "fw4");
        List<String> destinations = new ArrayList<>();
        for (String line : Files.readAllLines(fw4.resolve("INSTALL"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.trim().split("\\s+");
            assertEquals(3, parts.length, "SOURCE DEST MODE: " + line);
            assertTrue(Files.isRegularFile(fw4.resolve(parts[0])), parts[0] + " is missing");
            assertTrue(parts[1].startsWith("/"), line);
            assertTrue(parts[2].matches("0[0-7]{3}"), line);
            if (parts[2].equals("0755")) {
                assertTrue(Files.readString(fw4.resolve(parts[0])).startsWith("#!/bin/sh\n"), parts[0]);
            }
            destinations.add(parts[1]);
        }
        assertTrue(destinations.contains("/usr/share/nftables.d/chain-pre/forward/10-edgelb.nft"), destinations.toString());

        // The forward accept matches exactly the mark the agent's dstnat rule sets.
        String accept = Files.readString(fw4.resolve("10-edgelb-forward.nft"));
        String rule = accept.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).findFirst().orElseThrow();
        assertEquals(String.format("ct status dnat ct mark & 0x%08x == 0x%08x counter accept comment \"edgelb: DNAT fast path\"",
                NftRuleset.MARK_MASK, NftRuleset.MARK), rule);
        String hook = Files.readString(fw4.resolve("fw4-include.sh"));
        assertTrue(hook.contains("/dnat.nft"), "the hook must load the file the nft backend writes");
        // fw4's restart deletes only its own table; stop and flush delete them all.
        String readme = Files.readString(Path.of("..", "README.md"));
        for (String text : List.of(hook, readme)) {
            assertFalse(text.matches("(?s).*restart['`]? \\(?(which )?deletes? every.*"), "restart does not delete every table");
        }
        assertTrue(hook.contains("deletes fw4's own table (inet fw4) only"), hook);
    }

    /** fw4 warns "option 'reload' is not supported by fw4" on every run: only fw3 gets it. */
    @Test
    void theFirewallIncludeSetsReloadOnlyForFw3() throws Exception {
        String fw3 = runFirewallDefaults(false, false);
        assertTrue(fw3.contains("set firewall.edgelb.reload='1'"), fw3);
        assertTrue(fw3.contains("set firewall.edgelb.fw4_compatible='1'"), fw3);
        String fw4 = runFirewallDefaults(true, false);
        assertFalse(fw4.contains("reload"), fw4);
        assertTrue(fw4.contains("set firewall.edgelb.path='/usr/share/edgelb/fw4-include.sh'"), fw4);
        // An include an older package wrote for fw4 loses the option on upgrade.
        String upgraded = runFirewallDefaults(true, true);
        assertTrue(upgraded.contains("uci -q delete firewall.edgelb.reload"), upgraded);
        assertFalse(upgraded.contains("set firewall.edgelb"), upgraded);
    }

    /** Runs the uci-defaults script with a uci that logs its arguments and batch input. */
    private String runFirewallDefaults(boolean fw4, boolean existing) throws Exception {
        Path bin = Files.createTempDirectory(dir, "bin");
        Path log = bin.resolve("uci.log");
        executable(bin.resolve("uci"), "#!/bin/sh\necho \"uci $*\" >> '" + log + "'\n"
                + "case \"$*\" in *batch*) cat >> '" + log + "' ;; *get*) " + (existing ? "exit 0" : "exit 1")
                + " ;; esac\n");
        if (fw4) {
            executable(bin.resolve("fw4"), "#!/bin/sh\nexit 0\n");
        }
        Path script = Path.of("..", "packaging", "openwrt", "files", "fw4", "uci-defaults-edgelb-firewall");
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", script.toString()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process run = pb.start();
        String output = new String(run.getInputStream().readAllBytes());
        assertEquals(0, run.waitFor(), output);
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static void executable(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void theReadmeVxlanExampleIsWhatTheNamespaceTestsRun() throws Exception {
        LoadResult docs = EdgelbConfigLoader.load("README.md", firstExample());
        Path file = new RouterConfig(dir).vxlan().relayListener().dnatListener(false).pool()
                .member("vm1", SeedTopology.vmIp(1)).member("vm2", SeedTopology.vmIp(2)).writeTo(dir.resolve("edgelb"));
        LoadResult tests = EdgelbConfigLoader.load(file);
        assertTrue(docs.ok() && tests.ok(), docs.messages() + " " + tests.messages());
        Config a = docs.config();
        Config b = tests.config();
        assertEquals(b.vxlans(), a.vxlans());
        assertEquals(b.listeners(), a.listeners());
        assertEquals(b.pools(), a.pools());
        assertEquals(b.members(), a.members());
        assertEquals(b.healthMonitors(), a.healthMonitors());
    }

    /** The first UCI block of the README's "Reaching the tenant overlay" section (the VXLAN example). */
    static String firstExample() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("## Reaching the tenant overlay");
        assertTrue(section >= 0, "no overlay section in README.md");
        Matcher block = Pattern.compile("```\\n(config .*?)```", Pattern.DOTALL).matcher(readme.substring(section));
        assertTrue(block.find(), "no example in the README's overlay section");
        return block.group(1);
    }
}
