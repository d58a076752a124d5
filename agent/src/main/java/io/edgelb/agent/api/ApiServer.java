package io.edgelb.agent.api;

import io.edgelb.agent.net.Transport;
import io.edgelb.model.HostPort;
import io.edgelb.model.secret.ApiToken;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;

/**
 * The agent's local HTTP API and metrics endpoint, on the agent's own event loops: a few requests
 * a minute from LuCI, the CLI or Prometheus need no thread of their own.
 */
public final class ApiServer implements AutoCloseable {
    /** Requests carry no body worth more; anything larger is refused by the aggregator. */
    private static final int MAX_REQUEST_BYTES = 16 * 1024;
    private static final int IDLE_SECONDS = 30;

    private final Channel channel;
    private final HostPort address;

    private ApiServer(Channel channel, HostPort address) {
        this.channel = channel;
        this.address = address;
    }

    /** Binds the API; throws IllegalStateException naming the address and reason when it cannot. */
    public static ApiServer start(HostPort address, EventLoopGroup group, Transport transport, AgentControl agent,
                                  ApiToken token) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                // a restarted agent binds the port its predecessor just closed (TIME_WAIT connections)
                .option(io.netty.channel.ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS),
                                new HttpServerCodec(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new ApiHandler(agent, token));
                    }
                });
        // Not syncUninterruptibly(): it rethrows netty's checked NativeIoException undeclared, past
        // every catch (RuntimeException) of the reload path. The bind's cause is read instead.
        ChannelFuture bound;
        try {
            bound = bootstrap.bind(address.toSocketAddress()).awaitUninterruptibly();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open the API on " + address + ": " + e.getMessage(), e);
        }
        if (!bound.isSuccess()) {
            bound.channel().close();
            throw new IllegalStateException("cannot open the API on " + address + ": "
                    + (bound.cause() == null ? "bind failed" : bound.cause().getMessage()), bound.cause());
        }
        return new ApiServer(bound.channel(), address);
    }

    public HostPort address() {
        return address;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
