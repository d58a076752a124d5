package io.edgelb.agent.handoff;

import io.edgelb.agent.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.tinylog.Logger;

/**
 * The stopping side of a restart without refusals. procd starts the next agent only once the one it
 * tracks (the launcher) has exited, so the stopping JVM keeps its listening sockets and offers them
 * on {@code STATE_DIR/handoff.sock} for {@link #WINDOW_MS}. The first successor that connects (same
 * uid only) receives them with SCM_RIGHTS; from then on the kernel queues new connections for it,
 * and this JVM only drains what it already accepted. Nobody asking within the window, or a transport
 * that cannot pass descriptors (NIO), ends the offer: the caller then closes the listeners as before.
 *
 * <p>Threading: {@link #offer} and every state change run on the agent's control thread
 * ({@code control}); the domain socket's event loop only forwards the successor's arrival to it.
 * {@code done} is called exactly once, on the control thread.
 */
public final class ListenerHandoff {
    /** The socket's name in the state directory; {@link AdoptedListeners} looks for the same. */
    public static final String SOCKET_NAME = "handoff.sock";
    /**
     * How long a stopping agent waits for its successor: the next JVM's start on a slow router (a few
     * seconds with class data sharing). The launcher sets 5000 ({@code java_opts} may override it);
     * without the property, as in a {@code java -jar} in a terminal, there is no offer.
     */
    public static final long WINDOW_MS = Long.getLong("edgelb.handoffWindowMs", 0);

    private final Path socket;
    private final ScheduledExecutorService control;
    private final Supplier<List<ServerChannel>> release;
    private final Consumer<Boolean> done;
    // Control thread:
    private Channel server;
    private ScheduledFuture<?> window;
    private boolean finished;

    private ListenerHandoff(Path socket, ScheduledExecutorService control, Supplier<List<ServerChannel>> release,
                            Consumer<Boolean> done) {
        this.socket = socket;
        this.control = control;
        this.release = release;
        this.done = done;
    }

    /**
     * Control thread: offers the listening sockets that {@code release} returns (after it has stopped
     * whatever a successor must bind itself, such as the API) to the first successor, for
     * {@link #WINDOW_MS}. {@code done} gets true when a successor took them, false otherwise; the
     * listeners are still open either way and the caller closes its copies.
     */
    public static void offer(Transport transport, EventLoopGroup group, Path stateDir,
                             ScheduledExecutorService control, Supplier<List<ServerChannel>> release,
                             Consumer<Boolean> done) {
        if (WINDOW_MS <= 0) {
            done.accept(false);
            return;
        }
        if (!transport.isEpoll()) {
            Logger.info("stopping without a hand-off of the listening sockets: it needs the epoll transport");
            done.accept(false);
            return;
        }
        ListenerHandoff handoff = new ListenerHandoff(stateDir.resolve(SOCKET_NAME), control, release, done);
        try {
            handoff.open(group);
        } catch (IOException | RuntimeException e) {
            Logger.warn("cannot offer the listening sockets on {}: {}", handoff.socket, e.getMessage());
            handoff.finish(false);
        }
    }

    private void open(EventLoopGroup group) throws IOException {
        Files.createDirectories(socket.getParent());
        Files.deleteIfExists(socket); // a stale one from an agent that was killed
        long uid = OwnUid.get();
        server = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        Channel successor = ctx.channel();
                        try {
                            int peer = ((EpollDomainSocketChannel) successor).peerCredentials().uid();
                            if (peer != uid) {
                                Logger.warn("hand-off: refusing a process of uid {}", peer);
                                successor.close();
                                return;
                            }
                        } catch (IOException e) {
                            successor.close();
                            return;
                        }
                        control.execute(() -> handOver(successor));
                    }
                })
                .bind(new DomainSocketAddress(socket.toFile())).syncUninterruptibly().channel();
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        window = control.schedule(() -> {
            if (!finished) {
                Logger.info("no successor asked for the listening sockets within {} ms", WINDOW_MS);
                finish(false);
            }
        }, WINDOW_MS, TimeUnit.MILLISECONDS);
        Logger.info("offering the listening sockets to a successor on {} for up to {} ms", socket, WINDOW_MS);
    }

    private void handOver(Channel successor) {
        if (finished) {
            successor.close();
            return;
        }
        List<ServerChannel> listeners = release.get();
        ChannelFuture last = null;
        for (ServerChannel listener : listeners) {
            listener.config().setAutoRead(false); // from now on the kernel queues for the successor
            last = successor.write(new FileDescriptor(((UnixChannel) listener).fd().intValue()));
        }
        successor.flush();
        ChannelFuture sent = last == null ? successor.newSucceededFuture() : last;
        sent.addListener(f -> {
            successor.close();
            control.execute(() -> {
                if (f.isSuccess()) {
                    Logger.info("handed {} listening socket(s) to the successor", listeners.size());
                } else {
                    Logger.warn("the hand-off failed: {}", f.cause() == null ? "?" : f.cause().getMessage());
                }
                finish(f.isSuccess());
            });
        });
    }

    private void finish(boolean taken) {
        if (finished) {
            return;
        }
        finished = true;
        if (window != null) {
            window.cancel(false);
        }
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            Logger.warn("cannot delete {}: {}", socket, e.getMessage());
        }
        done.accept(taken);
    }
}
