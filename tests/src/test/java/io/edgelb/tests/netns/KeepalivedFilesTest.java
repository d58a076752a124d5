package io.edgelb.tests.netns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.Config;
import io.edgelb.model.VrrpInstance;
import io.edgelb.uci.UciOption;
import io.edgelb.uci.UciPackage;
import io.edgelb.uci.UciParser;
import io.edgelb.uci.UciSection;
import io.edgelb.uci.UciWriter;
import io.edgelb.uci.edgelb.EdgelbConfigLoader;
import io.edgelb.uci.edgelb.LoadResult;
import io.edgelb.uci.system.CommandRunner;
import io.edgelb.uci.system.KeepalivedConfWriter;
import io.edgelb.uci.system.KeepalivedUciWriter;
import io.edgelb.uci.system.VrrpHealthFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What edgelb writes for keepalived, checked as files and by the real keepalived ({@code keepalived
 * -t}, in a namespace that has the device): OpenWrt's {@code /etc/config/keepalived} with the
 * user's sections untouched, and the keepalived.conf include of plain Linux.
 *
 * <p>On OpenWrt the keepalived package's init script turns the UCI file into keepalived.conf. That
 * script is not on this machine, so {@link #renderLikeOpenWrtsInit} follows its mapping for the
 * sections and options edgelb writes (section types, {@code option name} lookups, multi-word values
 * in double quotes, lists of section names); keepalived then judges the result.
 */
class KeepalivedFilesTest {
    static final String USER_KEEPALIVED = """
            # the user's own keepalived setup, as luci-app-keepalived leaves it
            config globals 'globals'
            	option alt_config_file ''
            	option router_id 'edge-a'

            config ipaddress
            	option name 'lan_vip'
            	option address '192.0.2.254/24'

            config vrrp_instance
            	option name 'lan'
            	option interface 'eth1'
            	option virtual_router_id '7'
            	option priority '90'
            	list virtual_ipaddress 'lan_vip'
            """;
    static final String EDGELB = """
            config agent 'main'
            	option state_dir '/var/run/edgelb'

            config listener 'web'
            	option address '198.51.100.100'
            	option port '80'
            	option pool 'p'

            config listener 'web6'
            	option address '2001:db8:1::100'
            	option port '80'
            	option pool 'p'

            config pool 'p'

            config member 'm1'
            	option pool 'p'
            	option address '203.0.113.11'
            	option protocol_port '80'

            config vrrp 'edge'
            	option device 'eth1'
            	option virtual_router_id '51'
            	option priority '150'
            	list vip '198.51.100.100/24'
            	list vip '2001:db8:1::100/64'
            	list unicast_peer '198.51.100.2'
            	option unicast_src_ip '198.51.100.1'
            	option advert_int '0.2'
            	option nopreempt '1'

            config vrrp 'legacy'
            	option device 'eth1'
            	option virtual_router_id '52'
            	option version '2'
            	option auth_pass 'pa55:w0r'
            	option preempt_delay '5'
            	list vip '198.51.100.101/24'
            """;

    @TempDir
    Path dir;
    private final String ns = "kt" + ProcessHandle.current().pid();
    private boolean nsMade;

    /** Records what would run; has the init script and no uci binary (the file path of the writer). */
    static final class Recorder implements CommandRunner {
        final List<List<String>> ran = new ArrayList<>();

        @Override
        public String run(List<String> argv, String stdin) {
            ran.add(argv);
            return "";
        }

        @Override
        public boolean available(String program) {
            return program.equals("/etc/init.d/keepalived");
        }
    }

    private static List<VrrpInstance> instances() {
        LoadResult loaded = EdgelbConfigLoader.load("edgelb", EDGELB);
        assertTrue(loaded.ok(), loaded.messages().toString());
        Config config = loaded.config();
        return List.copyOf(config.vrrps().values());
    }

    @Test
    void theOpenWrtFileKeepsTheUsersSectionsAndIsWrittenOnlyWhenItChanges() throws Exception {
        Path configDir = Files.createDirectories(dir.resolve("etc/config"));
        Path file = configDir.resolve("keepalived");
        Files.writeString(file, USER_KEEPALIVED);
        Recorder runner = new Recorder();
        KeepalivedUciWriter writer = new KeepalivedUciWriter(runner, configDir, dir.resolve("uci"));
        VrrpHealthFiles health = new VrrpHealthFiles(Path.of("/var/run/edgelb"), 42);

        writer.apply(instances(), health);
        String written = Files.readString(file);
        UciPackage after = UciParser.parse(written);
        assertEquals(written, UciWriter.write(after), "uci commit format");
        UciPackage user = UciParser.parse(USER_KEEPALIVED);
        List<UciSection> untouched = after.sections().stream().filter(s -> s.option("edgelb") == null).toList();
        assertEquals(describe(user.sections()), describe(untouched));
        assertEquals(List.of(List.of("/etc/init.d/keepalived", "reload")), runner.ran);

        UciSection instance = after.section("edgelb_edge");
        assertEquals("vrrp_instance", instance.type());
        assertEquals("edgelb_edge", instance.value("name"));
        assertEquals("BACKUP", instance.value("state"));
        assertEquals("0.2", instance.value("advert_int"));
        assertEquals("1", instance.value("nopreempt"));
        assertEquals(List.of("edgelb_edge_vip1"), instance.values("virtual_ipaddress"));
        assertEquals(List.of("edgelb_edge_vip2"), instance.values("virtual_ipaddress_excluded"));
        assertEquals("2001:db8:1::100/64", after.section("edgelb_edge_vip2").value("address"));
        assertEquals(List.of("edgelb_edge_peer1"), instance.values("unicast_peer"));
        assertEquals("/bin/sh /var/run/edgelb/vrrp/check edge", after.section("edgelb_edge_check").value("script"));
        assertEquals("edgelb_edge_check", after.section("edgelb_edge_track").value("value"));

        writer.apply(instances(), health); // unchanged: no write, no reload
        assertEquals(written, Files.readString(file));
        assertEquals(1, runner.ran.size());

        writer.apply(List.of(), health); // back to no instances: the user's file, comments and all
        assertArrayEquals(USER_KEEPALIVED.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file));
        assertEquals(2, runner.ran.size());
    }

    @Test
    void keepalivedAcceptsBothForms() throws Exception {
        SeedTopology.assumeAvailable();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/keepalived")), "keepalived is not installed");
        Netns.host("ip", "netns", "add", ns);
        nsMade = true;
        Netns.in(ns, "ip", "link", "add", "eth1", "type", "veth", "peer", "name", "eth1p");
        Netns.in(ns, "ip", "link", "set", "eth1", "up");
        Netns.in(ns, "ip", "addr", "add", "198.51.100.1/24", "dev", "eth1");
        Netns.in(ns, "ip", "addr", "add", "2001:db8:1::1/64", "dev", "eth1", "nodad");
        VrrpHealthFiles health = new VrrpHealthFiles(Path.of("/var/run/edgelb"), 42);

        Path configDir = Files.createDirectories(dir.resolve("etc/config"));
        Files.writeString(configDir.resolve("keepalived"), USER_KEEPALIVED);
        new KeepalivedUciWriter(new Recorder(), configDir, dir.resolve("uci")).apply(instances(), health);
        Path fromUci = dir.resolve("keepalived-openwrt.conf");
        Files.writeString(fromUci, renderLikeOpenWrtsInit(UciParser.parse(Files.readString(configDir.resolve("keepalived")))));
        assertAccepted(fromUci);

        Path include = dir.resolve("edgelb.conf");
        new KeepalivedConfWriter(new Recorder(), include, dir.resolve("none.pid")).apply(instances(), health);
        Path main = dir.resolve("keepalived.conf");
        Files.writeString(main, "global_defs {\n\tscript_user root\n\tenable_script_security\n}\ninclude " + include + "\n");
        assertAccepted(main);
    }

    private void assertAccepted(Path conf) throws Exception {
        Process p = new ProcessBuilder(Netns.prefixed(ns, List.of("/usr/sbin/keepalived", "-t", "-l", "-f", conf.toString())))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        assertEquals(0, exit, "keepalived -t refused " + conf + ":\n" + output + "\n" + Files.readString(conf));
        assertTrue(!output.contains("WARNING") && !output.contains("ignoring"), output + "\n" + Files.readString(conf));
    }

    @AfterEach
    void removeNamespace() {
        if (nsMade) {
            try {
                Netns.host("ip", "netns", "del", ns);
            } catch (io.edgelb.uci.system.SystemCommandException e) {
                System.err.println("could not remove namespace " + ns + ": " + e.getMessage());
            }
        }
    }

    private static List<String> describe(List<UciSection> sections) {
        List<String> out = new ArrayList<>();
        for (UciSection s : sections) {
            StringBuilder line = new StringBuilder(s.type() + " " + s.name());
            for (UciOption o : s.options()) {
                line.append(' ').append(o.name()).append(o.isList() ? "[]=" : "=").append(o.values());
            }
            out.add(line.toString());
        }
        return out;
    }

    /**
     * keepalived.conf as OpenWrt's keepalived init script makes it from these sections: global_defs
     * with the three lines it always adds, vrrp_script sections, then vrrp_instance sections whose
     * lists name ipaddress, track_script and peer sections by their {@code name} option.
     */
    static String renderLikeOpenWrtsInit(UciPackage uci) {
        StringBuilder out = new StringBuilder("global_defs {\n\tscript_user root\n\tenable_script_security\n\tprocess_names\n");
        for (UciSection g : uci.sectionsOfType("globals")) {
            option(out, "\t", g, "router_id");
        }
        out.append("}\n\n");
        for (UciSection s : uci.sectionsOfType("vrrp_script")) {
            out.append("vrrp_script ").append(s.value("name")).append(" {\n");
            for (String o : List.of("script", "interval", "weight", "fall", "rise")) {
                option(out, "\t", s, o);
            }
            out.append("}\n\n");
        }
        for (UciSection s : uci.sectionsOfType("vrrp_instance")) {
            out.append("vrrp_instance ").append(s.value("name")).append(" {\n");
            if (s.value("auth_type") != null && s.value("auth_pass") != null) {
                out.append("\tauthentication {\n\t\tauth_type ").append(s.value("auth_type"))
                        .append("\n\t\tauth_pass ").append(s.value("auth_pass")).append("\n\t}\n");
            }
            for (String o : List.of("state", "interface", "mcast_src_ip", "unicast_src_ip", "virtual_router_id",
                    "version", "priority", "advert_int", "preempt_delay")) {
                option(out, "\t", s, o);
            }
            for (String flag : List.of("accept", "nopreempt")) {
                if (s.value(flag) != null && !s.value(flag).isEmpty()) {
                    out.append('\t').append(flag).append('\n');
                }
            }
            referenced(out, uci, s, "virtual_ipaddress", "ipaddress", "address");
            referenced(out, uci, s, "virtual_ipaddress_excluded", "ipaddress", "address");
            referenced(out, uci, s, "track_script", "track_script", "value");
            referenced(out, uci, s, "unicast_peer", "peer", "address");
            out.append("}\n\n");
        }
        return out.toString();
    }

    /** As the init's print_elems_indent: a value of several words goes in double quotes. */
    private static void option(StringBuilder out, String indent, UciSection s, String name) {
        String value = s.value(name);
        if (value == null || value.isEmpty()) {
            return;
        }
        out.append(indent).append(name).append(' ')
                .append(value.trim().split("\\s+").length > 1 ? "\"" + value + "\"" : value).append('\n');
    }

    private static void referenced(StringBuilder out, UciPackage uci, UciSection instance, String list, String type,
                                   String valueOption) {
        List<String> names = instance.values(list);
        if (names == null || names.isEmpty()) {
            return;
        }
        out.append('\t').append(list).append(" {\n");
        for (String name : names) {
            for (UciSection s : uci.sectionsOfType(type)) {
                if (name.equals(s.value("name")) && s.value(valueOption) != null) {
                    out.append("\t\t").append(s.value(valueOption)).append('\n');
                }
            }
        }
        out.append("\t}\n");
    }
}
