package io.edgelb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IpLiteralTest {
    @Test
    void acceptsDottedQuadsAndIpv6() {
        assertEquals("192.0.2.10", IpLiteral.parse("192.0.2.10").getHostAddress());
        assertEquals("::1", IpLiteral.format(IpLiteral.parse("::1")));
        assertEquals("::", IpLiteral.format(IpLiteral.parse("::")));
        assertEquals("2001:db8::1", IpLiteral.format(IpLiteral.parse("2001:DB8::1")));
        assertEquals("2001:db8:0:1::", IpLiteral.format(IpLiteral.parse("2001:db8:0:1:0:0:0:0")));
        assertEquals("2001:0:0:1::1", IpLiteral.format(IpLiteral.parse("2001:0:0:1:0:0:0:1")));
        assertEquals("2001:db8:1:1:1:1:0:1", IpLiteral.format(IpLiteral.parse("2001:db8:1:1:1:1:0:1")));
    }

    @Test
    void rejectsHostNamesShortFormsAndLeadingZeros() {
        for (String bad : new String[] {"localhost", "10.1", "1.2.3", "192.0.2.1O", "192.0.2.256", "01.2.3.4",
                "1.2.3.4.5", "", " 1.2.3.4", "fe80::1%eth0", "[::1]", ":::", "1.2.3.-4"}) {
            assertNull(IpLiteral.tryParse(bad), bad);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpLiteral.parse("web1"));
        assertEquals("'web1' is not an IPv4 or IPv6 address", e.getMessage());
    }

    @Test
    void hostPortBracketsIpv6() {
        assertEquals("[::1]:8089", HostPort.parse("[::1]:8089").toString());
        assertEquals("127.0.0.1:8089", HostPort.parse("127.0.0.1:8089").toString());
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("::1:8089"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("127.0.0.1:0"));
        assertThrows(IllegalArgumentException.class, () -> HostPort.parse("127.0.0.1"));
        assertFalse(HostPort.parse("192.0.2.1:80").address().isLoopbackAddress());
        assertTrue(HostPort.parse("[::1]:80").address().isLoopbackAddress());
    }
}
