package io.edgelb.tests.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package's /etc/uci-defaults script, run against a `uci` over a key=value file and an
 * `edgelb` that may or may not know `keygen` (the hub client adds it; both merge orders work).
 */
class FirstBootScriptTest {
    private static final String FAKE_UCI = """
            #!/bin/sh
            [ "$1" = -q ] && shift
            case "$1" in
            	get) awk -F= -v k="$2" '$1 == k { sub(/^[^=]*=/, ""); print; found = 1 } END { exit !found }' "$UCI_DB" ;;
            	set) k=${2%%=*}; awk -F= -v k="$k" '$1 != k' "$UCI_DB" > "$UCI_DB.new"; echo "$2" >> "$UCI_DB.new"
            		mv "$UCI_DB.new" "$UCI_DB" ;;
            	commit) echo "uci commit $2" >> "$CALLS" ;;
            	*) exit 1 ;;
            esac
            """;
    private static final String FAKE_EDGELB = """
            #!/bin/sh
            case "$1" in
            	help) echo "usage: edgelb-agent COMMAND [OPTIONS]"
            		[ -z "$KEYGEN" ] || echo "  keygen --out FILE        write a CURVE key pair" ;;
            	keygen) echo "edgelb $* umask $(umask)" >> "$CALLS"
            		[ -z "$KEYGEN_FAILS" ] || exit 1
            		echo secret > "$3" ;;
            esac
            """;

    @TempDir
    Path dir;
    private Path script;
    private Path db;
    private Path key;

    @BeforeEach
    void setUp() throws Exception {
        Ipk edgelb = Ipk.open(PackagingBuild.shared().ipk("edgelb"));
        script = dir.resolve("80-edgelb");
        Files.write(script, edgelb.requireFile("/etc/uci-defaults/80-edgelb").content());
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("uci"), FAKE_UCI);
        Files.writeString(bin.resolve("edgelb"), FAKE_EDGELB);
        bin.resolve("uci").toFile().setExecutable(true);
        bin.resolve("edgelb").toFile().setExecutable(true);
        db = dir.resolve("uci.db");
        key = dir.resolve("keys/agent.key");
        Files.writeString(db, String.join("\n", "edgelb.hub=hub", "system.@system[0].hostname=Edge Router #3!",
                "edgelb.hub.key_file=" + key, ""));
    }

    private PackagingBuild.Ran run(Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(extra);
        env.put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        env.put("UCI_DB", db.toString());
        env.put("CALLS", dir.resolve("calls").toString());
        return PackagingBuild.run(List.of("sh", script.toString()), env, dir, Duration.ofSeconds(30));
    }

    private String calls() throws Exception {
        Path calls = dir.resolve("calls");
        return Files.exists(calls) ? Files.readString(calls) : "";
    }

    @Test
    void namesTheAgentAfterTheHostAndWaitsForKeygen() throws Exception {
        PackagingBuild.Ran ran = run(Map.of());
        assertEquals(0, ran.exit(), ran.output());
        assertTrue(Files.readString(db).contains("edgelb.hub.agent_id=Edge_Router__3_\n"), Files.readString(db));
        assertEquals("uci commit edgelb\n", calls(), "no keygen without the command");
        assertFalse(Files.exists(key));
    }

    @Test
    void makesTheKeyPairInARootOnlyDirectoryWhenTheAgentCan() throws Exception {
        Files.writeString(db, Files.readString(db) + "edgelb.hub.agent_id=chosen\n");
        PackagingBuild.Ran ran = run(Map.of("KEYGEN", "1"));
        assertEquals(0, ran.exit(), ran.output());
        assertTrue(Files.readString(db).contains("edgelb.hub.agent_id=chosen\n"), "an id set before is kept");
        assertEquals("edgelb keygen --out " + key + " umask 0077\n", calls());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));

        assertEquals(0, run(Map.of("KEYGEN", "1")).exit());
        assertEquals(1, calls().lines().count(), "an existing key is kept");
    }

    @Test
    void aFailedKeygenLeavesTheScriptForTheNextBoot() throws Exception {
        PackagingBuild.Ran ran = run(Map.of("KEYGEN", "1", "KEYGEN_FAILS", "1"));
        assertEquals(1, ran.exit(), "uci-defaults keeps a script that fails: " + ran.output());
    }

    @Test
    void withoutTheHubSectionNothingIsAdded() throws Exception {
        Files.writeString(db, "system.@system[0].hostname=gw\n");
        assertEquals(0, run(Map.of()).exit());
        assertEquals("system.@system[0].hostname=gw\n", Files.readString(db));
        assertEquals("", calls());
    }
}
