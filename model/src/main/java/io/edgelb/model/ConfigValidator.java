package io.edgelb.model;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a whole snapshot (ranges, addresses, references, conflicts) and lists every problem, so
 * that an operator fixes a file in one pass. The same rules apply to UCI files and hub pushes.
 */
public final class ConfigValidator {
    private static final Set<String> HTTP_METHODS =
            Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "OPTIONS", "PATCH", "CONNECT");
    private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");
    private static final List<String> FIREWALLS = List.of("auto", "fw4", "nftables", "iptables");
    private static final List<String> NETWORKS = List.of("auto", "netifd", "iproute2");
    private static final List<String> KEEPALIVED_MODES = List.of("auto", "uci", "conf");
    private static final Pattern MAC = Pattern.compile("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}");
    private static final Pattern Z85_KEY = Pattern.compile("[0-9a-zA-Z.\\-:+=^!/*?&<>()\\[\\]{}@%$#]{40}");
    private static final Pattern ENDPOINT = Pattern.compile("tcp://(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+):\\d{1,5}");
    private static final Pattern URL_PATH = Pattern.compile("/[\\x21-\\x7e]*");
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    /** Octavia's upper bound for listener timeouts: one year. */
    static final long MAX_TIMEOUT_MS = 31_536_000_000L;
    static final int MAX_CONNECTION_LIMIT = 1_000_000;
    static final int MAX_VNI = (1 << 24) - 1;

    private final List<Problem> problems = new ArrayList<>();
    private final Config config;
    /** Members by pool id, built once: Config.membersOf scans all members, per pool and per listener. */
    private final Map<String, List<Member>> membersByPool = new HashMap<>();

    private ConfigValidator(Config config) {
        this.config = config;
        for (Member m : config.members().values()) {
            if (m.poolId() != null) {
                membersByPool.computeIfAbsent(m.poolId(), k -> new ArrayList<>()).add(m);
            }
        }
    }

    private List<Member> membersOf(String poolId) {
        return membersByPool.getOrDefault(poolId, List.of());
    }

    /** Returns every problem found, errors and warnings, in file order of the objects. */
    public static List<Problem> validate(Config config) {
        ConfigValidator validator = new ConfigValidator(config);
        validator.checkAgent(config.agent());
        validator.checkHub(config.hub());
        config.listeners().values().forEach(validator::checkListener);
        validator.checkBindConflicts();
        config.pools().values().forEach(validator::checkPool);
        config.members().values().forEach(validator::checkMember);
        validator.checkDuplicateMembers();
        config.healthMonitors().values().forEach(validator::checkMonitor);
        config.vxlans().values().forEach(validator::checkVxlan);
        validator.checkVxlanConflicts();
        VrrpRules.check(config, validator.problems);
        L7Rules.check(config, validator.problems);
        return List.copyOf(validator.problems);
    }

    public static boolean hasErrors(List<Problem> problems) {
        return problems.stream().anyMatch(Problem::isError);
    }

    private void checkAgent(AgentSettings agent) {
        String id = "main";
        tryParse(Kind.AGENT, id, "api", () -> {
            HostPort api = HostPort.parse(agent.api());
            if (!api.address().isLoopbackAddress()) {
                warn(Kind.AGENT, id, "api", "api " + agent.api()
                        + " is not a loopback address: the status API is then reachable from the network");
            }
        });
        if (agent.workers() < 0 || agent.workers() > 64) {
            error(Kind.AGENT, id, "workers", "workers " + agent.workers() + " is out of range 0-64 (0 = one per CPU)");
        }
        nonNegative(Kind.AGENT, id, "drain_timeout", agent.drainTimeoutMs());
        nonNegative(Kind.AGENT, id, "shutdown_timeout", agent.shutdownTimeoutMs());
        if (!LOG_LEVELS.contains(agent.logLevel())) {
            error(Kind.AGENT, id, "log_level", "log_level '" + agent.logLevel()
                    + "' is unknown (expected trace, debug, info, warn or error)");
        }
        if (!agent.stateDir().startsWith("/")) {
            error(Kind.AGENT, id, "state_dir", "state_dir '" + agent.stateDir() + "' is not an absolute path");
        }
        if (!FIREWALLS.contains(agent.firewall())) {
            error(Kind.AGENT, id, "firewall", "firewall '" + agent.firewall()
                    + "' is unknown (expected auto, fw4, nftables or iptables)");
        }
        if (!NETWORKS.contains(agent.network())) {
            error(Kind.AGENT, id, "network", "network '" + agent.network()
                    + "' is unknown (expected auto, netifd or iproute2)");
        }
        KeepalivedSettings keepalived = agent.keepalived();
        if (!KEEPALIVED_MODES.contains(keepalived.mode())) {
            error(Kind.AGENT, id, "keepalived", "keepalived '" + keepalived.mode()
                    + "' is unknown (expected auto, uci or conf)");
        }
        for (String[] path : new String[][] {{"keepalived_conf", keepalived.confFile()},
                {"keepalived_pid", keepalived.pidFile()}}) {
            if (path[1] == null || !path[1].startsWith("/") || path[1].chars().anyMatch(c -> c <= ' ' || c == '"')) {
                error(Kind.AGENT, id, path[0], path[0] + " '" + path[1] + "' is not an absolute path without blanks or quotes");
            }
        }
        if (agent.apiTokenFile() != null && !agent.apiTokenFile().startsWith("/")) {
            error(Kind.AGENT, id, "api_token_file", "api_token_file '" + agent.apiTokenFile()
                    + "' is not an absolute path");
        }
    }

    private void checkHub(HubSettings hub) {
        String id = "hub";
        for (String endpoint : hub.endpoints()) {
            if (!ENDPOINT.matcher(endpoint).matches() || !validPort(endpoint.substring(endpoint.lastIndexOf(':') + 1))) {
                error(Kind.HUB, id, "endpoint", "endpoint '" + endpoint + "' is not tcp://HOST:PORT");
            }
        }
        if (hub.serverKey() != null && !Z85_KEY.matcher(hub.serverKey()).matches()) {
            error(Kind.HUB, id, "server_key", "server_key is not a 40-character Z85 CURVE public key");
        }
        if (hub.enabled()) {
            if (hub.endpoints().isEmpty()) {
                error(Kind.HUB, id, "endpoint", "the hub is enabled but has no endpoint");
            }
            if (hub.serverKey() == null) {
                error(Kind.HUB, id, "server_key", "the hub is enabled but server_key (the hub's public key) is missing");
            }
            if (hub.agentId() == null) {
                error(Kind.HUB, id, "agent_id", "the hub is enabled but agent_id (this router's id at the hub) is missing");
            }
        }
        if (hub.keyFile() == null || !hub.keyFile().startsWith("/")) {
            error(Kind.HUB, id, "key_file", "key_file '" + hub.keyFile() + "' is not an absolute path");
        }
        if (hub.stateFile() == null || !hub.stateFile().startsWith("/")) {
            error(Kind.HUB, id, "state_file", "state_file '" + hub.stateFile() + "' is not an absolute path");
        }
        if (hub.agentId() != null && !hub.agentId().matches("[A-Za-z0-9_.-]{1,64}")) {
            error(Kind.HUB, id, "agent_id", "agent_id '" + hub.agentId()
                    + "' may only hold letters, digits, '_', '.' and '-' (1-64)");
        }
    }

    private void checkListener(Listener l) {
        Kind k = Kind.LISTENER;
        if (IpLiteral.tryParse(l.address()) == null) {
            error(k, l.id(), "address", "address '" + l.address() + "' is not an IP address");
        }
        port(k, l.id(), "port", l.port());
        if (l.poolId() == null) {
            warn(k, l.id(), "pool", "has no pool: connections to it will be refused");
        } else if (!config.pools().containsKey(l.poolId())) {
            error(k, l.id(), "pool", "pool '" + l.poolId() + "' does not exist");
        }
        if (l.connectionLimit() != Listener.UNLIMITED
                && (l.connectionLimit() < 1 || l.connectionLimit() > MAX_CONNECTION_LIMIT)) {
            error(k, l.id(), "connection_limit", "connection_limit " + l.connectionLimit()
                    + " is out of range (-1 for unlimited, or 1-" + MAX_CONNECTION_LIMIT + ")");
        }
        timeout(k, l.id(), "timeout_client_data", l.timeoutClientDataMs(), 0);
        timeout(k, l.id(), "timeout_member_connect", l.timeoutMemberConnectMs(), 1);
        timeout(k, l.id(), "timeout_member_data", l.timeoutMemberDataMs(), 0);
        for (String cidr : l.allowedCidrs()) {
            tryParse(k, l.id(), "allowed_cidrs", () -> Cidr.parse(cidr));
        }
        checkProtocol(l);
        TlsRules.check(l, problems);
        if (l.mode() == ListenerMode.DNAT) {
            checkDnatListener(l);
        } else if (l.snat()) {
            warn(k, l.id(), "snat", "snat only applies to mode 'dnat' (the relay always connects from the router); ignored");
        }
    }

    /** An HTTP listener parses requests and talks HTTP to its pool; a TCP one relays bytes. */
    private void checkProtocol(Listener l) {
        Kind k = Kind.LISTENER;
        Pool pool = l.poolId() == null ? null : config.pools().get(l.poolId());
        for (String name : l.insertHeaders()) {
            if (ForwardedHeader.byName(name) == null) {
                error(k, l.id(), "insert_headers", "insert_headers '" + name
                        + "' is not supported (expected X-Forwarded-For, X-Forwarded-Port or X-Forwarded-Proto)");
            }
        }
        if (!l.isHttp()) {
            if (!l.insertHeaders().isEmpty()) {
                error(k, l.id(), "insert_headers", "insert_headers needs protocol 'HTTP': a TCP listener does not"
                        + " parse requests");
            }
            if (l.timeoutHttpRequestMs() != Listener.DEFAULT_TIMEOUT_HTTP_REQUEST_MS) {
                warn(k, l.id(), "timeout_http_request", "timeout_http_request only applies to protocol 'HTTP'; ignored");
            }
            if (pool != null && pool.protocol() == PoolProtocol.HTTP) {
                error(k, l.id(), "pool", "pool '" + pool.id() + "' has protocol HTTP, which needs an HTTP listener"
                        + " (option protocol 'HTTP'); a TCP listener relays bytes to TCP, PROXY or PROXYV2 pools");
            }
            return;
        }
        timeout(k, l.id(), "timeout_http_request", l.timeoutHttpRequestMs(), 1);
        if (l.mode() == ListenerMode.DNAT) {
            error(k, l.id(), "mode", "protocol '" + l.protocol() + "' needs the relay (mode 'relay'); the kernel"
                    + " DNAT path does not parse HTTP" + (l.isTls() ? " nor terminate TLS" : ""));
        }
        if (pool != null && pool.protocol() != PoolProtocol.HTTP) {
            error(k, l.id(), "pool", "pool '" + pool.id() + "' has protocol " + pool.protocol()
                    + "; an HTTP listener needs a pool with protocol 'HTTP'");
        }
    }

    /** The kernel path rewrites packets; it cannot do what needs the agent in the data path. */
    private void checkDnatListener(Listener l) {
        Kind k = Kind.LISTENER;
        String why = " needs the relay (mode 'relay'); the kernel DNAT path cannot enforce it";
        if (l.connectionLimit() != Listener.UNLIMITED) {
            error(k, l.id(), "connection_limit", "connection_limit" + why);
        }
        if (l.timeoutClientDataMs() != Listener.DEFAULT_TIMEOUT_CLIENT_DATA_MS) {
            error(k, l.id(), "timeout_client_data", "timeout_client_data" + why);
        }
        if (l.timeoutMemberConnectMs() != Listener.DEFAULT_TIMEOUT_MEMBER_CONNECT_MS) {
            error(k, l.id(), "timeout_member_connect", "timeout_member_connect" + why);
        }
        if (l.timeoutMemberDataMs() != Listener.DEFAULT_TIMEOUT_MEMBER_DATA_MS) {
            error(k, l.id(), "timeout_member_data", "timeout_member_data" + why);
        }
        Pool pool = l.poolId() == null ? null : config.pools().get(l.poolId());
        if (pool != null && (pool.protocol() == PoolProtocol.PROXY || pool.protocol() == PoolProtocol.PROXYV2)) {
            error(k, l.id(), "pool", "pool '" + pool.id() + "' sends the PROXY protocol (" + pool.protocol() + ")" + why);
        }
        if (pool != null && pool.algorithm() == LbAlgorithm.LEAST_CONNECTIONS) {
            error(k, l.id(), "pool", "pool '" + pool.id() + "' uses LEAST_CONNECTIONS" + why);
        }
        if (pool != null && pool.persistence() != SessionPersistence.NONE) {
            error(k, l.id(), "pool", "pool '" + pool.id() + "' has session_persistence" + why
                    + " (lb_algorithm SOURCE_IP keeps a client on one member in the kernel)");
        }
        InetAddress address = IpLiteral.tryParse(l.address());
        if (address == null) {
            return;
        }
        if (address.isAnyLocalAddress()) {
            error(k, l.id(), "address", "a dnat listener needs the concrete address clients connect to, not "
                    + l.address());
            return;
        }
        for (String cidr : l.allowedCidrs()) {
            Cidr parsed = cidrOrNull(cidr);
            if (parsed != null && parsed.isIpv4() != (address instanceof java.net.Inet4Address)) {
                error(k, l.id(), "allowed_cidrs", "allowed_cidrs " + cidr + " is not of the address family of "
                        + l.address() + ": the kernel path rewrites one family");
            }
        }
        if (pool != null) {
            for (Member m : membersOf(pool.id())) {
                InetAddress member = m.address() == null ? null : IpLiteral.tryParse(m.address());
                if (member != null && member.getClass() != address.getClass()) {
                    error(k, l.id(), "pool", "member '" + m.id() + "' (" + m.address() + ") is not of the address "
                            + "family of " + l.address() + ": the kernel path cannot translate IPv4 to IPv6");
                }
            }
        }
    }

    /**
     * Two relay listeners cannot share a socket; a dnat listener would hide any listener on its port.
     * Each listener is compared with the first earlier listener it clashes with, found through three
     * indexes per port instead of a scan of all earlier ones (20,000 listeners took a minute that way):
     * the same address, a relay wildcard (it clashes with everything on its port), and, for a relay
     * wildcard itself, any earlier listener on the port.
     */
    private void checkBindConflicts() {
        Map<BindKey, Listener> sameAddress = new HashMap<>();
        Map<Integer, Listener> relayWildcard = new HashMap<>();
        Map<Integer, Listener> anyOnPort = new HashMap<>();
        Map<Listener, Integer> order = new java.util.IdentityHashMap<>();
        for (Listener l : config.listeners().values()) {
            if (!l.enabled()) {
                continue;
            }
            InetAddress address = IpLiteral.tryParse(l.address());
            if (address == null) {
                continue; // reported by checkListener; it can clash with nothing
            }
            order.put(l, order.size());
            boolean wildcardRelay = l.mode() == ListenerMode.RELAY && address.isAnyLocalAddress();
            Listener other = first(order, sameAddress.get(new BindKey(l.port(), address)),
                    relayWildcard.get(l.port()));
            if (wildcardRelay) {
                other = first(order, other, anyOnPort.get(l.port()));
            }
            if (other != null) {
                error(Kind.LISTENER, l.id(), "port", "port " + l.port() + " on " + l.address()
                        + " is already used by listener '" + other.id() + "' (" + other.address() + ")");
            }
            sameAddress.putIfAbsent(new BindKey(l.port(), address), l);
            anyOnPort.putIfAbsent(l.port(), l);
            if (wildcardRelay) {
                relayWildcard.putIfAbsent(l.port(), l);
            }
        }
    }

    private record BindKey(int port, InetAddress address) {
    }

    /** The earlier in file order of two listeners, either may be null. */
    private static Listener first(Map<Listener, Integer> order, Listener a, Listener b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return order.get(a) <= order.get(b) ? a : b;
    }

    private void checkPool(Pool p) {
        Kind k = Kind.POOL;
        if (p.healthMonitorId() != null && !config.healthMonitors().containsKey(p.healthMonitorId())) {
            error(k, p.id(), "healthmonitor", "healthmonitor '" + p.healthMonitorId() + "' does not exist");
        }
        if (p.persistence() == SessionPersistence.SOURCE_IP) {
            if (p.persistenceTimeoutMs() < 1000 || p.persistenceTimeoutMs() > MAX_TIMEOUT_MS) {
                error(k, p.id(), "persistence_timeout", "persistence_timeout " + seconds(p.persistenceTimeoutMs())
                        + "s is out of range 1-" + MAX_TIMEOUT_MS / 1000 + " seconds");
            }
        }
        if (p.persistence() == SessionPersistence.HTTP_COOKIE && p.protocol() != PoolProtocol.HTTP) {
            error(k, p.id(), "session_persistence", "session_persistence HTTP_COOKIE needs protocol 'HTTP': only"
                    + " HTTP pools see cookies");
        }
        if (membersOf(p.id()).isEmpty()) {
            warn(k, p.id(), null, "has no members");
        }
    }

    private void checkMember(Member m) {
        Kind k = Kind.MEMBER;
        if (m.poolId() == null) {
            error(k, m.id(), null, "has no pool (option pool)");
        } else if (!config.pools().containsKey(m.poolId())) {
            error(k, m.id(), "pool", "pool '" + m.poolId() + "' does not exist");
        }
        if (m.address() == null) {
            error(k, m.id(), null, "has no address (option address)");
        } else if (IpLiteral.tryParse(m.address()) == null) {
            error(k, m.id(), "address", "address '" + m.address() + "' is not an IP address");
        } else if (IpLiteral.parse(m.address()).isAnyLocalAddress()) {
            error(k, m.id(), "address", "address " + m.address() + " is a wildcard, not a member");
        }
        port(k, m.id(), "protocol_port", m.protocolPort());
        if (m.weight() < 0 || m.weight() > Member.MAX_WEIGHT) {
            error(k, m.id(), "weight", "weight " + m.weight() + " is out of range 0-" + Member.MAX_WEIGHT);
        }
        if (m.monitorAddress() != null && IpLiteral.tryParse(m.monitorAddress()) == null) {
            error(k, m.id(), "monitor_address", "monitor_address '" + m.monitorAddress() + "' is not an IP address");
        }
        if (m.monitorPort() != 0) {
            port(k, m.id(), "monitor_port", m.monitorPort());
        }
    }

    private void checkDuplicateMembers() {
        Map<String, String> seen = new HashMap<>();
        for (Member m : config.members().values()) {
            InetAddress address = m.address() == null ? null : IpLiteral.tryParse(m.address());
            if (address == null || m.poolId() == null) {
                continue;
            }
            String key = m.poolId() + " " + address.getHostAddress() + " " + m.protocolPort();
            String first = seen.putIfAbsent(key, m.id());
            if (first != null) {
                error(Kind.MEMBER, m.id(), "address", m.address() + " port " + m.protocolPort()
                        + " is already member '" + first + "' of pool '" + m.poolId() + "'");
            }
        }
    }

    private void checkMonitor(HealthMonitor h) {
        Kind k = Kind.HEALTHMONITOR;
        if (h.delayMs() < 100 || h.delayMs() > 86_400_000) {
            error(k, h.id(), "delay", "delay " + seconds(h.delayMs()) + "s is out of range 0.1-86400 seconds");
        }
        if (h.timeoutMs() < 100 || h.timeoutMs() > 86_400_000) {
            error(k, h.id(), "timeout", "timeout " + seconds(h.timeoutMs()) + "s is out of range 0.1-86400 seconds");
        } else if (h.timeoutMs() > h.delayMs()) {
            error(k, h.id(), "timeout", "timeout " + seconds(h.timeoutMs()) + "s is longer than delay "
                    + seconds(h.delayMs()) + "s: checks would overlap");
        }
        if (h.maxRetries() < 1 || h.maxRetries() > 10) {
            error(k, h.id(), "max_retries", "max_retries " + h.maxRetries() + " is out of range 1-10");
        }
        if (h.maxRetriesDown() < 1 || h.maxRetriesDown() > 10) {
            error(k, h.id(), "max_retries_down", "max_retries_down " + h.maxRetriesDown() + " is out of range 1-10");
        }
        if (h.type().isHttp()) {
            if (!HTTP_METHODS.contains(h.httpMethod())) {
                error(k, h.id(), "http_method", "http_method '" + h.httpMethod() + "' is not an HTTP method");
            }
            if (!URL_PATH.matcher(h.urlPath()).matches()) {
                error(k, h.id(), "url_path", "url_path '" + h.urlPath()
                        + "' must start with / and hold no spaces or control characters");
            }
            tryParse(k, h.id(), "expected_codes", () -> ExpectedCodes.parse(h.expectedCodes()));
            if (h.domainName() != null && !HOSTNAME.matcher(h.domainName()).matches()) {
                error(k, h.id(), "domain_name", "domain_name '" + h.domainName() + "' is not a host name");
            }
        }
    }

    private void checkVxlan(VxlanLink v) {
        Kind k = Kind.VXLAN;
        if (v.id().length() > VxlanLink.MAX_IFNAME) {
            error(k, v.id(), null, "the section name is longer than " + VxlanLink.MAX_IFNAME
                    + " characters; it names the kernel link");
        }
        if (v.vni() < 1 || v.vni() > MAX_VNI) {
            error(k, v.id(), "vni", "vni " + v.vni() + " is out of range 1-" + MAX_VNI);
        }
        if (v.local() != null && IpLiteral.tryParse(v.local()) == null) {
            error(k, v.id(), "local", "local '" + v.local() + "' is not an IP address");
        }
        if (v.remotes().isEmpty()) {
            error(k, v.id(), null, "has no remote VTEP (list remote)");
        }
        Class<?> family = v.local() == null ? null
                : IpLiteral.tryParse(v.local()) == null ? null : IpLiteral.tryParse(v.local()).getClass();
        for (String remote : v.remotes()) {
            InetAddress address = IpLiteral.tryParse(remote);
            if (address == null) {
                error(k, v.id(), "remote", "remote '" + remote + "' is not an IP address");
            } else if (family != null && address.getClass() != family) {
                error(k, v.id(), "remote", "remote " + remote + " is not of the address family of "
                        + (v.local() != null ? "local " + v.local() : "the first remote")
                        + ": one VXLAN link runs over IPv4 or IPv6");
            } else {
                family = address.getClass();
            }
        }
        port(k, v.id(), "port", v.port());
        for (String address : v.addresses()) {
            if (!isInterfaceAddress(address)) {
                error(k, v.id(), "address", "address '" + address + "' is not ADDRESS/PREFIX");
            }
        }
        if (v.mtu() < 576 || v.mtu() > 9000) {
            error(k, v.id(), "mtu", "mtu " + v.mtu() + " is out of range 576-9000");
        }
        Set<String> neighborIps = new HashSet<>();
        for (String neighbor : v.neighbors()) {
            String[] parts = neighbor.trim().split("\\s+");
            if (parts.length < 2 || parts.length > 3 || IpLiteral.tryParse(parts[0]) == null
                    || !MAC.matcher(parts[1]).matches()
                    || (parts.length == 3 && IpLiteral.tryParse(parts[2]) == null)) {
                error(k, v.id(), "neighbor", "neighbor '" + neighbor
                        + "' is not 'IP MAC [VTEP]' (192.0.2.10 02:00:00:00:00:0a 198.51.100.2)");
            } else if (!neighborIps.add(parts[0])) {
                error(k, v.id(), "neighbor", "neighbor " + parts[0] + " is listed twice");
            }
        }
    }

    /** The kernel refuses a second VXLAN device with the same VNI and UDP port. */
    private void checkVxlanConflicts() {
        Map<String, String> seen = new HashMap<>();
        for (VxlanLink v : config.vxlans().values()) {
            if (!v.enabled()) {
                continue;
            }
            String first = seen.putIfAbsent(v.vni() + "/" + v.port(), v.id());
            if (first != null) {
                error(Kind.VXLAN, v.id(), "vni", "vni " + v.vni() + " on port " + v.port()
                        + " is already used by vxlan '" + first + "'");
            }
        }
    }

    static boolean isInterfaceAddress(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return false;
        }
        InetAddress address = IpLiteral.tryParse(text.substring(0, slash));
        int prefix = Numbers.parseInt(text.substring(slash + 1), -1);
        return address != null && prefix >= 0 && prefix <= address.getAddress().length * 8;
    }

    private static Cidr cidrOrNull(String text) {
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            return null; // reported by checkListener
        }
    }

    private void port(Kind kind, String id, String field, int port) {
        if (port < 1 || port > 65535) {
            error(kind, id, field, field + " " + port + " is out of range 1-65535");
        }
    }

    private static boolean validPort(String digits) {
        int port = Numbers.parseInt(digits, -1);
        return port >= 1 && port <= 65535;
    }

    private void timeout(Kind kind, String id, String field, long ms, long minMs) {
        if (ms < minMs || ms > MAX_TIMEOUT_MS) {
            error(kind, id, field, field + " " + ms + " is out of range " + minMs + "-" + MAX_TIMEOUT_MS);
        }
    }

    private void nonNegative(Kind kind, String id, String field, long value) {
        if (value < 0) {
            error(kind, id, field, field + " " + value + " must not be negative");
        }
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? Long.toString(ms / 1000) : Double.toString(ms / 1000.0);
    }

    private void tryParse(Kind kind, String id, String field, Runnable parse) {
        try {
            parse.run();
        } catch (IllegalArgumentException e) {
            error(kind, id, field, e.getMessage());
        }
    }

    private void error(Kind kind, String id, String field, String message) {
        problems.add(Problem.error(kind, id, field, message));
    }

    private void warn(Kind kind, String id, String field, String message) {
        problems.add(Problem.warning(kind, id, field, message));
    }
}
