package io.edgelb.hub.sync;

import java.util.concurrent.atomic.AtomicLong;
import zmq.Msg;
import zmq.msg.MsgAllocator;
import zmq.msg.MsgAllocatorThreshold;

/**
 * Bounds what one multipart message can hold in the hub's memory. ZMQ_MAXMSGSIZE bounds each frame
 * only, and jeromq keeps every frame of a message until its last one has arrived before the sync
 * thread can read any: 1,200 frames of 250 KiB were an OutOfMemoryError. jeromq allocates each
 * incoming frame through this allocator (I/O threads): when the heap holds more than {@link
 * #HEAP_SHARE} of its maximum even after a collection, the frame gets an empty buffer instead, the
 * CURVE layer refuses it and jeromq closes that connection and discards the partial message. Every
 * frame is checked, small ones too (300 MB of 1 KiB frames is as bad); a connection refused so is
 * only one closed while memory is short. Counted in {@link SyncStats#framesRefused}.
 *
 * <p>Threading: called from jeromq's I/O threads; the state is atomics only.
 */
final class InboundGuard implements MsgAllocator {
    static final double HEAP_SHARE = 0.6;
    private static final long GC_INTERVAL_NS = 1_000_000_000L;

    private final MsgAllocator delegate = new MsgAllocatorThreshold();
    private final AtomicLong lastGc = new AtomicLong(System.nanoTime() - GC_INTERVAL_NS);
    private final SyncStats stats;
    private final long limit;

    InboundGuard(SyncStats stats) {
        this(stats, (long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE));
    }

    InboundGuard(SyncStats stats, long limit) {
        this.stats = stats;
        this.limit = limit;
    }

    @Override
    public Msg allocate(int size) {
        if (used() + size > limit && !collectedEnough(size)) {
            stats.framesRefused.incrementAndGet();
            return new Msg(0);
        }
        return delegate.allocate(size);
    }

    /** Garbage counts as used until a collection: look again after one (at most one per second). */
    private boolean collectedEnough(int size) {
        long last = lastGc.get();
        long now = System.nanoTime();
        if (now - last >= GC_INTERVAL_NS && lastGc.compareAndSet(last, now)) {
            System.gc();
        }
        return used() + size <= limit;
    }

    private static long used() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
