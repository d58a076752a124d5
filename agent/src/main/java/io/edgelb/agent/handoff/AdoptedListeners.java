package io.edgelb.agent.handoff;

import io.edgelb.agent.net.Transport;
import io.edgelb.model.IpLiteral;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tinylog.Logger;

/**
 * The starting side of a restart without refusals: before it binds anything, a new agent asks the
 * stopping one ({@link ListenerHandoff}) for its listening sockets and keeps them, keyed by the
 * address and port each is bound to (read from the socket itself, so nothing the peer says is
 * trusted). A listener of the new configuration with the same address and port adopts its socket
 * instead of binding (no moment without a listener); the rest are closed by {@link #closeRest}.
 *
 * <p>Threading: filled once in {@link #receive} (the starting thread), then used by the control
 * thread only.
 */
public final class AdoptedListeners {
    /** How long to wait for the stopping agent's descriptors once connected: it sends them at once. */
    private static final long RECEIVE_TIMEOUT_MS = 3_000;
    /** At most this many descriptors are kept: more than any configuration has listeners. */
    private static final int MAX_SOCKETS = 1_024;

    private final Map<String, ServerChannel> byAddress;

    private AdoptedListeners(Map<String, ServerChannel> byAddress) {
        this.byAddress = byAddress;
    }

    public static AdoptedListeners none() {
        return new AdoptedListeners(new HashMap<>());
    }

    /** Receives the sockets of a stopping agent that offers them in stateDir; none when there is none. */
    public static AdoptedListeners receive(Transport transport, EventLoopGroup group, Path stateDir) {
        Path socket = stateDir.resolve(ListenerHandoff.SOCKET_NAME);
        if (!Files.exists(socket)) {
            return none();
        }
        if (!transport.isEpoll()) {
            Logger.info("{} is there, but taking over listening sockets needs the epoll transport: binding",
                    socket);
            return none();
        }
        List<FileDescriptor> received = new ArrayList<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        Channel channel;
        try {
            channel = new Bootstrap().group(group).channel(EpollDomainSocketChannel.class)
                    .option(EpollChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            if (msg instanceof FileDescriptor fd && received.size() < MAX_SOCKETS) {
                                received.add(fd);
                            } else {
                                closeQuietly(msg);
                            }
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            ended.complete(null);
                        }
                    })
                    .connect(new DomainSocketAddress(socket.toFile())).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            Logger.info("no agent offers listening sockets on {} ({}): binding", socket, e.getMessage());
            return none();
        }
        try {
            ended.get(RECEIVE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            Logger.warn("the stopping agent sent no end of its listening sockets within {} ms", RECEIVE_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.close().syncUninterruptibly();
        // Closed: the event loop adds nothing more, and the close's completion publishes the list.
        Map<String, ServerChannel> byAddress = new HashMap<>();
        for (FileDescriptor fd : received) {
            EpollServerSocketChannel listener = new EpollServerSocketChannel(fd.intValue());
            InetSocketAddress local = listener.localAddress();
            if (local == null || !listener.isActive() || byAddress.containsKey(key(local))) {
                closeQuietly(fd);
                continue;
            }
            byAddress.put(key(local), listener);
        }
        Logger.info("took over {} listening socket(s) from the stopping agent: {}", byAddress.size(),
                byAddress.keySet());
        return new AdoptedListeners(byAddress);
    }

    /** The received socket bound to this address and port ({@code IP:PORT}, IPv6 in brackets), or null. */
    public ServerChannel take(String address, int port) {
        return byAddress.remove(IpLiteral.forHostPort(IpLiteral.parse(address)) + ":" + port);
    }

    /** Closes the sockets no listener took: the new configuration no longer listens there. */
    public void closeRest() {
        for (Map.Entry<String, ServerChannel> rest : byAddress.entrySet()) {
            Logger.info("closing {}: the previous agent listened there, this configuration does not", rest.getKey());
            closeQuietly(((EpollServerSocketChannel) rest.getValue()).fd());
        }
        byAddress.clear();
    }

    private static String key(InetSocketAddress address) {
        return IpLiteral.forHostPort(address.getAddress()) + ":" + address.getPort();
    }

    private static void closeQuietly(Object msg) {
        if (msg instanceof FileDescriptor fd) {
            try {
                fd.close();
            } catch (IOException e) {
                Logger.debug("closing a received descriptor: {}", e.getMessage());
            }
        }
    }
}
