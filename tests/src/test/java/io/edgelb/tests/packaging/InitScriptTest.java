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
 * The procd init script, run against stand-ins for rc.common, functions.sh and procd.sh that print
 * the service definition: its shape (one instance, respawn, logs, reload by SIGHUP, ...) and how it
 * follows the agent section.
 */
class InitScriptTest {
    /** Stand-ins: config_* read CFG_<option> variables; procd_* print their arguments. */
    private static final String HARNESS = """
            extra_command() { echo "extra_command $*"; }
            config_load() { echo "config_load $*"; }
            config_foreach() { "$1" main; "$1" second; }
            config_get() { eval "$1=\\"\\${CFG_$3-$4}\\""; }
            config_get_bool() {
            	local v; eval "v=\\"\\${CFG_$3-$4}\\""
            	case "$v" in 1|on|true|yes|enabled) eval "$1=1" ;; *) eval "$1=0" ;; esac
            }
            procd_open_instance() { echo "procd_open_instance $*"; }
            procd_set_param() { echo "procd_set_param $*"; }
            procd_close_instance() { echo "procd_close_instance"; }
            procd_add_reload_trigger() { echo "procd_add_reload_trigger $*"; }
            . "$INIT"
            echo "START=$START STOP=$STOP USE_PROCD=$USE_PROCD"
            start_service
            service_triggers
            """;

    @TempDir
    Path dir;

    private String run(Map<String, String> options) throws Exception {
        Ipk edgelb = Ipk.open(PackagingBuild.shared().ipk("edgelb"));
        Path init = dir.resolve("edgelb.init");
        Files.write(init, edgelb.requireFile("/etc/init.d/edgelb").content());
        assertTrue(Files.readString(init).startsWith("#!/bin/sh /etc/rc.common\n"));
        Path harness = dir.resolve("harness.sh");
        Files.writeString(harness, HARNESS);
        Map<String, String> env = new java.util.HashMap<>();
        env.put("INIT", init.toString());
        options.forEach((k, v) -> env.put("CFG_" + k, v));
        PackagingBuild.Ran ran = PackagingBuild.run(List.of("sh", harness.toString()), env, dir, Duration.ofSeconds(30));
        assertEquals(0, ran.exit(), ran.output());
        return ran.output();
    }

    @Test
    void oneRespawningInstanceLoggingToLogdReloadedBySighup() throws Exception {
        String definition = run(Map.of());
        assertTrue(definition.contains("START=95 STOP=10 USE_PROCD=1"), definition);
        assertEquals("""
                procd_open_instance\s
                procd_set_param command /usr/sbin/edgelb run --config /etc/config/edgelb
                procd_set_param file /etc/config/edgelb
                procd_set_param reload_signal HUP
                procd_set_param term_timeout 20
                procd_set_param respawn
                procd_set_param limits nofile=65535 65535
                procd_set_param stdout 1
                procd_set_param stderr 1
                procd_close_instance
                procd_add_reload_trigger edgelb
                """, definition.substring(definition.indexOf("procd_open_instance")));
        assertTrue(definition.contains("extra_command check Check the configuration"), definition);
        assertTrue(definition.contains("config_load edgelb"), definition);
    }

    @Test
    void procdWaitsForTheAgentsDrainBeforeKillingIt() throws Exception {
        assertTrue(run(Map.of("shutdown_timeout", "45")).contains("term_timeout 55\n"));
        assertTrue(run(Map.of("shutdown_timeout", "2.5")).contains("term_timeout 12\n"));
        assertTrue(run(Map.of("shutdown_timeout", "soon")).contains("term_timeout 20\n"),
                "an invalid value (check reports it) falls back to the default");
    }

    @Test
    void aDisabledAgentGetsNoInstance() throws Exception {
        for (String off : List.of("0", "off", "no", "false")) {
            String definition = run(Map.of("enabled", off));
            assertFalse(definition.contains("procd_open_instance"), off + ": " + definition);
            assertTrue(definition.contains("procd_add_reload_trigger edgelb"),
                    "a reload still reaches a disabled service, so enabling it in LuCI starts it");
        }
    }

    @Test
    void theCheckCommandValidatesTheConfigurationWithTheAgent() throws Exception {
        String script = new String(Ipk.open(PackagingBuild.shared().ipk("edgelb"))
                .requireFile("/etc/init.d/edgelb").content());
        assertTrue(script.contains("\ncheck() {\n\t\"$PROG\" check --config \"$CONFIG\"\n}\n"), script);
        assertFalse(script.contains("reload_service"), "reload goes through procd: SIGHUP when the file changed");
    }
}
