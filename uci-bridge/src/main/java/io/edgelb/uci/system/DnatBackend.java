package io.edgelb.uci.system;

import java.util.List;
import java.util.Map;

/**
 * A way to program the kernel's DNAT fast path: nftables (own table, fw4 or plain) or iptables with
 * ipset (fw3). {@link DnatTable} decides what each listener's slots hold; a backend writes it.
 */
public interface DnatBackend {
    /** {@code fw4}, {@code nftables} or {@code iptables}, as the agent option {@code firewall} names it. */
    String name();

    /** Why this backend cannot program the listener, or null when it can. */
    default String unsupported(DnatListener listener) {
        return null;
    }

    /** Replaces everything edgelb programmed with these listeners and slots, atomically where the tools allow. */
    void replace(List<DnatListener> listeners, Map<String, SlotTable> slots) throws SystemCommandException;

    /**
     * Rewrites the slots of some listeners (health or drain changed) without touching anything else;
     * {@code before} holds their previous tables. {@code all} is the complete current state, for backends
     * that keep a copy on disk for a firewall restart.
     */
    void update(List<DnatListener> changed, Map<String, SlotTable> before, Map<String, SlotTable> after,
                List<DnatListener> all) throws SystemCommandException;

    /** Removes everything edgelb programmed; nothing to remove is fine. */
    void remove() throws SystemCommandException;

    /** Where the backend keeps the ruleset it loaded (for the firewall hook), or null. */
    default String savedRuleset() {
        return null;
    }
}
