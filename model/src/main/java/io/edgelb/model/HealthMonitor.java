package io.edgelb.model;

/**
 * An active health check applied to every member of the pools that name it. delay and timeout are
 * milliseconds here (whole seconds in Octavia); a member goes up after maxRetries consecutive
 * successes and down after maxRetriesDown consecutive failures.
 */
public record HealthMonitor(
        String id,
        MonitorType type,
        long delayMs,
        long timeoutMs,
        int maxRetries,
        int maxRetriesDown,
        String httpMethod,
        String urlPath,
        String expectedCodes,
        String domainName,
        boolean enabled) {

    public static final long DEFAULT_DELAY_MS = 5_000;
    public static final long DEFAULT_TIMEOUT_MS = 3_000;
    public static final int DEFAULT_MAX_RETRIES = 2;
    public static final int DEFAULT_MAX_RETRIES_DOWN = 3;
    public static final String DEFAULT_HTTP_METHOD = "GET";
    public static final String DEFAULT_URL_PATH = "/";
    public static final String DEFAULT_EXPECTED_CODES = "200";

    public static HealthMonitor of(String id, MonitorType type, long delayMs, long timeoutMs, int rise, int fall) {
        return new HealthMonitor(id, type, delayMs, timeoutMs, rise, fall, DEFAULT_HTTP_METHOD, DEFAULT_URL_PATH,
                DEFAULT_EXPECTED_CODES, null, true);
    }

    public HealthMonitor withHttp(String method, String path, String codes) {
        return new HealthMonitor(id, type, delayMs, timeoutMs, maxRetries, maxRetriesDown, method, path, codes,
                domainName, enabled);
    }

    public ExpectedCodes parsedExpectedCodes() {
        return ExpectedCodes.parse(expectedCodes);
    }
}
