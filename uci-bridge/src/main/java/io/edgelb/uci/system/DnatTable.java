package io.edgelb.uci.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.tinylog.Logger;

/**
 * The DNAT fast path as edgelb last programmed it: the listeners, each with its slot table, and the
 * backend that wrote them. {@link #apply} replaces everything (configuration change), {@link #refresh}
 * moves slots between members (health or drain change) with element updates only.
 *
 * <p>Changed only by the agent's control thread; the status API reads the published snapshots.
 */
public final class DnatTable {
    private final DnatBackend backend;
    // Written by the control thread, read by the status API: immutable snapshots behind volatile fields.
    private volatile List<DnatListener> listeners = List.of();
    private volatile Map<String, SlotTable> slots = Map.of();
    /** True once something was loaded (or a leftover may exist), so that an empty config removes it. */
    private boolean programmed;

    public DnatTable(DnatBackend backend) {
        this.backend = backend;
    }

    public DnatBackend backend() {
        return backend;
    }

    /**
     * Programs exactly these listeners with the members that are eligible now. Slots carry over from the
     * previous state where they can. On failure nothing changed (the backends apply atomically).
     */
    public void apply(List<DnatListener> next, Predicate<String> eligible) throws SystemCommandException {
        for (DnatListener l : next) {
            String why = backend.unsupported(l);
            if (why != null) {
                throw new SystemCommandException(List.of(backend.name()), "listener '" + l.id() + "': " + why);
            }
        }
        if (next.isEmpty()) {
            if (programmed) {
                backend.remove();
            }
            listeners = List.of();
            slots = Map.of();
            programmed = false;
            return;
        }
        Map<String, SlotTable> planned = new LinkedHashMap<>();
        for (DnatListener l : next) {
            SlotTable previous = slots.get(l.id());
            planned.put(l.id(), SlotTable.sizedFor(l.members(), previous).reassign(eligible));
        }
        programmed = true;
        backend.replace(next, planned);
        listeners = List.copyOf(next);
        slots = planned;
        warnWithoutForwarding(next);
    }

    /** DNAT to another host needs IP forwarding; OpenWrt has it on, a plain Linux host often not. */
    private static void warnWithoutForwarding(List<DnatListener> listeners) {
        boolean v4 = listeners.stream().anyMatch(DnatListener::isIpv4);
        boolean v6 = listeners.stream().anyMatch(l -> !l.isIpv4());
        if (v4 && "0".equals(read("/proc/sys/net/ipv4/ip_forward"))) {
            Logger.warn("net.ipv4.ip_forward is 0: dnat listeners cannot forward to their members");
        }
        if (v6 && "0".equals(read("/proc/sys/net/ipv6/conf/all/forwarding"))) {
            Logger.warn("net.ipv6.conf.all.forwarding is 0: IPv6 dnat listeners cannot forward to their members");
        }
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Moves slots to follow the members' eligibility now; does nothing when nothing changed. On
     * failure the state is unchanged (the backend's update is one transaction).
     */
    public boolean refresh(Predicate<String> eligible) throws SystemCommandException {
        Map<String, SlotTable> next = new LinkedHashMap<>();
        List<DnatListener> changed = new ArrayList<>();
        for (DnatListener l : listeners) {
            SlotTable before = slots.get(l.id());
            SlotTable after = before.reassign(eligible);
            next.put(l.id(), after);
            if (!before.changedSlots(after).isEmpty()) {
                changed.add(l);
            }
        }
        if (changed.isEmpty()) {
            return false;
        }
        backend.update(changed, slots, next, listeners);
        slots = next;
        return true;
    }

    /** Marks that a leftover of an earlier run may exist, so that the next empty apply removes it. */
    public void assumeLeftover() {
        programmed = true;
    }

    public void remove() throws SystemCommandException {
        if (programmed) {
            backend.remove();
        }
        listeners = List.of();
        slots = Map.of();
        programmed = false;
    }

    public List<DnatListener> listeners() {
        return listeners;
    }

    /** The slot table of a listener, or null. */
    public SlotTable slots(String listenerId) {
        return slots.get(listenerId);
    }
}
