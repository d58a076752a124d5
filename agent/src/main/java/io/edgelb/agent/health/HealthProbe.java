package io.edgelb.agent.health;

import io.edgelb.agent.net.Transport;
import io.edgelb.model.ExpectedCodes;
import io.edgelb.model.HealthMonitor;
import io.edgelb.model.IpLiteral;
import io.edgelb.model.MonitorType;
import io.edgelb.model.PoolProtocol;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.tinylog.Logger;

/**
 * One active check of one member: connect, then a TLS handshake and/or one HTTP exchange as the
 * monitor type asks, all bounded by the monitor's timeout, ending in a {@link ProbeResult} and a
 * closed channel.
 *
 * <p>Threads: the probe, its channel and its result promise all belong to one event loop, so the
 * fields below need no synchronisation. Cancelling the result closes the channel.
 */
final class HealthProbe {
    /**
     * The longest status line read. A member that sends more bytes without a newline is not
     * speaking HTTP; stop there rather than buffer whatever it sends.
     */
    static final int MAX_STATUS_LINE = 8192;

    /** Stops an over-long detail (an exception message quoting a whole record) from filling the API. */
    private static final int MAX_DETAIL = 160;
    private static final Pattern SYSCALL_PREFIX = Pattern.compile("^\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ");

    private enum Stage {
        CONNECT("connecting"),
        TLS("in the TLS handshake"),
        RESPONSE("waiting for the HTTP status line");

        final String text;

        Stage(String text) {
            this.text = text;
        }
    }

    private final HealthMonitor monitor;
    private final InetSocketAddress target;
    private final EventLoop loop;
    private final Transport transport;
    private final SslContext tls;
    private final PoolProtocol proxy; // TCP: no PROXY header
    private final Promise<ProbeResult> result;
    private Promise<Void> headerSent; // PROXY pools only
    private Channel channel;
    private SslHandler sslHandler;
    private ScheduledFuture<?> deadline;
    private ExpectedCodes expected; // HTTP and HTTPS only
    private Stage stage = Stage.CONNECT;

    private HealthProbe(HealthMonitor monitor, InetSocketAddress target, PoolProtocol proxy, EventLoop loop,
                        Transport transport, SslContext tls) {
        this.monitor = monitor;
        this.proxy = proxy;
        this.target = target;
        this.loop = loop;
        this.transport = transport;
        this.tls = tls;
        this.result = loop.newPromise();
    }

    /**
     * Starts a probe on {@code loop}, sending the PROXY header of {@code proxy} first unless it is
     * TCP; the result completes on that loop, never exceptionally.
     */
    static Future<ProbeResult> start(HealthMonitor monitor, InetSocketAddress target, PoolProtocol proxy,
                                     EventLoop loop, Transport transport, SslContext tls) {
        HealthProbe probe = new HealthProbe(monitor, target, proxy, loop, transport, tls);
        if (loop.inEventLoop()) {
            probe.begin();
        } else {
            loop.execute(probe::begin);
        }
        return probe.result;
    }

    private void begin() {
        if (result.isDone()) {
            return; // cancelled before it started
        }
        result.addListener(done -> cleanUp());
        deadline = loop.schedule(this::timedOut, monitor.timeoutMs(), TimeUnit.MILLISECONDS);
        if (monitor.type().isHttp()) {
            try {
                expected = monitor.parsedExpectedCodes();
            } catch (IllegalArgumentException e) {
                finish(false, e.getMessage());
                return;
            }
        }
        ChannelFuture connect = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                // One deadline covers the whole probe; netty's own connect timer would be a second.
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0)
                // Close with RST, as HAProxy does for checks: a router probing many members every few
                // seconds must not collect TIME_WAIT sockets for the active close.
                .option(ChannelOption.SO_LINGER, 0)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        try {
                            buildPipeline(ch.pipeline());
                        } catch (RuntimeException e) {
                            finish(false, "cannot start the probe: " + e.getMessage());
                        }
                    }
                })
                .connect(target);
        channel = connect.channel();
        connect.addListener(this::connected);
        if (result.isDone()) {
            channel.close(); // finished while connect() ran; cleanUp saw no channel yet
        }
    }

    private void buildPipeline(ChannelPipeline pipeline) {
        MonitorType type = monitor.type();
        if (proxy.sendsProxyHeader()) { // not for TCP, nor HTTP pools
            headerSent = loop.newPromise();
            pipeline.addLast("proxy-header", new CheckProxyHeader(proxy, headerSent));
        }
        if (type == MonitorType.HTTPS || type == MonitorType.TLS_HELLO) {
            sslHandler = newSslHandler(pipeline.channel());
            sslHandler.handshakeFuture().addListener(this::handshakeDone);
            pipeline.addLast("tls", sslHandler);
        }
        if (type.isHttp()) {
            pipeline.addLast("status-line", new LineBasedFrameDecoder(MAX_STATUS_LINE, true, true));
        }
        pipeline.addLast("probe", new ProbeHandler());
    }

    private SslHandler newSslHandler(Channel ch) {
        String domainName = monitor.domainName();
        String peerHost = domainName != null ? domainName : IpLiteral.format(target.getAddress());
        SslHandler handler = tls.newHandler(ch.alloc(), peerHost, target.getPort());
        if (domainName != null) {
            // Explicit: the JDK derives SNI from the peer host only for names with a dot (not "backend").
            SSLEngine engine = handler.engine();
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(domainName)));
            engine.setSSLParameters(parameters);
        }
        handler.setHandshakeTimeoutMillis(0); // the probe deadline bounds the handshake
        return handler;
    }

    private void connected(Future<? super Void> connect) {
        if (!connect.isSuccess()) {
            finish(false, describe(connect.cause()));
            return;
        }
        if (headerSent == null) {
            proceed();
        } else {
            // channelActive, which sends the header, runs after this listener: go on once it is out.
            headerSent.addListener(sent -> {
                if (sent.isSuccess()) {
                    proceed();
                } else {
                    finish(false, describe(sent.cause()));
                }
            });
        }
    }

    private void proceed() {
        switch (monitor.type()) {
            case TCP:
                finish(true, headerSent == null ? "TCP connect ok" : "TCP connect ok (PROXY header sent)");
                break;
            case HTTP:
                sendRequest();
                break;
            default:
                stage = Stage.TLS; // SslHandler starts the handshake when the channel turns active
                break;
        }
    }

    private void handshakeDone(Future<? super Channel> handshake) {
        if (!handshake.isSuccess()) {
            finish(false, describe(handshake.cause()));
        } else if (monitor.type() == MonitorType.TLS_HELLO) {
            finish(true, "TLS handshake ok (" + sslHandler.engine().getSession().getProtocol() + ")");
        } else {
            sendRequest();
        }
    }

    private void sendRequest() {
        stage = Stage.RESPONSE;
        ByteBuf request = ByteBufUtil.writeAscii(channel.alloc(), requestHead());
        channel.writeAndFlush(request).addListener(written -> {
            if (!written.isSuccess()) {
                finish(false, describe(written.cause()));
            }
        });
    }

    /** The request: only what a status line needs; Connection: close so the member frees its side at once. */
    private String requestHead() {
        String method = monitor.httpMethod() != null ? monitor.httpMethod() : HealthMonitor.DEFAULT_HTTP_METHOD;
        String path = monitor.urlPath() != null ? monitor.urlPath() : HealthMonitor.DEFAULT_URL_PATH;
        String host = monitor.domainName() != null
                ? monitor.domainName()
                : IpLiteral.forHostPort(target.getAddress()) + ":" + target.getPort();
        return method + " " + path + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "User-Agent: edgelb-health\r\n"
                + "Connection: close\r\n"
                + "\r\n";
    }

    private void timedOut() {
        finish(false, "timed out after " + duration(monitor.timeoutMs()) + " " + stage.text);
    }

    private void finish(boolean ok, String detail) {
        result.trySuccess(new ProbeResult(ok, detail));
    }

    /** Runs once the result is set or cancelled, whichever way the probe ended. */
    private void cleanUp() {
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (channel != null) {
            channel.close().addListener(closed -> {
                if (!closed.isSuccess()) {
                    Logger.debug("closing the probe of {} failed: {}", target, closed.cause());
                }
            });
        }
    }

    /** A short, stable description of why a probe failed, without netty's wrapping or a hex dump. */
    private String describe(Throwable cause) {
        Throwable c = cause;
        while (c instanceof DecoderException && c.getCause() != null) {
            c = c.getCause();
        }
        String detail;
        if (c instanceof TooLongFrameException) {
            detail = "no HTTP status line in the first " + MAX_STATUS_LINE + " bytes";
        } else if (c instanceof NotSslRecordException) {
            detail = "TLS handshake failed: the member does not speak TLS";
        } else if (c instanceof SSLException) {
            detail = "TLS handshake failed: " + message(c);
        } else if (c instanceof ConnectException) {
            detail = message(c);
        } else if (c instanceof ClosedChannelException) {
            detail = "connection closed by the member " + stage.text;
        } else if (c instanceof IOException) {
            detail = message(c) + " " + stage.text;
        } else {
            detail = c.getClass().getSimpleName() + ": " + message(c) + " " + stage.text;
        }
        return detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL) + "...";
    }

    /**
     * The operating system's words ("connection refused"), without the syscall epoll names
     * ({@code finishConnect(..) failed with error(-111): }) or the address netty appends (the API
     * already shows which member this is).
     */
    private static String message(Throwable t) {
        String text = t.getMessage();
        if (text == null || text.isEmpty()) {
            return t.getClass().getSimpleName();
        }
        text = SYSCALL_PREFIX.matcher(text).replaceFirst("");
        int suffix = text.lastIndexOf(": ");
        if (suffix > 0 && text.indexOf('/', suffix) > 0) {
            text = text.substring(0, suffix);
        }
        return text.isEmpty() ? t.getClass().getSimpleName()
                : text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
    }

    /** {@code 300ms}, {@code 2s}, {@code 1.5s}: how the API and Octavia users think of a timeout. */
    static String duration(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + "s";
    }

    /** The last handler: turns channel events into the probe's result. */
    private final class ProbeHandler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof ByteBuf line && expected != null && stage == Stage.RESPONSE) {
                    statusLine(line.toString(StandardCharsets.ISO_8859_1));
                }
                // Anything else (a TCP banner, bytes after the status line) is not looked at.
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void statusLine(String line) {
            int code = StatusLine.code(line);
            if (code < 0) {
                finish(false, "not an HTTP status line: \"" + StatusLine.quote(line) + "\"");
            } else if (expected.matches(code)) {
                finish(true, "HTTP " + code);
            } else {
                finish(false, "HTTP " + code + " not in " + expected);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish(false, "connection closed by the member " + stage.text);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(false, describe(cause));
        }
    }
}
