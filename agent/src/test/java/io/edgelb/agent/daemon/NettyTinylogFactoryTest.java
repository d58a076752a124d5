package io.edgelb.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Netty's messages reach tinylog whole, whatever braces they contain. */
class NettyTinylogFactoryTest {
    @Test
    void bracesInANettyMessageAreNotTinylogPatterns() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        InternalLoggerFactory previous = InternalLoggerFactory.getDefaultFactory();
        try {
            System.setOut(capture);
            System.setErr(capture);
            InternalLoggerFactory.setDefaultFactory(new NettyTinylogFactory());
            InternalLogger logger = InternalLoggerFactory.getInstance("io.netty.test");
            logger.warn("sun.misc.Unsafe.{int,long} access: {}", "unavailable");
            logger.warn("two: {} and {} then {literal}", "a", "b");
        } finally {
            System.setOut(out);
            System.setErr(err);
            InternalLoggerFactory.setDefaultFactory(previous);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("LOGGER WARN"), text);
        assertTrue(text.contains("netty: sun.misc.Unsafe.{int,long} access: unavailable"), text);
        assertTrue(text.contains("netty: two: a and b then {literal}"), text);
    }

    @Test
    void placeholdersAreFilledInOrderAndSurplusArgumentsIgnored() {
        assertEquals("x=1 y={} z", NettyTinylogFactory.format("x={} y=\\{} z", new Object[] {1, 2}));
        assertEquals("no args {}", NettyTinylogFactory.format("no args {}", new Object[0]));
        assertEquals("[a, b]", NettyTinylogFactory.format("{}", new Object[] {new Object[] {"a", "b"}}));
    }
}
