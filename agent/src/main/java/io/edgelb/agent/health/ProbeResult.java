package io.edgelb.agent.health;

import java.util.Objects;

/**
 * The outcome of one health probe: passed or not, and a short human detail for the API and the
 * log ({@code HTTP 200}, {@code connection refused}, {@code timed out after 2s connecting}).
 */
public record ProbeResult(boolean ok, String detail) {

    public ProbeResult {
        Objects.requireNonNull(detail, "detail");
    }

    public static ProbeResult passed(String detail) {
        return new ProbeResult(true, detail);
    }

    public static ProbeResult failed(String detail) {
        return new ProbeResult(false, detail);
    }

    @Override
    public String toString() {
        return (ok ? "passed: " : "failed: ") + detail;
    }
}
