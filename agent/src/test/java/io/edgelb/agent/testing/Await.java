package io.edgelb.agent.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Kept only so that agent tests written against this name still compile: the one implementation
 * is {@link io.edgelb.testkit.Await}, which new tests import. Delete once nothing imports this.
 */
public final class Await {
    private Await() {
    }

    public static void until(BooleanSupplier condition, Duration timeout, String what) {
        io.edgelb.testkit.Await.until(condition, timeout, what);
    }
}
