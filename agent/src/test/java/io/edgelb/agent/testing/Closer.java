package io.edgelb.agent.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Closes what a test opened, last first, even when one close fails (the first failure is thrown
 * with the others suppressed): {@code closer.add(TcpBackend.start("a"))}, then
 * {@code closer.close()} in {@code @AfterEach}.
 */
public final class Closer implements AutoCloseable {
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    public <T extends AutoCloseable> T add(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
