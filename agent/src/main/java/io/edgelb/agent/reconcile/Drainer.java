package io.edgelb.agent.reconcile;

import io.edgelb.agent.pool.MemberRuntime;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * Ends the connections of draining members once their drain time is up. A member drains when it
 * is removed from the configuration, set to weight 0, or drained through the API; it takes no new
 * connections from then on, and whatever is still open at the deadline is closed.
 *
 * <p>Threading: used only on the control thread; {@link #sweep} is called by the control thread's
 * timer, which runs only while something drains.
 */
final class Drainer {
    private final LongSupplier clockMillis;
    private final Map<MemberRuntime, Long> deadlines = new IdentityHashMap<>();

    Drainer(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /** Starts the clock for a member that just began draining; an earlier start is kept. */
    void draining(MemberRuntime member, long drainTimeoutMs) {
        deadlines.putIfAbsent(member, clockMillis.getAsLong() + drainTimeoutMs);
        member.leaving(); // idle HTTP keep-alive clients let go of it now rather than at the deadline
    }

    /** The member takes connections again (weight back above 0, enabled through the API). */
    void resumed(MemberRuntime member) {
        deadlines.remove(member);
    }

    boolean isEmpty() {
        return deadlines.isEmpty();
    }

    /**
     * Closes connections past their deadline; returns the removed members that have no connection
     * left, which the caller may forget.
     */
    List<MemberRuntime> sweep() {
        long now = clockMillis.getAsLong();
        List<MemberRuntime> finished = new ArrayList<>();
        deadlines.entrySet().removeIf(entry -> {
            MemberRuntime member = entry.getKey();
            if (member.activeConnections() == 0 && member.isRemoved()) {
                finished.add(member);
                return true;
            }
            if (now < entry.getValue()) {
                return false;
            }
            int open = member.activeConnections();
            if (open > 0) {
                Logger.info("member {}: drain time is up, closing {} connection(s)", member, open);
                for (Channel client : List.copyOf(member.connections())) {
                    client.close();
                }
            }
            if (member.isRemoved()) {
                finished.add(member);
            }
            return true;
        });
        return finished;
    }
}
