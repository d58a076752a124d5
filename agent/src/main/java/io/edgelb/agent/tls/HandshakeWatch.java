package io.edgelb.agent.tls;

import io.edgelb.agent.relay.ListenerRuntime;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Counts a TLS client connection's failed handshake (or unreadable ClientHello) on its listener,
 * then takes itself out of the pipeline: it has nothing to do once the handshake is over.
 * Runs on the connection's event loop only.
 */
public final class HandshakeWatch extends ChannelInboundHandlerAdapter {
    private final ListenerRuntime listener;

    public HandshakeWatch(ListenerRuntime listener) {
        this.listener = listener;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SniCompletionEvent sni && !sni.isSuccess()) {
            listener.tlsHandshakeFailed();
        } else if (event instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                listener.tlsHandshakeFailed();
            }
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(event);
    }
}
