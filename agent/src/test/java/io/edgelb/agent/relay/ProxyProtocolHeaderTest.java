package io.edgelb.agent.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The text of the version 1 line: addresses as RFC 5952 writes them, as members log and compare them. */
class ProxyProtocolHeaderTest {
    private static String text(String literal) throws Exception {
        return ProxyProtocolHeader.text(InetAddress.getByName(literal));
    }

    @Test
    void ipv6AddressesAreCanonical() throws Exception {
        assertEquals("2001:db8:1::2", text("2001:db8:1:0:0:0:0:2"));
        assertEquals("2001:db8::1:0:0:1", text("2001:0db8:0:0:1:0:0:1")); // the first of two equal runs
        assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8:0:1:1:1:1:1")); // one zero group stays
        assertEquals("2001:db8:0:1::1", text("2001:db8:0:1:0:0:0:1")); // the longest run wins
        assertEquals("::1", text("::1"));
        assertEquals("::", text("::"));
        assertEquals("fe80::", text("fe80:0:0:0:0:0:0:0"));
        assertEquals("2001:db8:abcd:12::ff", text("2001:DB8:ABCD:0012:0:0:0:00FF"));
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1};
        assertEquals("::ffff:192.0.2.1", ProxyProtocolHeader.text(Inet6Address.getByAddress(null, mapped, -1)));
        assertEquals("fe80::1", text("fe80::1%1"));
    }

    @Test
    void theVersionOneLineUsesTheCanonicalForm() throws Exception {
        InetSocketAddress source = new InetSocketAddress(InetAddress.getByName("2001:db8:1:0:0:0:0:2"), 51234);
        InetSocketAddress destination = new InetSocketAddress(InetAddress.getByName("2001:db8:0:0:0:0:0:1"), 443);
        ByteBuf line = ProxyProtocolHeader.v1(UnpooledByteBufAllocator.DEFAULT, source, destination);
        try {
            assertEquals("PROXY TCP6 2001:db8:1::2 2001:db8::1 51234 443\r\n", line.toString(StandardCharsets.US_ASCII));
        } finally {
            line.release();
        }
    }

    @Test
    void aMixedPairIsWrittenAsMappedIpv6() throws Exception {
        InetSocketAddress source = new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 1000);
        InetSocketAddress destination = new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 80);
        ByteBuf line = ProxyProtocolHeader.v1(UnpooledByteBufAllocator.DEFAULT, source, destination);
        try {
            assertEquals("PROXY TCP6 ::ffff:192.0.2.7 2001:db8::1 1000 80\r\n", line.toString(StandardCharsets.US_ASCII));
        } finally {
            line.release();
        }
    }
}
