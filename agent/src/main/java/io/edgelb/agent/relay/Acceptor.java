package io.edgelb.agent.relay;

import io.edgelb.agent.http.HttpProxySession;
import io.edgelb.agent.net.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannelConfig;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.tinylog.Logger;

/**
 * Takes accepted connections off a listener's server channel: refuses those outside allowed_cidrs
 * or over connection_limit before they cost anything (the socket is closed unregistered), and
 * hands the rest to an event loop with a fresh {@link RelaySession}, or, on an HTTP listener, an
 * {@link HttpProxySession}.
 */
@ChannelHandler.Sharable
final class Acceptor extends ChannelInboundHandlerAdapter {
    private final ListenerRuntime listener;
    private final EventLoopGroup workers;
    private final Transport transport;

    Acceptor(ListenerRuntime listener, EventLoopGroup workers, Transport transport) {
        this.listener = listener;
        this.workers = workers;
        this.transport = transport;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        Route route = listener.route();
        InetSocketAddress from = (InetSocketAddress) child.remoteAddress();
        if (from == null || !route.allows(from.getAddress())) {
            listener.rejected(ListenerRuntime.Rejection.CIDR);
            child.unsafe().closeForcibly();
            return;
        }
        if (!listener.tryAcquire(route.settings().connectionLimit())) {
            listener.rejected(ListenerRuntime.Rejection.LIMIT);
            child.unsafe().closeForcibly();
            return;
        }
        SocketChannelConfig config = (SocketChannelConfig) child.config();
        // Read at once: the request arrives while the member connects (FrontendHandler keeps it),
        // and no epoll_ctl is needed later to start reading.
        config.setAutoRead(true);
        config.setAllowHalfClosure(true);
        config.setWriteBufferWaterMark(RelayTuning.WATER_MARK);
        if (route.settings().isHttp()) {
            HttpProxySession.attach(listener, route, child, transport); // chosen once, here: TCP pays nothing
        } else {
            RelaySession session = new RelaySession(listener, route, child, transport);
            config.setRecvByteBufAllocator(new CountingRecvAllocator(bytes -> session.countRead(Side.CLIENT, bytes)));
            child.pipeline().addLast(new FrontendHandler(session));
        }
        workers.next().register(child).addListener((ChannelFuture registered) -> {
            if (!registered.isSuccess()) {
                Logger.warn("listener {}: could not register a connection: {}", listener.id(),
                        registered.cause().getMessage());
                listener.release();
                child.unsafe().closeForcibly();
            }
        });
    }

    /** accept() failed (out of file descriptors, mostly): pause instead of spinning on the error. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Logger.warn("listener {}: accept failed ({}); pausing accepts for {} ms", listener.id(), cause.getMessage(),
                RelayTuning.ACCEPT_PAUSE_MS);
        ctx.channel().config().setAutoRead(false);
        ctx.channel().eventLoop().schedule(() -> ctx.channel().config().setAutoRead(true),
                RelayTuning.ACCEPT_PAUSE_MS, TimeUnit.MILLISECONDS);
    }
}
