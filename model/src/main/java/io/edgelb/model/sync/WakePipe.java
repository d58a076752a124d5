package io.edgelb.model.sync;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;

/**
 * Wakes a thread blocked in a ZeroMQ poller from any other thread: the poller watches
 * {@link #source()} next to its sockets, others call {@link #wake()}. Both ends are non-blocking,
 * so a wake-up never blocks the caller (a full pipe already means "wake up") and a drain never
 * blocks the poller thread.
 */
public final class WakePipe implements Closeable {
    private final Pipe pipe;

    public WakePipe() throws IOException {
        pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        pipe.sink().configureBlocking(false);
    }

    /** What the poller registers for POLLIN. */
    public SelectableChannel source() {
        return pipe.source();
    }

    /** Any thread. After {@link #close()} it does nothing: the poller thread is stopping. */
    public void wake() {
        try {
            pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
        } catch (IOException e) {
            // closed while stopping
        }
    }

    /** The poller thread, after the poller saw POLLIN: empties the pipe so the next poll blocks. */
    public void drain() {
        ByteBuffer buffer = ByteBuffer.allocate(64);
        try {
            while (pipe.source().read(buffer) > 0) {
                buffer.clear();
            }
        } catch (IOException e) {
            // closed while stopping
        }
    }

    @Override
    public void close() throws IOException {
        try {
            pipe.sink().close();
        } finally {
            pipe.source().close();
        }
    }
}
