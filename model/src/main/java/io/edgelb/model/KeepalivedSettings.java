package io.edgelb.model;

/**
 * How the agent hands its VRRP instances to keepalived: {@code uci} writes sections into OpenWrt's
 * {@code /etc/config/keepalived} and reloads the keepalived service; {@code conf} writes a file that
 * the system's keepalived.conf includes ({@code include /etc/keepalived/edgelb.conf}) and sends
 * SIGHUP to the keepalived whose pid is in {@code pidFile}; {@code auto} picks {@code uci} on OpenWrt.
 */
public record KeepalivedSettings(String mode, String confFile, String pidFile) {
    public static final String DEFAULT_MODE = "auto";
    public static final String DEFAULT_CONF_FILE = "/etc/keepalived/edgelb.conf";
    /** Where keepalived writes its pid by default on Debian, Ubuntu and RHEL. */
    public static final String DEFAULT_PID_FILE = "/run/keepalived.pid";

    public static KeepalivedSettings defaults() {
        return new KeepalivedSettings(DEFAULT_MODE, DEFAULT_CONF_FILE, DEFAULT_PID_FILE);
    }
}
