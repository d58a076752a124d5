package io.edgelb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void matchesIpv4AndIpv6Networks() throws Exception {
        Cidr v4 = Cidr.parse("198.51.100.0/24");
        assertTrue(v4.contains(InetAddress.getByName("198.51.100.77")));
        assertFalse(v4.contains(InetAddress.getByName("198.51.101.1")));
        assertFalse(v4.contains(InetAddress.getByName("2001:db8::1")));

        Cidr v6 = Cidr.parse("2001:db8::/32");
        assertTrue(v6.contains(InetAddress.getByName("2001:db8:ffff::1")));
        assertFalse(v6.contains(InetAddress.getByName("2001:db9::1")));
        assertEquals("2001:db8::/32", v6.toString());
    }

    @Test
    void ipv4MappedClientsMatchIpv4Networks() throws Exception {
        // A dual-stack socket may report an IPv4 client as ::ffff:a.b.c.d.
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = (byte) 203;
        mapped[13] = 0;
        mapped[14] = 113;
        mapped[15] = 9;
        InetAddress address = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertTrue(Cidr.parse("203.0.113.0/24").contains(address));
    }

    @Test
    void bareAddressIsAHostRouteAndZeroPrefixMatchesAll() throws Exception {
        assertTrue(Cidr.parse("192.0.2.7").contains(InetAddress.getByName("192.0.2.7")));
        assertFalse(Cidr.parse("192.0.2.7").contains(InetAddress.getByName("192.0.2.8")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.1")));
        assertTrue(Cidr.parse("::/0").contains(InetAddress.getByName("2001:db8::1")));
    }

    @Test
    void rejectsHostBitsAndBadPrefixes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse("192.0.2.1/24"));
        assertEquals("'192.0.2.1/24' has host bits set (did you mean 192.0.2.0/24?)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("192.0.2.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("192.0.2.0/"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("192.0.2.0/-1"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.net/24"));
    }
}
