package io.edgelb.model;

/**
 * Ceilings on one configuration, the same for /etc/config/edgelb and the hub's JSON: what a router can
 * serve many times over, and small enough that checking a maximal file stays well under a second.
 * Going over is an error naming the first object too many (docs/limits.md).
 */
public final class ConfigLimits {
    /** Largest /etc/config/edgelb read (bytes). */
    public static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;
    /** Largest persisted hub state read (bytes): twice the hub's largest document (ConfigJson.MAX_CHARS). */
    public static final int MAX_HUB_STATE_BYTES = 8 * 1024 * 1024;
    /** Largest token or key file read (bytes). */
    public static final int MAX_SECRET_FILE_BYTES = 4096;

    public static final int MAX_LISTENERS = 4096;
    public static final int MAX_POOLS = 4096;
    public static final int MAX_MEMBERS = 16_384;
    public static final int MAX_HEALTHMONITORS = 4096;
    public static final int MAX_VXLANS = 256;
    /** Sections of unknown types are only warned about, but still counted. */
    public static final int MAX_SECTIONS = 32_768;
    /** Values of one list option (allowed_cidrs, endpoint, remote, neighbor). */
    public static final int MAX_LIST_ITEMS = 1024;

    private ConfigLimits() {
    }

    /** The ceiling for one kind; agent and hub are single sections. */
    public static int maxObjects(Kind kind) {
        return switch (kind) {
            case LISTENER -> MAX_LISTENERS;
            case POOL -> MAX_POOLS;
            case MEMBER -> MAX_MEMBERS;
            case HEALTHMONITOR -> MAX_HEALTHMONITORS;
            case VXLAN -> MAX_VXLANS;
            case AGENT, HUB -> 1;
        };
    }
}
