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
    /** 255 virtual router ids per device and family; more instances than that is a mistake. */
    public static final int MAX_VRRPS = 256;
    public static final int MAX_L7POLICIES = 4096;
    public static final int MAX_L7RULES = 8192;
    /** Sections of unknown types are only warned about, but still counted. */
    public static final int MAX_SECTIONS = 32_768;
    /** Values of one list option (allowed_cidrs, endpoint, remote, neighbor). */
    public static final int MAX_LIST_ITEMS = 1024;

    /**
     * Reading, parsing and checking a file takes about ten times its size in heap at its peak
     * (measured: a 2.5 MB file of 32,768 sections); a file may use a twentieth of the heap, so that a
     * running agent keeps room for what it serves. At the default heap of 32m that is 1.6 MiB.
     */
    static final int HEAP_SHARE = 20;

    private ConfigLimits() {
    }

    /** The largest /etc/config/edgelb this JVM reads: {@link #MAX_CONFIG_BYTES} or less on a small heap. */
    public static int maxConfigBytes() {
        return heapBound(MAX_CONFIG_BYTES);
    }

    /** The largest persisted hub state this JVM reads: {@link #MAX_HUB_STATE_BYTES} or less on a small heap. */
    public static int maxHubStateBytes() {
        return heapBound(MAX_HUB_STATE_BYTES);
    }

    static int heapBound(int limit) {
        return (int) Math.min(limit, Runtime.getRuntime().maxMemory() / HEAP_SHARE);
    }

    /** What to add to a "too large" message when the heap, not the fixed ceiling, set the limit. */
    public static String heapHint(int limit, int ceiling) {
        return limit < ceiling ? " (a twentieth of the agent's " + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                + " MiB heap; a larger file needs option heap in config agent)" : "";
    }

    /** The ceiling for one kind; agent and hub are single sections. */
    public static int maxObjects(Kind kind) {
        return switch (kind) {
            case LISTENER -> MAX_LISTENERS;
            case POOL -> MAX_POOLS;
            case MEMBER -> MAX_MEMBERS;
            case HEALTHMONITOR -> MAX_HEALTHMONITORS;
            case VXLAN -> MAX_VXLANS;
            case VRRP -> MAX_VRRPS;
            case L7POLICY -> MAX_L7POLICIES;
            case L7RULE -> MAX_L7RULES;
            case AGENT, HUB -> 1;
        };
    }
}
