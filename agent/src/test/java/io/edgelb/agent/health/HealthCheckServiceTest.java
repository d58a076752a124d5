package io.edgelb.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.net.Transport;
import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.testkit.Await;
import io.edgelb.agent.testing.TestHttpServer;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.IpLiteral;
import io.edgelb.model.Member;
import io.edgelb.model.MonitorType;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scheduler against real loopback members, driven between answering and stalling. */
class HealthCheckServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final Transport transport = Epoll.isAvailable() ? Transport.epoll() : Transport.nio();
    private final EventLoopGroup group = transport.newGroup(1, "health-test");
    private final List<TestHttpServer> servers = new ArrayList<>();
    private HealthCheckService service;

    @AfterEach
    void tearDown() throws Exception {
        if (service != null) {
            service.close().get(5, TimeUnit.SECONDS);
        }
        servers.forEach(TestHttpServer::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Random 0: every new target is checked at once, so tests need not wait out a random offset. */
    private HealthCheckService service(int maxInFlight) {
        service = new HealthCheckService(group.next(), new HealthProber(transport), maxInFlight, () -> 0.0);
        return service;
    }

    private TestHttpServer server() throws Exception {
        TestHttpServer server = TestHttpServer.start();
        servers.add(server);
        return server;
    }

    private record Transition(boolean up, List<String> answers) {
    }

    @Test
    void downAtTheFirstFailureThenUpAfterRiseThenDownAfterFall() throws Exception {
        TestHttpServer server = server().stall();
        MemberRuntime member = member("web_1", server.address(), 2, 3);
        List<Transition> transitions = new CopyOnWriteArrayList<>();
        // Runs on the health loop right after the deciding check: the server log then ends with exactly
        // the checks that decided.
        member.health().setListener((up, reason) -> transitions.add(new Transition(up, answers(server))));

        service(4).update(List.of(new CheckTarget(member, http(200, 200, 2, 3, "/"))));

        Await.until(() -> transitions.size() == 1, WAIT, "DOWN after the first failed check");
        assertEquals(new Transition(false, List.of("stall")), transitions.get(0),
                "an unconfirmed member goes down at its first failure");

        server.answer(200);
        Await.until(() -> transitions.size() == 2, WAIT, "UP after rise successes");
        assertTrue(transitions.get(1).up());
        assertEquals(2, trailing(transitions.get(1).answers(), "200"), transitions.get(1).toString());

        server.stall();
        Await.until(() -> transitions.size() == 3, WAIT, "DOWN after fall failures");
        assertFalse(transitions.get(2).up());
        assertEquals(3, trailing(transitions.get(2).answers(), "stall"), transitions.get(2).toString());

        MemberHealth.Observation last = member.health().lastCheck();
        assertFalse(last.ok());
        assertEquals("timed out after 200ms waiting for the HTTP status line", last.detail());
        assertTrue(last.atMillis() > 0);
    }

    @Test
    void noMoreThanMaxInFlightChecksAtOnceAndEveryTargetGetsItsTurn() throws Exception {
        TestHttpServer server = server().answerAfter(Duration.ofMillis(100), 200);
        List<CheckTarget> targets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            targets.add(new CheckTarget(member("m" + i, server.address(), 1, 1), http(300, 300, 1, 1, "/m" + i)));
        }

        service(2).update(targets);

        Set<String> allPaths = IntStream.range(0, 6).mapToObj(i -> "/m" + i).collect(Collectors.toSet());
        Await.until(() -> server.requestCount() >= 12 && paths(server).containsAll(allPaths), WAIT,
                "two rounds of checks over six targets");
        assertEquals(2, server.maxInFlight(), "the cap is reached and never passed");
        targets.forEach(t -> assertTrue(t.member().health().lastCheck().ok(), t.toString()));
    }

    @Test
    void anUnchangedTargetKeepsItsScheduleAcrossUpdates() throws Exception {
        TestHttpServer slow = server();
        TestHttpServer clock = server();
        MemberRuntime kept = member("kept", slow.address(), 1, 1);
        service(4).update(List.of(new CheckTarget(kept, http(5_000, 1_000, 1, 1, "/")))).get(1, TimeUnit.SECONDS);
        Await.until(() -> slow.requestCount() == 1, WAIT, "the first check of the kept target");

        // The same runtime with an equal (not identical) monitor, plus a fast target as a clock.
        service.update(List.of(new CheckTarget(kept, http(5_000, 1_000, 1, 1, "/")),
                new CheckTarget(member("clock", clock.address(), 1, 1), http(100, 100, 1, 1, "/"))));
        Await.until(() -> clock.requestCount() >= 3, WAIT, "three checks of the clock target");

        assertEquals(1, slow.requestCount(), "a restarted target would have been checked again at once");
    }

    @Test
    void aTargetWhoseMonitorChangedStartsOver() throws Exception {
        TestHttpServer server = server();
        MemberRuntime member = member("web_1", server.address(), 1, 1);
        service(4).update(List.of(new CheckTarget(member, http(5_000, 1_000, 1, 1, "/old"))));
        Await.until(() -> server.requestCount() == 1, WAIT, "the first check");

        service.update(List.of(new CheckTarget(member, http(5_000, 1_000, 1, 1, "/new"))));

        Await.until(() -> server.requestCount() == 2, WAIT, "an immediate check with the new monitor");
        assertEquals("/new", server.lastRequest().path());
    }

    @Test
    void aRemovedTargetIsNoLongerChecked() throws Exception {
        TestHttpServer removedServer = server();
        TestHttpServer clock = server();
        CheckTarget removed = new CheckTarget(member("gone", removedServer.address(), 1, 1), http(100, 100, 1, 1, "/"));
        CheckTarget staying = new CheckTarget(member("clock", clock.address(), 1, 1), http(100, 100, 1, 1, "/"));
        service(4).update(List.of(removed, staying));
        Await.until(() -> removedServer.requestCount() >= 2, WAIT, "the removed target being checked first");

        service.update(List.of(staying)).get(1, TimeUnit.SECONDS);
        int clockAtRemoval = clock.requestCount();
        Await.until(() -> clock.requestCount() >= clockAtRemoval + 3, WAIT, "three more clock checks");
        int afterRemoval = removedServer.requestCount(); // a probe in flight at removal may land late
        Await.until(() -> clock.requestCount() >= clockAtRemoval + 6, WAIT, "three more clock checks");

        assertEquals(afterRemoval, removedServer.requestCount());
    }

    @Test
    void aDisabledMonitorIsNotChecked() throws Exception {
        TestHttpServer disabledServer = server();
        TestHttpServer clock = server();
        HealthMonitor disabled = new HealthMonitor("off", MonitorType.HTTP, 100, 100, 1, 1, "GET", "/", "200", null,
                false);
        service(4).update(List.of(new CheckTarget(member("off", disabledServer.address(), 1, 1), disabled),
                new CheckTarget(member("clock", clock.address(), 1, 1), http(100, 100, 1, 1, "/"))));

        Await.until(() -> clock.requestCount() >= 3, WAIT, "three clock checks");
        assertEquals(0, disabledServer.connectionCount());
    }

    @Test
    void monitorAddressAndPortReplaceTheMemberEndpoint() throws Exception {
        TestHttpServer server = server();
        InetSocketAddress nothing = HealthProbeTest.closedPort();
        Member settings = new Member("web_1", "pool", "127.0.0.2", nothing.getPort(), 1, false, true, "127.0.0.1",
                server.port());
        MemberRuntime member = new MemberRuntime(settings, MemberHealth.monitored("web_1", 1, 1,
                System::currentTimeMillis));

        service(4).update(List.of(new CheckTarget(member, http(100, 100, 1, 1, "/"))));

        Await.until(() -> server.requestCount() >= 2, WAIT, "checks at the monitor address");
        assertEquals("127.0.0.1:" + server.port(), server.lastRequest().header("Host"));
        assertTrue(member.health().isUp());
        assertEquals("HTTP 200", member.health().lastCheck().detail());
    }

    @Test
    void closeLeavesNoConnectionOpenAndStopsChecking() throws Exception {
        TestHttpServer server = server().stall();
        List<CheckTarget> targets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            targets.add(new CheckTarget(member("m" + i, server.address(), 1, 1), http(5_000, 5_000, 1, 1, "/")));
        }
        service(4).update(targets);
        Await.until(() -> server.inFlight() == 3, WAIT, "three stalled checks in flight");

        service.close().get(1, TimeUnit.SECONDS);

        Await.until(() -> server.openConnections() == 0, WAIT, "every probe connection closed");
        assertEquals(3, server.connectionCount());
        assertThrows(Exception.class, () -> service.update(targets).get(1, TimeUnit.SECONDS));
    }

    @Test
    void aMemberListedTwiceIsRejected() {
        MemberRuntime member = member("web_1", new InetSocketAddress("127.0.0.1", 80), 1, 1);
        HealthCheckService checks = service(1);
        List<CheckTarget> twice = List.of(new CheckTarget(member, http(100, 100, 1, 1, "/a")),
                new CheckTarget(member, http(100, 100, 1, 1, "/b")));
        assertThrows(IllegalArgumentException.class, () -> checks.update(twice));
    }

    @Test
    void jitterStaysWithinTenPercent() {
        long delay = TimeUnit.MILLISECONDS.toNanos(1000);
        assertEquals(delay * 9 / 10, HealthCheckService.jitteredNanos(1000, 0.0));
        assertEquals(delay, HealthCheckService.jitteredNanos(1000, 0.5));
        long top = HealthCheckService.jitteredNanos(1000, Math.nextDown(1.0));
        assertTrue(top <= delay * 11 / 10 && top > delay * 109 / 100, Long.toString(top));
    }

    // --- helpers --------------------------------------------------------------------------------

    private static MemberRuntime member(String id, InetSocketAddress at, int rise, int fall) {
        Member settings = Member.of(id, "pool", IpLiteral.format(at.getAddress()), at.getPort());
        return new MemberRuntime(settings, MemberHealth.monitored(id, rise, fall, System::currentTimeMillis));
    }

    private static HealthMonitor http(long delayMs, long timeoutMs, int rise, int fall, String path) {
        return new HealthMonitor("hm", MonitorType.HTTP, delayMs, timeoutMs, rise, fall, "GET", path, "200", null,
                true);
    }

    private static List<String> answers(TestHttpServer server) {
        return server.requests().stream().map(TestHttpServer.Request::answer).collect(Collectors.toList());
    }

    private static Set<String> paths(TestHttpServer server) {
        return server.requests().stream().map(TestHttpServer.Request::path).collect(Collectors.toSet());
    }

    /** How many entries at the end of {@code answers} equal {@code answer}. */
    private static int trailing(List<String> answers, String answer) {
        int n = 0;
        for (int i = answers.size() - 1; i >= 0 && answers.get(i).equals(answer); i--) {
            n++;
        }
        return n;
    }
}
