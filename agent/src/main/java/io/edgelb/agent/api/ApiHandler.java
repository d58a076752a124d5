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
 */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** Named in every 404, so a user who tries the API's root learns what there is. */
    static final String ENDPOINTS = "GET /api/status, GET /api/history, GET /metrics, POST /api/reload, "
            + "POST /api/members/ID/drain, POST /api/members/ID/enable";
    private static final Pattern MEMBER_ACTION = Pattern.compile("/api/members/([A-Za-z0-9_:.\\-]+)/(drain|enable)");
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** A token file holds 64 hex digits and a newline; a body much longer is not a token. */
    private static final int MAX_TOKEN_BODY = 256;

    private final AgentControl agent;
    private final ApiToken token;

    ApiHandler(AgentControl agent, ApiToken token) {
        this.agent = agent;
        this.token = token;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String path = request.uri();
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        HttpMethod method = request.method();
        if (path.equals("/api/status") || path.equals("/metrics") || path.equals("/api/history")) {
            if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)) {
                reply(ctx, keepAlive, error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET"));
                return;
            }
            reply(ctx, keepAlive, path.equals("/metrics")
                    ? text(HttpResponseStatus.OK, PROMETHEUS_TEXT, agent.metrics())
                    : json(HttpResponseStatus.OK, path.equals("/api/history") ? agent.history() : agent.status()));
            return;
        }
        Matcher member = MEMBER_ACTION.matcher(path);
        boolean isReload = path.equals("/api/reload");
        if (!member.matches() && !isReload) {
            reply(ctx, keepAlive, error(HttpResponseStatus.NOT_FOUND, "no such endpoint: " + path + " (" + ENDPOINTS + ")"));
            return;
        }
        if (!method.equals(HttpMethod.POST)) {
            reply(ctx, keepAlive, error(HttpResponseStatus.METHOD_NOT_ALLOWED, "use POST"));
            return;
        }
        FullHttpResponse denied = authorize(ctx, request);
        if (denied != null) {
            reply(ctx, keepAlive, denied);
            return;
        }
        if (isReload) {
            Logger.info("reload requested through the API");
            respondLater(ctx, keepAlive, agent.reload().thenApply(outcome -> json(
                    outcome.getBoolean("ok", false) ? HttpResponseStatus.OK : HttpResponseStatus.UNPROCESSABLE_ENTITY,
                    outcome)));
            return;
        }
        String id = member.group(1);
        boolean drain = member.group(2).equals("drain");
        respondLater(ctx, keepAlive, agent.setDrained(id, drain).thenApply(found -> found
                ? json(HttpResponseStatus.OK, Json.object().add("member", id).add("drained", drain))
                : error(HttpResponseStatus.NOT_FOUND, "no member '" + id + "'")));
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

    private static void respondLater(ChannelHandlerContext ctx, boolean keepAlive,
                                     CompletableFuture<FullHttpResponse> pending) {
        pending.whenComplete((response, failure) -> ctx.executor().execute(() -> reply(ctx, keepAlive,
                failure == null ? response
                        : error(HttpResponseStatus.INTERNAL_SERVER_ERROR, String.valueOf(failure.getMessage())))));
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
