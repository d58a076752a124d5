package io.edgelb.agent.health;

import io.edgelb.agent.relay.ProxyProtocolHeader;
import io.edgelb.model.PoolProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;

/**
 * Sends the PROXY header first on a check's connection, below TLS (it sits before the SslHandler,
 * so the header goes out in clear before the ClientHello), then leaves the pipeline.
 *
 * <p>What the spec asks of a proxy's own connections: version 1 a valid line with the check's
 * own endpoints (getsockname/getpeername; "UNKNOWN" is rejected by some members), version 2 the
 * LOCAL command. Runs on the probe's event loop.
 */
final class CheckProxyHeader extends ChannelInboundHandlerAdapter {
    private final PoolProtocol protocol;
    private final Promise<Void> sent;

    CheckProxyHeader(PoolProtocol protocol, Promise<Void> sent) {
        this.protocol = protocol;
        this.sent = sent;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ByteBuf header = protocol == PoolProtocol.PROXY
                ? ProxyProtocolHeader.v1(ctx.alloc(), (InetSocketAddress) ctx.channel().localAddress(),
                        (InetSocketAddress) ctx.channel().remoteAddress())
                : ProxyProtocolHeader.v2Local(ctx.alloc());
        ctx.writeAndFlush(header).addListener(written -> {
            if (written.isSuccess()) {
                sent.trySuccess(null);
            } else {
                sent.tryFailure(written.cause());
            }
        });
        ctx.fireChannelActive();
        ctx.pipeline().remove(this);
    }
}
