package io.edgelb.agent.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.edgelb.agent.net.Transport;
import io.edgelb.model.Listener;
import io.edgelb.model.ListenerMode;
import io.edgelb.model.ListenerProtocol;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A relay listener takes a burst of new connections in batches. netty's default for a server
 * channel accepts one connection per event-loop wake-up on a level-triggered listener, so under
 * load every new connection waited a whole loop iteration behind the open ones (the bench saw a
 * keep-alive p99 above 1 s at 1,000 connections, against HAProxy's 40 ms).
 */
class RelayAcceptTest {

    @ParameterizedTest
    @MethodSource("io.edgelb.agent.testing.Transports#both")
    void theListenerAcceptsUntilTheBacklogIsEmptyUpToABatch(Transport transport) throws Exception {
        EventLoopGroup group = transport.newGroup(1, "accept-test");
        try {
            Listener settings = new Listener("web", "127.0.0.1", 0, ListenerMode.RELAY, "web", Listener.UNLIMITED,
                    Listener.DEFAULT_TIMEOUT_CLIENT_DATA_MS, Listener.DEFAULT_TIMEOUT_MEMBER_CONNECT_MS,
                    Listener.DEFAULT_TIMEOUT_MEMBER_DATA_MS, List.of(), true, false, ListenerProtocol.TCP, List.of(), Listener.DEFAULT_TIMEOUT_HTTP_REQUEST_MS);
            ServerChannel channel = new RelayServer(transport, group)
                    .bind(new ListenerRuntime(Route.of(settings, null)), settings);
            try {
                var allocator = assertInstanceOf(DefaultMaxMessagesRecvByteBufAllocator.class,
                        channel.config().getRecvByteBufAllocator());
                assertFalse(allocator.respectMaybeMoreData(),
                        "accept(2) until EAGAIN: the byte-read guess stops a listener after one");
                assertEquals(RelayTuning.ACCEPTS_PER_WAKEUP, allocator.maxMessagesPerRead());

                // And a burst is served: without a pool each connection is closed at once, after its accept.
                int port = ((InetSocketAddress) channel.localAddress()).getPort();
                List<Socket> burst = new ArrayList<>();
                try {
                    for (int i = 0; i < 3 * RelayTuning.ACCEPTS_PER_WAKEUP; i++) {
                        Socket s = new Socket("127.0.0.1", port);
                        s.setSoTimeout(10_000);
                        burst.add(s);
                    }
                    for (Socket s : burst) {
                        InputStream in = s.getInputStream();
                        assertEquals(-1, in.read(), "closed by the relay: no member for it");
                    }
                } finally {
                    for (Socket s : burst) {
                        s.close();
                    }
                }
            } finally {
                channel.close().syncUninterruptibly();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }
}
