package io.edgelb.agent.handoff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's uid, from /proc (the JDK has no API for it in the modules the runtime ships). */
final class OwnUid {
    private OwnUid() {
    }

    static long get() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    }
}
