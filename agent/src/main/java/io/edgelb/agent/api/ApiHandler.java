package io.edgelb.agent.api;

import com.eclipsesource.json.Json;
import com.eclipsesource.json.JsonObject;
import io.edgelb.model.secret.ApiToken;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tinylog.Logger;

/**
 * Routes the local API: reads for anyone who can reach it (loopback by default), writes only from
 * loopback and with the token — as {@code Authorization: Bearer TOKEN}, as the password of HTTP
 * basic auth, or as the whole request body. The body form is for OpenWrt's uclient-fetch, which
 * sends basic auth only after a 401 and never retries a POST, and on older releases cannot add
 * headers: {@code uclient-fetch --post-file=/var/run/edgelb/api.token} keeps the token off the
 * command line.
 *
 * <p>Pipelined requests are answered in the order they came, each when its turn is done; after a
 * request with {@code Connection: close} nothing more is read.
 */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** Named in every 404, so a user who tries the API's root learns what there is. */
    static final String ENDPOINTS = "GET /api/status, GET /api/history, GET /metrics, POST /api/reload, "
            + "POST /api/members/ID/drain, POST /api/members/ID/enable";
    private static final Pattern MEMBER_ACTION = Pattern.compile("/api/members/([A-Za-z0-9_:.\\-]+)/(drain|enable)");
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** A token file holds 64 hex digits and a newline; a body much longer is not a token. */
    private static final int MAX_TOKEN_BODY = 256;

    /** Requests answered or waiting on one connection before it stops being read. */
    private static final int MAX_PIPELINED = 8;

    private final AgentControl agent;
    private final ApiToken token;
    // Event loop of this connection only (the handler is per connection):
    private final java.util.ArrayDeque<Answer> queued = new java.util.ArrayDeque<>();
    private boolean closing;

    private record Answer(CompletableFuture<FullHttpResponse> response, boolean keepAlive) {
    }

    ApiHandler(AgentControl agent, ApiToken token) {
        this.agent = agent;
        this.token = token;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (closing) {
            return; // after a request that said Connection: close, nothing more is read (RFC 9112 9.6)
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        CompletableFuture<FullHttpResponse> response;
        if (request.decoderResult().isFailure()) {
            // What netty could not decode is answered, never served: the request is not what it seems.
            keepAlive = false;
            response = CompletableFuture.completedFuture(undecodable(request.decoderResult().cause()));
        } else {
            response = answer(ctx, request);
        }
        closing = !keepAlive;
        queued.addLast(new Answer(response, keepAlive));
        if (queued.size() >= MAX_PIPELINED) {
            ctx.channel().config().setAutoRead(false); // back-pressure: a client that never reads stops being read
        }
        response.whenComplete((r, e) -> ctx.executor().execute(() -> flushInOrder(ctx)));
    }

    /** Event loop: a pipelined request is answered after every request before it (RFC 9112 9.3.2). */
    private void flushInOrder(ChannelHandlerContext ctx) {
        while (!queued.isEmpty() && queued.peekFirst().response().isDone()) {
            Answer next = queued.removeFirst();
            FullHttpResponse response;
            try {
                response = next.response().join();
            } catch (RuntimeException failure) {
                Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                response = error(HttpResponseStatus.INTERNAL_SERVER_ERROR, String.valueOf(cause.getMessage()));
            }
            reply(ctx, next.keepAlive(), response);
            if (!next.keepAlive()) {
                queued.clear();
                return;
            }
        }
        if (queued.size() < MAX_PIPELINED && !closing && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private static FullHttpResponse undecodable(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return error(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers too large");
        }
        if (cause instanceof TooLongHttpLineException) {
            return error(HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
        }
        return error(HttpResponseStatus.BAD_REQUEST, "malformed request: " + cause.getClass().getSimpleName());
    }

    private CompletableFuture<FullHttpResponse> answer(ChannelHandlerContext ctx, FullHttpRequest request) {
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        HttpMethod method = request.method();
        if (path.equals("/api/status") || path.equals("/metrics") || path.equals("/api/history")) {
            if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
                return done(error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET"));
            }
            return done(path.equals("/metrics")
                    ? text(HttpResponseStatus.OK, PROMETHEUS_TEXT, agent.metrics())
                    : json(HttpResponseStatus.OK, path.equals("/api/history") ? agent.history() : agent.status()));
        }
        Matcher member = MEMBER_ACTION.matcher(path);
        boolean isReload = path.equals("/api/reload");
        if (!member.matches() && !isReload) {
            return done(error(HttpResponseStatus.NOT_FOUND, "no such endpoint: " + path + " (" + ENDPOINTS + ")"));
        }
        if (!method.equals(HttpMethod.POST)) {
            return done(error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST"));
        }
        FullHttpResponse denied = authorize(ctx, request);
        if (denied != null) {
            return done(denied);
        }
        if (isReload) {
            Logger.info("reload requested through the API");
            return agent.reload().thenApply(outcome -> json(
                    outcome.getBoolean("ok", false) ? HttpResponseStatus.OK : HttpResponseStatus.UNPROCESSABLE_ENTITY,
                    outcome));
        }
        String id = member.group(1);
        boolean drain = member.group(2).equals("drain");
        return agent.setDrained(id, drain).thenApply(found -> found
                ? json(HttpResponseStatus.OK, Json.object().add("member", id).add("drained", drain))
                : error(HttpResponseStatus.NOT_FOUND, "no member '" + id + "'"));
    }

    private static CompletableFuture<FullHttpResponse> done(FullHttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    /** Null when the caller may write; else the refusal to send. */
    private FullHttpResponse authorize(ChannelHandlerContext ctx, FullHttpRequest request) {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        if (remote == null || !remote.getAddress().isLoopbackAddress()) {
            return error(HttpResponseStatus.FORBIDDEN, "changes are accepted from loopback only");
        }
        String presented = presentedToken(request.headers().get(HttpHeaderNames.AUTHORIZATION));
        if (presented == null && request.content().readableBytes() <= MAX_TOKEN_BODY) {
            presented = request.content().toString(StandardCharsets.US_ASCII).trim();
        }
        if (!token.matches(presented)) {
            FullHttpResponse response = error(HttpResponseStatus.UNAUTHORIZED,
                    "a valid token is required (Authorization: Bearer TOKEN, or the token as the body;"
                            + " see api_token_file)");
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"edgelb\"");
            return response;
        }
        return null;
    }

    static String presentedToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon < 0 ? null : decoded.substring(colon + 1);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private static void reply(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
        HttpUtil.setContentLength(response, response.content().readableBytes());
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static FullHttpResponse json(HttpResponseStatus status, JsonObject body) {
        return text(status, "application/json", body.toString() + "\n");
    }

    private static FullHttpResponse error(HttpResponseStatus status, String message) {
        return json(status, Json.object().add("error", message));
    }

    private static FullHttpResponse text(HttpResponseStatus status, String contentType, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Logger.debug("api connection failed: {}", cause.getMessage());
        ctx.close();
    }
}
