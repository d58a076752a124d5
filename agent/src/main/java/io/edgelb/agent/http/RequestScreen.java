package io.edgelb.agent.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/** Which decoded requests the proxy answers itself instead of forwarding, and with what. */
final class RequestScreen {
    private RequestScreen() {
    }

    /** The answer to a request the decoder could not read: too long a line (414) or header (431), else 400. */
    static HttpResponseStatus forDecodeFailure(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    /** The answer to a well-formed request that is not forwarded, or null to forward it. */
    static HttpResponseStatus refusal(HttpRequest request) {
        HttpVersion version = request.protocolVersion();
        if (!HttpVersion.HTTP_1_1.equals(version) && !HttpVersion.HTTP_1_0.equals(version)) {
            return HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED; // an HTTP/2 preface parses as a request line
        }
        if (HttpMethod.CONNECT.equals(request.method())) {
            return HttpResponseStatus.NOT_IMPLEMENTED; // a forward proxy's method: not ours
        }
        return null;
    }
}
