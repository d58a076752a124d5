package io.edgelb.agent.http;

import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/**
 * The bounds of the HTTP proxy, in one place. A request or response header is held whole while it
 * is parsed, so it is bounded (HAProxy's tune.bufsize is 16 KiB); bodies only ever pass through
 * in pieces of at most {@link #MAX_CHUNK} bytes.
 */
final class HttpLimits {
    /** Request or status line: longer is 414 (request) or 502 (response). */
    static final int MAX_INITIAL_LINE = 8 * 1024;
    /** All header lines of one message: more is 431 (request) or 502 (response). */
    static final int MAX_HEADER_SIZE = 16 * 1024;
    /** Largest body piece handed on at once. */
    static final int MAX_CHUNK = 8 * 1024;
    /**
     * Decoded client messages held while a request is being answered (pipelined requests, bodies
     * decoded from the same read): one read's worth at most, unless a client pipelines tiny
     * requests by the hundred; then it is closed rather than queued without end.
     */
    static final int MAX_HELD = 64;

    private HttpLimits() {
    }

    private static HttpDecoderConfig decoderConfig() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_INITIAL_LINE)
                .setMaxHeaderSize(MAX_HEADER_SIZE)
                .setMaxChunkSize(MAX_CHUNK);
    }

    static HttpServerCodec serverCodec() {
        return new HttpServerCodec(decoderConfig());
    }

    static HttpClientCodec clientCodec() {
        return new HttpClientCodec(decoderConfig(), false, false);
    }
}
