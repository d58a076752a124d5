package io.edgelb.agent.health;

import io.edgelb.agent.net.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.tinylog.Logger;

/**
 * Runs the active health checks of one agent: every target is probed every {@code delay} (with
 * jitter), at most one probe per target and at most {@code maxInFlight} probes in all at a time,
 * and each result goes to the member's {@link MemberHealth}.
 *
 * <p>Scheduling: a new target's first check comes at a random point in {@code [0, delay)} so that
 * a start or reload does not fire every check at once; each later one is due {@code delay ±10%}
 * after the previous one was due (a check that ran long, or waited for a slot, shortens the gap
 * rather than shifting the whole cadence). A due check that finds every slot taken waits in a FIFO
 * queue; a target is at most once in it, so the queue never holds more than the targets.
 *
 * <p>Threads: every field below that is not final, the check map, the queue and each
 * {@code Check}'s fields are touched only on {@link #loop}: timers, probes and their listeners all
 * run there, and {@link #update} and {@link #close} hand their work over with
 * {@code loop.execute}, even when called on the loop, so a transition listener that reloads the
 * configuration never re-enters a half-done update. The only state shared with other threads is
 * {@link MemberHealth}, which is thread-safe.
 */
public final class HealthCheckService {
    /** Each interval is the monitor's delay times a random factor in [1 - JITTER, 1 + JITTER). */
    public static final double JITTER = 0.10;
    /** How often "checks are queueing" is logged at most, while it lasts. */
    private static final long QUEUE_WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final EventLoop loop;
    private final HealthProber prober;
    private final int maxInFlight;
    private final DoubleSupplier random;

    private final Map<CheckedMember, Check> checks = new IdentityHashMap<>();
    private final ArrayDeque<Check> waiting = new ArrayDeque<>();
    private int inFlight;
    private boolean closed;
    private long lastQueueWarningNanos;

    /**
     * @param group the agent's event loops; one of them runs every check
     * @param maxInFlight how many probes may be open at once for the whole agent
     */
    public HealthCheckService(EventLoopGroup group, Transport transport, int maxInFlight) {
        this(group.next(), new HealthProber(transport), maxInFlight, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** For tests: {@code random} returns values in [0, 1) and is called on the loop only. */
    HealthCheckService(EventLoop loop, HealthProber prober, int maxInFlight, DoubleSupplier random) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
        }
        this.loop = loop;
        this.prober = prober;
        this.maxInFlight = maxInFlight;
        this.random = random;
    }

    /**
     * Makes {@code targets} the set of checks. A target equal to a running one (same member
     * object, equal monitor) keeps its schedule; a member whose monitor changed starts over; new
     * members start; members not listed stop, and a probe of theirs in flight is aborted and its
     * result dropped. Targets whose monitor is disabled (admin_state_up false) are not checked.
     *
     * @return completes on the loop once the new set is in force
     * @throws IllegalArgumentException when one member is listed twice
     */
    public Future<Void> update(Collection<CheckTarget> targets) {
        Map<CheckedMember, CheckTarget> wanted = new IdentityHashMap<>();
        for (CheckTarget target : targets) {
            if (wanted.put(target.member(), target) != null) {
                throw new IllegalArgumentException("member " + target.member() + " is listed twice");
            }
        }
        Promise<Void> done = loop.newPromise();
        loop.execute(() -> {
            if (closed) {
                done.setFailure(new IllegalStateException("health checks are closed"));
                return;
            }
            apply(wanted);
            done.setSuccess(null);
        });
        return done;
    }

    /**
     * Stops every check and closes every probe connection; the service cannot be used again.
     *
     * @return completes once nothing is scheduled and every probe has been told to close
     */
    public Future<Void> close() {
        Promise<Void> done = loop.newPromise();
        try {
            loop.execute(() -> {
                closed = true;
                stopAll(new ArrayList<>(checks.values()));
                checks.clear();
                done.setSuccess(null);
            });
        } catch (RejectedExecutionException e) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null); // the loop is gone, and its channels with it
        }
        return done;
    }

    private void apply(Map<CheckedMember, CheckTarget> wanted) {
        List<Check> stopping = new ArrayList<>();
        for (Iterator<Check> it = checks.values().iterator(); it.hasNext(); ) {
            Check check = it.next();
            CheckTarget target = wanted.get(check.target.member());
            if (target == null || !target.monitor().enabled() || !target.equals(check.target)) {
                stopping.add(check);
                it.remove();
            }
        }
        stopAll(stopping);
        int started = 0;
        for (CheckTarget target : wanted.values()) {
            if (target.monitor().enabled() && !checks.containsKey(target.member())) {
                Check check = new Check(target);
                checks.put(target.member(), check);
                schedule(check, (long) (random.getAsDouble() * TimeUnit.MILLISECONDS.toNanos(target.monitor().delayMs())));
                started++;
            }
        }
        if (started > 0 || !stopping.isEmpty()) {
            Logger.info("health checks: {} targets ({} started, {} stopped)", checks.size(), started, stopping.size());
        }
    }

    /**
     * Marks all stopped before aborting any, so that a slot freed by one abort is not handed to a
     * queued check that is about to be stopped too.
     */
    private void stopAll(List<Check> stopping) {
        for (Check check : stopping) {
            check.stopped = true;
            waiting.remove(check);
        }
        for (Check check : stopping) {
            if (check.timer != null) {
                check.timer.cancel(false);
                check.timer = null;
            }
            if (check.probe != null) {
                check.probe.cancel(false); // its listener frees the slot
            }
        }
    }

    private void schedule(Check check, long delayNanos) {
        check.timer = loop.schedule(() -> due(check), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void due(Check check) {
        check.timer = null;
        if (check.stopped) {
            return;
        }
        check.dueNanos = System.nanoTime();
        if (inFlight < maxInFlight) {
            run(check);
        } else {
            waiting.add(check);
            warnQueueing();
        }
    }

    private void run(Check check) {
        inFlight++;
        Future<ProbeResult> probe;
        try {
            probe = prober.probe(check.target.monitor(), check.target.address(), check.target.checkProtocol(), loop);
        } catch (RuntimeException e) {
            // A monitor_address that no longer parses: report it as the check's result, keep the cadence.
            inFlight--;
            completed(check, ProbeResult.failed("cannot probe: " + e.getMessage()));
            return;
        }
        check.probe = probe;
        probe.addListener(f -> finished(check, probe));
    }

    private void finished(Check check, Future<ProbeResult> probe) {
        inFlight--;
        check.probe = null;
        if (!check.stopped && !probe.isCancelled()) {
            completed(check, probe.isSuccess()
                    ? probe.getNow()
                    : ProbeResult.failed("probe error: " + probe.cause()));
        }
        startWaiting();
    }

    private void completed(Check check, ProbeResult result) {
        CheckedMember member = check.target.member();
        Logger.debug("health check of {}: {}", member, result);
        try {
            member.health().recordCheck(result.ok(), result.detail());
        } catch (RuntimeException e) {
            // A transition listener failed; the schedule must survive it.
            Logger.error(e, "recording the health check of {} failed", member);
        }
        long sinceDue = System.nanoTime() - check.dueNanos;
        long interval = jitteredNanos(check.target.monitor().delayMs(), random.getAsDouble());
        schedule(check, Math.max(0, interval - sinceDue));
    }

    private void startWaiting() {
        while (!closed && inFlight < maxInFlight && !waiting.isEmpty()) {
            run(waiting.poll());
        }
    }

    private void warnQueueing() {
        long now = System.nanoTime();
        if (lastQueueWarningNanos == 0 || now - lastQueueWarningNanos >= QUEUE_WARNING_INTERVAL_NANOS) {
            lastQueueWarningNanos = now;
            Logger.warn("health checks are queueing: {} in flight (the limit), {} waiting, {} targets;"
                    + " checks run less often than their delay", inFlight, waiting.size(), checks.size());
        }
    }

    /** {@code delayMs} scaled by a factor in [1 - JITTER, 1 + JITTER) chosen by {@code random} in [0, 1). */
    static long jitteredNanos(long delayMs, double random) {
        double factor = 1 - JITTER + 2 * JITTER * random;
        return (long) (TimeUnit.MILLISECONDS.toNanos(delayMs) * factor);
    }

    /** One target's schedule. Loop-confined: see the class comment. */
    private static final class Check {
        final CheckTarget target;
        ScheduledFuture<?> timer;
        Future<ProbeResult> probe;
        long dueNanos;
        boolean stopped;

        Check(CheckTarget target) {
            this.target = target;
        }
    }
}
