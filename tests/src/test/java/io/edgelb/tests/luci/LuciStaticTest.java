package io.edgelb.tests.luci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The luci-app-edgelb tree without a router: every JavaScript file compiles as LuCI compiles it,
 * the menu and the ACL are valid and point at what exists, the ACL grants nothing beyond the
 * edgelb config and the plugin's methods, and the translation template matches the sources.
 */
class LuciStaticTest {
    /** Modules a view may require: luci.js built-ins and luci-base's resources. */
    private static final Set<String> LUCI_BASE_MODULES = Set.of("baseclass", "dom", "poll", "request", "session",
            "view", "form", "fs", "network", "rpc", "uci", "ui", "validation", "firewall", "tools.widgets",
            "tools.prng", "tools.views");
    private static final Pattern RPC_DECLARE = Pattern.compile(
            "rpc\\.declare\\(\\{\\s*object:\\s*'([^']+)',\\s*method:\\s*'([^']+)'");
    private static final Pattern POT_MSGID = Pattern.compile("^msgid \"((?:[^\"\\\\]|\\\\.)*)\"$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    private static List<Path> javaScript() throws IOException {
        try (Stream<Path> files = Files.walk(LuciApp.resources())) {
            return files.filter(f -> f.toString().endsWith(".js")).sorted().collect(Collectors.toList());
        }
    }

    private static List<JsonObject> loadCheck(List<Path> files) throws Exception {
        List<String> args = files.stream().map(Path::toString).collect(Collectors.toList());
        String out = Node.run(Node.script("load-check.js"), args.toArray(String[]::new));
        List<JsonObject> results = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            results.add(Json.parse(line).asObject());
        }
        assertEquals(files.size(), results.size(), out);
        return results;
    }

    @Test
    void everyViewAndModuleCompilesAsLuciLoadsIt() throws Exception {
        List<Path> files = javaScript();
        assertEquals(Set.of("view/edgelb/status.js", "view/edgelb/config.js", "view/edgelb/hub.js",
                        "edgelb/common.js", "edgelb/traffic.js"),
                files.stream().map(f -> LuciApp.resources().relativize(f).toString()).collect(Collectors.toSet()));
        for (JsonObject result : loadCheck(files)) {
            assertTrue(result.getBoolean("ok", false), result.toString());
            for (JsonValue required : result.get("requires").asArray()) {
                String name = required.asString();
                assertTrue(LUCI_BASE_MODULES.contains(name)
                                || Files.isRegularFile(LuciApp.resources().resolve(name.replace('.', '/') + ".js")),
                        result.getString("file", "") + " requires '" + name + "', which neither LuCI nor this app has");
            }
        }
        for (Path view : files.stream().filter(f -> f.startsWith(LuciApp.views())).collect(Collectors.toList())) {
            String source = Files.readString(view);
            assertTrue(source.startsWith("'use strict';\n'require view';"), view + " starts as LuCI views do");
            assertTrue(source.contains("return view.extend({"), view + " must yield a view class");
        }
    }

    @Test
    void theCompileCheckCatchesASyntaxError() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.js"),
                "'use strict';\n'require view';\n\nreturn view.extend({\n\trender: function() { return E('div' }\n});\n");
        JsonObject result = loadCheck(List.of(broken)).get(0);
        assertFalse(result.getBoolean("ok", true), result.toString());
        assertTrue(result.getString("error", "").startsWith("SyntaxError"), result.toString());
    }

    @Test
    void theMenuNamesExistingViewsUnderServices() throws Exception {
        JsonObject menu = json("root/usr/share/luci/menu.d/luci-app-edgelb.json");
        assertEquals(Set.of("admin/services/edgelb", "admin/services/edgelb/status", "admin/services/edgelb/config",
                "admin/services/edgelb/hub"), Set.copyOf(menu.names()));
        JsonObject top = menu.get("admin/services/edgelb").asObject();
        assertEquals("Edge LB", top.getString("title", ""));
        assertEquals("firstchild", top.get("action").asObject().getString("type", ""));
        JsonObject depends = top.get("depends").asObject();
        assertEquals(Json.array("luci-app-edgelb"), depends.get("acl"));
        assertEquals(Json.object().add("edgelb", true), depends.get("uci"));

        Map<Integer, String> tabs = new TreeMap<>();
        Set<String> views = new TreeSet<>();
        for (String path : List.of("status", "config", "hub")) {
            JsonObject node = menu.get("admin/services/edgelb/" + path).asObject();
            JsonObject action = node.get("action").asObject();
            assertEquals("view", action.getString("type", ""));
            String view = action.getString("path", "");
            assertTrue(Files.isRegularFile(LuciApp.resources().resolve("view/" + view + ".js")), view);
            views.add(view);
            tabs.put(node.getInt("order", -1), node.getString("title", ""));
        }
        assertEquals(List.of("Status", "Configuration", "Hub"), List.copyOf(tabs.values()), "tab order");
        try (Stream<Path> files = Files.list(LuciApp.views())) {
            assertEquals(files.map(f -> "edgelb/" + f.getFileName().toString().replace(".js", ""))
                    .collect(Collectors.toCollection(TreeSet::new)), views, "every view has a menu entry");
        }
    }

    @Test
    void theAclGrantsTheEdgelbConfigAndThePluginsMethodsOnly() throws Exception {
        JsonObject acl = json("root/usr/share/rpcd/acl.d/luci-app-edgelb.json");
        assertEquals(List.of("luci-app-edgelb"), acl.names(), "one access group, named as the menu expects");
        JsonObject group = acl.get("luci-app-edgelb").asObject();
        assertEquals(Set.of("description", "read", "write"), Set.copyOf(group.names()));

        JsonObject read = group.get("read").asObject();
        JsonObject write = group.get("write").asObject();
        assertEquals(Set.of("ubus", "uci"), Set.copyOf(read.names()), "no file, cgi-io or other scope");
        assertEquals(Set.of("ubus", "uci"), Set.copyOf(write.names()), "no file, cgi-io or other scope");
        assertEquals(Json.array("edgelb"), read.get("uci"));
        assertEquals(Json.array("edgelb"), write.get("uci"));
        assertEquals(Json.parse("{\"luci.edgelb\":[\"status\",\"history\"]}"), read.get("ubus"));
        assertEquals(Json.parse("{\"luci.edgelb\":[\"drain\",\"enable\",\"reload\"]}"), write.get("ubus"));
        assertFalse(Files.readString(LuciApp.root().resolve("root/usr/share/rpcd/acl.d/luci-app-edgelb.json"))
                .contains("*"), "no wildcard");

        // What the ACL grants is what the plugin offers, and what the pages call is granted.
        Set<String> offered = Set.copyOf(RpcdPlugin.run(List.of("/bin/sh"), Files.createDirectories(dir.resolve("bin")),
                Map.of(), null, "list").object().names());
        Set<String> granted = new TreeSet<>();
        for (JsonObject half : List.of(read, write)) {
            half.get("ubus").asObject().get("luci.edgelb").asArray().forEach(m -> granted.add(m.asString()));
        }
        assertEquals(offered, granted);
        Set<String> called = new TreeSet<>();
        for (Path file : javaScript()) {
            Matcher declare = RPC_DECLARE.matcher(Files.readString(file));
            while (declare.find()) {
                assertEquals("luci.edgelb", declare.group(1), file + " calls another ubus object");
                called.add(declare.group(2));
            }
        }
        assertEquals(granted, called, "the pages call every method the ACL grants, and no other");
    }

    @Test
    void thePluginIsAShellScriptCommittedExecutable() throws Exception {
        Path plugin = LuciApp.plugin();
        assertTrue(Files.readString(plugin).startsWith("#!/bin/sh\n"));
        assertTrue(Files.isExecutable(plugin));
        List<List<String>> shells = new ArrayList<>(List.of(List.of("/bin/sh", "-n")));
        if (Toolbox.find("busybox") != null) { // see RpcdPluginTest.busyboxIsThereToStandForOpenWrtsShell
            shells.add(List.of(Toolbox.find("busybox").toString(), "sh", "-n"));
        }
        for (List<String> shell : shells) {
            List<String> command = new ArrayList<>(shell);
            command.add(plugin.toString());
            Process check = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, check.waitFor(), shell + ": " + out);
        }
        Process git = new ProcessBuilder("git", "-C", LuciApp.root().toString(), "ls-files", "-s",
                "root/usr/libexec/rpcd/luci.edgelb").redirectErrorStream(true).start();
        String index = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (git.waitFor() == 0 && !index.isBlank()) { // a source tree outside git has no index to check
            assertTrue(index.startsWith("100755 "), "git must record mode 0755: " + index);
        }
    }

    @Test
    void theTreeHasTheLayoutOfALuciApp() throws Exception {
        try (Stream<Path> top = Files.list(LuciApp.root())) {
            assertEquals(Set.of("Makefile", "htdocs", "po", "root"),
                    top.map(p -> p.getFileName().toString()).collect(Collectors.toSet()),
                    "packaging copies htdocs/ to /www and root/ to /; nothing else is installed");
        }
        assertFalse(Files.exists(LuciApp.root().resolve("src")), "architecture all: no compiled code");
        String makefile = Files.readString(LuciApp.root().resolve("Makefile"));
        assertTrue(makefile.contains("include $(TOPDIR)/rules.mk"), makefile);
        assertTrue(makefile.contains("LUCI_DEPENDS:=+luci-base +edgelb"), makefile);
        assertTrue(makefile.contains("LUCI_PKGARCH:=all"), makefile);
        assertTrue(makefile.contains("/luci.mk"), makefile);
        assertTrue(makefile.contains("# call BuildPackage - OpenWrt buildroot signature"), makefile);
    }

    @Test
    void theTranslationTemplateHoldsEveryString() throws Exception {
        Path pot = LuciApp.root().resolve("po/templates/edgelb.pot");
        String expected = Node.run(Node.script("i18n-scan.js"), LuciApp.root().toString());
        Set<String> inSources = msgids(expected);
        Set<String> inTemplate = msgids(Files.readString(pot));
        Set<String> missing = new TreeSet<>(inSources);
        missing.removeAll(inTemplate);
        Set<String> stale = new TreeSet<>(inTemplate);
        stale.removeAll(inSources);
        String regenerate = "; regenerate it: node tests/src/test/resources/io/edgelb/tests/luci/i18n-scan.js "
                + "luci-app > luci-app/po/templates/edgelb.pot";
        assertEquals(Set.of(), missing, "strings missing from " + pot + regenerate);
        assertEquals(Set.of(), stale, "strings in " + pot + " that no source has" + regenerate);
        assertTrue(inSources.size() > 100, "the scan found the strings: " + inSources.size());
        assertTrue(inSources.containsAll(List.of("Edge LB", "Status", "Configuration", "Hub", "Drain", "Enable")));
    }

    private static Set<String> msgids(String pot) {
        Set<String> ids = new TreeSet<>();
        Matcher m = POT_MSGID.matcher(pot);
        while (m.find()) {
            if (!m.group(1).isEmpty()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    private static JsonObject json(String path) throws IOException {
        JsonValue value = Json.parse(Files.readString(LuciApp.root().resolve(path)));
        assertNotNull(value);
        assertTrue(value.isObject(), path + " is a JSON object");
        return value.asObject();
    }
}
