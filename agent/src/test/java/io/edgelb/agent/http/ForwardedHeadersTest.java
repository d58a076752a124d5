package io.edgelb.agent.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ForwardedHeadersTest {
    @Test
    void clientAddressesAreWrittenAsMembersExpectThem() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1};
        assertEquals("192.0.2.1", ForwardedHeaders.clientAddress(Inet6Address.getByAddress(null, mapped, -1)));
        assertEquals("192.0.2.1", ForwardedHeaders.clientAddress(InetAddress.getByName("192.0.2.1")));
        assertEquals("2001:db8::1", ForwardedHeaders.clientAddress(InetAddress.getByName("2001:db8:0:0:0:0:0:1")));
        assertEquals("fe80::1", ForwardedHeaders.clientAddress(Inet6Address.getByAddress(null,
                InetAddress.getByName("fe80::1").getAddress(), 3)), "no scope");
    }
}
