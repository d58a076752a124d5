package io.edgelb.tests.vrrp;

import io.edgelb.tests.vrrp.VrrpPair.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Samples which of the watched addresses each router of a {@link VrrpPair} holds on its eth1, every
 * {@link #INTERVAL} on a thread of its own, for the whole test: tests wait on the samples (so the
 * time a failover took is measured from the same clock as the overlaps) and ask afterwards how long
 * both routers held an address at once.
 */
public final class VipMonitor implements AutoCloseable {
    public static final Duration INTERVAL = Duration.ofMillis(50);

    /** What both routers held at one moment (System.nanoTime() when the sample began). */
    public static final class Sample {
        public final long nanos;
        public final Set<String> a;
        public final Set<String> b;

        Sample(long nanos, Set<String> a, Set<String> b) {
            this.nanos = nanos;
            this.a = a;
            this.b = b;
        }

        public Set<String> held(Router router) {
            return router == Router.A ? a : b;
        }

        /** The router holds every watched address and its peer none. */
        public boolean soleHolder(Router router, Set<String> addresses) {
            return addresses.stream().map(VrrpPair::canonical).allMatch(held(router)::contains)
                    && held(router.peer()).isEmpty();
        }

        /** Some watched address is on both routers. */
        public boolean overlap() {
            return a.stream().anyMatch(b::contains);
        }

        @Override
        public String toString() {
            return "a " + a + ", b " + b;
        }
    }

    private final VrrpPair pair;
    private final Set<String> watched;
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private VipMonitor(VrrpPair pair, Set<String> watched) {
        this.pair = pair;
        this.watched = watched.stream().map(VrrpPair::canonical).collect(Collectors.toUnmodifiableSet());
        this.thread = new Thread(this::run, "vip-monitor");
        this.thread.setDaemon(true);
    }

    /** Starts sampling the addresses (IPv4 and IPv6 literals) on both routers. */
    public static VipMonitor start(VrrpPair pair, Set<String> addresses) {
        VipMonitor monitor = new VipMonitor(pair, addresses);
        monitor.thread.start();
        return monitor;
    }

    public Set<String> watched() {
        return watched;
    }

    private void run() {
        long next = System.nanoTime();
        while (running) {
            long started = System.nanoTime();
            try {
                Set<String> a = held(Router.A);
                Set<String> b = held(Router.B);
                synchronized (samples) {
                    samples.add(new Sample(started, a, b));
                    samples.notifyAll();
                }
            } catch (Exception | AssertionError e) {
                if (running) {
                    failure = e;
                    running = false;
                }
                synchronized (samples) {
                    samples.notifyAll();
                }
                return;
            }
            next += INTERVAL.toNanos();
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                next = System.nanoTime(); // a slow sample: no burst to catch up
            }
        }
    }

    private Set<String> held(Router router) throws Exception {
        return pair.addresses(router).stream().filter(watched::contains).collect(Collectors.toUnmodifiableSet());
    }

    /** The newest sample (waits, bounded, for the first one). */
    public Sample latest() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        synchronized (samples) {
            while (samples.isEmpty()) {
                if (failure != null) {
                    throw new AssertionError("the monitor failed", failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no sample within 5 s");
                }
                TimeUnit.NANOSECONDS.timedWait(samples, left);
            }
            return samples.get(samples.size() - 1);
        }
    }

    /**
     * The first sample taken after this call that satisfies the condition; fails with the last
     * sample once the timeout has passed.
     */
    public Sample await(Predicate<Sample> condition, Duration timeout, String what) throws InterruptedException {
        return awaitSample(condition, timeout, what, System.nanoTime());
    }

    /** Like {@link #await} but counts samples from {@code since} (a System.nanoTime()) on. */
    public Sample awaitSample(Predicate<Sample> condition, Duration timeout, String what, long since)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        Sample last = null;
        synchronized (samples) {
            while (true) {
                for (; seen < samples.size(); seen++) {
                    Sample sample = samples.get(seen);
                    if (sample.nanos - since < 0) {
                        continue;
                    }
                    last = sample;
                    if (condition.test(sample)) {
                        return sample;
                    }
                }
                if (failure != null) {
                    throw new AssertionError("the monitor failed while waiting for " + what, failure);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("not reached within " + timeout.toMillis() + " ms: " + what
                            + "; last sample: " + last);
                }
                TimeUnit.NANOSECONDS.timedWait(samples, left);
            }
        }
    }

    /**
     * The longest time some watched address was on both routers, between two System.nanoTime()
     * values: from the first sample that saw both to the first that did not (or the last sample in
     * the window). Zero when no sample saw both.
     */
    public Duration longestOverlap(long from, long to) {
        return overlap(from, to, false);
    }

    /** The longest overlap over every sample so far. */
    public Duration longestOverlap() {
        return overlap(0, 0, true);
    }

    private Duration overlap(long from, long to, boolean all) {
        long longest = 0;
        long since = -1;
        boolean inOverlap = false;
        long lastNanos = 0;
        synchronized (samples) {
            for (Sample sample : samples) {
                if (!all && (sample.nanos - from < 0 || sample.nanos - to > 0)) {
                    continue;
                }
                lastNanos = sample.nanos;
                if (sample.overlap()) {
                    if (!inOverlap) {
                        inOverlap = true;
                        since = sample.nanos;
                    }
                } else if (inOverlap) {
                    longest = Math.max(longest, sample.nanos - since);
                    inOverlap = false;
                }
            }
        }
        if (inOverlap) {
            longest = Math.max(longest, lastNanos - since);
        }
        return Duration.ofNanos(longest);
    }

    /** How many samples so far, and the largest gap between two (the real sampling interval). */
    public String statistics() {
        synchronized (samples) {
            long gap = 0;
            for (int i = 1; i < samples.size(); i++) {
                gap = Math.max(gap, samples.get(i).nanos - samples.get(i - 1).nanos);
            }
            return samples.size() + " samples, largest gap " + TimeUnit.NANOSECONDS.toMillis(gap) + " ms";
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
    }
}
