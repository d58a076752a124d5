package io.edgelb.uci.system;

import io.edgelb.model.Config;
import io.edgelb.model.VxlanLink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.tinylog.Logger;

/**
 * Brings the system (VXLAN links, then the DNAT fast path, then keepalived's VRRP instances) to what
 * a configuration snapshot asks, and back to the previous state when a step fails or when the
 * caller's own commit fails later: the links come first because the members behind a dnat listener
 * may only be reachable through them, and VRRP last because the VIP should only arrive where the
 * rest is ready.
 *
 * <p>One apply is one step: {@link #apply} remembers the state before it, {@link #revert} returns
 * to it, until the next apply. Health and drain changes between applies go through {@link #refresh},
 * which only moves DNAT slots and rewrites VRRP health answers.
 *
 * <p>Not thread-safe: the agent's control thread calls it.
 */
public final class SystemApplier {
    private final VxlanApplier vxlan;
    private final DnatTable dnat;
    private final VrrpSystem vrrp;

    // Read by the status API.
    private volatile List<VxlanLink> links = List.of();
    private List<VxlanLink> previousLinks = List.of();
    private List<DnatListener> previousDnat = List.of();
    private Config previousConfig = Config.empty();
    private Config appliedConfig = Config.empty();
    private boolean applied;
    private volatile String lastError;

    public SystemApplier(VxlanApplier vxlan, DnatTable dnat) {
        this(vxlan, dnat, null);
    }

    /** {@code vrrp} null: no keepalived on this system's path (tests of the other steps). */
    public SystemApplier(VxlanApplier vxlan, DnatTable dnat, VrrpSystem vrrp) {
        this.vxlan = vxlan;
        this.dnat = dnat;
        this.vrrp = vrrp;
    }

    /** A leftover ruleset file in the state directory means an earlier run did not clean up. */
    public static SystemApplier create(VxlanApplier vxlan, DnatBackend backend, VrrpSystem vrrp) {
        DnatTable table = new DnatTable(backend);
        String saved = backend.savedRuleset();
        if (saved != null && Files.exists(Path.of(saved))) {
            table.assumeLeftover();
        }
        return new SystemApplier(vxlan, table, vrrp);
    }

    /**
     * Applies the links and dnat listeners of {@code next}, with the members that {@code eligible}
     * accepts under it. On failure the system is back where it was (DNAT members as {@code current}
     * accepts them) and the exception names the command.
     */
    public void apply(Config next, Predicate<String> eligible, Predicate<String> current)
            throws SystemCommandException {
        List<VxlanLink> nextLinks = next.vxlans().values().stream().filter(VxlanLink::enabled).toList();
        List<DnatListener> nextDnat = DnatListener.of(next);
        List<VxlanLink> beforeLinks = links;
        List<DnatListener> beforeDnat = dnat.listeners();
        boolean dnatTouched = false;
        boolean vrrpTouched = false;
        try {
            if (!applied || !nextLinks.isEmpty() || !links.isEmpty()) {
                vxlan.apply(nextLinks);
            }
            links = nextLinks;
            dnatTouched = true;
            dnat.apply(nextDnat, eligible);
            if (vrrp != null) {
                vrrpTouched = true;
                vrrp.apply(next, eligible);
            }
        } catch (SystemCommandException e) {
            lastError = e.getMessage();
            Logger.error("system apply failed, restoring the previous state: {}", e.getMessage());
            restore(beforeLinks, dnatTouched ? beforeDnat : null, vrrpTouched ? appliedConfig : null, current);
            throw e;
        }
        previousLinks = beforeLinks;
        previousDnat = beforeDnat;
        previousConfig = appliedConfig;
        appliedConfig = next;
        applied = true;
        lastError = null;
    }

    /** Returns to the state before the last {@link #apply} (the caller could not commit the rest). */
    public void revert(Predicate<String> eligible) {
        restore(previousLinks, previousDnat, previousConfig, eligible);
        appliedConfig = previousConfig;
    }

    /** oldDnat (oldVrrp) null: the DNAT (VRRP) step was not reached, its state is still the old one. */
    private void restore(List<VxlanLink> oldLinks, List<DnatListener> oldDnat, Config oldVrrp,
                         Predicate<String> eligible) {
        try {
            if (oldVrrp != null && vrrp != null) {
                vrrp.apply(oldVrrp, eligible);
            }
        } catch (SystemCommandException e) {
            Logger.error("could not restore the previous VRRP instances: {}", e.getMessage());
        }
        try {
            if (oldDnat != null) {
                dnat.apply(oldDnat, eligible);
            }
        } catch (SystemCommandException e) {
            Logger.error("could not restore the previous DNAT rules: {}", e.getMessage());
        }
        try {
            vxlan.apply(oldLinks);
            links = oldLinks;
        } catch (SystemCommandException e) {
            Logger.error("could not restore the previous VXLAN links: {}", e.getMessage());
        }
    }

    /**
     * Follows member eligibility (health, drain) with DNAT element updates and VRRP health answers only;
     * false when nothing moved.
     */
    public boolean refresh(Predicate<String> eligible) throws SystemCommandException {
        try {
            boolean moved = dnat.refresh(eligible);
            return (vrrp != null && vrrp.refresh(eligible)) | moved;
        } catch (SystemCommandException e) {
            lastError = e.getMessage();
            throw e;
        }
    }

    /** At agent stop: a balancer that no longer checks health must not keep balancing in the kernel. */
    public void removeDnat() {
        try {
            dnat.remove();
        } catch (SystemCommandException e) {
            Logger.error("could not remove the DNAT rules: {}", e.getMessage());
        }
    }

    public boolean hasDnat() {
        return !dnat.listeners().isEmpty();
    }

    /** True when member health changes need {@link #refresh}: DNAT slots or VRRP health answers follow it. */
    public boolean followsHealth() {
        return hasDnat() || (vrrp != null && vrrp.active());
    }

    /** The VRRP part, or null. */
    public VrrpSystem vrrp() {
        return vrrp;
    }

    public String vxlanApplier() {
        return vxlan.name();
    }

    public String dnatBackend() {
        return dnat.backend().name();
    }

    public List<VxlanLink> links() {
        return links;
    }

    public DnatTable dnat() {
        return dnat;
    }

    /** The last failed system command (apply or refresh) and its error, or null after a success. */
    public String lastError() {
        return lastError;
    }
}
