package io.edgelb.agent.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The answers the proxy gives itself (400, 408, 431, 501, 502, 503, 504...): a one-line text/plain
 * body that says it came from edgelb, never a stack trace, and Connection: close, after which the
 * client connection is closed.
 */
final class ErrorResponse {
    private ErrorResponse() {
    }

    static FullHttpResponse of(ByteBufAllocator alloc, HttpResponseStatus status) {
        byte[] text = ("edgelb: " + status.code() + " " + status.reasonPhrase() + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuf body = alloc.buffer(text.length).writeBytes(text);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .set(HttpHeaderNames.CONTENT_LENGTH, text.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        return response;
    }

    /** An L7 policy's redirect: the validated target as Location, an edgelb body, Connection: close. */
    static FullHttpResponse redirect(ByteBufAllocator alloc, int code, String location) {
        FullHttpResponse response = of(alloc, HttpResponseStatus.valueOf(code));
        response.headers().set(HttpHeaderNames.LOCATION, location);
        return response;
    }
}
