package io.edgelb.agent.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * A member channel's end of an {@link HttpProxySession}: decoded responses and channel events in.
 * The session ignores what comes from a channel that is no longer its member (a failed attempt,
 * a connection it already let go).
 */
final class MemberHandler extends ChannelInboundHandlerAdapter {
    private final HttpProxySession session;

    MemberHandler(HttpProxySession session) {
        this.session = session;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        session.fromMember(ctx.channel(), msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        session.memberReadComplete(ctx.channel());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        session.memberWritabilityChanged(ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.memberClosed(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.memberFailed(ctx.channel(), cause);
    }
}
