package io.edgelb.model;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IP address literals without ever touching DNS.
 *
 * <p>{@link InetAddress#getByName} would resolve a typo such as {@code 192.0.2.1O} through the
 * resolver and accepts BSD short forms such as {@code 10.1}; configuration must reject both.
 */
public final class IpLiteral {
    private IpLiteral() {
    }

    /** Returns the address, or throws {@link IllegalArgumentException} naming the bad text. */
    public static InetAddress parse(String text) {
        InetAddress address = tryParse(text);
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
        }
        return address;
    }

    /** Returns the address, or null when the text is not an IP literal. */
    public static InetAddress tryParse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') >= 0) {
            return parseV6(text);
        }
        byte[] bytes = parseV4(text);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            return null;
        }
    }

    public static boolean isValid(String text) {
        return tryParse(text) != null;
    }

    /** Strict dotted quad: four decimal parts 0-255, no leading zeros (they mean octal to some tools). */
    static byte[] parseV4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return null;
            }
            int value = 0;
            for (int j = 0; j < part.length(); j++) {
                char c = part.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                value = value * 10 + (c - '0');
            }
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    private static InetAddress parseV6(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
            if (!ok) {
                return null; // also rejects zone ids (%eth0) and brackets
            }
        }
        try {
            // A string with ':' is only ever treated as an IPv6 literal by the JDK, never looked up.
            InetAddress address = InetAddress.getByName(text);
            return address instanceof Inet6Address || address instanceof Inet4Address ? address : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The address as it should be written in URLs and host:port pairs ({@code [::1]} for IPv6). */
    public static String forHostPort(InetAddress address) {
        String text = format(address);
        return address instanceof Inet6Address ? "[" + text + "]" : text;
    }

    /**
     * The address as operators write it: dotted quad, or IPv6 in RFC 5952 form ({@code 2001:db8::1},
     * where the JDK prints {@code 2001:db8:0:0:0:0:0:1}; an IPv4-mapped address as
     * {@code ::ffff:a.b.c.d}), never with a scope.
     */
    public static String format(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
                && groups[5] == 0xffff) { // IPv4-mapped: mixed notation (RFC 5952 section 5)
            return "::ffff:" + (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
