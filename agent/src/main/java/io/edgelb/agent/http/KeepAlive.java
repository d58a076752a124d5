package io.edgelb.agent.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Whether a client connection can outlive a response, and what its Connection header then says.
 * Connection is hop-by-hop: the client is told what the agent will do with its connection, not
 * what the member does with the member connection.
 */
final class KeepAlive {
    private KeepAlive() {
    }

    /** Whether the client can tell where the body ends without the connection closing. */
    static boolean delimited(HttpResponse response, HttpMethod method) {
        int code = response.status().code();
        return HttpUtil.isContentLengthSet(response) || HttpUtil.isTransferEncodingChunked(response)
                || HttpMethod.HEAD.equals(method) || code == 204 || code == 304;
    }

    /** Rewrites Connection (and drops the member's Keep-Alive) for a client of requestVersion. */
    static void rewrite(HttpHeaders headers, boolean keepClient, HttpVersion requestVersion) {
        headers.remove(HttpHeaderNames.KEEP_ALIVE);
        if (!keepClient) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (HttpVersion.HTTP_1_0.equals(requestVersion)) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else {
            headers.remove(HttpHeaderNames.CONNECTION);
        }
    }
}
