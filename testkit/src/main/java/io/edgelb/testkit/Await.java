package io.edgelb.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline: the only way tests synchronise with sockets, timers and
 * threads (never Thread.sleep). Shared by the agent's, the hub's and the cross-process tests.
 */
public final class Await {
    /** The deadline when a test names none: long enough for a loaded 2-core CI machine. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private Await() {
    }

    /** Returns as soon as {@code condition} holds; fails with {@code what} once {@code timeout} has passed. */
    public static void until(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("not reached within " + timeout.toMillis() + " ms: " + what);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** A condition whose reading may fail: a command run in a namespace, a file read. */
    @FunctionalInterface
    public interface Probe {
        boolean holds() throws Exception;
    }

    /**
     * True as soon as {@code condition} holds, false once {@code timeout} has passed; polls every
     * {@code every}, for probes that cost a process each (conntrack, ip) and change on their own
     * schedule (conntrackd's sync, a gratuitous ARP).
     */
    public static boolean within(Probe condition, Duration timeout, Duration every) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(every.toNanos());
        }
        return true;
    }

    /** As {@link #within}, failing with {@code what} (read at the time-out: it may show the last reading). */
    public static void until(Probe condition, Duration timeout, Duration every, Supplier<String> what)
            throws Exception {
        if (!within(condition, timeout, every)) {
            throw new AssertionError("not reached within " + timeout.toMillis() + " ms: " + what.get());
        }
    }

    /** {@link #until(BooleanSupplier, Duration, String)} with {@link #DEFAULT_TIMEOUT}. */
    public static void until(BooleanSupplier condition, String what) {
        until(condition, DEFAULT_TIMEOUT, what);
    }
}
