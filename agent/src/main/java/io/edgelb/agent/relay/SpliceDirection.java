package io.edgelb.agent.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.socket.SocketChannelConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.tinylog.Logger;

/**
 * Moves one direction of a relayed connection with splice(2) once it has proven to carry bulk data
 * (epoll only): the kernel moves the bytes through a pipe and no copy reaches user space, about a
 * quarter less CPU per Gbit. Bulk means read bursts of at least {@link #BULK_BURST} bytes adding up
 * to {@link #THRESHOLD}: a long keep-alive connection of short requests and answers passes the
 * threshold in total but never in bursts, and splicing it would cost two pipe operations per
 * message instead of a copy (the keep-alive profile had half its samples in splice(2)).
 *
 * <p>netty 4.2 reports the source's FIN (EPOLLRDHUP) as soon as it arrives, even when the pipe was
 * full and bytes are still waiting in the socket, and in splice mode nothing signals the real end
 * afterwards. Passing that FIN on at once would cut the stream short. So when the source ends, this
 * waits until everything spliced so far is written, then reads the source socket directly: bytes are
 * forwarded and the check repeats; end of file means the stream is really over and the FIN may
 * follow. Both readers consume the socket in order on the same event loop, so the order of bytes
 * on the wire is kept, and at most one chunk is held in memory.
 *
 * <p>Threading: the client's event loop only, like the session.
 */
final class SpliceDirection {
    /** Bytes a direction must have relayed in bulk bursts before it is spliced. */
    static final long THRESHOLD = 512 * 1024;
    /**
     * A read burst (one wake-up's reads) this large counts as bulk: the sender had more queued than
     * one message. Short answers, even back to back on one connection, stay below it.
     */
    static final int BULK_BURST = 16 * 1024;
    /** Turns splicing off, as an escape hatch: {@code -Dedgelb.splice=false}. */
    static final boolean ENABLED = !"false".equals(System.getProperty("edgelb.splice"));
    private static final int PROBE_BYTES = 64 * 1024;
    private static final long EAGAIN_RETRY_MS = 10;

    private final Channel source;
    private final Channel target;
    private final IntConsumer meter;
    private final Runnable activity;
    private final Runnable onStart;
    /** Bytes of the bursts that were bulk; bytes of the burst in progress. */
    private long bulk;
    private long burst;
    /** Moved to splice once; a direction never starts again (its future fails when the channel closes). */
    private boolean started;
    /** The splice runs (started and not failed). */
    private boolean splicing;
    /** The probe read the source's end of file: every byte is accounted for. */
    private boolean endConfirmed;
    /** Set when splice(2) failed on the source (a reset): the session ends through the reset path. */
    private Throwable failure;

    /**
     * meter counts bytes this class reads itself; activity marks the connection as not idle; started
     * onStart is told when the direction moves to splice (a metric).
     */
    SpliceDirection(Channel source, Channel target, IntConsumer meter, Runnable activity, Runnable onStart) {
        this.source = source;
        this.target = target;
        this.meter = meter;
        this.activity = activity;
        this.onStart = onStart;
    }

    void counted(int bytes) {
        burst += bytes;
    }

    boolean isSplicing() {
        return splicing;
    }

    /**
     * Whether the source's end of stream must go through {@link #sourceEnded}: while splicing, and
     * after splice(2) met a reset. netty reads on after a failed splice, finds the end of file the
     * reset left behind and reports it as a FIN; passed on, the client would see a clean end before
     * the reset that {@link #spliceFailed} raises.
     */
    boolean decidesEndOfStream() {
        return splicing || failure != null;
    }

    /** At the end of a read burst: splice from now on if this direction carries bulk and nothing is queued. */
    void maybeStart() {
        if (burst >= BULK_BURST) {
            bulk += burst;
        }
        burst = 0;
        if (started || !ENABLED || bulk < THRESHOLD || !(source instanceof AbstractEpollStreamChannel from)
                || !(target instanceof AbstractEpollStreamChannel to) || !source.isActive() || !target.isActive()
                || !nothingQueued(target)) {
            return;
        }
        started = true;
        splicing = true;
        onStart.run();
        // A spliced source must report its FIN as an event, not be closed by netty with bytes still
        // behind a full pipe: half-closure on, whatever the session chose before.
        ((SocketChannelConfig) source.config()).setAllowHalfClosure(true);
        from.spliceTo(to, Integer.MAX_VALUE).addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                splicing = false;
                spliceFailed(done.cause());
            }
        });
    }

    /**
     * netty only fails the splice's future when splice(2) meets a reset, and the kernel reports that
     * error once: the next read would look like a clean end of file. Raise it in the pipeline, so the
     * peer is reset too, as without splicing.
     */
    private void spliceFailed(Throwable cause) {
        Logger.debug(cause, "splice from {} failed", source.remoteAddress());
        if (!(cause instanceof IOException) || cause instanceof ClosedChannelException || !source.isOpen()) {
            return; // the channel closed normally, or netty resumes ordinary reads
        }
        failure = cause;
        source.eventLoop().execute(() -> {
            if (source.isOpen()) {
                source.pipeline().fireExceptionCaught(cause);
            }
        });
    }

    /** The source sent its FIN while spliced: runs endOfStream once every byte before it is forwarded. */
    void sourceEnded(Runnable endOfStream) {
        if (failure != null) {
            return; // a reset, not an end: spliceFailed ends the session
        }
        if (!target.isActive() || !source.isOpen()) {
            endOfStream.run();
            return;
        }
        // Wait for what is queued (spliced chunks, earlier probes) to be written, then probe.
        target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture flushed) -> {
            if (flushed.isSuccess()) {
                probe(endOfStream);
            } else {
                endOfStream.run(); // the target failed; its own handler closes the session
            }
        });
    }

    private void probe(Runnable endOfStream) {
        if (failure != null) {
            return;
        }
        ByteBuf chunk = source.alloc().directBuffer(PROBE_BYTES);
        int read;
        try {
            ByteBuffer nio = chunk.internalNioBuffer(chunk.writerIndex(), chunk.writableBytes());
            read = ((AbstractEpollStreamChannel) source).fd().read(nio, nio.position(), nio.limit());
        } catch (IOException e) {
            chunk.release();
            source.pipeline().fireExceptionCaught(e);
            return;
        }
        if (read > 0) {
            chunk.writerIndex(read);
            meter.accept(read);
            activity.run();
            target.writeAndFlush(chunk).addListener((ChannelFuture written) -> {
                if (written.isSuccess()) {
                    probe(endOfStream);
                }
            });
            return;
        }
        chunk.release();
        if (read < 0) {
            endConfirmed = true;
            endOfStream.run();
        } else {
            // EAGAIN after a FIN means the splice task holds the last bytes in its pipe: look again soon.
            source.eventLoop().schedule(() -> sourceEnded(endOfStream), EAGAIN_RETRY_MS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * True when the source closed after splicing without its end having been read: netty closes a
     * reset socket whose input it fails to shut, so such a close is a loss, to be passed on as a reset.
     */
    boolean lostBeforeItsEnd() {
        return started && !endConfirmed;
    }

    private static boolean nothingQueued(Channel channel) {
        ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
        return pending == null || pending.isEmpty();
    }
}
