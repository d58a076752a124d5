package io.edgelb.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedFileTest {
    @TempDir
    Path dir;

    @Test
    void readsARegularFileAndASymlinkToOne() throws Exception {
        Path file = Files.write(dir.resolve("edgelb"), new byte[] {'o', 'k'});
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        assertArrayEquals(new byte[] {'o', 'k'}, BoundedFile.read(file, 2));
        assertArrayEquals(new byte[] {'o', 'k'}, BoundedFile.read(link, 2));
    }

    @Test
    void refusesAFileOverTheLimitNamingIt() throws Exception {
        Path file = Files.write(dir.resolve("edgelb"), new byte[101]);
        IOException e = assertThrows(IOException.class, () -> BoundedFile.read(file, 100));
        assertEquals(file + " is 101 bytes, more than the limit of 100 bytes (100 bytes); refused", e.getMessage());
    }

    @Test
    void refusesDevZeroThroughASymlinkWithoutReadingIt() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("edgelb"), Path.of("/dev/zero"));
        IOException e = assertThrows(IOException.class, () -> BoundedFile.read(link, 4 << 20));
        assertTrue(e.getMessage().startsWith(link + " is not a regular file"), e.getMessage());
    }

    @Test
    void refusesAFifoWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        IOException e = assertThrows(IOException.class, () -> BoundedFile.read(fifo, 100));
        assertEquals(fifo + " is not a regular file (a FIFO, socket or device); refused", e.getMessage());
    }

    @Test
    void refusesADirectoryAndReportsAMissingFile() {
        IOException e = assertThrows(IOException.class, () -> BoundedFile.read(dir, 100));
        assertTrue(e.getMessage().contains("a directory"), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> BoundedFile.read(dir.resolve("none"), 100));
    }

    @Test
    void printableEscapesControlCharactersOntoOneLine() {
        assertEquals("a\\nb:1: forged\\r\\x1b[31m\\x00\\u2028", Printable.escape("a\nb:1: forged\r\u001b[31m\0\u2028"));
        assertEquals("plain 'value' é", Printable.escape("plain 'value' é"));
        assertFalse(Printable.hasControl(Printable.escape("x\n\u0085y")));
        String cut = Printable.line("head " + "x".repeat(1_000_000) + " tail", 500);
        assertTrue(cut.length() < 560, cut);
        assertTrue(cut.startsWith("head xxx") && cut.endsWith("xxx tail"), cut);
        assertTrue(cut.contains("… (999510 more bytes) …"), cut);
        assertEquals("abc… (3 more bytes)", Printable.capped("abcdef", 3));
    }
}
