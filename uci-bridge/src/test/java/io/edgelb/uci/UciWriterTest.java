package io.edgelb.uci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UciWriterTest {

    /** A file as `uci commit` writes it: every rule of the format appears at least once. */
    private static final String COMMITTED = """

            config agent 'main'
            \toption enabled '1'
            \toption api '127.0.0.1:8089'

            config member
            \toption address '192.0.2.10'
            \tlist tags 'it'\\''s'
            \tlist tags 'say "hi" \\ #'

            config interface 'lan'
            \toption description 'two
            lines'

            """;

    @Test
    void writesTheCommitFormat() throws Exception {
        UciPackage p = UciParser.parse("""
                # comments go, like with uci commit
                config agent main
                \toption enabled 1
                \toption api "127.0.0.1:8089"
                config member
                \toption address 192.0.2.10
                \tlist tags "it's"
                \tlist tags 'say "hi" \\ #'
                config interface 'lan'
                \toption description 'two
                lines'
                """);
        assertEquals(COMMITTED, UciWriter.write(p));
    }

    @Test
    void roundTripsAFileInCommitFormat() throws Exception {
        assertEquals(COMMITTED, UciWriter.write(UciParser.parse(COMMITTED)));
        byte[] bytes = COMMITTED.getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(bytes, UciWriter.toBytes(UciParser.parse(bytes)));
    }

    @Test
    void roundTripsUtf8AndAnEmptyPackage() throws Exception {
        String text = "\nconfig t 'n'\n\toption city 'Zürich'\n\n";
        assertEquals(text, UciWriter.write(UciParser.parse(text)));
        assertEquals("\n", UciWriter.write(UciParser.parse("")));
        assertEquals("\n", UciWriter.write(new UciPackage()));
    }

    @Test
    void escapesOnlyTheSingleQuote() {
        assertEquals("'\\''", UciWriter.escape("'"));
        assertEquals("a\"b\\c", UciWriter.escape("a\"b\\c"));
    }
}
