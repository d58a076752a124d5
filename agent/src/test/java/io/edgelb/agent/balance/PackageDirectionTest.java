package io.edgelb.agent.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pool composes balance and health, so neither may name the pool: a reference back would
 * make a package cycle again. Reads the real sources (the tests run in the agent module).
 */
class PackageDirectionTest {
    private static final Path SOURCES = Path.of("src/main/java/io/edgelb/agent");

    @ParameterizedTest
    @ValueSource(strings = {"balance", "health"})
    void neverNamesThePool(String pkg) throws IOException {
        Path dir = SOURCES.resolve(pkg);
        assertTrue(Files.isDirectory(dir), "no sources at " + dir.toAbsolutePath());
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).contains("io.edgelb.agent.pool")) {
                        offenders.add(file.getFileName() + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, pkg + " must not depend on io.edgelb.agent.pool");
    }
}
