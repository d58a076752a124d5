package io.edgelb.uci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UciParserTest {

    private static UciSection only(String text) throws UciParseException {
        List<UciSection> sections = UciParser.parse(text).sections();
        assertEquals(1, sections.size(), sections.toString());
        return sections.get(0);
    }

    /** The value of option x in a one-section file whose second line is {@code \toption x <token>}. */
    private static String valueOf(String token) throws UciParseException {
        return only("config t 'n'\n\toption x " + token + "\n").value("x");
    }

    private static String error(String text) {
        return assertThrows(UciParseException.class, () -> UciParser.parse(text)).getMessage();
    }

    @Test
    void readsSectionsOptionsAndListsWithTheirLines() throws Exception {
        UciPackage p = UciParser.parse("""

                config listener 'web'
                \toption port '80'
                \tlist allowed_cidrs '192.0.2.0/24'
                \tlist allowed_cidrs '198.51.100.0/24'

                config member
                \toption address '192.0.2.10'
                """);
        UciSection web = p.section("web");
        assertEquals("listener", web.type());
        assertEquals("web", web.name());
        assertFalse(web.isAnonymous());
        assertEquals(2, web.line());
        assertEquals("80", web.value("port"));
        assertEquals(3, web.option("port").line());
        UciOption cidrs = web.option("allowed_cidrs");
        assertTrue(cidrs.isList());
        assertNull(cidrs.value());
        assertEquals(List.of("192.0.2.0/24", "198.51.100.0/24"), cidrs.values());
        assertEquals(List.of(new UciOption.Item("192.0.2.0/24", 4), new UciOption.Item("198.51.100.0/24", 5)),
                cidrs.items());
        UciSection member = p.sections().get(1);
        assertTrue(member.isAnonymous());
        assertNull(member.name());
        assertEquals("cfg026fdd", member.uciName());
        assertEquals(7, member.line());
        assertEquals(8, member.option("address").line());
    }

    @Test
    void shortKeywordsAndAPackageStatement() throws Exception {
        UciSection s = only("p edgelb\nc pool 'web'\no lb_algorithm ROUND_ROBIN\nl tags a\nl tags b\n");
        assertEquals("pool", s.type());
        assertEquals("ROUND_ROBIN", s.value("lb_algorithm"));
        assertEquals(List.of("a", "b"), s.values("tags"));
    }

    @Test
    void doubleQuotesDropTheBackslashWithoutCEscapes() throws Exception {
        assertEquals("tabtnln", valueOf("\"tab\\tnl\\n\""));
        assertEquals("say \"hi\" \\", valueOf("\"say \\\"hi\\\" \\\\\""));
        assertEquals("# not a comment", valueOf("\"# not a comment\""));
    }

    @Test
    void singleQuotesAreFullyLiteral() throws Exception {
        assertEquals("single \\n # x", valueOf("'single \\n # x'"));
        assertEquals("a\"b\\", valueOf("'a\"b\\'"));
    }

    @Test
    void anEscapedQuoteBetweenSingleQuotedSegments() throws Exception {
        assertEquals("it's", valueOf("'it'\\''s'"));
    }

    @Test
    void adjacentSegmentsConcatenate() throws Exception {
        assertEquals("adjacentbare", valueOf("'adj'\"acent\"bare"));
    }

    @Test
    void unquotedBackslashKeepsTheNextByteAndHashEndsTheLine() throws Exception {
        assertEquals("foo bar", valueOf("foo\\ bar"));
        assertEquals("a#b", valueOf("a\\#b"));
        assertEquals("value", valueOf("value#x"));
        assertEquals("value", valueOf("value # a comment"));
    }

    @Test
    void quotedValuesMaySpanLines() throws Exception {
        UciSection s = only("config t 'n'\n\toption s 'line1\nline2'\n\toption d \"a\nb\"\n\toption after 'x'\n");
        assertEquals("line1\nline2", s.value("s"));
        assertEquals("a\nb", s.value("d"));
        assertEquals(2, s.option("s").line());
        assertEquals(4, s.option("d").line());
        assertEquals(6, s.option("after").line());
    }

    @Test
    void backslashNewlineJoinsLines() throws Exception {
        assertEquals("foobar", only("config t 'n'\n\toption x foo\\\nbar\n").value("x"));
        assertEquals("foobar", only("config t 'n'\n\toption x \"foo\\\nbar\"\n").value("x"));
        assertEquals("foobar", only("config t 'n'\r\n\toption x foo\\\r\nbar\r\n").value("x"));
        // The joined line's indentation ends an unquoted token: "bar" is then an extra argument.
        assertEquals("Parse error (too many arguments) at line 3, byte 19",
                error("config t 'n'\n\toption x foo\\\n\tbar\n"));
    }

    @Test
    void commentsBlankLinesAndTrailingComments() throws Exception {
        UciPackage p = UciParser.parse("# header\n\n   \n\t# indented\nconfig b 'y' # note\n\toption o 'v' # note\n\n");
        assertEquals(1, p.sections().size());
        assertEquals("v", p.section("y").value("o"));
    }

    @Test
    void anEmptyOptionCreatesNothingAndDeletesNothing() throws Exception {
        UciSection s = only("config t 'n'\n\toption gone ''\n\toption none\n\toption kept 'a'\n\toption kept ''\n");
        assertNull(s.option("gone"));
        assertNull(s.option("none"));
        assertEquals("a", s.value("kept"));
        assertEquals(1, s.options().size());
    }

    @Test
    void anEmptyListItemIsKept() throws Exception {
        assertEquals(List.of(""), only("config t 'n'\n\tlist x ''\n").values("x"));
    }

    @Test
    void theLastOptionWinsInTheFirstOnesPlace() throws Exception {
        UciSection s = only("config t 'n'\n\toption a '1'\n\toption b '2'\n\toption a '3'\n");
        assertEquals(List.of("a", "b"), s.options().stream().map(UciOption::name).toList());
        assertEquals("3", s.value("a"));
        assertEquals(4, s.option("a").line());
    }

    @Test
    void anOptionFollowedByAListBecomesAListInPlace() throws Exception {
        UciSection s = only("config t 'n'\n\toption x 'a'\n\toption y 'z'\n\tlist x 'b'\n");
        assertEquals(List.of("x", "y"), s.options().stream().map(UciOption::name).toList());
        assertTrue(s.option("x").isList());
        assertEquals(List.of(new UciOption.Item("a", 2), new UciOption.Item("b", 4)), s.option("x").items());
    }

    @Test
    void anOptionReplacesAList() throws Exception {
        UciSection s = only("config t 'n'\n\tlist x 'a'\n\tlist x 'b'\n\toption x 'c'\n");
        assertFalse(s.option("x").isList());
        assertEquals("c", s.value("x"));
        assertEquals(4, s.option("x").line());
    }

    @Test
    void aRepeatedNamedSectionIsMergedInItsFirstPlace() throws Exception {
        UciPackage p = UciParser.parse("config t 'n'\n\toption a '1'\nconfig u 'm'\nconfig t 'n'\n\toption b '2'\n");
        assertEquals(List.of("n", "m"), p.sections().stream().map(UciSection::uciName).toList());
        UciSection n = p.section("n");
        assertEquals(1, n.line());
        assertEquals(List.of("1"), n.values("a"));
        assertEquals(List.of("2"), n.values("b"));
    }

    @Test
    void anonymousIdsCountEverySectionAndHashTheType() throws Exception {
        UciPackage p = UciParser.parse("config edgelb 'main'\nconfig backend\n\toption x '1'\nconfig backend\n");
        assertEquals(List.of("main", "cfg0226ed", "cfg0326ed"),
                p.sections().stream().map(UciSection::uciName).toList());
        // What `uci -X show firewall` prints for OpenWrt's default firewall.
        UciPackage firewall = UciParser.parse("config defaults\nconfig zone\nconfig zone\nconfig forwarding\n");
        assertEquals(List.of("cfg01e63d", "cfg02dc81", "cfg03dc81", "cfg04ad58"),
                firewall.sections().stream().map(UciSection::uciName).toList());
    }

    @Test
    void theDjbHashIsLibucis() {
        assertEquals(0x26ed, UciNames.djbHash("backend") & 0xffff);
        assertEquals("cfg016d96", UciNames.anonymousId(1, "interface"));
        assertEquals("cfg1006fdd", UciNames.anonymousId(0x100, "member"));
    }

    @Test
    void aNamedSectionMayReopenAnAnonymousOneByItsCfgId() throws Exception {
        UciPackage p = UciParser.parse("config t\nconfig t 'cfg01b619'\n\toption a '1'\n");
        assertEquals(1, p.sections().size());
        assertTrue(p.sections().get(0).isAnonymous());
        assertEquals("1", p.sections().get(0).value("a"));
    }

    @Test
    void semicolonsSeparateStatementsWithLibucisQuirks() throws Exception {
        UciSection spaced = only("config t 'n'\n\toption p 1 ; option r 2\n");
        assertEquals("1", spaced.value("p"));
        assertEquals("2", spaced.value("r"));
        UciSection quoted = only("config t 'n'\n\toption p '1';option r '2'\n");
        assertEquals("2", quoted.value("r"));
        // An unquoted value directly before ';' gets its terminator written over the ';': the rest is lost.
        UciSection lost = only("config t 'n'\n\toption p 1;option r 2\n");
        assertEquals("1", lost.value("p"));
        assertNull(lost.option("r"));
        UciSection section = only("config vip web; option port 80\n");
        assertEquals("web", section.uciName());
        assertTrue(section.options().isEmpty());
    }

    @Test
    void valuesAreDecodedAsUtf8() throws Exception {
        UciPackage p = UciParser.parse("config t 'n'\n\toption x 'Zürich'\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("Zürich", p.section("n").value("x"));
    }

    @Test
    void controlCharactersInValuesAreAcceptedAsLibuciDoes() throws Exception {
        assertEquals("a\u0001b", valueOf("'a\u0001b'"));
        // VT, FF and CR are blanks to C's isspace.
        assertEquals("a", only("config t 'n'\n\toption x a\u000b\n").value("x"));
    }

    @Test
    void aFileWithoutAFinalNewline() throws Exception {
        assertEquals("y", only("config t 'n'\n\toption x 'y'").value("x"));
        assertEquals(0, UciParser.parse("").sections().size());
    }

    // --- errors: reason, line and byte as uci prints them ---

    @Test
    void unterminatedSingleQuoteRunsToTheEnd() {
        assertEquals("Parse error (EOF with unterminated ') at line 3, byte 47",
                error("config listener 'web'\n\toption name 'unterminated\n\toption port 808080\n"));
    }

    @Test
    void unterminatedQuoteOnAnUnterminatedLastLineCountsOnlyNewlines() {
        UciParseException e = assertThrows(UciParseException.class,
                () -> UciParser.parse("config a\n\toption x 'abc"));
        assertEquals("EOF with unterminated '", e.reason());
        assertEquals(1, e.line());
        assertEquals(14, e.byteOffset());
    }

    @Test
    void unterminatedDoubleQuote() {
        assertEquals("Parse error (EOF with unterminated \") at line 2, byte 15",
                error("config a\n\toption x \"abc\n"));
    }

    @Test
    void optionBeforeTheFirstSection() {
        assertEquals("Parse error (option/list command found before the first section) at line 1, byte 1",
                error("\toption x 'y'\n"));
        assertEquals("Parse error (option/list command found before the first section) at line 2, byte 0",
                error("# comment\nlist x 'y'\n"));
    }

    @Test
    void invalidCommand() {
        assertEquals("Parse error (invalid command) at line 2, byte 1", error("config a\n\tbogus x\n"));
        assertEquals("Parse error (invalid command) at line 1, byte 0", error("configure a\n"));
        // Only space and TAB end a keyword: "config" alone on its line is not the keyword.
        assertEquals("Parse error (invalid command) at line 1, byte 0", error("config\n"));
    }

    @Test
    void invalidCharacterInNameField() {
        assertEquals("Parse error (invalid character in name field) at line 1, byte 28",
                error("config interface 'bad-name'\n"));
        assertEquals("Parse error (invalid character in name field) at line 2, byte 16",
                error("config a\n\toption bad-opt 1\n"));
        assertEquals("Parse error (invalid character in name field) at line 2, byte 11",
                error("config a\n\toption x\u0001 1\n"));
        assertEquals("Parse error (invalid character in name field) at line 1, byte 14",
                error("package 'a.b'\n"));
    }

    @Test
    void invalidCharacterInTypeField() {
        assertEquals("Parse error (invalid character in type field) at line 1, byte 13", error("config 'a b'\n"));
        assertEquals("Parse error (invalid character in type field) at line 1, byte 11", error("config a\u0001b\n"));
    }

    @Test
    void tooManyArguments() {
        assertEquals("Parse error (too many arguments) at line 2, byte 29",
                error("config interface 'lan'\n\toption proto 'static' extra\n"));
        assertEquals("Parse error (too many arguments) at line 1, byte 13", error("config a b c\n"));
    }

    @Test
    void insufficientArguments() {
        assertEquals("Parse error (insufficient arguments) at line 1, byte 8", error("config \n"));
        assertEquals("Parse error (insufficient arguments) at line 2, byte 11", error("config a\n\toption ''\n"));
    }

    @Test
    void aKeywordAtTheVeryEndHasNoName() {
        assertEquals("Parse error (option without name) at line 1, byte 1", error("config a\n\toption"));
        assertEquals("Parse error (config without name) at line 0, byte 0", error("config"));
    }

    @Test
    void aNamedSectionCannotChangeType() {
        assertEquals("Parse error (section of different type overwrites prior section with same name)"
                + " at line 2, byte 13", error("config a 'x'\nconfig b 'x'\n"));
    }
}
