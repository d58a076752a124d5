package io.edgelb.agent.http;

import io.edgelb.agent.net.Transport;
import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.agent.pool.PoolRuntime;
import io.edgelb.agent.relay.ListenerRuntime;
import io.edgelb.agent.relay.RelayTuning;
import io.edgelb.agent.relay.Route;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * One attempt to reach a member for a client connection, as the TCP relay makes it: the pool's
 * balancer (and sticky table) picks a member, a failed connect or timeout_member_connect moves on
 * to another member (up to {@link RelayTuning#MAX_CONNECT_ATTEMPTS}), each failure is reported to
 * the member's health. The member is counted on the client from the moment it is chosen; after
 * {@link Outcome#connected} the caller owns that count. Runs on the client's event loop, and
 * registers the member channel there.
 */
final class MemberConnect {
    interface Outcome {
        void connected(MemberRuntime member, Channel channel);

        /** No member could be chosen (noneUp) or every one tried failed. */
        void failed(boolean noneUp);
    }

    private final ListenerRuntime listener;
    private final Route route;
    private final PoolRuntime pool;
    /** The member a persistence cookie names, tried first; null for the balancer's choice. */
    private final MemberRuntime preferred;
    private final Channel client;
    private final Transport transport;
    private final Consumer<Channel> pipeline;
    private final Outcome outcome;
    private final List<MemberRuntime> tried = new ArrayList<>(RelayTuning.MAX_CONNECT_ATTEMPTS);
    private MemberRuntime target;
    private Channel channel;
    private boolean cancelled;

    /** {@code pool}: the listener's or, chosen by an L7 policy, another one; null when there is none. */
    MemberConnect(ListenerRuntime listener, Route route, PoolRuntime pool, MemberRuntime preferred, Channel client,
                  Transport transport, Consumer<Channel> pipeline, Outcome outcome) {
        this.listener = listener;
        this.route = route;
        this.pool = pool;
        this.preferred = preferred;
        this.client = client;
        this.transport = transport;
        this.pipeline = pipeline;
        this.outcome = outcome;
    }

    void start() {
        InetSocketAddress from = (InetSocketAddress) client.remoteAddress();
        MemberRuntime candidate = null;
        if (pool != null && tried.size() < RelayTuning.MAX_CONNECT_ATTEMPTS) {
            candidate = preferred != null && tried.isEmpty() && preferred.acceptsNewConnections() && pool.settings().enabled()
                    ? preferred : pool.choose(from, tried);
        }
        if (candidate == null) {
            boolean noneUp = tried.isEmpty();
            listener.rejected(noneUp ? ListenerRuntime.Rejection.NO_MEMBER : ListenerRuntime.Rejection.CONNECT_FAILED);
            outcome.failed(noneUp);
            return;
        }
        MemberRuntime chosen = candidate;
        chosen.connectionOpened(client); // least-connections must see it now, not once connected
        target = chosen;
        SocketChannel attempt = transport.newSocketChannel(chosen.endpoint().getAddress());
        attempt.config()
                .setConnectTimeoutMillis((int) Math.min(Integer.MAX_VALUE, route.settings().timeoutMemberConnectMs()))
                .setWriteBufferWaterMark(RelayTuning.WATER_MARK);
        pipeline.accept(attempt);
        channel = attempt;
        client.eventLoop().register(attempt).addListener((ChannelFuture registered) -> {
            if (!registered.isSuccess()) {
                failed(chosen, attempt, registered.cause());
                return;
            }
            attempt.connect(chosen.endpoint()).addListener((ChannelFuture connected) -> {
                if (connected.isSuccess()) {
                    succeeded(chosen, attempt);
                } else {
                    failed(chosen, attempt, connected.cause());
                }
            });
        });
    }

    /** The client went away: drop the attempt and its count. */
    void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        if (target != null) {
            target.connectionClosed(client);
            target = null;
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private void succeeded(MemberRuntime member, Channel attempt) {
        if (cancelled) {
            attempt.close();
            return;
        }
        target = null;
        channel = null;
        member.health().recordConnectSuccess();
        outcome.connected(member, attempt);
    }

    private void failed(MemberRuntime member, Channel attempt, Throwable cause) {
        attempt.close();
        if (cancelled) {
            return;
        }
        member.connectionClosed(client);
        target = null;
        channel = null;
        String detail = cause instanceof ConnectTimeoutException
                ? "timed out after " + route.settings().timeoutMemberConnectMs() + " ms"
                : String.valueOf(cause.getMessage());
        member.connectFailed(detail);
        member.retried();
        tried.add(member);
        Logger.debug("listener {}: connect to member {} failed ({}); trying another", listener.id(), member, detail);
        start();
    }
}
