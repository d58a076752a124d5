package io.edgelb.uci.edgelb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgelb.model.ConfigLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are large, strange or built to forge messages: issue 10 §1 (agent side) and §2. */
class HostileConfigTest {
    private static final String FILE = "/etc/config/edgelb";

    @TempDir
    Path dir;

    private static List<String> messages(byte[] content) {
        return EdgelbConfigLoader.load(FILE, content).messages();
    }

    private static List<String> messages(String text) {
        return EdgelbConfigLoader.load(FILE, text).messages();
    }

    @Test
    void aParseErrorInACrOnlyFileNamesLineOne() {
        assertEquals(List.of(FILE + ":1: Parse error (too many arguments) at line 1, byte 22"),
                messages("config agent\r\tbogus x\r"));
    }

    @Test
    void aNulOrAUtf16ByteOrderMarkInLineOneNamesLineOne() {
        List<String> nul = messages("config agent 'ma\0in'\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(1, nul.size(), nul.toString());
        assertTrue(nul.get(0).startsWith(FILE + ":1: Parse error ("), nul.get(0));
        assertTrue(nul.get(0).contains("NUL byte"), nul.get(0));

        byte[] utf16 = "\uFEFFconfig agent\n".getBytes(StandardCharsets.UTF_16LE);
        List<String> bom = messages(utf16);
        assertEquals(1, bom.size(), bom.toString());
        assertTrue(bom.get(0).startsWith(FILE + ":1: Parse error (invalid command) at line 1"), bom.get(0));
        assertTrue(bom.get(0).contains("UTF-16 byte order mark"), bom.get(0));
    }

    @Test
    void anErrorOnALastLineWithoutNewlineNamesThatLine() {
        assertEquals(List.of(FILE + ":3: Parse error (too many arguments) at line 3, byte 12"),
                messages("config agent\n\toption api '127.0.0.1:1'\nconfig a b c"));
    }

    @Test
    void aValueWithANewlineCannotForgeAMessageLine() {
        List<String> messages = messages("config member 'm'\n\toption pool 'p'\n"
                + "\toption address 'x\n/etc/config/edgelb:1: forged\u001b[2J'\n\toption protocol_port '80'\n");
        assertFalse(messages.isEmpty());
        for (String message : messages) {
            assertFalse(message.contains("\n") || message.contains("\u001b"), message);
        }
        assertTrue(messages.stream().anyMatch(m -> m.startsWith(FILE + ":3: member 'm': address 'x\\n/etc/config/"
                + "edgelb:1: forged\\x1b[2J' is not an IP address")), messages.toString());
    }

    @Test
    void aHugeValueIsCutInTheMessage() {
        String huge = "a".repeat(1 << 20);
        List<String> messages = messages("config member 'm'\n\toption pool 'p'\n\toption address '" + huge
                + "'\n\toption protocol_port '80'\n");
        for (String message : messages) {
            assertTrue(message.length() < 700, "a message of " + message.length() + " characters");
        }
        assertTrue(messages.stream().anyMatch(m -> m.contains("more bytes) …") && m.endsWith("is not an IP address")),
                messages.toString());
    }

    @Test
    void moreListenersThanTheCeilingIsAnErrorAtTheFirstOneTooMany() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i <= ConfigLimits.MAX_LISTENERS; i++) {
            text.append("config listener 'l").append(i).append("'\n\toption port '").append(1000 + i % 60000)
                    .append("'\n\toption pool 'web'\n");
        }
        LoadResult result = EdgelbConfigLoader.load(FILE, text.toString());
        assertNull(result.config());
        int line = 3 * ConfigLimits.MAX_LISTENERS + 1;
        assertTrue(result.errors().contains(FILE + ":" + line + ": more than 4096 listener sections: the limit per"
                + " configuration is 4096 (docs/limits.md); this one and the ones after it are not read"),
                result.errors().toString());
    }

    @Test
    void moreListValuesThanTheCeilingIsAnErrorAtTheFirstOneTooMany() {
        StringBuilder text = new StringBuilder("config listener 'web'\n\toption port '80'\n");
        for (int i = 0; i <= ConfigLimits.MAX_LIST_ITEMS; i++) {
            text.append("\tlist allowed_cidrs '10.0.0.0/8'\n");
        }
        LoadResult result = EdgelbConfigLoader.load(FILE, text.toString());
        assertTrue(result.errors().get(0).startsWith(FILE + ":" + (3 + ConfigLimits.MAX_LIST_ITEMS)
                + ": listener 'web': allowed_cidrs has 1025 values, more than the limit of 1024"), result.errors().get(0));
    }

    @Test
    void manyProblemsAreListedUpToABound() {
        StringBuilder text = new StringBuilder("config listener 'web'\n\toption port '80'\n");
        for (int i = 0; i < 9000; i++) {
            text.append("\toption bogus").append(i).append(" 'x'\n");
        }
        LoadResult result = EdgelbConfigLoader.load(FILE, text.toString());
        assertEquals(EdgelbConfigLoader.MAX_MESSAGES + 1, result.messages().size());
        String last = result.messages().get(EdgelbConfigLoader.MAX_MESSAGES);
        assertTrue(last.contains("and 8001 more problem(s) from here on"), last);
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedNamingIt() throws Exception {
        Path file = dir.resolve("edgelb");
        Files.write(file, new byte[ConfigLimits.MAX_CONFIG_BYTES + 1]);
        IOException e = assertThrows(IOException.class, () -> EdgelbConfigLoader.load(file));
        assertTrue(e.getMessage().startsWith(file + " is 4194305 bytes, more than the limit of 4194304 bytes (4 MiB)"),
                e.getMessage());
    }

    @Test
    void devZeroAndAFifoAreRefusedWithoutReading() throws Exception {
        Path zero = Files.createSymbolicLink(dir.resolve("zero"), Path.of("/dev/zero"));
        IOException e = assertThrows(IOException.class, () -> EdgelbConfigLoader.load(zero));
        assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        e = assertThrows(IOException.class, () -> EdgelbConfigLoader.load(fifo));
        assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
    }
}
