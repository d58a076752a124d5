package io.edgelb.agent.http;

import io.edgelb.agent.http.l7.L7Table;
import io.edgelb.agent.net.Transport;
import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.agent.pool.PoolRuntime;
import io.edgelb.agent.relay.CountingRecvAllocator;
import io.edgelb.agent.relay.HttpCounters;
import io.edgelb.agent.relay.ListenerRuntime;
import io.edgelb.agent.relay.Route;
import io.edgelb.model.L7Policy;
import io.edgelb.agent.tls.HandshakeWatch;
import io.edgelb.model.Listener;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.tinylog.Logger;

/**
 * One client connection of an HTTP listener: its requests are parsed (HTTP/1.1 and 1.0), given the
 * inserted headers and streamed to a member connection, which is kept for the next request while
 * both sides keep alive (HAProxy's http-keep-alive); a new member is chosen when it closed. Bodies
 * pass through in pieces with the relay's backpressure: when one side cannot take more, the other
 * is not read. The proxy answers itself, with {@link ErrorResponse}, where a proxy must: 400, 408,
 * 414, 431, 501 (CONNECT) and 505 for the client's request, 502, 503 and 504 for the member's side.
 * A request with Upgrade (WebSocket, h2c) goes to the member; if it answers 101, the connection
 * becomes a byte relay in both directions.
 *
 * <p>L7 policies ({@link L7Table}) are evaluated on each request header: REJECT answers 403,
 * REDIRECT_TO_URL and REDIRECT_PREFIX answer their redirect (both then close), REDIRECT_TO_POOL
 * sends the request to a member of that pool; a kept member connection of another pool is closed
 * first (the previous exchange is over: one at a time).
 *
 * <p>One exchange at a time: while a request is answered, the client's socket is not read, and
 * requests it pipelined that were decoded already are held ({@link HttpLimits#MAX_HELD} messages
 * at most), then forwarded in order on the same member connection, so responses keep their order.
 *
 * <p>When the listener is removed or the agent stops ({@link ListenerRuntime#STOPPING}), an idle
 * client is closed at once and a busy one after its response, which then says Connection: close.
 *
 * <p>Threading: every field is touched only on the client channel's event loop; member channels are
 * registered on that same loop (see {@link MemberConnect}). No lock, no volatile, no queue that is
 * not bounded.
 */
public final class HttpProxySession {
    private enum State {
        /** Between requests: reading the next request header. */
        WAIT_HEADER,
        /** A request header is in, its member is being connected. */
        CONNECTING,
        /** A request is going to the member and/or its response coming back. */
        EXCHANGE,
        /** The member answered an Upgrade with 101: both channels relay bytes, no HTTP any more. */
        TUNNEL,
        /** An answer or the end is being written; nothing more is read or forwarded. */
        CLOSING
    }

    private final ListenerRuntime listener;
    private final Route route;
    private final Channel client;
    private final Transport transport;
    private final HttpCounters counters;
    private final ForwardedHeaders forwarded;
    private final ArrayDeque<Object> held = new ArrayDeque<>();

    private State state = State.WAIT_HEADER;
    private MemberConnect connecting;
    private HttpRequest pendingRequest;
    private MemberRuntime member;
    private Channel memberChannel;
    /** The pool memberChannel's member belongs to: an L7 policy may send the next request elsewhere. */
    private PoolRuntime memberPool;
    /** HTTP_COOKIE: the exchange's pool (null when it has no cookie persistence) and the token the request sent. */
    private PoolRuntime cookiePool;
    private String cookieSent;

    // The exchange in progress.
    private HttpMethod method;
    private HttpVersion requestVersion;
    private boolean clientKeepAlive;
    private boolean requestComplete;
    /** A final (non-1xx) response header went to the client: an error answer is no longer possible. */
    private boolean responseStarted;
    private boolean informational;
    private boolean keepClient;
    private boolean memberKeepAlive;
    /** The request asks for Upgrade (WebSocket, h2c): a 101 may come, and then the tunnel. */
    private boolean upgradeRequested;

    private boolean clientInputShut;
    /** Bytes of the next request arrived: timeout_http_request runs, not the keep-alive idle time. */
    private boolean headerStarted;
    private long headerStartNanos;
    private long idleSinceNanos;
    private long lastClientNanos;
    private long lastMemberNanos;
    private Deadline deadline;
    private boolean closed;
    private boolean draining;
    /** The listener was removed or the agent stops: no request after the current one. */
    private boolean stopping;

    private HttpProxySession(ListenerRuntime listener, Route route, Channel client, Transport transport) {
        this.listener = listener;
        this.route = route;
        this.client = client;
        this.transport = transport;
        this.counters = listener.http();
        this.forwarded = ForwardedHeaders.of(route.settings(), (InetSocketAddress) client.localAddress());
    }

    /** Sets up an accepted, not yet registered client channel of an HTTP listener. */
    public static void attach(ListenerRuntime listener, Route route, Channel client, Transport transport) {
        HttpProxySession session = new HttpProxySession(listener, route, client, transport);
        client.config().setRecvByteBufAllocator(new CountingRecvAllocator(session::countClientRead));
        if (route.tls() != null) { // TERMINATED_HTTPS: the rest of the pipeline sees plain HTTP
            client.pipeline().addLast("tls", route.tls().newHandler(client))
                    .addLast("tls-watch", new HandshakeWatch(listener));
        }
        client.pipeline().addLast("http", HttpLimits.serverCodec()).addLast("proxy", new ClientHandler(session));
    }

    // --- client side ---------------------------------------------------------------------------

    void start() {
        deadline = new Deadline(client.eventLoop(), this::onTimer);
        listener.httpOpened(client);
        long now = System.nanoTime();
        headerStarted = true; // the first request's clock starts at accept, as HAProxy's does
        headerStartNanos = now;
        lastClientNanos = now;
        rearm();
    }

    private void countClientRead(int bytes) {
        listener.addBytesIn(bytes);
        if (member != null) {
            member.addBytesIn(bytes);
        }
        lastClientNanos = System.nanoTime();
        if (state == State.WAIT_HEADER && !headerStarted) {
            headerStarted = true;
            headerStartNanos = lastClientNanos;
            rearm();
        }
    }

    void fromClient(Object msg) {
        if (closed || state == State.CLOSING) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (state == State.TUNNEL) {
            tunnel(msg, memberChannel, client);
            return;
        }
        if (!held.isEmpty() || !takesClientMessages()) {
            if (held.size() >= HttpLimits.MAX_HELD) {
                ReferenceCountUtil.release(msg);
                Logger.debug("listener {}: {} pipelines more than {} messages; closing", listener.id(),
                        client.remoteAddress(), HttpLimits.MAX_HELD);
                closeNow();
                return;
            }
            held.add(msg);
            return;
        }
        handle(msg);
    }

    private boolean takesClientMessages() {
        return state == State.WAIT_HEADER || (state == State.EXCHANGE && !requestComplete);
    }

    private void handle(Object msg) {
        if (state == State.WAIT_HEADER) {
            request(msg);
        } else if (msg instanceof HttpContent content && !(msg instanceof HttpRequest)) {
            requestContent(content);
        } else {
            ReferenceCountUtil.release(msg);
            closeNow(); // a decoder never sends a header in the middle of a body
        }
    }

    private void request(Object msg) {
        if (!(msg instanceof HttpRequest request)) {
            ReferenceCountUtil.release(msg); // the rest of a message already answered
            return;
        }
        cancelTimer();
        headerStarted = false;
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            ReferenceCountUtil.release(msg);
            if (cause instanceof PrematureChannelClosureException) {
                closeAfterFlush(); // the client left in the middle of a header: nobody to answer
                return;
            }
            counters.request();
            counters.requestError();
            Logger.debug("listener {}: bad request from {}: {}", listener.id(), client.remoteAddress(),
                    cause.getMessage());
            refuse(RequestScreen.forDecodeFailure(cause));
            return;
        }
        counters.request();
        HttpResponseStatus refusal = RequestScreen.refusal(request);
        if (refusal != null) {
            ReferenceCountUtil.release(msg);
            counters.requestError();
            refuse(refusal);
            return;
        }
        L7Table.Compiled policy = route.l7().decide(request, counters); // the client's headers, before ours
        PoolRuntime pool = route.pool();
        if (policy != null) {
            L7Policy acted = policy.policy();
            switch (acted.action()) {
                case REJECT -> {
                    ReferenceCountUtil.release(msg);
                    refuse(HttpResponseStatus.FORBIDDEN);
                    return;
                }
                case REDIRECT_TO_URL, REDIRECT_PREFIX -> {
                    String location = L7Table.location(acted, request);
                    ReferenceCountUtil.release(msg);
                    redirect(acted.redirectHttpCode(), location);
                    return;
                }
                case REDIRECT_TO_POOL -> pool = policy.pool();
            }
        }
        upgradeRequested = request.headers().contains(HttpHeaderNames.UPGRADE);
        method = request.method();
        requestVersion = request.protocolVersion();
        clientKeepAlive = HttpUtil.isKeepAlive(request);
        requestComplete = false;
        responseStarted = false;
        informational = false;
        forwarded.insert(request.headers(), (InetSocketAddress) client.remoteAddress());
        MemberRuntime preferred = null;
        cookiePool = pool != null && pool.cookieName() != null ? pool : null;
        if (cookiePool != null) {
            cookieSent = PersistenceCookie.value(request, pool.cookieName());
            preferred = pool.memberByToken(cookieSent);
        }
        if (memberChannel != null && (!member.acceptsNewConnections() || memberPool != pool
                || (preferred != null && preferred != member && preferred.acceptsNewConnections()))) {
            // down, drained or removed since the last request, or another pool's: this one goes elsewhere
            dropMember();
        }
        if (memberChannel != null) {
            state = State.EXCHANGE;
            forward(request);
            rearm();
            updateClientReading();
            return;
        }
        state = State.CONNECTING;
        pendingRequest = request;
        updateClientReading();
        PoolRuntime target = pool;
        connecting = new MemberConnect(listener, route, pool, preferred, client, transport, this::memberPipeline,
                new MemberConnect.Outcome() {
                    @Override
                    public void connected(MemberRuntime chosen, Channel channel) {
                        memberPool = target;
                        memberConnected(chosen, channel);
                    }

                    @Override
                    public void failed(boolean noneUp) {
                        connecting = null;
                        Logger.debug("listener {}: {}; answering 503", listener.id(),
                                noneUp ? "no member is up" : "every member tried failed");
                        refuse(HttpResponseStatus.SERVICE_UNAVAILABLE);
                    }
                });
        connecting.start();
    }

    private void requestContent(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            Throwable cause = content.decoderResult().cause();
            content.release();
            if (cause instanceof PrematureChannelClosureException || responseStarted) {
                closeNow(); // the body was cut: the member must not take it as complete
                return;
            }
            counters.requestError();
            refuse(HttpResponseStatus.BAD_REQUEST);
            return;
        }
        forward(content);
    }

    /** Writes a request header or body piece to the member; flushes when the member must see it now. */
    private void forward(HttpObject msg) {
        boolean last = msg instanceof LastHttpContent;
        lastMemberNanos = System.nanoTime(); // the member has work: its silence counts from here
        memberChannel.write(msg, memberChannel.voidPromise());
        boolean full = !memberChannel.isWritable();
        // A header at once (a client sending Expect: 100-continue waits for the member's answer).
        if (msg instanceof HttpRequest || last || full) {
            memberChannel.flush();
        }
        if (last) {
            requestComplete = true;
        }
        if (last || full) {
            updateClientReading();
        }
    }

    void clientReadComplete() {
        if (memberChannel != null && (state == State.EXCHANGE || state == State.TUNNEL)) {
            memberChannel.flush();
        }
    }

    void clientWritabilityChanged() {
        if (client.isWritable() && memberChannel != null) {
            lastMemberNanos = System.nanoTime(); // our own pause must not count as the member's silence
            memberChannel.config().setAutoRead(true);
        }
    }

    /** The client sent FIN: answer what it asked, then close. */
    void clientInputShut() {
        clientInputShut = true;
        if (state == State.WAIT_HEADER && held.isEmpty()) {
            closeAfterFlush();
        } else if (state == State.TUNNEL && memberChannel != null) {
            // Pass the FIN on once what came before it is written; the member may still answer.
            Channel toMember = memberChannel;
            toMember.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
                if (toMember.isActive()) {
                    ((io.netty.channel.socket.DuplexChannel) toMember).shutdownOutput();
                }
            });
        }
    }

    /** Soft-stop: an idle client is closed now, a busy one after the response in progress. */
    void listenerStopping() {
        stopping = true;
        if (state == State.WAIT_HEADER && held.isEmpty()) {
            closeAfterFlush();
        }
    }

    /** A member began to drain: between requests, let go of it if it is ours (the next request goes elsewhere). */
    void memberLeaving() {
        if (state == State.WAIT_HEADER && member != null && !member.acceptsNewConnections()) {
            dropMember();
        }
    }

    void clientFailed(Throwable cause) {
        Logger.debug("listener {}: client {} failed: {}", listener.id(), client.remoteAddress(), cause.getMessage());
        client.close();
    }

    /** Once per client connection: give back the listener slot, the member and the timer. */
    void clientClosed() {
        if (closed) {
            return;
        }
        boolean tunnel = state == State.TUNNEL;
        closed = true;
        state = State.CLOSING;
        listener.release();
        listener.httpClosed(client);
        if (tunnel && memberChannel != null) {
            Channel toMember = memberChannel; // as a relay does: what the client sent still reaches the member
            memberChannel = null;
            member.connectionClosed(client);
            member = null;
            toMember.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
        cancelTimer();
        releaseHeld();
        if (connecting != null) {
            connecting.cancel();
            connecting = null;
        }
        dropMember();
    }

    /** Client reads follow the exchange: a header is awaited, or a body is wanted and the member takes it. */
    private void updateClientReading() {
        if (closed) {
            return;
        }
        boolean read = switch (state) {
            case WAIT_HEADER -> true;
            case EXCHANGE -> !requestComplete && memberChannel != null && memberChannel.isWritable();
            case TUNNEL -> memberChannel != null && memberChannel.isWritable();
            default -> false;
        };
        if (client.config().isAutoRead() != read) {
            client.config().setAutoRead(read);
        }
    }

    // --- member side ---------------------------------------------------------------------------

    private void memberPipeline(Channel channel) {
        channel.config().setRecvByteBufAllocator(new CountingRecvAllocator(this::countMemberRead));
        channel.pipeline().addLast("http", HttpLimits.clientCodec()).addLast("proxy", new MemberHandler(this));
    }

    private void countMemberRead(int bytes) {
        listener.addBytesOut(bytes);
        if (member != null) {
            member.addBytesOut(bytes);
        }
        lastMemberNanos = System.nanoTime();
    }

    private void memberConnected(MemberRuntime chosen, Channel channel) {
        connecting = null;
        member = chosen;
        memberChannel = channel;
        state = State.EXCHANGE;
        HttpRequest request = pendingRequest;
        pendingRequest = null;
        forward(request);
        drainHeld(); // what the client sent after the header, in order
        rearm();
        updateClientReading();
    }

    void fromMember(Channel channel, Object msg) {
        if (channel != memberChannel || closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
            Logger.debug("listener {}: member {} sent an invalid or cut response: {}", listener.id(), member,
                    object.decoderResult().cause().getMessage());
            ReferenceCountUtil.release(msg);
            memberBroke();
            return;
        }
        if (state == State.TUNNEL) {
            tunnel(msg, client, channel);
            return;
        }
        if (state != State.EXCHANGE) {
            ReferenceCountUtil.release(msg); // nothing was asked: a member does not speak first
            dropMember();
            return;
        }
        if (msg instanceof HttpResponse response) {
            int code = response.status().code();
            boolean switching = code == HttpResponseStatus.SWITCHING_PROTOCOLS.code();
            if (responseStarted || (switching && (!upgradeRequested || !requestComplete))) {
                ReferenceCountUtil.release(msg); // a 101 nobody asked for, or a second response header
                memberBroke();
                return;
            }
            if (switching) {
                counters.response(code);
                switchToTunnel(response);
                return;
            }
            counters.response(code);
            informational = code < 200;
            if (!informational) {
                responseStarted = true;
                memberKeepAlive = HttpUtil.isKeepAlive(response);
                keepClient = clientKeepAlive && KeepAlive.delimited(response, method) && !stopping;
                if (cookiePool != null) {
                    PersistenceCookie.set(response, cookiePool, member, cookieSent);
                }
                KeepAlive.rewrite(response.headers(), keepClient, requestVersion);
            }
        }
        boolean last = msg instanceof LastHttpContent;
        client.write(msg, client.voidPromise());
        if (last || !client.isWritable()) {
            client.flush();
        }
        if (!client.isWritable()) {
            channel.config().setAutoRead(false); // the client's writability change resumes it
        }
        if (last) {
            if (informational) {
                informational = false; // a 100 Continue: the real response follows
                return;
            }
            responseEnded();
        }
    }

    private void responseEnded() {
        state = State.WAIT_HEADER;
        if (!memberKeepAlive || !requestComplete) {
            dropMember(); // it closes, or still expects a body nobody will send
        } else {
            memberChannel.config().setAutoRead(true); // to see it close while idle
        }
        if (!keepClient || !requestComplete) {
            closeAfterFlush();
            return;
        }
        headerStarted = false;
        idleSinceNanos = System.nanoTime();
        drainHeld();
        if (state == State.WAIT_HEADER) {
            if (clientInputShut || stopping) {
                closeAfterFlush();
                return;
            }
            rearm();
            updateClientReading();
        }
    }

    /**
     * The member switched protocols: the 101 goes to the client, then both HTTP codecs leave the
     * pipelines (bytes they already read but did not decode are passed on as they are) and the
     * connection is a byte relay until either side closes, idle for the shorter data timeout.
     */
    private void switchToTunnel(HttpResponse response) {
        if (!held.isEmpty()) {
            ReferenceCountUtil.release(response); // the client did not wait for the 101: what it sent was parsed as HTTP
            closeNow();
            return;
        }
        state = State.TUNNEL;
        responseStarted = true;
        client.write(response, client.voidPromise());
        client.write(LastHttpContent.EMPTY_LAST_CONTENT, client.voidPromise());
        client.flush();
        // In this order: the member's encoder passes bytes from now on, so the client's leftovers
        // can go out through it; the member's leftovers come once the client's codec is gone.
        Channel toMember = memberChannel;
        io.netty.channel.ChannelHandlerContext memberCodec = toMember.pipeline().context("http");
        ((io.netty.handler.codec.http.HttpClientCodec) memberCodec.handler()).prepareUpgradeFrom(memberCodec);
        client.pipeline().remove("http");
        toMember.pipeline().remove("http");
        if (closed || memberChannel == null) {
            return; // one side went away while the leftovers were passed on
        }
        long now = System.nanoTime();
        lastClientNanos = now;
        lastMemberNanos = now;
        memberChannel.config().setAutoRead(client.isWritable());
        rearm();
        updateClientReading();
    }

    /** A tunnel's bytes from one side to the other, with the relay's backpressure. */
    private void tunnel(Object msg, Channel to, Channel from) {
        if (!(msg instanceof io.netty.buffer.ByteBuf) || to == null || !to.isActive()) {
            ReferenceCountUtil.release(msg); // the decoder's end of the 101, or a side already gone
            return;
        }
        to.write(msg, to.voidPromise());
        if (!to.isWritable()) {
            to.flush();
            if (!to.isWritable()) {
                from.config().setAutoRead(false); // to's writability change resumes it
            }
        }
    }

    void memberReadComplete(Channel channel) {
        if (channel == memberChannel) {
            client.flush();
        }
    }

    void memberWritabilityChanged(Channel channel) {
        if (channel == memberChannel) {
            updateClientReading();
        }
    }

    void memberFailed(Channel channel, Throwable cause) {
        if (channel == memberChannel) {
            Logger.debug("listener {}: member {} failed: {}", listener.id(), member, cause.getMessage());
        }
        channel.close(); // channelInactive follows: memberClosed decides
    }

    void memberClosed(Channel channel) {
        if (channel != memberChannel) {
            return; // a failed attempt, or a connection already let go
        }
        memberChannel = null;
        member.connectionClosed(client);
        member = null;
        if (!closed && state == State.EXCHANGE) {
            answerOrCut(HttpResponseStatus.BAD_GATEWAY);
        } else if (!closed && state == State.TUNNEL) {
            closeAfterFlush(); // what the member sent before its close still reaches the client
        }
        // Between requests: the next request chooses a member again.
    }

    /** The member broke the exchange: 502 if the client has seen nothing of the response yet. */
    private void memberBroke() {
        dropMember();
        if (state == State.EXCHANGE) {
            answerOrCut(HttpResponseStatus.BAD_GATEWAY);
        }
    }

    private void answerOrCut(HttpResponseStatus status) {
        if (responseStarted) {
            closeNow(); // in the middle of a response nothing else is honest
        } else {
            refuse(status);
        }
    }

    private void dropMember() {
        if (memberChannel == null) {
            return;
        }
        Channel channel = memberChannel;
        memberChannel = null;
        memberPool = null;
        member.connectionClosed(client);
        member = null;
        channel.close();
    }

    // --- timeouts ------------------------------------------------------------------------------

    private void rearm() {
        deadline.at(dueNanos());
    }

    private void cancelTimer() {
        if (deadline != null) {
            deadline.cancel();
        }
    }

    private static long nanos(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    /** When the current state times out; Deadline.NEVER when it cannot (a timeout of 0). */
    private long dueNanos() {
        Listener settings = route.settings();
        long clientData = settings.timeoutClientDataMs();
        long memberData = settings.timeoutMemberDataMs();
        switch (state) {
            case WAIT_HEADER:
                if (headerStarted) {
                    return headerStartNanos + nanos(settings.timeoutHttpRequestMs());
                }
                return clientData > 0 ? idleSinceNanos + nanos(clientData) : Deadline.NEVER;
            case TUNNEL:
                long idle = route.idleTimeoutMs(); // as a relayed connection: the shorter data timeout
                return idle > 0 ? Math.max(lastClientNanos, lastMemberNanos) + nanos(idle) : Deadline.NEVER;
            case EXCHANGE:
                long due = Deadline.NEVER;
                if (!requestComplete && clientData > 0) {
                    due = lastClientNanos + nanos(clientData);
                }
                if (memberData > 0) {
                    due = Math.min(due, lastMemberNanos + nanos(memberData));
                }
                return due;
            default:
                return Deadline.NEVER;
        }
    }

    private void onTimer() {
        if (closed || state == State.CLOSING || state == State.CONNECTING) {
            return;
        }
        long now = System.nanoTime();
        if (now - dueNanos() < 0) {
            rearm(); // activity moved the deadline
            return;
        }
        listener.timedOut();
        Listener settings = route.settings();
        if (state == State.TUNNEL) {
            Logger.debug("listener {}: closing an idle upgraded connection from {}", listener.id(),
                    client.remoteAddress());
            closeNow();
            return;
        }
        if (state == State.WAIT_HEADER) {
            if (headerStarted) {
                counters.requestError();
                refuse(HttpResponseStatus.REQUEST_TIMEOUT);
            } else {
                closeAfterFlush(); // an idle keep-alive client: closed without a word, as HAProxy does
            }
            return;
        }
        boolean clientStalled = !requestComplete && settings.timeoutClientDataMs() > 0
                && now - (lastClientNanos + nanos(settings.timeoutClientDataMs())) >= 0;
        Logger.debug("listener {}: {} timed out in the middle of an exchange", listener.id(),
                clientStalled ? "client " + client.remoteAddress() : "member " + member);
        if (clientStalled) {
            counters.requestError();
            answerOrCut(HttpResponseStatus.REQUEST_TIMEOUT);
        } else {
            dropMember();
            answerOrCut(HttpResponseStatus.GATEWAY_TIMEOUT);
        }
    }

    // --- the end -------------------------------------------------------------------------------

    private void drainHeld() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (!held.isEmpty() && !closed && takesClientMessages()) {
                handle(held.poll());
            }
        } finally {
            draining = false;
        }
    }

    /** Answers the client with an error of the proxy's own, then closes. */
    private void refuse(HttpResponseStatus status) {
        counters.response(status.code());
        stop();
        client.writeAndFlush(ErrorResponse.of(client.alloc(), status)).addListener(ChannelFutureListener.CLOSE);
    }

    /** An L7 policy's redirect, then the connection closes as after the proxy's other answers. */
    private void redirect(int code, String location) {
        counters.response(code);
        stop();
        client.writeAndFlush(ErrorResponse.redirect(client.alloc(), code, location))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Closes once what was written is sent (the empty write skips the HTTP encoder). */
    private void closeAfterFlush() {
        stop();
        io.netty.channel.ChannelHandlerContext codec = client.pipeline().context("http");
        (codec != null ? codec.writeAndFlush(Unpooled.EMPTY_BUFFER) : client.writeAndFlush(Unpooled.EMPTY_BUFFER))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void closeNow() {
        stop();
        client.close();
    }

    /** Nothing more is read, held or forwarded. */
    private void stop() {
        state = State.CLOSING;
        cancelTimer();
        releaseHeld();
        if (connecting != null) {
            connecting.cancel();
            connecting = null;
        }
        dropMember();
        if (!closed) {
            client.config().setAutoRead(false);
        }
    }

    private void releaseHeld() {
        Object msg;
        while ((msg = held.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
        if (pendingRequest != null) {
            ReferenceCountUtil.release(pendingRequest);
            pendingRequest = null;
        }
    }
}
