package io.edgelb.agent.http;

import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.agent.relay.ListenerRuntime;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/** The client channel's end of an {@link HttpProxySession}: decoded requests and channel events in. */
final class ClientHandler extends ChannelInboundHandlerAdapter {
    private final HttpProxySession session;

    ClientHandler(HttpProxySession session) {
        this.session = session;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        session.start();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        session.fromClient(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        session.clientReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        session.clientWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
            session.clientInputShut();
        } else if (event == ListenerRuntime.STOPPING) {
            session.listenerStopping();
        } else if (event == MemberRuntime.LEAVING) {
            session.memberLeaving();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        session.clientClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        session.clientFailed(cause);
    }
}
