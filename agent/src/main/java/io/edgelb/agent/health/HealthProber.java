package io.edgelb.agent.health;

import io.edgelb.agent.net.Transport;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.PoolProtocol;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLException;

/**
 * Starts health probes (TCP, HTTP, HTTPS, TLS-HELLO) for one agent: it holds the transport, so
 * probes use the same channel kind as the relay, and the one TLS client context they share.
 *
 * <p>Thread-safe: it holds no mutable state.
 */
public final class HealthProber {
    private final Transport transport;
    private final SslContext tls;

    public HealthProber(Transport transport) {
        this.transport = transport;
        this.tls = clientContext();
    }

    /**
     * Probes {@code target} as {@code monitor} says, on {@code loop}. The future completes on that
     * loop with the outcome (a failed check is a result, not an exception) within the monitor's
     * timeout; cancelling it aborts the probe and closes its connection.
     */
    public Future<ProbeResult> probe(HealthMonitor monitor, InetSocketAddress target, EventLoop loop) {
        return probe(monitor, target, PoolProtocol.TCP, loop);
    }

    /** As {@link #probe(HealthMonitor, InetSocketAddress, EventLoop)}, sending {@code proxy}'s PROXY header first (none for TCP). */
    public Future<ProbeResult> probe(HealthMonitor monitor, InetSocketAddress target, PoolProtocol proxy,
                                     EventLoop loop) {
        return HealthProbe.start(monitor, target, proxy, loop, transport, tls);
    }

    /**
     * The JDK provider: netty's OpenSSL binding is not on a router. No certificate and no host
     * name is verified (see {@link TrustEveryCertificate}); sessions are cached per member, so
     * repeated checks resume instead of paying a full handshake every time.
     */
    private static SslContext clientContext() {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .trustManager(new TrustEveryCertificate())
                    .endpointIdentificationAlgorithm(null)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("this JDK cannot make a TLS client context", e);
        }
    }
}
