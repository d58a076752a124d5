package io.edgelb.agent.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.function.Function;
import java.util.function.Supplier;
import org.tinylog.Logger;

/**
 * The Netty transport the whole agent uses: native epoll where netty's JNI library loads (glibc
 * hosts, or a musl build shipped with the runtime), NIO everywhere else. Chosen once at start;
 * every channel, client or server, uses the same one so that no hand-off between loop kinds occurs.
 */
public final class Transport {
    /** System property that forces a transport: {@code nio} or {@code epoll}. */
    public static final String PROPERTY = "edgelb.transport";

    private final String name;
    private final IoHandlerFactory ioHandlerFactory;
    private final Class<? extends SocketChannel> socketChannel;
    private final Class<? extends ServerChannel> serverChannel;
    private final Function<SocketProtocolFamily, SocketChannel> newSocket;
    private final Supplier<ServerChannel> newServer;

    private Transport(String name, IoHandlerFactory factory, Class<? extends SocketChannel> socketChannel,
                      Class<? extends ServerChannel> serverChannel,
                      Function<SocketProtocolFamily, SocketChannel> newSocket, Supplier<ServerChannel> newServer) {
        this.name = name;
        this.ioHandlerFactory = factory;
        this.socketChannel = socketChannel;
        this.serverChannel = serverChannel;
        this.newSocket = newSocket;
        this.newServer = newServer;
    }

    public static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioSocketChannel.class, NioServerSocketChannel.class,
                family -> new NioSocketChannel(SelectorProvider.provider(), family), NioServerSocketChannel::new);
    }

    /** Native epoll; throws with netty's own reason when the library does not load here. */
    public static Transport epoll() {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("native epoll is not available: " + Epoll.unavailabilityCause());
        }
        return new Transport("epoll", KeepRegisteredEpollIoHandler.wrap(EpollIoHandler.newFactory()),
                EpollSocketChannel.class,
                EpollServerSocketChannel.class, EpollSocketChannel::new, EpollServerSocketChannel::new);
    }

    /** Picks by {@code -Dedgelb.transport}, else epoll when available, else NIO; logs the choice and why. */
    public static Transport select() {
        return select(System.getProperty(PROPERTY, "auto"));
    }

    public static Transport select(String wanted) {
        switch (wanted) {
            case "nio":
                Logger.info("transport: nio (forced by -D{}=nio)", PROPERTY);
                return nio();
            case "epoll":
                Transport forced = epoll();
                Logger.info("transport: epoll (forced by -D{}=epoll)", PROPERTY);
                return forced;
            case "auto":
                if (Epoll.isAvailable()) {
                    Logger.info("transport: epoll (native library loaded)");
                    return epoll();
                }
                Logger.info("transport: nio (native epoll unavailable: {})", Epoll.unavailabilityCause());
                return nio();
            default:
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + wanted + " is unknown (expected nio or epoll)");
        }
    }

    public EventLoopGroup newGroup(int threads, String threadPrefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix, true), ioHandlerFactory);
    }

    public Class<? extends SocketChannel> socketChannel() {
        return socketChannel;
    }

    public Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }

    /**
     * A new unregistered client socket channel for an address of the given family (the relay
     * builds channels itself: no Bootstrap per connect). An IPv4 socket for an IPv4 member spares
     * the IPV6_V6ONLY setsockopt a dual-stack socket costs on every connect.
     */
    public SocketChannel newSocketChannel(InetAddress target) {
        return newSocket.apply(target instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6);
    }

    /** A new unregistered server socket channel. */
    public ServerChannel newServerChannel() {
        return newServer.get();
    }

    /**
     * Lets an unbound server channel bind an address the host does not hold (IP_FREEBIND); a no-op
     * on NIO, which has no such option.
     */
    public void setFreebind(ServerChannel channel) {
        if (channel instanceof io.netty.channel.epoll.EpollServerSocketChannel epoll) {
            epoll.config().setFreeBind(true);
        }
    }

    public boolean isEpoll() {
        return "epoll".equals(name);
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
