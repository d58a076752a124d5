package io.edgelb.hub.sync;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of the sync server, for the hub's metrics; written by the sync thread, read by the API. */
public final class SyncStats {
    public final AtomicLong handshakesAccepted = new AtomicLong();
    public final AtomicLong handshakesRefused = new AtomicLong();
    public final AtomicLong snapshotsSent = new AtomicLong();
    public final AtomicLong updatesPublished = new AtomicLong();
    public final AtomicLong heartbeatsSent = new AtomicLong();
    public final AtomicLong statusReports = new AtomicLong();
    public final AtomicLong messagesDropped = new AtomicLong();
}
