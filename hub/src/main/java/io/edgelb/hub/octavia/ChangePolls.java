package io.edgelb.hub.octavia;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Extra polls after a provider driver's change notice: ~0.3 s, ~1 s and ~3 s later (Octavia calls
 * the driver before it commits, so the first may still see the old state). A request shares the
 * polls already scheduled and not yet run, except that the last one moves to ~3 s after the newest
 * request (so a burst ends with one poll after its last commit); a poll that started recently (the
 * regular one or another) stands in for a due one. The polls run on the source's one thread, so never two at once. Guarded by its lock.
 */
final class ChangePolls {
    static final long[] DELAYS_MS = {300, 1_000, 3_000};
    /** A poll started this close before a due time stands in for it. */
    private static final long SLACK_MS = 200;

    private final ScheduledExecutorService timer;
    private final Runnable poll;
    private final LongSupplier clock;
    private final long[] due = new long[DELAYS_MS.length];
    private final java.util.concurrent.ScheduledFuture<?>[] scheduled =
            new java.util.concurrent.ScheduledFuture<?>[DELAYS_MS.length];
    private long lastStart;
    private int pending;

    ChangePolls(ScheduledExecutorService timer, Runnable poll, LongSupplier clock) {
        this.timer = timer;
        this.poll = poll;
        this.clock = clock;
    }

    /** Schedules the follow-up polls that no already scheduled one covers. */
    synchronized void request() {
        long now = clock.getAsLong();
        for (int i = 0; i < DELAYS_MS.length; i++) {
            long at = now + DELAYS_MS[i];
            boolean waiting = due[i] > now;
            if (waiting && i < DELAYS_MS.length - 1) {
                continue; // the poll still to come serves this request too
            }
            if (waiting && scheduled[i].cancel(false)) {
                pending--;
            }
            due[i] = at;
            pending++;
            scheduled[i] = timer.schedule(() -> run(at), DELAYS_MS[i], TimeUnit.MILLISECONDS);
        }
    }

    private void run(long at) {
        boolean skip;
        synchronized (this) {
            pending--;
            skip = lastStart >= at - SLACK_MS;
        }
        if (!skip) {
            poll.run();
        }
    }

    /** Called by every poll as it starts. */
    synchronized void started() {
        lastStart = clock.getAsLong();
    }

    synchronized int pending() {
        return pending;
    }
}
