package io.edgelb.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StatusLineTest {

    @Test
    void readsTheCodeOfHttp1StatusLines() {
        assertEquals(200, StatusLine.code("HTTP/1.1 200 OK"));
        assertEquals(503, StatusLine.code("HTTP/1.0 503 Service Unavailable"));
        assertEquals(204, StatusLine.code("HTTP/1.1 204"));
        assertEquals(302, StatusLine.code("HTTP/1.1 302 "));
    }

    @Test
    void rejectsWhatIsNotAStatusLine() {
        assertEquals(-1, StatusLine.code(""));
        assertEquals(-1, StatusLine.code("SSH-2.0-OpenSSH_9.6"));
        assertEquals(-1, StatusLine.code("HTTP/1.1 20 OK"));
        assertEquals(-1, StatusLine.code("HTTP/1.1 2000 OK"));
        assertEquals(-1, StatusLine.code("HTTP/1.1  200 OK"));
        assertEquals(-1, StatusLine.code("HTTP/2 200"));
        assertEquals(-1, StatusLine.code("HTTP/1.1 099 Low"));
        assertEquals(-1, StatusLine.code("http/1.1 200 OK"));
    }

    @Test
    void quotesOnlyAShortPrintablePrefix() {
        assertEquals("a?b", StatusLine.quote("a\u0001b"));
        assertEquals("x".repeat(40) + "...", StatusLine.quote("x".repeat(100)));
    }
}
