package io.edgelb.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check --config FILE}: exit status and exactly the lines an operator reads. */
class CheckCommandTest {
    @TempDir
    Path dir;

    private record Outcome(int status, List<String> out, List<String> err) {
    }

    private Outcome check(String text) throws Exception {
        Path file = dir.resolve("edgelb");
        Files.writeString(file, text);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"check", "--config", file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, lines(out), lines(err));
    }

    private static List<String> lines(ByteArrayOutputStream stream) {
        String text = stream.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    private String file() {
        return dir.resolve("edgelb").toString();
    }

    @Test
    void aValidFileExitsZeroWithASummary() throws Exception {
        Outcome outcome = check("""
                config listener 'web_http'
                	option port '80'
                	option pool 'web'

                config pool 'web'
                	option lb_algorithm 'LEAST_CONNECTIONS'

                config member 'web_1'
                	option pool 'web'
                	option address '192.0.2.10'
                	option protocol_port '80'
                """);
        assertEquals(0, outcome.status());
        assertEquals(List.of(file() + ": valid (1 listener(s), 1 pool(s), 1 member(s))"), outcome.out());
        assertEquals(List.of(), outcome.err());
    }

    @Test
    void everyProblemIsOneLineWithFileAndLine() throws Exception {
        Outcome outcome = check("""
                config listener 'web_http'
                	option port '80'
                	option pool 'web'

                config pool 'web'
                	option lb_algorithm 'FASTEST'

                config member 'web_1'
                	option pool 'nope'
                	option address '192.0.2.10'
                	option protocol_port '70000'
                	option weight '300'
                	option colour 'blue'
                """);
        assertEquals(1, outcome.status());
        assertEquals(List.of(
                file() + ":6: pool 'web': lb_algorithm 'FASTEST' is unknown "
                        + "(expected ROUND_ROBIN, LEAST_CONNECTIONS, SOURCE_IP or SOURCE_IP_PORT)",
                file() + ":9: member 'web_1': pool 'nope' does not exist",
                file() + ":11: member 'web_1': protocol_port 70000 is out of range 1-65535",
                file() + ":12: member 'web_1': weight 300 is out of range 0-256",
                file() + ": 4 error(s); the configuration is not valid"), outcome.err());
        assertEquals(List.of(
                file() + ":5: warning: pool 'web': has no members",
                file() + ":13: warning: member 'web_1': unknown option 'colour' is ignored"),
                outcome.out(), "warnings go to stdout, in file order");
    }

    @Test
    void aSyntaxErrorIsReportedTheWayUciReportsIt() throws Exception {
        Outcome outcome = check("config listener 'web_http'\n\toption port '80\n\toption pool 'web'\n");
        assertEquals(1, outcome.status());
        // libuci counts the byte within the statement it joined from lines 2 and 3 (17 + 19).
        assertEquals(file() + ":3: Parse error (EOF with unterminated ') at line 3, byte 36", outcome.err().get(0));
    }

    @Test
    void aMissingFileIsAnErrorNotACrash() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"check", "--config", dir.resolve("absent").toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, status);
        assertEquals(dir.resolve("absent") + ": no such file", lines(err).get(0));
    }

    @Test
    void aMissingConfigOptionIsAUsageError() {
        assertThrows(Args.UsageException.class, () -> Main.run(new String[] {"check"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
        assertThrows(Args.UsageException.class, () -> Main.run(new String[] {"frobnicate"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
    }
}
