package io.edgelb.model;

/**
 * Settings of the agent process itself: its local API, state directory, threads and timeouts, and
 * which system tools program the kernel (firewall backend for DNAT, network applier for VXLAN, how
 * keepalived gets the VRRP instances).
 */
public record AgentSettings(
        boolean enabled,
        String api,
        String apiTokenFile,
        String stateDir,
        int workers,
        long drainTimeoutMs,
        long shutdownTimeoutMs,
        String logLevel,
        String firewall,
        String network,
        String heap,
        String javaOpts,
        KeepalivedSettings keepalived) {

    public static final String DEFAULT_API = "127.0.0.1:8089";
    /** Runtime state goes to tmpfs: no flash wear on a router. */
    public static final String DEFAULT_STATE_DIR = "/var/run/edgelb";
    /** 0 = one event-loop thread per CPU. */
    public static final int AUTO_WORKERS = 0;
    public static final long DEFAULT_DRAIN_TIMEOUT_MS = 60_000;
    public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
    public static final String DEFAULT_LOG_LEVEL = "info";
    /** DNAT backend: detected ({@code auto}) or forced: {@code fw4}, {@code nftables}, {@code iptables}. */
    public static final String DEFAULT_FIREWALL = "auto";
    /** VXLAN applier: detected ({@code auto}) or forced: {@code netifd} (OpenWrt) or {@code iproute2}. */
    public static final String DEFAULT_NETWORK = "auto";

    /** With keepalived's defaults. */
    public AgentSettings(boolean enabled, String api, String apiTokenFile, String stateDir, int workers,
                         long drainTimeoutMs, long shutdownTimeoutMs, String logLevel, String firewall, String network,
                         String heap, String javaOpts) {
        this(enabled, api, apiTokenFile, stateDir, workers, drainTimeoutMs, shutdownTimeoutMs, logLevel, firewall,
                network, heap, javaOpts, KeepalivedSettings.defaults());
    }

    /** Without the JVM options ({@code heap}, {@code java_opts}): the init script reads those, not the agent. */
    public AgentSettings(boolean enabled, String api, String apiTokenFile, String stateDir, int workers,
                         long drainTimeoutMs, long shutdownTimeoutMs, String logLevel, String firewall, String network) {
        this(enabled, api, apiTokenFile, stateDir, workers, drainTimeoutMs, shutdownTimeoutMs, logLevel, firewall,
                network, null, null);
    }

    public static AgentSettings defaults() {
        return new AgentSettings(true, DEFAULT_API, null, DEFAULT_STATE_DIR, AUTO_WORKERS, DEFAULT_DRAIN_TIMEOUT_MS,
                DEFAULT_SHUTDOWN_TIMEOUT_MS, DEFAULT_LOG_LEVEL, DEFAULT_FIREWALL, DEFAULT_NETWORK);
    }

    /** The token file: the configured one, else {@code api.token} in the state directory. */
    public String effectiveTokenFile() {
        return apiTokenFile != null ? apiTokenFile : stateDir + "/api.token";
    }
}
