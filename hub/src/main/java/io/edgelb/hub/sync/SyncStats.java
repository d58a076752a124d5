package io.edgelb.hub.sync;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/** Counters of the sync server, for the hub's metrics; written by the sync thread, read by the API. */
public final class SyncStats {
    public final AtomicLong handshakesAccepted = new AtomicLong();
    public final AtomicLong handshakesRefused = new AtomicLong();
    public final AtomicLong snapshotsSent = new AtomicLong();
    public final AtomicLong updatesPublished = new AtomicLong();
    /** Notices also sent on ROUTER to an agent whose SUB had not subscribed yet. */
    public final AtomicLong updatesDirect = new AtomicLong();
    public final AtomicLong heartbeatsSent = new AtomicLong();
    public final AtomicLong statusReports = new AtomicLong();
    public final AtomicLong messagesDropped = new AtomicLong();
    /** Status reports refused, by reason: a fixed set of labels, never text from a peer. */
    public static final List<String> REJECT_REASONS = List.of("size", "encoding", "json", "field");
    public final Map<String, AtomicLong> reportsRejected = REJECT_REASONS.stream()
            .collect(Collectors.toUnmodifiableMap(r -> r, r -> new AtomicLong()));
    /** Reports the agent itself cut short (more objects than fit one frame): kept, and counted. */
    public final AtomicLong reportsTruncated = new AtomicLong();
    /** Incoming frames refused while the heap was nearly full (their connections are closed). */
    public final AtomicLong framesRefused = new AtomicLong();
}
