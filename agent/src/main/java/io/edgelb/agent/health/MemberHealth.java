package io.edgelb.agent.health;

import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * The up/down verdict for one member, from active checks (rise/fall counters) and from failed
 * connects seen by the relay (passive health). Thread-safe: checks run on one event loop, the
 * relay reports from any; the verdict is a volatile read on the connection path.
 *
 * <p>A monitored member starts up but unconfirmed, so traffic flows at once after a start; its
 * first failure (check or connect) takes it down without waiting for max_retries_down. Then it
 * needs {@code rise} consecutive successful checks to come back. A member without a monitor is
 * ejected for {@link #PASSIVE_EJECT_MS} after {@link #PASSIVE_FALL} consecutive failed connects
 * and tried again afterwards, since nothing else could bring it back.
 */
public final class MemberHealth {
    public static final int PASSIVE_FALL = 3;
    public static final long PASSIVE_EJECT_MS = 10_000;

    private final String label;
    private final boolean monitored;
    private final int rise;
    private final int fall;
    private final LongSupplier clockMillis;
    private volatile TransitionListener listener = TransitionListener.NONE;

    private volatile boolean up = true;
    private volatile long ejectedUntil;
    private volatile Observation last = Observation.NONE;
    private volatile Observation lastCheck = Observation.NONE;
    // Guarded by this.
    private boolean confirmed;
    private int successes;
    private int failures;

    /**
     * Called after the verdict changed, outside any lock. An active check (health loop) and a failed
     * connect (any relay loop) can change the verdict at the same moment, so two calls may arrive in
     * the other order than the changes: a listener that mirrors the state elsewhere (DNAT sets)
     * should read {@link #isUp()} rather than trust the argument alone.
     */
    public interface TransitionListener {
        TransitionListener NONE = (up, reason) -> { };

        void changed(boolean up, String reason);
    }

    /** The latest check or connect outcome, for the API. atMillis is 0 when nothing was observed yet. */
    public record Observation(boolean ok, String detail, long atMillis, boolean active) {
        static final Observation NONE = new Observation(false, "", 0, false);
    }

    private MemberHealth(String label, boolean monitored, int rise, int fall, LongSupplier clockMillis) {
        this.label = label;
        this.monitored = monitored;
        this.rise = rise;
        this.fall = fall;
        this.clockMillis = clockMillis;
    }

    /** Health driven by an active monitor with the given rise (max_retries) and fall (max_retries_down). */
    public static MemberHealth monitored(String label, int rise, int fall, LongSupplier clockMillis) {
        return new MemberHealth(label, true, rise, fall, clockMillis);
    }

    /** Health from connect outcomes only (the pool has no monitor). */
    public static MemberHealth passiveOnly(String label, LongSupplier clockMillis) {
        return new MemberHealth(label, false, 1, PASSIVE_FALL, clockMillis);
    }

    public void setListener(TransitionListener listener) {
        this.listener = listener == null ? TransitionListener.NONE : listener;
    }

    /** True when new connections may go to this member. */
    public boolean isUp() {
        if (monitored) {
            return up;
        }
        long until = ejectedUntil;
        return until == 0 || clockMillis.getAsLong() >= until;
    }

    public boolean isMonitored() {
        return monitored;
    }

    /** The latest outcome of an active check or of a relay connect, whichever came last. */
    public Observation lastObservation() {
        return last;
    }

    /**
     * The latest active check alone: for a monitored member this is what decides its status, so the
     * API shows it even when a failed relay connect came after it.
     */
    public Observation lastCheck() {
        return lastCheck;
    }

    /** An active check finished. */
    public void recordCheck(boolean ok, String detail) {
        long now = clockMillis.getAsLong();
        Boolean changed;
        synchronized (this) {
            last = new Observation(ok, detail, now, true);
            lastCheck = last;
            changed = ok ? countSuccess() : countFailure();
        }
        announce(changed, ok ? "check passed: " + detail : "check failed: " + detail);
    }

    /** The relay could not connect to this member. */
    public void recordConnectFailure(String detail) {
        long now = clockMillis.getAsLong();
        Boolean changed;
        synchronized (this) {
            last = new Observation(false, "connect failed: " + detail, now, false);
            if (monitored) {
                changed = countFailure();
            } else {
                successes = 0;
                failures++;
                changed = null;
                if (failures >= fall) {
                    failures = 0;
                    boolean wasUp = ejectedUntil == 0 || now >= ejectedUntil;
                    ejectedUntil = now + PASSIVE_EJECT_MS;
                    changed = wasUp ? Boolean.FALSE : null;
                }
            }
        }
        announce(changed, "connect failed: " + detail);
    }

    /** The relay connected; for unmonitored members this ends a failure streak. */
    public void recordConnectSuccess() {
        if (monitored) {
            return; // only active checks decide; a lucky connect must not hide a failing health URL
        }
        boolean recovered = false;
        synchronized (this) {
            failures = 0;
            if (ejectedUntil != 0) {
                ejectedUntil = 0;
                recovered = true;
            }
        }
        if (recovered) {
            announce(Boolean.TRUE, "connect succeeded");
        }
    }

    /** Returns the new verdict if it changed, else null. Caller holds the lock. */
    private Boolean countSuccess() {
        failures = 0;
        successes++;
        if (!up && successes >= rise) {
            up = true;
            confirmed = true;
            return Boolean.TRUE;
        }
        if (up) {
            confirmed = true;
        }
        return null;
    }

    private Boolean countFailure() {
        successes = 0;
        failures++;
        if (up && (!confirmed || failures >= fall)) {
            up = false;
            confirmed = true;
            return Boolean.FALSE;
        }
        return null;
    }

    private void announce(Boolean changed, String reason) {
        if (changed == null) {
            return;
        }
        if (changed) {
            Logger.info("member {} is UP ({})", label, reason);
        } else {
            Logger.warn("member {} is DOWN ({})", label, reason);
        }
        listener.changed(changed, reason);
    }
}
