package io.edgelb.hub;

import io.edgelb.testkit.Await;
import java.util.function.BooleanSupplier;

/**
 * Kept only so that hub tests written against this name still compile: the one implementation is
 * {@link io.edgelb.testkit.Await} (same 10 s default), which new tests import. Delete once nothing
 * imports this.
 */
public final class TestAwait {
    private TestAwait() {
    }

    public static void until(BooleanSupplier condition, String what) {
        Await.until(condition, what);
    }
}
