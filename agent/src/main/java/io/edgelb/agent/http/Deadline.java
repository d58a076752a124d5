package io.edgelb.agent.http;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of a client connection, set to its nearest deadline. Activity does not touch the
 * timer, only the timestamps the owner keeps: when it fires, the owner checks whether the deadline
 * really passed and sets it again if not (as the relay's idle timer does). Event loop only.
 */
final class Deadline {
    static final long NEVER = Long.MAX_VALUE;

    private final EventLoop loop;
    private final Runnable due;
    private ScheduledFuture<?> timer;

    Deadline(EventLoop loop, Runnable due) {
        this.loop = loop;
        this.due = due;
    }

    /** Fires at nanoTime atNanos (at once when past); {@link #NEVER} only cancels. */
    void at(long atNanos) {
        cancel();
        if (atNanos != NEVER) {
            timer = loop.schedule(this::fire, Math.max(0, atNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void fire() {
        timer = null;
        due.run();
    }
}
