package io.edgelb.agent.testing;

import io.edgelb.agent.health.HealthCheckService;
import io.edgelb.agent.net.Transport;
import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.agent.reconcile.Reconciler;
import io.edgelb.agent.relay.ListenerRuntime;
import io.edgelb.agent.relay.RelayServer;
import io.edgelb.model.Config;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The data plane without the CLI: real event loops, relay, health checks and reconciler on one
 * transport. Reconciler calls go through one thread, as in the agent's control thread.
 */
public final class RelayHarness implements AutoCloseable {
    private final Transport transport;
    private final EventLoopGroup group;
    private final HealthCheckService health;
    private final Reconciler reconciler;
    private final ExecutorService control = Executors.newSingleThreadExecutor();

    public RelayHarness(Transport transport) {
        this(transport, 2);
    }

    public RelayHarness(Transport transport, int threads) {
        this.transport = transport;
        this.group = transport.newGroup(threads, "test-io-" + transport.name());
        this.health = new HealthCheckService(group, transport, 16);
        this.reconciler = new Reconciler(new RelayServer(transport, group), health, System::currentTimeMillis);
    }

    /** Applies a config as the control thread would; rethrows the bind failure if any. */
    public RelayHarness apply(Config config) throws Exception {
        Future<?> done = control.submit(() -> {
            reconciler.apply(config);
            return null;
        });
        done.get(10, TimeUnit.SECONDS);
        return this;
    }

    public void onControl(Runnable action) throws Exception {
        control.submit(action).get(10, TimeUnit.SECONDS);
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    public int port(String listenerId) {
        InetSocketAddress address = reconciler.localAddress(listenerId);
        if (address == null) {
            throw new IllegalStateException("listener " + listenerId + " does not listen");
        }
        return address.getPort();
    }

    public ListenerRuntime listener(String id) {
        return reconciler.listeners().get(id);
    }

    public MemberRuntime member(String id) {
        return reconciler.member(id);
    }

    /** Connects a client from 127.0.0.1 to a listener. */
    public Socket connect(String listenerId) throws IOException {
        return connectFrom(listenerId, InetAddress.getLoopbackAddress());
    }

    /** Connects from a chosen loopback source address (127.0.0.0/8 all reaches lo). */
    public Socket connectFrom(String listenerId, InetAddress source) throws IOException {
        Socket socket = new Socket();
        socket.setSoTimeout(10_000);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress(reconciler.localAddress(listenerId).getAddress(), port(listenerId)), 5_000);
        return socket;
    }

    /** Reads the member's greeting line: which backend this connection landed on. */
    public static String greeting(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.append((char) c);
        }
        if (c == -1 && line.length() == 0) {
            return null; // closed without a greeting: the relay refused or found no member
        }
        return line.toString();
    }

    public static String readAll(Socket socket) throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }

    public Transport transport() {
        return transport;
    }

    @Override
    public void close() throws Exception {
        control.submit(() -> {
            reconciler.closeListeners();
            reconciler.closeAllConnections();
        }).get(10, TimeUnit.SECONDS);
        health.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        control.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
