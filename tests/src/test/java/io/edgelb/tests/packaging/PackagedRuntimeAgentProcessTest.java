package io.edgelb.tests.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.tests.AgentCommand;
import io.edgelb.tests.AgentProcess;
import io.edgelb.tests.AgentProcessTest;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's process tests again (signals, reloads, the API, drain on SIGTERM, reloads under
 * load), on the router's runtime: the edgelb and edgelb-runtime packages of the shared build
 * unpacked into one staging root, and each agent started through its {@code /usr/sbin/edgelb}, so
 * the jlink'd runtime runs with the flags the launcher really gives it, netty's self-built epoll
 * library and the CDS archives the launcher makes on the first starts.
 */
class PackagedRuntimeAgentProcessTest extends AgentProcessTest {
    private static Path root;

    @TempDir
    Path scratch;

    @BeforeAll
    static void install() throws Exception {
        root = PackagingBuild.workDir("agent-process-root");
        PackagingBuild.Built built = PackagingBuild.shared();
        Ipk.open(built.ipk("edgelb")).installInto(root);
        Ipk.open(built.ipk("edgelb-runtime")).installInto(root);
    }

    @Override
    protected AgentCommand agentCommand() {
        return AgentCommand.launcher(root.resolve("usr/sbin/edgelb"));
    }

    @Test
    void theAgentIsThePackagedRuntimeAsTheLauncherStartsIt() throws Exception {
        try (TcpBackend a = TcpBackend.start("a")) {
            Path config = scratch.resolve("edgelb");
            String api = "127.0.0.1:" + freePort();
            Files.writeString(config, String.join("\n",
                    "config agent 'main'",
                    "\toption api '" + api + "'",
                    "\toption state_dir '" + scratch + "'",
                    "",
                    "config listener 'web_tcp'",
                    "\toption address '127.0.0.1'",
                    "\toption port '" + freePort() + "'",
                    "\toption pool 'web'",
                    "",
                    "config pool 'web'",
                    "",
                    "config member 'member_a'",
                    "\toption pool 'web'",
                    "\toption address '127.0.0.1'",
                    "\toption protocol_port '" + a.port() + "'",
                    ""));
            try (AgentProcess agent = AgentProcess.start(agentCommand(), config, api)) {
                List<String> jvm = agent.commandLine();
                assertEquals(root.resolve("usr/lib/edgelb/jre/bin/java").toString(), jvm.get(0), jvm.toString());
                assertEquals(List.of("-jar", root.resolve("usr/share/edgelb/edgelb-agent.jar").toString(), "run",
                        "--config", config.toString()), jvm.subList(jvm.size() - 5, jvm.size()));
                assertEquals("epoll", agent.status().getString("transport", null), agent.log());
            }
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }
}
