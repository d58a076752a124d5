package io.edgelb.uci.edgelb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.AgentSettings;
import io.edgelb.model.Config;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.HubSettings;
import io.edgelb.model.LbAlgorithm;
import io.edgelb.model.Listener;
import io.edgelb.model.ListenerMode;
import io.edgelb.model.ListenerProtocol;
import io.edgelb.model.Member;
import io.edgelb.model.MonitorType;
import io.edgelb.model.Pool;
import io.edgelb.model.PoolProtocol;
import io.edgelb.model.SessionPersistence;
import io.edgelb.model.VxlanLink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgelbConfigLoaderTest {
    private static final String FILE = "/etc/config/edgelb";
    private static final String SERVER_KEY = "abcdefghij".repeat(4);

    private static LoadResult load(String text) {
        return EdgelbConfigLoader.load(FILE, text);
    }

    /** Loads a file that must be free of errors and warnings. */
    private static Config clean(String text) {
        LoadResult result = load(text);
        assertEquals(List.of(), result.messages());
        assertTrue(result.ok());
        return result.config();
    }

    private static List<String> messages(String text) {
        return load(text).messages();
    }

    @Test
    void mapsAFullFileFieldByField() {
        Config c = clean("""

                config agent 'main'
                \toption enabled '1'
                \toption api '127.0.0.1:9090'
                \toption api_token_file '/etc/edgelb/api.token'
                \toption state_dir '/tmp/edgelb'
                \toption workers '2'
                \toption drain_timeout '30'
                \toption shutdown_timeout '2.5'
                \toption log_level 'debug'
                \toption heap '24m'
                \toption java_opts '-XX:+UseSerialGC'

                config hub 'hub'
                \toption enabled '1'
                \tlist endpoint 'tcp://hub.example.net:5570'
                \tlist endpoint 'tcp://[2001:db8::1]:5570'
                \toption server_key '%s'
                \toption key_file '/etc/edgelb/agent.key'
                \toption agent_id 'edge-1'

                config listener 'http'
                \toption enabled '1'
                \toption address '192.0.2.1'
                \toption port '80'
                \toption protocol 'TCP'
                \toption mode 'relay'
                \toption pool 'web'
                \toption connection_limit '20000'
                \toption timeout_client_data '60000'
                \toption timeout_member_connect '3000'
                \toption timeout_member_data '70000'
                \tlist allowed_cidrs '192.0.2.0/24'
                \tlist allowed_cidrs '2001:db8::/32'

                config pool 'web'
                \toption enabled '1'
                \toption lb_algorithm 'LEAST_CONNECTIONS'
                \toption protocol 'PROXYV2'
                \toption healthmonitor 'web_check'
                \toption session_persistence 'SOURCE_IP'
                \toption persistence_timeout '600'

                config member 'web_1'
                \toption pool 'web'
                \toption address '192.0.2.10'
                \toption protocol_port '8080'
                \toption weight '3'
                \toption backup '0'
                \toption monitor_address '192.0.2.11'
                \toption monitor_port '9000'

                config member
                \toption pool 'web'
                \toption address '2001:db8::20'
                \toption protocol_port '8080'
                \toption backup 'yes'
                \toption enabled 'off'

                config healthmonitor 'web_check'
                \toption enabled 'true'
                \toption type 'HTTP'
                \toption delay '5'
                \toption timeout '0.5'
                \toption max_retries '2'
                \toption max_retries_down '4'
                \toption http_method 'HEAD'
                \toption url_path '/healthz'
                \toption expected_codes '200-399'
                \toption domain_name 'www.example.com'

                config vxlan
                \toption vni '100'
                \toption device 'wan'
                \toption local '198.51.100.1'
                \tlist remote '198.51.100.10'
                \tlist remote '198.51.100.11'
                \toption port '4790'
                \tlist address '192.0.2.100/24'
                \tlist address '2001:db8:100::1/64'
                \toption mtu '1400'
                \tlist neighbor '192.0.2.10 02:00:00:00:00:0a'
                \toption learning 'enabled'
                """.formatted(SERVER_KEY));

        assertEquals(new AgentSettings(true, "127.0.0.1:9090", "/etc/edgelb/api.token", "/tmp/edgelb", 2, 30_000,
                2_500, "debug", "auto", "auto", "24m", "-XX:+UseSerialGC"), c.agent());
        assertEquals(new HubSettings(true, List.of("tcp://hub.example.net:5570", "tcp://[2001:db8::1]:5570"),
                SERVER_KEY, "/etc/edgelb/agent.key", "edge-1", HubSettings.DEFAULT_STATE_FILE), c.hub());
        assertEquals(List.of("http"), List.copyOf(c.listeners().keySet()));
        assertEquals(new Listener("http", "192.0.2.1", 80, ListenerMode.RELAY, "web", 20_000, 60_000, 3_000, 70_000,
                List.of("192.0.2.0/24", "2001:db8::/32"), true, false, ListenerProtocol.TCP, List.of(), Listener.DEFAULT_TIMEOUT_HTTP_REQUEST_MS), c.listeners().get("http"));
        assertEquals(new Pool("web", LbAlgorithm.LEAST_CONNECTIONS, PoolProtocol.PROXYV2, SessionPersistence.SOURCE_IP,
                600_000, "web_check", true), c.pools().get("web"));
        assertEquals(List.of("web_1", "web_2001_db8__20_8080"), List.copyOf(c.members().keySet()));
        assertEquals(new Member("web_1", "web", "192.0.2.10", 8080, 3, false, true, "192.0.2.11", 9000),
                c.members().get("web_1"));
        assertEquals(new Member("web_2001_db8__20_8080", "web", "2001:db8::20", 8080, 1, true, false, null, 0),
                c.members().get("web_2001_db8__20_8080"));
        assertEquals(new HealthMonitor("web_check", MonitorType.HTTP, 5_000, 500, 2, 4, "HEAD", "/healthz",
                "200-399", "www.example.com", true), c.healthMonitors().get("web_check"));
        assertEquals(new VxlanLink("vx100", 100, "wan", "198.51.100.1", List.of("198.51.100.10", "198.51.100.11"),
                4790, List.of("192.0.2.100/24", "2001:db8:100::1/64"), 1400, List.of("192.0.2.10 02:00:00:00:00:0a"), true, true),
                c.vxlans().get("vx100"));
    }

    @Test
    void everyOptionHasItsDefault() {
        Config c = clean("""
                config agent 'main'
                config hub 'hub'
                config listener 'l'
                \toption port '80'
                \toption pool 'p'
                config pool 'p'
                config member 'm'
                \toption pool 'p'
                \toption address '192.0.2.10'
                \toption protocol_port '80'
                config healthmonitor 'h'
                \toption type 'TCP'
                config vxlan 'v'
                \toption vni '5'
                \tlist remote '198.51.100.10'
                """);
        assertEquals(AgentSettings.defaults(), c.agent());
        assertEquals("/var/run/edgelb/api.token", c.agent().effectiveTokenFile());
        assertEquals(HubSettings.disabled(), c.hub());
        assertEquals(Listener.of("l", "::", 80, "p"), c.listeners().get("l"));
        assertEquals(Pool.of("p", LbAlgorithm.ROUND_ROBIN), c.pools().get("p"));
        assertEquals(Member.of("m", "p", "192.0.2.10", 80), c.members().get("m"));
        assertEquals(HealthMonitor.of("h", MonitorType.TCP, 5_000, 3_000, 2, 3), c.healthMonitors().get("h"));
        assertEquals(new VxlanLink("v", 5, null, null, List.of("198.51.100.10"), 4789, List.of(), 1450, List.of(), false,
                true), c.vxlans().get("v"));
    }

    @Test
    void noSectionsAtAllIsTheEmptyConfig() {
        assertEquals(Config.empty(), clean("# nothing configured yet\n"));
    }

    @Test
    void reportsEveryProblemAtItsLine() {
        LoadResult result = load("""
                config listener 'http'
                \toption port '70000'
                \toption pool 'web'

                config listener 'admin'
                \toption port 'http'
                \toption pool 'web'

                config pool 'web'
                \toption lb_algorithm 'FASTEST'

                config member 'web_1'
                \toption pool 'ghost'
                \toption address '192.0.2.10'
                \toption protocol_port '80'
                \toption weight '300'
                \toption backup 'maybe'

                config member 'web_2'
                \toption pool 'web'
                \toption address '192.0.2.11'
                \toption protocoll_port '80'

                config backend 'old'
                \toption address '192.0.2.99'
                """);
        assertFalse(result.ok());
        assertNull(result.config());
        assertEquals(List.of(
                FILE + ":2: listener 'http': port 70000 is out of range 1-65535",
                FILE + ":6: listener 'admin': port 'http' is not a number",
                FILE + ":10: pool 'web': lb_algorithm 'FASTEST' is unknown"
                        + " (expected ROUND_ROBIN, LEAST_CONNECTIONS, SOURCE_IP or SOURCE_IP_PORT)",
                FILE + ":13: member 'web_1': pool 'ghost' does not exist",
                FILE + ":16: member 'web_1': weight 300 is out of range 0-256",
                FILE + ":17: member 'web_1': backup 'maybe' is not a boolean (use 1 or 0)",
                FILE + ":19: member 'web_2': has no protocol_port (option protocol_port)",
                FILE + ":22: warning: member 'web_2': unknown option 'protocoll_port' is ignored",
                FILE + ":24: warning: unknown section type 'backend' is ignored"
                        + " (expected agent, hub, listener, pool, member, healthmonitor, vxlan, vrrp, l7policy or l7rule)"),
                result.messages());
    }

    @Test
    void sectionNamesAreUniqueAcrossTypesInUci() {
        assertEquals(List.of(FILE + ":2: Parse error (section of different type overwrites prior section with same"
                + " name) at line 2, byte 27"), messages("config pool 'web'\nconfig healthmonitor 'web'\n"));
    }

    @Test
    void aSyntaxErrorIsOneMessageInUcisWords() {
        LoadResult result = load("config listener 'web'\n\toption pool 'web\n\toption port 80\n");
        assertEquals(List.of(FILE + ":3: Parse error (EOF with unterminated ') at line 3, byte 34"), result.messages());
        assertFalse(result.ok());
        assertNull(result.config());
    }

    @Test
    void warningsAloneDoNotBlock() {
        LoadResult result = load("""
                config agent 'main'
                \toption heap '32m'
                \toption colour 'blue'
                config pool 'p'
                config healthmonitor 'h'
                \toption type 'TLS-HELLO'
                \toption url_path '/ignored'
                """);
        assertTrue(result.ok());
        assertEquals(List.of(
                FILE + ":3: warning: agent 'main': unknown option 'colour' is ignored",
                FILE + ":4: warning: pool 'p': has no members",
                FILE + ":7: warning: healthmonitor 'h': url_path is ignored for TLS-HELLO monitors"),
                result.messages());
        assertEquals("/ignored", result.config().healthMonitors().get("h").urlPath());
    }

    @Test
    void anonymousSectionsGetStableIds() {
        Config c = clean("""
                config pool 'web'
                config member
                \toption pool 'web'
                \toption address '192.0.2.10'
                \toption protocol_port '80'
                config member
                \toption pool 'web'
                \toption address '2001:db8::a'
                \toption protocol_port '80'
                config listener
                \toption port '80'
                \toption pool 'web'
                config listener
                \toption address '192.0.2.1'
                \toption port '8080'
                \toption pool 'web'
                config listener
                \toption address '::'
                \toption port '8443'
                \toption pool 'web'
                config vxlan
                \toption vni '42'
                \tlist remote '198.51.100.10'
                """);
        assertEquals(List.of("web_192_0_2_10_80", "web_2001_db8__a_80"), List.copyOf(c.members().keySet()));
        assertEquals(List.of("listener_80", "listener_192_0_2_1_8080", "listener_8443"),
                List.copyOf(c.listeners().keySet()));
        assertEquals(List.of("vx42"), List.copyOf(c.vxlans().keySet()));
    }

    @Test
    void duplicateIdsAreErrorsAtTheSecondSection() {
        assertEquals(List.of(
                FILE + ":6: member 'web_192_0_2_10_80': duplicate id: the member at line 2 has the same id",
                FILE + ":14: member 'web_192_0_2_10_443': duplicate id: the member at line 10 has the same id"),
                messages("""
                        config pool 'web'
                        config member
                        \toption pool 'web'
                        \toption address '192.0.2.10'
                        \toption protocol_port '80'
                        config member
                        \toption pool 'web'
                        \toption address '192.0.2.10'
                        \toption protocol_port '80'
                        config member 'web_192_0_2_10_443'
                        \toption pool 'web'
                        \toption address '192.0.2.10'
                        \toption protocol_port '443'
                        config member
                        \toption pool 'web'
                        \toption address '192.0.2.10'
                        \toption protocol_port '443'
                        """));
    }

    @Test
    void onlyOneAgentAndOneHub() {
        assertEquals(List.of(
                FILE + ":2: agent 'other': only one agent section is allowed; the first is at line 1",
                FILE + ":4: hub '@hub[1]': only one hub section is allowed; the first is at line 3"),
                messages("config agent 'main'\nconfig agent 'other'\nconfig hub\nconfig hub\n"));
    }

    @Test
    void anonymousPoolsAndMonitorsCannotBeReferenced() {
        assertEquals(List.of(
                FILE + ":1: pool '@pool[0]': an anonymous pool cannot be referenced; name it: config pool 'NAME'",
                FILE + ":3: healthmonitor '@healthmonitor[0]': an anonymous healthmonitor cannot be referenced;"
                        + " name it: config healthmonitor 'NAME'"),
                messages("config pool\n\toption lb_algorithm 'SOURCE_IP'\nconfig healthmonitor\n\toption type 'TCP'\n"));
    }

    @Test
    void aListWhereOneValueIsExpectedAndAnOptionWhereAListIsAllowed() {
        assertEquals(List.of(FILE + ":6: member 'm': weight takes one value, not a list"), messages("""
                config pool 'p'
                config member 'm'
                \toption pool 'p'
                \toption address '192.0.2.1'
                \toption protocol_port '80'
                \tlist weight '1'
                \tlist weight '2'
                """));
        Config c = clean("config listener 'l'\n\toption port '80'\n\toption pool 'p'\n"
                + "\toption allowed_cidrs '192.0.2.0/24'\nconfig pool 'p'\nconfig member 'm'\n\toption pool 'p'\n"
                + "\toption address '192.0.2.1'\n\toption protocol_port '80'\n");
        assertEquals(List.of("192.0.2.0/24"), c.listeners().get("l").allowedCidrs());
    }

    @Test
    void aBadListItemIsReportedAtItsOwnLine() {
        assertEquals(List.of(
                FILE + ":1: warning: listener 'web': has no pool: connections to it will be refused",
                FILE + ":4: listener 'web': '10.0.0.1/8' has host bits set (did you mean 10.0.0.0/8?)"),
                messages("""
                        config listener 'web'
                        \toption port '80'
                        \tlist allowed_cidrs '192.0.2.0/24'
                        \tlist allowed_cidrs '10.0.0.1/8'
                        """));
    }

    @Test
    void missingRequiredOptionsAreReportedOnTheSection() {
        assertEquals(List.of(
                FILE + ":1: listener '@listener[0]': has no port (option port)",
                FILE + ":1: warning: listener '@listener[0]': has no pool: connections to it will be refused",
                FILE + ":2: member '@member[0]': has no pool (option pool)",
                FILE + ":2: member '@member[0]': has no address (option address)",
                FILE + ":2: member '@member[0]': has no protocol_port (option protocol_port)",
                FILE + ":3: healthmonitor 'h': has no type (option type)",
                FILE + ":4: vxlan 'v': has no vni (option vni)",
                FILE + ":4: vxlan 'v': has no remote VTEP (list remote)"),
                messages("config listener\nconfig member\nconfig healthmonitor 'h'\nconfig vxlan 'v'\n"));
    }

    @Test
    void valuesThatDoNotParse() {
        assertEquals(List.of(
                FILE + ":3: listener 'l': protocol 'UDP' is not supported yet: edgelb listeners speak TCP, HTTP or TERMINATED_HTTPS",
                FILE + ":4: listener 'l': mode 'fast' is unknown (expected relay or dnat)",
                FILE + ":5: listener 'l': timeout_client_data '50s' is not a number",
                FILE + ":8: healthmonitor 'h': type 'PING' is not supported by edgelb (a Java agent cannot send"
                        + " ICMP or check UDP/SCTP without root raw sockets); use TCP",
                FILE + ":9: healthmonitor 'h': delay '5s' is not a number of seconds (write 5 or 0.5)",
                FILE + ":11: pool 'p': session_persistence 'APP_COOKIE' is not supported yet: edgelb does not"
                        + " follow application cookies (use HTTP_COOKIE)",
                FILE + ":12: pool 'p': enabled '2' is not a boolean (use 1 or 0)",
                FILE + ":16: member 'm': protocol_port 99999999999 is out of range"),
                messages("""
                        config listener 'l'
                        \toption port '80'
                        \toption protocol 'UDP'
                        \toption mode 'fast'
                        \toption timeout_client_data '50s'
                        \toption pool 'p'
                        config healthmonitor 'h'
                        \toption type 'PING'
                        \toption delay '5s'
                        config pool 'p'
                        \toption session_persistence 'APP_COOKIE'
                        \toption enabled '2'
                        config member 'm'
                        \toption pool 'p'
                        \toption address '192.0.2.1'
                        \toption protocol_port '99999999999'
                        """));
    }

    @Test
    void validatorProblemsPointAtTheirOption() {
        assertEquals(List.of(
                FILE + ":3: hub 'hub': server_key is not a 40-character Z85 CURVE public key",
                FILE + ":4: hub 'hub': endpoint 'udp://x:1' is not tcp://HOST:PORT"),
                messages("""
                        config hub 'hub'
                        \tlist endpoint 'tcp://hub:5570'
                        \toption server_key 'short'
                        \tlist endpoint 'udp://x:1'
                        """));
    }

    @Test
    void theExampleInTheReadmeIsClean() throws Exception {
        String schema = Files.readString(Path.of("../README.md"));
        int start = schema.indexOf("```\n", schema.indexOf("### Example")) + 4;
        Config c = clean(schema.substring(start, schema.indexOf("```", start)));
        assertEquals(List.of("web_http"), List.copyOf(c.listeners().keySet()));
        assertEquals("web_check", c.pools().get("web").healthMonitorId());
    }

    @Test
    void loadsAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("edgelb");
        Files.writeString(file, "config listener 'web'\n\toption port 'http'\n", StandardCharsets.UTF_8);
        LoadResult result = EdgelbConfigLoader.load(file);
        assertEquals(List.of(file + ":1: warning: listener 'web': has no pool: connections to it will be refused",
                file + ":2: listener 'web': port 'http' is not a number"), result.messages());
    }

    @Test
    void readsTheKernelPathOptions() {
        Config c = clean("""
                config agent 'main'
                \toption firewall 'iptables'
                \toption network 'iproute2'

                config listener 'fast'
                \toption address '198.51.100.1'
                \toption port '80'
                \toption mode 'dnat'
                \toption snat '1'
                \toption pool 'web'

                config pool 'web'

                config member 'web_1'
                \toption pool 'web'
                \toption address '192.0.2.10'
                \toption protocol_port '80'
                """);
        assertEquals("iptables", c.agent().firewall());
        assertEquals("iproute2", c.agent().network());
        Listener fast = c.listeners().get("fast");
        assertEquals(ListenerMode.DNAT, fast.mode());
        assertEquals(true, fast.snat());
    }

    @Test
    void readsAnHttpListenerAndItsPool() {
        Config c = clean("""
                config listener 'front'
                \toption protocol 'HTTP'
                \toption port '80'
                \toption pool 'web'
                \tlist insert_headers 'X-Forwarded-For'
                \tlist insert_headers 'X-Forwarded-Proto'
                \toption timeout_http_request '3000'

                config pool 'web'
                \toption protocol 'HTTP'

                config member 'web_1'
                \toption pool 'web'
                \toption address '192.0.2.10'
                \toption protocol_port '80'
                """);
        Listener web = c.listeners().get("front");
        assertEquals(Listener.of("front", "::", 80, "web").withHttp(List.of("X-Forwarded-For", "X-Forwarded-Proto"), 3_000),
                web);
        assertEquals(ListenerProtocol.HTTP, web.protocol());
        assertEquals(PoolProtocol.HTTP, c.pools().get("web").protocol());
        assertEquals(ListenerProtocol.TCP, load("""
                config listener 'l'
                \toption port '80'
                """).config().listeners().get("l").protocol(), "TCP by default");
    }

    @Test
    void httpListenerMistakesAreReportedAtTheirLines() {
        LoadResult result = load("""
                config listener 'web'
                \toption protocol 'HTTP'
                \toption mode 'dnat'
                \toption address '192.0.2.1'
                \toption port '80'
                \toption pool 'tcp'
                \tlist insert_headers 'X-Real-IP'

                config listener 'raw'
                \toption port '81'
                \toption pool 'http'
                \tlist insert_headers 'X-Forwarded-For'

                config listener 'tls'
                \toption protocol 'HTTPS'
                \toption port '443'

                config pool 'tcp'

                config pool 'http'
                \toption protocol 'HTTP'

                config member 'a'
                \toption pool 'tcp'
                \toption address '192.0.2.10'
                \toption protocol_port '80'

                config member 'b'
                \toption pool 'http'
                \toption address '192.0.2.11'
                \toption protocol_port '80'
                """);
        assertFalse(result.ok());
        assertEquals(List.of(
                FILE + ":3: listener 'web': protocol 'HTTP' needs the relay (mode 'relay'); the kernel DNAT path"
                        + " does not parse HTTP",
                FILE + ":6: listener 'web': pool 'tcp' has protocol TCP; an HTTP listener needs a pool with"
                        + " protocol 'HTTP'",
                FILE + ":7: listener 'web': insert_headers 'X-Real-IP' is not supported (expected X-Forwarded-For,"
                        + " X-Forwarded-Port or X-Forwarded-Proto)",
                FILE + ":11: listener 'raw': pool 'http' has protocol HTTP, which needs an HTTP listener (option"
                        + " protocol 'HTTP'); a TCP listener relays bytes to TCP, PROXY or PROXYV2 pools",
                FILE + ":12: listener 'raw': insert_headers needs protocol 'HTTP': a TCP listener does not parse"
                        + " requests",
                FILE + ":15: listener 'tls': protocol 'HTTPS' is not supported yet: edgelb listeners"
                        + " speak TCP, HTTP or TERMINATED_HTTPS"),
                result.messages().stream().filter(m -> !m.contains("warning")).toList());
    }

    @Test
    void timeoutHttpRequestIsCheckedOnHttpListenersAndIgnoredWithAWarningOnTcpOnes() {
        LoadResult result = load("""
                config listener 'web'
                \toption protocol 'HTTP'
                \toption port '80'
                \toption pool 'http'
                \toption timeout_http_request '0'

                config listener 'raw'
                \toption port '81'
                \toption timeout_http_request '5000'

                config pool 'http'
                \toption protocol 'HTTP'

                config member 'a'
                \toption pool 'http'
                \toption address '192.0.2.10'
                \toption protocol_port '80'
                """);
        assertFalse(result.ok());
        assertEquals(List.of(
                FILE + ":5: listener 'web': timeout_http_request 0 is out of range 1-31536000000",
                FILE + ":7: warning: listener 'raw': has no pool: connections to it will be refused",
                FILE + ":9: warning: listener 'raw': timeout_http_request only applies to protocol 'HTTP'; ignored"),
                result.messages());
    }
}
