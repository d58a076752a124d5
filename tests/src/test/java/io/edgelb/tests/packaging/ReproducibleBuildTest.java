package io.edgelb.tests.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two builds from the same inputs give byte-identical packages. */
class ReproducibleBuildTest {
    @Test
    void aSecondBuildGivesTheSameBytes() throws Exception {
        PackagingBuild.Built first = PackagingBuild.shared();
        PackagingBuild.Built second = PackagingBuild.build(PackagingBuild.workDir("second-build"), Map.of());
        List<String> names = first.ipks().stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(names, second.ipks().stream().map(p -> p.getFileName().toString()).toList());
        for (String name : names) {
            Path a = first.out().resolve(name);
            Path b = second.out().resolve(name);
            if (!Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b))) {
                fail(name + " differs between two builds: " + firstDifference(Ipk.open(a), Ipk.open(b)));
            }
        }
    }

    /** Names the first member that differs, to say where to look. */
    private static String firstDifference(Ipk a, Ipk b) {
        if (!a.fields().equals(b.fields())) {
            return "control " + a.fields() + " vs " + b.fields();
        }
        List<Tar.Entry> left = a.data();
        List<Tar.Entry> right = b.data();
        for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
            Tar.Entry x = left.get(i);
            Tar.Entry y = right.get(i);
            if (!x.name().equals(y.name()) || x.mode() != y.mode() || x.mtime() != y.mtime()
                    || !Arrays.equals(x.content(), y.content())) {
                return x.name() + " vs " + y.name();
            }
        }
        return left.size() != right.size() ? left.size() + " vs " + right.size() + " data members"
                : "the compressed bytes only (gzip?)";
    }
}
