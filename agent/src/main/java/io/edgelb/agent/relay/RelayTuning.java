package io.edgelb.agent.relay;

import io.netty.channel.WriteBufferWaterMark;

/**
 * Buffer and retry bounds of the relay, in one place. Memory per connection stays below about
 * two high water marks plus two reads, however fast one side is and slow the other: when a
 * channel cannot take more, the opposite side stops reading (HAProxy keeps two 16 KiB buffers).
 */
public final class RelayTuning {
    /** Bytes queued towards one side before the other side stops reading. */
    public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    /** Connect attempts per client connection: the first member plus up to three others. */
    public static final int MAX_CONNECT_ATTEMPTS = 4;
    /**
     * Connections accepted per listener per event-loop wake-up (netty's default is 16; HAProxy's
     * tune.maxaccept is 64). Higher lets a burst in faster at the cost of the open connections' turn.
     */
    static final int ACCEPTS_PER_WAKEUP = 64;
    /** After an accept error (EMFILE, ENFILE), stop accepting for this long instead of spinning. */
    static final long ACCEPT_PAUSE_MS = 1_000;

    private RelayTuning() {
    }
}
