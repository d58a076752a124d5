package io.edgelb.agent.relay;

import io.edgelb.agent.handoff.AdoptedListeners;
import io.edgelb.agent.net.Transport;
import io.edgelb.model.IpLiteral;
import io.edgelb.model.Listener;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.ServerChannelRecvByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Opens listening sockets for relay listeners. The server channel is built directly rather than
 * through ServerBootstrap so that admission runs in our own {@link Acceptor}, before a child
 * channel is registered.
 */
public final class RelayServer {
    private static final long BIND_TIMEOUT_MS = 5_000;

    private final Transport transport;
    private final EventLoopGroup group;
    private final AdoptedListeners adopted; // restart hand-off: sockets the previous agent passed on

    public RelayServer(Transport transport, EventLoopGroup group) {
        this(transport, group, AdoptedListeners.none());
    }

    public RelayServer(Transport transport, EventLoopGroup group, AdoptedListeners adopted) {
        this.transport = transport;
        this.group = group;
        this.adopted = adopted;
    }

    public Transport transport() {
        return transport;
    }

    /**
     * Binds the address and port of settings and starts accepting into the listener's runtime (whose
     * route may still be the old one during a reload); returns the bound channel. Throws
     * {@link BindException} with the address and the system's reason when the bind fails.
     */
    public ServerChannel bind(ListenerRuntime listener, Listener settings) throws BindException {
        return bind(listener, settings, false);
    }

    /**
     * As {@link #bind(ListenerRuntime, Listener)}; with {@code freebind} the socket may listen on an
     * address the router does not hold yet (a VRRP VIP on the backup router: IP_FREEBIND), so that a
     * takeover needs no bind. NIO has no such option: there the system must allow it
     * ({@code net.ipv4.ip_nonlocal_bind}, {@code net.ipv6.ip_nonlocal_bind}).
     */
    public ServerChannel bind(ListenerRuntime listener, Listener settings, boolean freebind) throws BindException {
        String address = settings.address();
        int port = settings.port();
        InetSocketAddress socketAddress = new InetSocketAddress(IpLiteral.parse(address), port);
        ServerChannel handedOver = adopted.take(address, port); // hand-off: already bound and listening
        ServerChannel channel = handedOver != null ? handedOver : transport.newServerChannel();
        channel.config().setOption(ChannelOption.SO_REUSEADDR, true);
        // Accept up to ACCEPTS_PER_WAKEUP connections per wake-up, until accept(2) says EAGAIN. netty's
        // default takes ONE per wake-up on a level-triggered listener (its "maybe more data" guess is
        // made for byte reads), so a burst of new connections waited one loop iteration each, behind
        // every open connection's traffic: 1,000 new keep-alive connections saw a p99 above 1 s.
        channel.config().setRecvByteBufAllocator(new ServerChannelRecvByteBufAllocator()
                .respectMaybeMoreData(false).maxMessagesPerRead(RelayTuning.ACCEPTS_PER_WAKEUP));
        if (freebind && handedOver == null) {
            transport.setFreebind(channel);
        }
        channel.pipeline().addLast(new Acceptor(listener, group, transport));
        try {
            group.next().register(channel).syncUninterruptibly();
            if (handedOver != null) {
                return channel;
            }
            ChannelFuture bound = channel.bind(socketAddress);
            if (!bound.awaitUninterruptibly(BIND_TIMEOUT_MS, TimeUnit.MILLISECONDS) || !channel.isActive()) {
                Throwable cause = bound.cause();
                channel.close();
                String why = cause == null ? "bind did not complete" : cause.getMessage();
                if (freebind && !transport.isEpoll()) {
                    why += " (it is a VRRP VIP; the NIO transport cannot bind it before it arrives: set"
                            + " net.ipv4.ip_nonlocal_bind=1 and net.ipv6.ip_nonlocal_bind=1)";
                }
                throw new BindException(settings.id(), IpLiteral.forHostPort(socketAddress.getAddress()) + ":" + port,
                        why);
            }
        } catch (RuntimeException e) {
            channel.close();
            throw new BindException(settings.id(), IpLiteral.forHostPort(socketAddress.getAddress()) + ":" + port,
                    String.valueOf(e.getMessage()));
        }
        return channel;
    }

    /** A listener could not bind; the message names the listener, the address and why. */
    public static final class BindException extends Exception {
        public BindException(String listenerId, String address, String reason) {
            super("listener '" + listenerId + "': cannot listen on " + address + ": " + reason);
        }
    }
}
