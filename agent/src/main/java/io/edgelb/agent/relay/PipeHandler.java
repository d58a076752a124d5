package io.edgelb.agent.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * Moves bytes from its channel to the peer, on one side of a {@link RelaySession}. Writes are
 * flushed once per read burst (one writev for many reads), or at once when they cross the peer's
 * high water mark; when the peer still cannot take more, this side stops reading until the peer
 * drains ({@link #channelWritabilityChanged} of the peer's handler resumes it).
 */
final class PipeHandler extends ChannelInboundHandlerAdapter {
    private final RelaySession session;
    private final Side side;

    PipeHandler(RelaySession session, Side side) {
        this.session = session;
        this.side = side;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel peer = session.peerOf(side);
        if (peer == null || !peer.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        peer.write(msg, peer.voidPromise());
        if (!peer.isWritable()) {
            // One big read alone can cross the high water mark before the burst's flush: hand it to
            // the kernel now, and stop reading only when the peer's socket buffer is really full.
            // (Checking before flushing turned reading off and on around every 64 KiB read: two
            // epoll_ctl and an extra epoll_wait per read, 1.5x HAProxy's CPU per Gbit.)
            peer.flush();
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Channel peer = session.peerOf(side);
        if (peer != null) {
            peer.flush();
            session.maybeSplice(side);
        }
        session.touch();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            session.resumeReading(side == Side.CLIENT ? Side.MEMBER : Side.CLIENT);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent && session.owns(side, ctx.channel())) {
            session.inputShutdown(side);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (session.owns(side, ctx.channel())) {
            session.closed(side);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (session.owns(side, ctx.channel())) {
            session.failed(side, cause);
        } else {
            ctx.close(); // a failed connect attempt; the session already moved on
        }
    }
}
