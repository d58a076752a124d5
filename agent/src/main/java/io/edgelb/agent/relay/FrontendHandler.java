package io.edgelb.agent.relay;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The client channel's handler until a member is connected: starts the connect and keeps what the
 * client sends meanwhile (its request, even its FIN), so that the member gets it all as soon as it
 * answers. Reading stops once a high water mark's worth is held. Replaced by a
 * {@link PipeHandler} when the member is connected.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private final RelaySession session;
    private final ArrayDeque<ByteBuf> early = new ArrayDeque<>(2);
    private int earlyBytes;
    private boolean earlyEof;

    FrontendHandler(RelaySession session) {
        this.session = session;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        session.connectToNextMember();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf data = (ByteBuf) msg;
        early.add(data);
        earlyBytes += data.readableBytes();
        if (earlyBytes >= RelayTuning.WATER_MARK.high()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            earlyEof = true;
        }
    }

    /** Hands what arrived before the connect to the session, in order; then the FIN if one came. */
    void replay() {
        ByteBuf data;
        while ((data = early.poll()) != null) {
            session.forwardEarly(data);
        }
        earlyBytes = 0;
        if (earlyEof) {
            session.inputShutdown(Side.CLIENT);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        session.closed(Side.CLIENT);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    private void release() {
        ByteBuf data;
        while ((data = early.poll()) != null) {
            ReferenceCountUtil.release(data);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.failed(Side.CLIENT, cause);
    }
}
