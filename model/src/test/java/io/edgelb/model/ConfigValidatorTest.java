package io.edgelb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConfigValidatorTest {
    private static Config config(List<Listener> listeners, List<Pool> pools, List<Member> members,
                                 List<HealthMonitor> monitors) {
        return new Config(AgentSettings.defaults(), HubSettings.disabled(),
                Config.byId(listeners, Listener::id), Config.byId(pools, Pool::id),
                Config.byId(members, Member::id), Config.byId(monitors, HealthMonitor::id), Map.of());
    }

    private static List<String> errors(Config config) {
        return ConfigValidator.validate(config).stream().filter(Problem::isError).map(Problem::describe)
                .collect(Collectors.toList());
    }

    @Test
    void aSoundConfigHasNoErrors() {
        Config ok = config(List.of(Listener.of("web", "::", 80, "web")),
                List.of(Pool.of("web", LbAlgorithm.ROUND_ROBIN).withHealthMonitor("hc")),
                List.of(Member.of("web_1", "web", "192.0.2.10", 80), Member.of("web_2", "web", "2001:db8::2", 80)),
                List.of(HealthMonitor.of("hc", MonitorType.HTTP, 5000, 2000, 2, 3)));
        assertEquals(List.of(), errors(ok));
    }

    @Test
    void reportsEveryProblemWithItsSubject() {
        Config bad = config(List.of(Listener.of("web", "::", 80, "nope")),
                List.of(Pool.of("web", LbAlgorithm.ROUND_ROBIN).withHealthMonitor("missing")),
                List.of(new Member("m1", "ghost", "192.0.2.10", 70000, 300, false, true, null, 0),
                        Member.of("m2", "web", "192.0.2.300", 80)),
                List.of());
        List<Problem> problems = ConfigValidator.validate(bad);
        List<String> texts = problems.stream().filter(Problem::isError).map(Problem::describe).toList();
        assertEquals(List.of(
                "listener 'web': pool 'nope' does not exist",
                "pool 'web': healthmonitor 'missing' does not exist",
                "member 'm1': pool 'ghost' does not exist",
                "member 'm1': protocol_port 70000 is out of range 1-65535",
                "member 'm1': weight 300 is out of range 0-256",
                "member 'm2': address '192.0.2.300' is not an IP address"), texts);
        Problem weight = problems.stream().filter(p -> "weight".equals(p.field())).findFirst().orElseThrow();
        assertEquals(Kind.MEMBER, weight.kind());
        assertEquals("m1", weight.id());
    }

    @Test
    void duplicateMembersAndOverlappingBindsAreErrors() {
        Config bad = config(List.of(Listener.of("a", "0.0.0.0", 80, "p"), Listener.of("b", "192.0.2.1", 80, "p")),
                List.of(Pool.of("p", LbAlgorithm.ROUND_ROBIN)),
                List.of(Member.of("m1", "p", "192.0.2.10", 80), Member.of("m2", "p", "192.0.2.10", 80)),
                List.of());
        List<String> errors = errors(bad);
        assertTrue(errors.contains("listener 'b': port 80 on 192.0.2.1 is already used by listener 'a' (0.0.0.0)"),
                errors.toString());
        assertTrue(errors.contains("member 'm2': 192.0.2.10 port 80 is already member 'm1' of pool 'p'"),
                errors.toString());
    }

    @Test
    void monitorRangesAndHttpFields() {
        HealthMonitor hm = new HealthMonitor("hc", MonitorType.HTTP, 1000, 2000, 0, 11, "FETCH", "healthz", "2xx",
                null, true);
        Config bad = config(List.of(), List.of(Pool.of("p", LbAlgorithm.ROUND_ROBIN).withHealthMonitor("hc")),
                List.of(Member.of("m", "p", "192.0.2.1", 80)), List.of(hm));
        assertEquals(List.of(
                "healthmonitor 'hc': timeout 2s is longer than delay 1s: checks would overlap",
                "healthmonitor 'hc': max_retries 0 is out of range 1-10",
                "healthmonitor 'hc': max_retries_down 11 is out of range 1-10",
                "healthmonitor 'hc': http_method 'FETCH' is not an HTTP method",
                "healthmonitor 'hc': url_path 'healthz' must start with / and hold no spaces or control characters",
                "healthmonitor 'hc': expected_codes '2xx' is not a code list (write 200, 200-299 or 200,302; codes 100-599)"),
                errors(bad));
    }

    @Test
    void dnatListenersRejectRelayOnlyFeatures() {
        Listener dnat = new Listener("fast", "198.51.100.1", 80, ListenerMode.DNAT, "p", 100,
                Listener.DEFAULT_TIMEOUT_CLIENT_DATA_MS, Listener.DEFAULT_TIMEOUT_MEMBER_CONNECT_MS,
                Listener.DEFAULT_TIMEOUT_MEMBER_DATA_MS, List.of(), true, false, ListenerProtocol.TCP, List.of(), Listener.DEFAULT_TIMEOUT_HTTP_REQUEST_MS);
        Config bad = config(List.of(dnat),
                List.of(Pool.of("p", LbAlgorithm.ROUND_ROBIN).withProtocol(PoolProtocol.PROXYV2)),
                List.of(Member.of("m", "p", "192.0.2.1", 80)), List.of());
        List<String> errors = errors(bad);
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("listener 'fast': connection_limit needs the relay"));
        assertTrue(errors.get(1).startsWith("listener 'fast': pool 'p' sends the PROXY protocol (PROXYV2)"));
    }

    @Test
    void poolWithoutMembersIsOnlyAWarning() {
        Config lonely = config(List.of(), List.of(Pool.of("p", LbAlgorithm.ROUND_ROBIN)), List.of(), List.of());
        List<Problem> problems = ConfigValidator.validate(lonely);
        assertFalse(ConfigValidator.hasErrors(problems));
        assertEquals("warning: pool 'p': has no members", problems.get(0).describe());
    }

    @Test
    void dnatListenersNeedOneAddressFamilyAndTheirOwnPort() {
        Listener dnat = Listener.of("fast", "198.51.100.1", 80, "p").withMode(ListenerMode.DNAT, true);
        Listener relay = Listener.of("web", "::", 80, "p");
        Pool sticky = new Pool("p", LbAlgorithm.SOURCE_IP, PoolProtocol.TCP, SessionPersistence.SOURCE_IP, 60_000,
                null, true);
        Config bad = config(List.of(relay, dnat), List.of(sticky),
                List.of(Member.of("m1", "p", "192.0.2.10", 80), Member.of("m2", "p", "2001:db8::10", 80)), List.of());
        List<String> errors = errors(bad);
        assertTrue(errors.contains("listener 'fast': port 80 on 198.51.100.1 is already used by listener 'web' (::)"),
                errors.toString());
        assertTrue(errors.stream().anyMatch(e -> e.startsWith("listener 'fast': pool 'p' has session_persistence")),
                errors.toString());
        assertTrue(errors.contains("listener 'fast': member 'm2' (2001:db8::10) is not of the address family of "
                + "198.51.100.1: the kernel path cannot translate IPv4 to IPv6"), errors.toString());
        assertEquals(3, errors.size(), errors.toString());
    }

    @Test
    void snatOnARelayListenerAndUnknownBackendsAreReported() {
        Listener relay = Listener.of("web", "::", 80, "p").withMode(ListenerMode.RELAY, true);
        AgentSettings agent = new AgentSettings(true, AgentSettings.DEFAULT_API, null, "/var/run/edgelb", 0, 1000,
                1000, "info", "pf", "systemd");
        Config c = new Config(agent, HubSettings.disabled(), Map.of("web", relay),
                Map.of("p", Pool.of("p", LbAlgorithm.ROUND_ROBIN)), Map.of("m", Member.of("m", "p", "192.0.2.1", 80)),
                Map.of(), Map.of());
        List<Problem> problems = ConfigValidator.validate(c);
        List<String> texts = problems.stream().map(Problem::describe).toList();
        assertTrue(texts.contains("agent 'main': firewall 'pf' is unknown (expected auto, fw4, nftables or iptables)"),
                texts.toString());
        assertTrue(texts.contains("agent 'main': network 'systemd' is unknown (expected auto, netifd or iproute2)"),
                texts.toString());
        assertTrue(texts.stream().anyMatch(t -> t.startsWith("warning: listener 'web': snat only applies")), texts.toString());
    }

    @Test
    void vxlanNeighborsMayNameTheirVtepAndVnisMustNotClash() {
        VxlanLink a = new VxlanLink("vx1", 100, null, null, List.of("198.51.100.2", "198.51.100.3"), 4789,
                List.of("192.0.2.1/24"), 1450, List.of("192.0.2.10 02:00:00:00:00:0a 198.51.100.3", "192.0.2.11 02:00:00:00:00:0b x"),
                false, true);
        VxlanLink b = new VxlanLink("vx2", 100, null, null, List.of("198.51.100.2"), 4789, List.of(), 1450, List.of(),
                false, true);
        Config c = new Config(AgentSettings.defaults(), HubSettings.disabled(), Map.of(), Map.of(), Map.of(), Map.of(),
                Config.byId(List.of(a, b), VxlanLink::id));
        assertEquals(List.of(
                "vxlan 'vx1': neighbor '192.0.2.11 02:00:00:00:00:0b x' is not 'IP MAC [VTEP]' (192.0.2.10 02:00:00:00:00:0a 198.51.100.2)",
                "vxlan 'vx2': vni 100 on port 4789 is already used by vxlan 'vx1'"), errors(c));
    }

    @Test
    void httpListenersNeedTheRelayAndAnHttpPool() {
        Pool http = Pool.of("h", LbAlgorithm.ROUND_ROBIN).withProtocol(PoolProtocol.HTTP);
        Pool tcp = Pool.of("t", LbAlgorithm.ROUND_ROBIN);
        List<Member> members = List.of(Member.of("m1", "h", "192.0.2.10", 80), Member.of("m2", "t", "192.0.2.11", 80));
        Listener good = Listener.http("good", "::", 80, "h", List.of("X-Forwarded-For", "x-forwarded-port"));
        assertEquals(List.of(), errors(config(List.of(good), List.of(http, tcp), members, List.of())),
                "header names are case-insensitive");
        Listener dnat = Listener.http("dnat", "198.51.100.1", 81, "h", List.of()).withMode(ListenerMode.DNAT, false);
        Listener toTcp = Listener.http("to_tcp", "::", 82, "t", List.of());
        Listener tcpToHttp = Listener.of("tcp_to_http", "::", 83, "h");
        Listener headersOnTcp = new Listener("headers_on_tcp", "::", 84, ListenerMode.RELAY, "t", -1, 50_000, 5_000, 50_000,
                List.of(), true, false, ListenerProtocol.TCP, List.of("X-Forwarded-For"), 10_000);
        Listener badHeader = Listener.http("bad_header", "::", 85, "h", List.of("X-Forwarded-Host"));
        Listener noTime = Listener.of("no_time", "::", 86, "h").withHttp(List.of(), 0);
        assertEquals(List.of(
                "listener 'dnat': protocol 'HTTP' needs the relay (mode 'relay'); the kernel DNAT path does not parse HTTP",
                "listener 'to_tcp': pool 't' has protocol TCP; an HTTP listener needs a pool with protocol 'HTTP'",
                "listener 'tcp_to_http': pool 'h' has protocol HTTP, which needs an HTTP listener (option protocol"
                        + " 'HTTP'); a TCP listener relays bytes to TCP, PROXY or PROXYV2 pools",
                "listener 'headers_on_tcp': insert_headers needs protocol 'HTTP': a TCP listener does not parse requests",
                "listener 'bad_header': insert_headers 'X-Forwarded-Host' is not supported (expected X-Forwarded-For,"
                        + " X-Forwarded-Port or X-Forwarded-Proto)",
                "listener 'no_time': timeout_http_request 0 is out of range 1-31536000000"),
                errors(config(List.of(dnat, toTcp, tcpToHttp, headersOnTcp, badHeader, noTime), List.of(http, tcp),
                        members, List.of())));
    }
}
