package io.edgelb.tests.luci;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the luci-app-edgelb source tree is, relative to the tests module (Maven runs tests there). */
final class LuciApp {
    private LuciApp() {
    }

    static Path root() {
        Path root = Path.of(System.getProperty("edgelb.luciApp", "../luci-app")).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("htdocs"))) {
            throw new IllegalStateException(root + " is not the luci-app tree; run the tests through Maven");
        }
        return root;
    }

    static Path plugin() {
        return root().resolve("root/usr/libexec/rpcd/luci.edgelb");
    }

    static Path views() {
        return root().resolve("htdocs/luci-static/resources/view/edgelb");
    }

    static Path resources() {
        return root().resolve("htdocs/luci-static/resources");
    }
}
