package io.edgelb.uci.edgelb;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgelb.model.io.Printable;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Mutated UCI files through the whole loader (parser, mapper, validator), deterministic from a seed:
 * the loader never throws, every message names a line of the file, and no message holds a raw
 * control character. {@code -Dfuzz.count=N -Dfuzz.seed=S} (bench/fuzz.sh) runs longer.
 */
class ConfigFuzzTest {
    private static final String FILE = "/etc/config/edgelb";
    private static final Pattern PLACE = Pattern.compile(Pattern.quote(FILE) + ":(\\d+): .*", Pattern.DOTALL);
    private static final String SEED_CONFIG = String.join("\n",
            "package edgelb",
            "config agent 'main'",
            "\toption api '127.0.0.1:8404'",
            "\toption workers '1'",
            "\toption log_level 'info'",
            "config hub 'hub'",
            "\toption enabled '0'",
            "\tlist endpoint 'tcp://192.0.2.1:5555'",
            "config listener 'web'",
            "\toption address '0.0.0.0'",
            "\toption port '80'",
            "\toption pool 'web'",
            "\tlist allowed_cidrs '10.0.0.0/8'",
            "\toption timeout_client_data '50000'",
            "config listener",
            "\toption address '::'",
            "\toption port '443'",
            "\toption mode 'dnat'",
            "\toption pool 'web'",
            "config pool 'web'",
            "\toption lb_algorithm 'LEAST_CONNECTIONS'",
            "\toption healthmonitor 'hm'",
            "\toption session_persistence 'SOURCE_IP'",
            "config member 'a'",
            "\toption pool 'web'",
            "\toption address '192.0.2.10'",
            "\toption protocol_port '8080'",
            "\toption weight '10'",
            "config member",
            "\toption pool 'web'",
            "\toption address \"2001:db8::1\"",
            "\toption protocol_port 8080 # comment",
            "config healthmonitor 'hm'",
            "\toption type 'HTTP'",
            "\toption delay '5'; option timeout '2'",
            "\toption url_path '/health'",
            "config vxlan 'vx1'",
            "\toption vni '100'",
            "\tlist remote '198.51.100.2'",
            "") + "\n";
    private static final String[] WORDS = {"config", "option", "list", "package", "listener", "pool", "member",
        "healthmonitor", "vxlan", "agent", "hub", "'", "\"", "\\", ";", "#", " ", "\t", "\n", "\r", "\0", "\u001b[2J",
        "\u2028", "\u00ff", "0", "-1", "99999999999999999999", "::", "0.0.0.0", "1e9", "'\n/etc/config/edgelb:1: x'"};

    @Test
    void mutatedConfigsNeverBreakTheLoader() {
        long count = Long.getLong("fuzz.count", 100_000);
        long seed = Long.getLong("fuzz.seed", 20261207L);
        SplittableRandom random = new SplittableRandom(seed);
        byte[] base = SEED_CONFIG.getBytes(StandardCharsets.UTF_8);
        long started = System.nanoTime();
        long messages = 0;
        for (long i = 0; i < count; i++) {
            byte[] input = mutate(base, random);
            LoadResult result;
            try {
                result = EdgelbConfigLoader.load(FILE, input);
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("case " + i + " (seed " + seed + ") threw on:\n" + show(input), e);
            }
            int lines = lineCount(input);
            for (String message : result.messages()) {
                check(message, lines, i, seed, input);
            }
            messages += result.messages().size();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("fuzz: %d configs, %d messages, %.1f s, seed %d%n", count, messages, seconds, seed);
    }

    private static void check(String message, int lines, long i, long seed, byte[] input) {
        Matcher m = PLACE.matcher(message);
        if (!m.matches()) {
            fail("case " + i + " (seed " + seed + "): message without FILE:LINE: " + message + "\n" + show(input));
        }
        long line = Long.parseLong(m.group(1));
        assertTrue(line >= 1 && line <= lines, () -> "case " + i + " (seed " + seed + "): line " + line + " of "
                + lines + ": " + message + "\n" + show(input));
        assertTrue(!Printable.hasControl(message), () -> "case " + i + " (seed " + seed
                + "): raw control character in: " + Printable.escape(message));
    }

    /** Lines as an editor counts them: newline-terminated ones, plus a last one without a newline. */
    private static int lineCount(byte[] input) {
        int lines = 0;
        for (byte b : input) {
            if (b == '\n') {
                lines++;
            }
        }
        if (input.length == 0 || input[input.length - 1] != '\n') {
            lines++;
        }
        return lines;
    }

    private static byte[] mutate(byte[] base, SplittableRandom random) {
        byte[] data = base;
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            data = switch (random.nextInt(9)) {
                case 0 -> flipBytes(data, random);
                case 1 -> Arrays.copyOf(data, random.nextInt(data.length + 1)); // truncation
                case 2 -> duplicateLines(data, random);
                case 3 -> insert(data, random, hugeValue(random));
                case 4 -> insert(data, random, new byte[] {(byte) random.nextInt(32)}); // control character
                case 5 -> insert(data, random, new byte[] {(byte) (random.nextBoolean() ? '\'' : '"')});
                case 6 -> insert(data, random, new byte[] {0});
                case 7 -> insert(data, random, ("\n\toption " + name(random) + " '" + word(random) + "'\n")
                        .getBytes(StandardCharsets.UTF_8));
                default -> insert(data, random, word(random).getBytes(StandardCharsets.UTF_8));
            };
        }
        return data;
    }

    private static byte[] flipBytes(byte[] data, SplittableRandom random) {
        byte[] out = data.clone();
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips && out.length > 0; i++) {
            out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return out;
    }

    private static byte[] duplicateLines(byte[] data, SplittableRandom random) {
        List<byte[]> lines = split(data);
        if (lines.isEmpty()) {
            return data;
        }
        int from = random.nextInt(lines.size());
        int length = 1 + random.nextInt(Math.min(8, lines.size() - from));
        int times = 1 + random.nextInt(random.nextInt(50) == 0 ? 5000 : 4);
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length * 2);
        for (int i = 0; i < lines.size(); i++) {
            out.writeBytes(lines.get(i));
            if (i == from + length - 1) {
                for (int t = 0; t < times; t++) {
                    for (int j = from; j < from + length; j++) {
                        out.writeBytes(lines.get(j));
                    }
                }
            }
        }
        return out.toByteArray();
    }

    private static List<byte[]> split(byte[] data) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\n') {
                lines.add(Arrays.copyOfRange(data, start, i + 1));
                start = i + 1;
            }
        }
        if (start < data.length) {
            lines.add(Arrays.copyOfRange(data, start, data.length));
        }
        return lines;
    }

    private static byte[] hugeValue(SplittableRandom random) {
        int size = random.nextInt(200) == 0 ? 1 << 20 : 1 + random.nextInt(5000);
        byte[] value = new byte[size];
        Arrays.fill(value, (byte) ('a' + random.nextInt(26)));
        return value;
    }

    private static byte[] insert(byte[] data, SplittableRandom random, byte[] what) {
        int at = random.nextInt(data.length + 1);
        byte[] out = new byte[data.length + what.length];
        System.arraycopy(data, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(data, at, out, at + what.length, data.length - at);
        return out;
    }

    private static String name(SplittableRandom random) {
        String[] names = {"port", "address", "pool", "weight", "enabled", "mode", "x" + random.nextInt(1000),
            "bad-name", "", "a\u0001b", "protocol_port", "allowed_cidrs", "vni", "delay", "timeout", "api"};
        return names[random.nextInt(names.length)];
    }

    private static String word(SplittableRandom random) {
        return WORDS[random.nextInt(WORDS.length)];
    }

    private static String show(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        return Printable.line(text, 4000);
    }
}
