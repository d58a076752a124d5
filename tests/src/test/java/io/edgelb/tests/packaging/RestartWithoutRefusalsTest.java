package io.edgelb.tests.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.testing.RelayHarness;
import io.edgelb.agent.testing.TcpBackend;
import io.edgelb.tests.AgentCommand;
import io.edgelb.tests.AgentProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /etc/init.d/edgelb restart} and a package upgrade as procd does them: SIGTERM to the
 * process it tracks (the launcher), wait for that process to exit, then start the launcher again.
 * New connections made all along must all succeed, and one opened before must finish on the old
 * agent. Agents run from the packages unpacked into a staging root, through the launcher.
 */
class RestartWithoutRefusalsTest {
    private static final Duration STEP = Duration.ofSeconds(30);
    private static Path root;

    @TempDir
    Path scratch;
    private TcpBackend backend;
    private Path config;
    private String api;
    private int port;

    @BeforeAll
    static void install() throws Exception {
        root = PackagingBuild.workDir("restart-root");
        PackagingBuild.Built built = PackagingBuild.shared();
        Ipk.open(built.ipk("edgelb")).installInto(root);
        Ipk.open(built.ipk("edgelb-runtime")).installInto(root);
    }

    @BeforeEach
    void setUp() throws Exception {
        backend = TcpBackend.start("a");
        api = "127.0.0.1:" + freePort();
        port = freePort();
        config = scratch.resolve("edgelb");
        Files.writeString(config, String.join("\n",
                "config agent 'main'",
                "\toption api '" + api + "'",
                "\toption state_dir '" + scratch.resolve("run") + "'",
                "\toption shutdown_timeout '20'",
                "",
                "config listener 'web_tcp'",
                "\toption address '127.0.0.1'",
                "\toption port '" + port + "'",
                "\toption pool 'web'",
                "",
                "config pool 'web'",
                "",
                "config member 'member_a'",
                "\toption pool 'web'",
                "\toption address '127.0.0.1'",
                "\toption protocol_port '" + backend.port() + "'",
                ""));
    }

    @AfterEach
    void tearDown() throws Exception {
        backend.close();
    }

    private AgentCommand launcher() {
        return AgentCommand.launcher(root.resolve("usr/sbin/edgelb"));
    }

    @Test
    void aRestartUnderProcdRefusesNoNewConnectionAndTheOldAgentDrains() throws Exception {
        try (AgentProcess first = AgentProcess.start(launcher(), config, api);
             Socket held = new Socket("127.0.0.1", port)) {
            held.setSoTimeout(10_000);
            assertEquals("a", RelayHarness.greeting(held));
            ClientLoop clients = ClientLoop.start(port);
            clients.awaitSuccesses(5, STEP);

            first.signal("TERM"); // procd's stop ...
            assertEquals(0, first.awaitTrackedExit(STEP), "the launcher exits promptly on SIGTERM:\n" + first.log());
            assertTrue(first.jvm().isAlive(), "the old JVM drains on:\n" + first.log());
            try (AgentProcess second = AgentProcess.spawn(launcher(), config, api)) { // ... then start
                second.awaitLog("serving generation 1", STEP);
                int before = clients.successes();
                clients.awaitSuccesses(before + 20, STEP); // the new agent serves

                exchange(held, "still transferring"); // opened before the restart: served by the old JVM
                assertTrue(first.jvm().isAlive(), "the old JVM waits for its open connection");
                held.close();
                assertTrue(first.awaitJvmExit(STEP), "the old JVM exits once drained:\n" + first.log());
                clients.awaitSuccesses(clients.successes() + 5, STEP);
                clients.stop();

                assertEquals(List.of(), clients.failures(), "new connections during the restart ("
                        + clients.successes() + " succeeded)\nold:\n" + first.log() + "\nnew:\n" + second.log());
                assertTrue(first.log().contains("handed 1 listening socket(s) to the successor"), first.log());
                assertTrue(second.log().contains("took over 1 listening socket(s)"), second.log());
                assertEquals("a", new SocketProbe(port).greeting(), "the new agent serves after the old one left");
            } finally {
                clients.stop();
            }
        }
    }

    @Test
    void aStopWithoutSuccessorClosesTheListenerAfterTheWindowAndDrains() throws Exception {
        AgentProcess agent = AgentProcess.spawn(launcher(), config, api, List.of("-Dedgelb.handoffWindowMs=1500"));
        try (agent; Socket held = new Socket()) {
            agent.awaitLog("serving generation 1", STEP);
            held.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            held.setSoTimeout(10_000);
            assertEquals("a", RelayHarness.greeting(held));

            agent.signal("TERM");
            assertEquals(0, agent.awaitTrackedExit(STEP), agent.log());
            agent.awaitLog("no successor asked for the listening sockets within 1500 ms", STEP);
            agent.awaitLog("listeners closed", STEP);
            assertThrows(IOException.class, () -> new SocketProbe(port).greeting(), "the listener is closed");
            exchange(held, "still here");
            assertTrue(agent.jvm().isAlive(), "the JVM waits for its open connection");
            held.close();
            assertTrue(agent.awaitJvmExit(STEP), agent.log());
            assertTrue(agent.log().contains("stopped"), agent.log());
            assertFalse(Files.exists(scratch.resolve("run/handoff.sock")), "the offer's socket is gone");
        }
    }

    @Test
    void theLauncherExitsWithTheStatusOfAJvmThatDiedSoProcdRespawnsIt() throws Exception {
        try (AgentProcess agent = AgentProcess.start(launcher(), config, api)) {
            agent.jvm().destroyForcibly(); // SIGKILL: a crash
            assertEquals(128 + 9, agent.awaitTrackedExit(STEP), agent.log());
        }
    }

    @Test
    void aReloadSignalReachesTheJvmThroughTheLauncher() throws Exception {
        try (AgentProcess agent = AgentProcess.start(launcher(), config, api)) {
            agent.signal("HUP"); // procd's reload_signal
            agent.awaitStatus(s -> s.getLong("generation", 0) == 2, STEP, "a reload");
            assertTrue(agent.isAlive());
        }
    }

    private static void exchange(Socket socket, String line) throws IOException {
        socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(line, RelayHarness.greeting(socket));
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    /** One new connection: connect, greeting, a line echoed. */
    private record SocketProbe(int port) {
        String greeting() throws IOException {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                socket.setSoTimeout(10_000);
                String greeting = RelayHarness.greeting(socket);
                if (greeting == null) {
                    throw new IOException("closed without a greeting");
                }
                exchange(socket, "ping");
                return greeting;
            }
        }
    }

    /**
     * A client making one new connection after another, paced every 10 ms on one thread (the gap a
     * restart must not show is seconds long), counting what succeeded and keeping what failed.
     */
    private static final class ClientLoop {
        private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
        private final SocketProbe probe;
        private final AtomicInteger successes = new AtomicInteger();
        private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

        private ClientLoop(int port) {
            this.probe = new SocketProbe(port);
        }

        static ClientLoop start(int port) {
            ClientLoop loop = new ClientLoop(port);
            loop.thread.scheduleWithFixedDelay(loop::once, 0, 10, TimeUnit.MILLISECONDS);
            return loop;
        }

        private void once() {
            try {
                probe.greeting();
                successes.incrementAndGet();
            } catch (IOException | AssertionError e) {
                failures.add(e.toString());
            }
        }

        int successes() {
            return successes.get();
        }

        List<String> failures() {
            return List.copyOf(failures);
        }

        void awaitSuccesses(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (successes.get() < count) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + successes.get() + " of " + count
                            + " connections succeeded; failures: " + failures.size() + " " + failures.peek());
                }
                thread.awaitTermination(20, TimeUnit.MILLISECONDS); // poll interval (never terminates here)
            }
        }

        void stop() throws InterruptedException {
            thread.shutdown();
            thread.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
