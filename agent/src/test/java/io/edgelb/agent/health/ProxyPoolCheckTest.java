package io.edgelb.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.agent.net.Transport;
import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.testkit.Await;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.IpLiteral;
import io.edgelb.model.Member;
import io.edgelb.model.MonitorType;
import io.edgelb.model.PoolProtocol;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks of a PROXY pool against a real nginx with {@code listen ... proxy_protocol}: with the
 * header every monitor type passes; without it (what checks sent before) HTTP, HTTPS and
 * TLS-HELLO fail and the member is marked down.
 */
class ProxyPoolCheckTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path prefix;
    private static NginxMember nginx;

    @BeforeAll
    static void startNginx() throws Exception {
        Assumptions.assumeTrue(NginxMember.available(), "nginx and openssl are needed");
        nginx = NginxMember.start(prefix);
    }

    @AfterAll
    static void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    static Stream<Arguments> checks() {
        List<Arguments> all = new ArrayList<>();
        for (Transport transport : HealthProbeTest.transports().toList()) {
            for (PoolProtocol protocol : List.of(PoolProtocol.PROXY, PoolProtocol.PROXYV2)) {
                for (MonitorType type : MonitorType.values()) {
                    all.add(Arguments.of(transport, protocol, type));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{2} of a {1} pool on {0}")
    @MethodSource("checks")
    void everyMonitorTypePassesWithTheHeader(Transport transport, PoolProtocol protocol, MonitorType type)
            throws Exception {
        int logged = nginx.log().length();
        MemberRuntime member = check(transport, protocol, type);
        assertTrue(member.health().lastCheck().ok(), member.health().lastCheck().toString());
        assertTrue(member.health().isUp(), "the member is down: " + member.health().lastCheck());
        String log = nginx.log().substring(logged);
        assertFalse(log.contains("broken header"), log);
    }

    @ParameterizedTest(name = "{2} without a header on {0}")
    @MethodSource("checks")
    void withoutTheHeaderTheMemberIsMarkedDown(Transport transport, PoolProtocol protocol, MonitorType type)
            throws Exception {
        Assumptions.assumeTrue(type != MonitorType.TCP, "a bare connect passes either way");
        if (protocol != PoolProtocol.PROXY) {
            return; // the same check as for PROXY: no header at all
        }
        MemberRuntime member = check(transport, PoolProtocol.TCP, type);
        assertFalse(member.health().lastCheck().ok(), member.health().lastCheck().toString());
        assertFalse(member.health().isUp());
    }

    /** The v1 line carries the check's own endpoints, which nginx takes as the client address. */
    @Test
    void theVersionOneLineNamesTheChecksOwnEndpoints() throws Exception {
        check(Transport.nio(), PoolProtocol.PROXY, MonitorType.HTTP);
        Await.until(() -> {
            try {
                return nginx.accessLog().contains("127.0.0.1 - - ");
            } catch (java.io.IOException e) {
                return false;
            }
        }, WAIT, "nginx logs the PROXY source 127.0.0.1");
    }

    /** A monitor_port that points elsewhere (a plain status port) gets no header, as in HAProxy. */
    @Test
    void aMonitorPortElsewhereGetsNoHeader() throws Exception {
        InetSocketAddress member = nginx.proxyHttp;
        Member settings = new Member("web_1", "pool", IpLiteral.format(member.getAddress()), member.getPort(), 1,
                false, true, null, nginx.plainHttp.getPort());
        MemberRuntime runtime = new MemberRuntime(settings, MemberHealth.monitored("web_1", 1, 1,
                System::currentTimeMillis));
        run(Transport.nio(), new CheckTarget(runtime, monitor(MonitorType.HTTP), PoolProtocol.PROXY));
        assertTrue(runtime.health().lastCheck().ok(), runtime.health().lastCheck().toString());
        assertEquals("HTTP 200", runtime.health().lastCheck().detail());
    }

    private static MemberRuntime check(Transport transport, PoolProtocol protocol, MonitorType type) throws Exception {
        InetSocketAddress at = type == MonitorType.HTTPS || type == MonitorType.TLS_HELLO
                ? nginx.proxyHttps : nginx.proxyHttp;
        Member settings = Member.of("web_1", "pool", IpLiteral.format(at.getAddress()), at.getPort());
        MemberRuntime member = new MemberRuntime(settings, MemberHealth.monitored("web_1", 1, 1,
                System::currentTimeMillis));
        run(transport, new CheckTarget(member, monitor(type), protocol));
        return member;
    }

    /** Runs one service with this target until its first check has an outcome. */
    private static void run(Transport transport, CheckTarget target) throws Exception {
        EventLoopGroup group = transport.newGroup(1, "proxy-check-test");
        HealthCheckService service = new HealthCheckService(group.next(), new HealthProber(transport), 4, () -> 0.0);
        try {
            service.update(List.of(target)).get(5, TimeUnit.SECONDS);
            Await.until(() -> target.member().health().lastCheck() != MemberHealth.Observation.NONE, WAIT, "the first check");
        } finally {
            service.close().get(5, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static HealthMonitor monitor(MonitorType type) {
        return new HealthMonitor("hm", type, 5000, 2000, 1, 1, type.isHttp() ? "GET" : null,
                type.isHttp() ? "/" : null, type.isHttp() ? "200" : null, null, true);
    }
}
