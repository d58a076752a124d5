package io.edgelb.agent.relay;

import io.edgelb.model.IpLiteral;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes the PROXY protocol header (HAProxy's spec, versions 1 and 2) that tells a member who the
 * client really is. A dual-stack listener sees IPv4 clients as {@code ::ffff:a.b.c.d}; such
 * addresses are written as IPv4, as HAProxy does, so members see the address the client used.
 */
public final class ProxyProtocolHeader {
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int V2_PROXY_COMMAND = 0x21; // version 2, PROXY
    private static final int V2_LOCAL_COMMAND = 0x20; // version 2, LOCAL
    private static final int V2_UNSPEC = 0x00;
    private static final int V2_TCP4 = 0x11;
    private static final int V2_TCP6 = 0x21;

    private ProxyProtocolHeader() {
    }

    /** {@code PROXY TCP4 203.0.113.7 198.51.100.1 51234 80\r\n}. */
    public static ByteBuf v1(ByteBufAllocator alloc, InetSocketAddress source, InetSocketAddress destination) {
        InetAddress src = unmapped(source.getAddress());
        InetAddress dst = unmapped(destination.getAddress());
        boolean v4 = src instanceof Inet4Address && dst instanceof Inet4Address;
        if (!v4) {
            src = toV6(src);
            dst = toV6(dst);
        }
        String line = "PROXY " + (v4 ? "TCP4 " : "TCP6 ") + text(src) + " " + text(dst) + " "
                + source.getPort() + " " + destination.getPort() + "\r\n";
        return alloc.buffer(line.length()).writeBytes(line.getBytes(StandardCharsets.US_ASCII));
    }

    /** The binary header: signature, PROXY command, TCP over IPv4 or IPv6, addresses and ports. */
    public static ByteBuf v2(ByteBufAllocator alloc, InetSocketAddress source, InetSocketAddress destination) {
        InetAddress src = unmapped(source.getAddress());
        InetAddress dst = unmapped(destination.getAddress());
        boolean v4 = src instanceof Inet4Address && dst instanceof Inet4Address;
        byte[] srcBytes = v4 ? src.getAddress() : toV6(src).getAddress();
        byte[] dstBytes = v4 ? dst.getAddress() : toV6(dst).getAddress();
        int addressLength = srcBytes.length * 2 + 4;
        ByteBuf out = alloc.buffer(16 + addressLength);
        out.writeBytes(V2_SIGNATURE);
        out.writeByte(V2_PROXY_COMMAND);
        out.writeByte(v4 ? V2_TCP4 : V2_TCP6);
        out.writeShort(addressLength);
        out.writeBytes(srcBytes);
        out.writeBytes(dstBytes);
        out.writeShort(source.getPort());
        out.writeShort(destination.getPort());
        return out;
    }

    /**
     * The canonical text of an address (RFC 5952 for IPv6: lower case, no leading zeros, the longest
     * run of two or more zero groups as {@code ::}, the first on a tie; an IPv4-mapped address as
     * {@code ::ffff:a.b.c.d}), without a scope, which the spec does not allow. Java's
     * getHostAddress() writes every group ({@code 2001:db8:1:0:0:0:0:2}).
     */
    static String text(InetAddress address) {
        return IpLiteral.format(address);
    }

    /**
     * The version 2 header of a connection the proxy makes on its own behalf, a health check: the
     * LOCAL command, no addresses. The spec asks receivers to accept it and use the real endpoints.
     */
    public static ByteBuf v2Local(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(16);
        out.writeBytes(V2_SIGNATURE);
        out.writeByte(V2_LOCAL_COMMAND);
        out.writeByte(V2_UNSPEC);
        out.writeShort(0);
        return out;
    }

    static InetAddress unmapped(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            for (int i = 0; i < 10; i++) {
                if (b[i] != 0) {
                    return address;
                }
            }
            if (b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException impossible) {
                    return address;
                }
            }
        }
        return address;
    }

    private static InetAddress toV6(InetAddress address) {
        if (address instanceof Inet6Address) {
            return address;
        }
        byte[] v4 = address.getAddress();
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(v4, 0, mapped, 12, 4);
        try {
            return Inet6Address.getByAddress(null, mapped, -1);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
