package io.edgelb.model;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** An IP literal and a port, written {@code 127.0.0.1:8089} or {@code [::1]:8089}. */
public record HostPort(InetAddress address, int port) {

    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not ADDRESS:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("'" + text + "': write an IPv6 address in brackets, [::1]:8089");
        }
        InetAddress address = IpLiteral.tryParse(host);
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "': '" + host + "' is not an IP address");
        }
        String portText = text.substring(colon + 1);
        int port = Numbers.parseInt(portText, -1);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "': port '" + portText + "' is not in 1-65535");
        }
        return new HostPort(address, port);
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(address, port);
    }

    @Override
    public String toString() {
        return IpLiteral.forHostPort(address) + ":" + port;
    }
}
