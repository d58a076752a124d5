package io.edgelb.agent.testing;

import io.edgelb.agent.net.Transport;
import java.util.stream.Stream;

/** Source for parameterised tests that must pass on both transports. */
public final class Transports {
    private Transports() {
    }

    /** NIO and native epoll (epoll loads on the glibc x86_64/aarch64 machines the suite runs on). */
    public static Stream<Transport> both() {
        return Stream.of(Transport.nio(), Transport.epoll());
    }
}
