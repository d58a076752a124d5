package io.edgelb.agent.http;

import io.edgelb.agent.pool.MemberRuntime;
import io.edgelb.agent.pool.PoolRuntime;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;

/**
 * HTTP_COOKIE session persistence: the request's {@code EDGELB_<pool>} cookie names its member by
 * an opaque token; a response from a member other than the one named gets
 * {@code Set-Cookie: EDGELB_<pool>=<token>; Path=/; HttpOnly}. The client's cookie is hostile: an
 * unknown token is ignored (the balancer chooses).
 */
final class PersistenceCookie {
    private PersistenceCookie() {
    }

    /** The value of the named cookie in the request, or null. */
    static String value(HttpRequest request, String name) {
        for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(header)) { // bounded by the header limit
                if (cookie.name().equals(name)) {
                    return cookie.value();
                }
            }
        }
        return null;
    }

    static void set(HttpResponse response, PoolRuntime pool, MemberRuntime member, String sent) {
        String token = member == null ? null : pool.tokenOf(member);
        if (token != null && !token.equals(sent)) {
            response.headers().add(HttpHeaderNames.SET_COOKIE, pool.cookieName() + "=" + token + "; Path=/; HttpOnly");
        }
    }
}
