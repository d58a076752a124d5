package io.edgelb.agent.http;

import io.edgelb.model.ForwardedHeader;
import io.edgelb.model.IpLiteral;
import io.edgelb.model.Listener;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Octavia's insert_headers, as its HAProxy driver writes them: X-Forwarded-For appends the client
 * (as {@code option forwardfor} does; earlier proxies' entries are kept), X-Forwarded-Port and
 * X-Forwarded-Proto replace whatever the client sent (set-header), so a client cannot forge them.
 */
final class ForwardedHeaders {
    private final boolean forwardedFor;
    private final String port;
    /** "http" or "https" (a TERMINATED_HTTPS listener), or null when not inserted. */
    private final String proto;

    private ForwardedHeaders(boolean forwardedFor, String port, String proto) {
        this.forwardedFor = forwardedFor;
        this.port = port;
        this.proto = proto;
    }

    /** What one client connection inserts; the port is the one it reached (the listener's). */
    static ForwardedHeaders of(Listener settings, InetSocketAddress local) {
        return new ForwardedHeaders(settings.inserts(ForwardedHeader.X_FORWARDED_FOR),
                settings.inserts(ForwardedHeader.X_FORWARDED_PORT) ? Integer.toString(local.getPort()) : null,
                settings.inserts(ForwardedHeader.X_FORWARDED_PROTO) ? (settings.isTls() ? "https" : "http") : null);
    }

    void insert(HttpHeaders headers, InetSocketAddress client) {
        if (forwardedFor) {
            String name = ForwardedHeader.X_FORWARDED_FOR.headerName();
            List<String> earlier = headers.getAll(name);
            String address = clientAddress(client.getAddress());
            headers.set(name, earlier.isEmpty() ? address : String.join(", ", earlier) + ", " + address);
        }
        if (port != null) {
            headers.set(ForwardedHeader.X_FORWARDED_PORT.headerName(), port);
        }
        if (proto != null) {
            headers.set(ForwardedHeader.X_FORWARDED_PROTO.headerName(), proto);
        }
    }

    /** IPv6 without brackets or scope; a v4-mapped address (a dual-stack listener's IPv4 client) as IPv4. */
    static String clientAddress(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                return (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
            }
        }
        return address instanceof Inet4Address ? address.getHostAddress() : IpLiteral.format(address);
    }
}
