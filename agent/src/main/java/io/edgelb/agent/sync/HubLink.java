package io.edgelb.agent.sync;

import java.util.concurrent.ThreadLocalRandom;
import org.zeromq.ZMQ;

/**
 * The agent's connection to one hub endpoint: a SUB for notices and heartbeats, a DEALER for state
 * requests and status reports, and where the Clone state machine stands: what it holds, when it
 * last heard the hub, and when it may ask again (a jittered exponential back-off, so a fleet that
 * lost its hub does not ask in step). Owned by the sync thread; the volatile fields are read by
 * the status API.
 */
final class HubLink {
    enum State { SYNCING, ACTIVE }

    static final long DEFAULT_HEARTBEAT_MS = 1_000;
    static final long FIRST_BACKOFF_MS = 1_000;
    static final long MAX_BACKOFF_MS = 30_000;
    /** Heartbeats missed before a hub counts as silent. */
    private static final int SILENT_BEATS = 3;
    /** A hub that speaks again is asked at once, but not more often than this. */
    private static final long MIN_EARLY_REQUEST_GAP_MS = 1_000;

    final String endpoint;
    final ZMQ.Socket sub;
    final ZMQ.Socket dealer;

    volatile State state = State.SYNCING;
    /** Hub instance (hex) and revision of the last state received from this hub; null/0 before. */
    volatile String instance;
    volatile long revision;
    volatile long lastHeardMillis;
    /** The newest revision a KVNEW announced (with its hub instance): asked for until held. */
    private String noticedInstance;
    private long noticedRevision;
    private long heartbeatMs = DEFAULT_HEARTBEAT_MS;
    private long nextRequestAt;
    private long lastRequestAt;
    private long backoffMs = FIRST_BACKOFF_MS;
    private long syncingSince;
    private boolean silenceLogged;

    HubLink(String endpoint, ZMQ.Socket sub, ZMQ.Socket dealer, long now) {
        this.endpoint = endpoint;
        this.sub = sub;
        this.dealer = dealer;
        this.syncingSince = now;
        this.nextRequestAt = now;
    }

    /** When the sync loop must look at this link again: the next request, or the silence deadline. */
    long nextDeadline() {
        return state == State.SYNCING ? nextRequestAt : lastHeardMillis + silenceMs();
    }

    boolean isSilent(long now) {
        return state == State.ACTIVE && now - lastHeardMillis > silenceMs();
    }

    boolean isRequestDue(long now) {
        return state == State.SYNCING && now >= nextRequestAt;
    }

    long silenceMs() {
        return Math.max(3_000, SILENT_BEATS * heartbeatMs);
    }

    void heard(long now) {
        lastHeardMillis = now;
    }

    /** A heartbeat: the hub is alive, and tells how often it beats (bounded: it is the hub's word). */
    void heartbeat(long now, long intervalMs) {
        heartbeatMs = Math.max(100, Math.min(60_000, intervalMs));
        lastHeardMillis = now;
    }

    /** A full state arrived: the link is in sync and the back-off starts over. */
    void answered(long now) {
        lastHeardMillis = now;
        state = State.ACTIVE;
        backoffMs = FIRST_BACKOFF_MS;
        silenceLogged = false;
    }

    /** The hub refused us: ask rarely until the configuration changes. */
    void refused() {
        backoffMs = MAX_BACKOFF_MS;
    }

    /** Out of sync: the next full state from this hub is taken, whatever its revision. */
    void resync(long now, boolean soon) {
        if (state == State.ACTIVE) {
            syncingSince = now;
            silenceLogged = false;
        }
        state = State.SYNCING;
        revision = 0;
        if (soon && now - lastRequestAt >= 500) {
            nextRequestAt = now;
        }
    }

    /** While syncing, a hub that speaks again is asked now rather than at the back-off. */
    void askSoonIfSyncing(long now) {
        if (state == State.SYNCING && now - lastRequestAt >= MIN_EARLY_REQUEST_GAP_MS) {
            nextRequestAt = now;
        }
    }

    /** A request went out (or was tried): the next one waits half the back-off plus jitter. */
    void requested(long now) {
        lastRequestAt = now;
        long jitter = ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1);
        nextRequestAt = now + backoffMs / 2 + jitter;
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    }

    /** True once, when the link has been syncing for over 10 s: the moment to tell the operator. */
    boolean firstLongSilence(long now) {
        if (silenceLogged || now - syncingSince <= 10_000) {
            return false;
        }
        silenceLogged = true;
        return true;
    }

    long syncingForMs(long now) {
        return now - syncingSince;
    }

    boolean holds(String otherInstance, long otherRevision) {
        return otherInstance.equals(instance) && otherRevision <= revision;
    }

    void noticed(String noticeInstance, long noticeRevision) {
        noticedInstance = noticeInstance;
        noticedRevision = noticeRevision;
    }

    /** A notice named a newer revision of this hub instance than the state held. */
    boolean noticedNewer() {
        return instance != null && instance.equals(noticedInstance) && noticedRevision > revision;
    }
}
