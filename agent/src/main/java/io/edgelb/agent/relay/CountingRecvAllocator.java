package io.edgelb.agent.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Netty's adaptive read-buffer sizing, plus a count of every byte read. Netty reports each read
 * through {@code lastBytesRead}, spliced reads included, so byte metrics stay exact when a
 * connection moves to splice(2) and no buffer passes through the pipeline any more.
 */
public final class CountingRecvAllocator implements RecvByteBufAllocator {
    private static final AdaptiveRecvByteBufAllocator SIZING = new AdaptiveRecvByteBufAllocator();

    private final IntConsumer counter;

    public CountingRecvAllocator(IntConsumer counter) {
        this.counter = counter;
    }

    @Override
    @SuppressWarnings("deprecation")
    public Handle newHandle() {
        return new CountingHandle((ExtendedHandle) SIZING.newHandle(), counter);
    }

    @SuppressWarnings("deprecation")
    private static final class CountingHandle implements ExtendedHandle {
        private final ExtendedHandle delegate;
        private final IntConsumer counter;

        CountingHandle(ExtendedHandle delegate, IntConsumer counter) {
            this.delegate = delegate;
            this.counter = counter;
        }

        @Override
        public void lastBytesRead(int bytes) {
            delegate.lastBytesRead(bytes);
            if (bytes > 0) {
                counter.accept(bytes);
            }
        }

        @Override public ByteBuf allocate(ByteBufAllocator alloc) { return delegate.allocate(alloc); }
        @Override public int guess() { return delegate.guess(); }
        @Override public void reset(ChannelConfig config) { delegate.reset(config); }
        @Override public void incMessagesRead(int numMessages) { delegate.incMessagesRead(numMessages); }
        @Override public int lastBytesRead() { return delegate.lastBytesRead(); }
        @Override public void attemptedBytesRead(int bytes) { delegate.attemptedBytesRead(bytes); }
        @Override public int attemptedBytesRead() { return delegate.attemptedBytesRead(); }
        @Override public boolean continueReading() { return delegate.continueReading(); }
        @Override public void readComplete() { delegate.readComplete(); }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return delegate.continueReading(maybeMoreDataSupplier);
        }
    }
}
