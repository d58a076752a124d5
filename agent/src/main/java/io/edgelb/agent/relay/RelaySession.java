package io.edgelb.agent.relay;

import io.edgelb.agent.net.Transport;
import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.agent.pool.PoolRuntime;
import io.edgelb.model.PoolProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tinylog.Logger;

/**
 * One client connection and its member connection: choose a member, connect (retrying on other
 * members before the client sees anything), then relay both ways with half-close, resets,
 * backpressure and the inactivity timeout.
 *
 * <p>Threading: every field is touched only on the client channel's event loop; the member channel
 * is registered on that same loop. Nothing here needs a lock or a volatile.
 */
final class RelaySession {
    private final ListenerRuntime listener;
    private final Route route;
    private final Channel client;
    private final Transport transport;

    private MemberRuntime member;
    private Channel memberChannel;
    /** The attempt in progress; counted on its member from the moment it is chosen. */
    private MemberRuntime connectingMember;
    private Channel connecting;
    private List<MemberRuntime> tried;
    private int attempts;
    private boolean clientInputShut;
    private boolean memberInputShut;
    /** Bytes the client sent before a member was chosen: credited to it once connected. */
    private long earlyBytesIn;
    private SpliceDirection clientToMember;
    private SpliceDirection memberToClient;
    private boolean clientClosed;
    private long lastActivityNanos;
    private io.netty.util.concurrent.ScheduledFuture<?> idleTimer;

    RelaySession(ListenerRuntime listener, Route route, Channel client, Transport transport) {
        this.listener = listener;
        this.route = route;
        this.client = client;
        this.transport = transport;
    }

    Channel client() {
        return client;
    }

    /** The channel on the other end from side, or null while the member is not connected. */
    Channel peerOf(Side side) {
        return side == Side.CLIENT ? memberChannel : client;
    }

    // --- connecting ----------------------------------------------------------------------------

    /** Picks a member not tried yet and connects to it; gives up when none is left. */
    void connectToNextMember() {
        PoolRuntime pool = route.pool();
        InetSocketAddress from = (InetSocketAddress) client.remoteAddress();
        MemberRuntime candidate = null;
        if (pool != null && attempts < RelayTuning.MAX_CONNECT_ATTEMPTS) {
            candidate = pool.choose(from, tried == null ? List.of() : tried);
        }
        if (candidate == null) {
            if (attempts == 0) {
                listener.rejected(ListenerRuntime.Rejection.NO_MEMBER);
                Logger.debug("listener {}: no member can take {}", listener.id(), from);
            } else if (memberChannel == null) {
                listener.rejected(ListenerRuntime.Rejection.CONNECT_FAILED);
            }
            // The slot goes back before the close, not when channelInactive runs a task later:
            // a client that saw the close and connects again must find it free under connection_limit.
            clientClosed();
            client.close();
            return;
        }
        attempts++;
        MemberRuntime target = candidate;
        // Counted now, not when the connect completes: least-connections must see a burst of
        // new connections as they are placed, or they would all land on the same member.
        target.connectionOpened(client);
        connectingMember = target;
        SocketChannel channel = transport.newSocketChannel(target.endpoint().getAddress());
        channel.config()
                .setConnectTimeoutMillis((int) Math.min(Integer.MAX_VALUE, route.settings().timeoutMemberConnectMs()))
                .setAllowHalfClosure(true)
                .setWriteBufferWaterMark(RelayTuning.WATER_MARK)
                .setRecvByteBufAllocator(new CountingRecvAllocator(bytes -> countRead(Side.MEMBER, bytes)));
        channel.pipeline().addLast(new PipeHandler(this, Side.MEMBER));
        connecting = channel;
        client.eventLoop().register(channel).addListener((ChannelFuture registered) -> {
            if (!registered.isSuccess()) {
                connectFailed(target, channel, registered.cause());
                return;
            }
            channel.connect(target.endpoint()).addListener((ChannelFuture connected) -> {
                if (connected.isSuccess()) {
                    connected(target, channel);
                } else {
                    connectFailed(target, channel, connected.cause());
                }
            });
        });
    }

    private void connectFailed(MemberRuntime target, Channel channel, Throwable cause) {
        connecting = null;
        connectingMember = null;
        target.connectionClosed(client);
        channel.close();
        if (clientClosed) {
            return;
        }
        String detail = cause instanceof ConnectTimeoutException
                ? "timed out after " + route.settings().timeoutMemberConnectMs() + " ms"
                : String.valueOf(cause.getMessage());
        target.connectFailed(detail);
        if (tried == null) {
            tried = new ArrayList<>(RelayTuning.MAX_CONNECT_ATTEMPTS);
        }
        tried.add(target);
        target.retried();
        Logger.debug("listener {}: connect to member {} failed ({}); trying another", listener.id(), target, detail);
        connectToNextMember();
    }

    private void connected(MemberRuntime target, Channel channel) {
        connecting = null;
        connectingMember = null;
        if (clientClosed) {
            channel.close();
            return;
        }
        member = target;
        memberChannel = channel;
        target.addBytesIn(earlyBytesIn);
        clientToMember = new SpliceDirection(client, channel, bytes -> countRead(Side.CLIENT, bytes), this::touch,
                listener::spliced);
        memberToClient = new SpliceDirection(channel, client, bytes -> countRead(Side.MEMBER, bytes), this::touch,
                listener::spliced);
        target.health().recordConnectSuccess();
        PoolProtocol protocol = route.pool().settings().protocol();
        if (protocol.sendsProxyHeader()) {
            InetSocketAddress source = (InetSocketAddress) client.remoteAddress();
            InetSocketAddress destination = (InetSocketAddress) client.localAddress();
            ByteBuf header = protocol == PoolProtocol.PROXY
                    ? ProxyProtocolHeader.v1(channel.alloc(), source, destination)
                    : ProxyProtocolHeader.v2(channel.alloc(), source, destination);
            channel.write(header, channel.voidPromise());
        }
        // Early bytes first (replace() would release them), then the pipe takes over the channel.
        FrontendHandler frontend = client.pipeline().get(FrontendHandler.class);
        frontend.replay();
        channel.flush();
        client.pipeline().replace(frontend, "relay", new PipeHandler(this, Side.CLIENT));
        touch();
        startIdleTimer();
        if (!clientInputShut) {
            client.config().setAutoRead(channel.isWritable());
        }
    }

    /** Bytes the client sent before the member was connected (already counted), forwarded in order. */
    void forwardEarly(ByteBuf data) {
        memberChannel.write(data, memberChannel.voidPromise());
    }

    // --- relaying ------------------------------------------------------------------------------

    /** Every byte read on either side, spliced or not (see {@link CountingRecvAllocator}). */
    void countRead(Side side, int bytes) {
        if (side == Side.CLIENT) {
            listener.addBytesIn(bytes);
            if (member == null) {
                earlyBytesIn += bytes;
            } else {
                member.addBytesIn(bytes);
                clientToMember.counted(bytes);
            }
        } else {
            listener.addBytesOut(bytes);
            member.addBytesOut(bytes);
            memberToClient.counted(bytes);
        }
    }

    /** At the end of a read burst on side: that direction may move to splice. */
    void maybeSplice(Side side) {
        SpliceDirection direction = side == Side.CLIENT ? clientToMember : memberToClient;
        if (direction != null) {
            direction.maybeStart();
        }
    }

    void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /** The peer of side became writable again: side may read again, unless its input ended. */
    void resumeReading(Side side) {
        Channel self = side == Side.CLIENT ? client : memberChannel;
        boolean inputShut = side == Side.CLIENT ? clientInputShut : memberInputShut;
        if (self != null && !inputShut) {
            self.config().setAutoRead(true);
        }
    }

    /** side sent FIN: pass it on once everything it sent has been written, keep the other way open. */
    void inputShutdown(Side side) {
        SpliceDirection direction = side == Side.CLIENT ? clientToMember : memberToClient;
        if (direction != null && direction.decidesEndOfStream()) {
            direction.sourceEnded(() -> inputEnded(side)); // the FIN may have overtaken spliced bytes, or be a reset
            return;
        }
        inputEnded(side);
    }

    /** Every byte side sent before its FIN has been forwarded: pass the FIN on. */
    private void inputEnded(Side side) {
        if (side == Side.CLIENT) {
            clientInputShut = true;
        } else {
            memberInputShut = true;
        }
        Channel peer = peerOf(side);
        if (peer == null || !peer.isActive()) {
            return;
        }
        if (clientInputShut && memberInputShut) {
            closeOnFlush(client);
            closeOnFlush(memberChannel);
            return;
        }
        // The peer's own EOF now ends the whole connection: let netty close it at once instead of
        // shutting its input (a syscall, often ENOTCONN and an exception) and firing an event. Not for
        // a spliced peer: its FIN may overtake bytes still in its pipe (see SpliceDirection).
        SpliceDirection peerDirection = side == Side.CLIENT ? memberToClient : clientToMember;
        if (peerDirection == null || !peerDirection.isSplicing()) {
            ((SocketChannelConfig) peer.config()).setAllowHalfClosure(false);
        }
        if (nothingPending(peer)) {
            HalfClose.shutdownOutput(peer);
            return;
        }
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture flushed) -> {
            if (flushed.isSuccess() && peer.isActive()) {
                HalfClose.shutdownOutput(peer);
            }
        });
    }

    /** False for a member channel that is not (or no longer) this session's: a failed attempt. */
    boolean owns(Side side, Channel channel) {
        return side == Side.CLIENT ? channel == client : channel == memberChannel;
    }

    /** side is gone: finish writing to the peer, then close it (reset it, when side's stream was cut). */
    void closed(Side side) {
        if (side == Side.CLIENT) {
            clientClosed();
        }
        Channel peer = peerOf(side);
        if (peer == null) {
            return;
        }
        SpliceDirection direction = side == Side.CLIENT ? clientToMember : memberToClient;
        if (direction != null && direction.lostBeforeItsEnd() && peer.isActive()) {
            Logger.debug("listener {}: {} side closed in the middle of a spliced stream; resetting the other side",
                    listener.id(), side);
            peer.config().setOption(ChannelOption.SO_LINGER, 0);
            peer.close();
            return;
        }
        closeOnFlush(peer);
    }

    /** side failed (a reset, mostly): reset the peer too, as a client would see it directly. */
    void failed(Side side, Throwable cause) {
        Logger.debug(cause, "listener {}: {} side failed", listener.id(), side);
        Channel self = side == Side.CLIENT ? client : memberChannel;
        Channel peer = peerOf(side);
        if (peer != null && peer.isActive()) {
            peer.config().setOption(ChannelOption.SO_LINGER, 0);
            peer.close();
        }
        if (self != null) {
            self.close();
        }
    }

    /** Once per client connection: give back the listener slot and the member's accounting. */
    private void clientClosed() {
        if (clientClosed) {
            return;
        }
        clientClosed = true;
        listener.release();
        if (member != null) {
            member.connectionClosed(client);
        }
        if (connectingMember != null) {
            connectingMember.connectionClosed(client);
            connectingMember = null;
        }
        if (connecting != null) {
            connecting.close();
        }
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
    }

    // --- inactivity ----------------------------------------------------------------------------

    private void startIdleTimer() {
        long limitMs = route.idleTimeoutMs();
        if (limitMs > 0) {
            idleTimer = client.eventLoop().schedule(this::checkIdle, limitMs, TimeUnit.MILLISECONDS);
        }
    }

    private void checkIdle() {
        if (clientClosed) {
            return;
        }
        long limitNanos = TimeUnit.MILLISECONDS.toNanos(route.idleTimeoutMs());
        long idleNanos = System.nanoTime() - lastActivityNanos;
        if (idleNanos >= limitNanos) {
            listener.timedOut();
            Logger.debug("listener {}: closing connection from {} idle for {} ms", listener.id(),
                    client.remoteAddress(), TimeUnit.NANOSECONDS.toMillis(idleNanos));
            client.close();
            if (memberChannel != null) {
                memberChannel.close();
            }
            return;
        }
        idleTimer = client.eventLoop().schedule(this::checkIdle, limitNanos - idleNanos, TimeUnit.NANOSECONDS);
    }

    /** Closes once what was written is flushed; at once (no future, no listener) when nothing is. */
    static void closeOnFlush(Channel channel) {
        if (channel.isActive() && !nothingPending(channel)) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    /** True when no byte written to the channel waits to be flushed or sent. */
    private static boolean nothingPending(Channel channel) {
        ChannelOutboundBuffer pending = channel.unsafe().outboundBuffer();
        return pending == null || pending.totalPendingWriteBytes() == 0;
    }
}
