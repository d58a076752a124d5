package io.edgelb.hub.sync;

import java.util.HashMap;
import java.util.Map;
import org.tinylog.Logger;

/**
 * Logs refused peers and bad messages at most once a minute per cause, so that a rogue client
 * retrying every 100 ms cannot fill the log. Bounded: forgets everything past 1024 causes.
 */
final class RefusalLog {
    private static final long QUIET_MS = 60_000;
    private static final int MAX_CAUSES = 1024;
    private final Map<String, Long> lastLogged = new HashMap<>();

    void warn(long now, String cause, String message) {
        Long last = lastLogged.get(cause);
        if (last != null && now - last < QUIET_MS) {
            return;
        }
        if (lastLogged.size() >= MAX_CAUSES) {
            lastLogged.clear();
        }
        lastLogged.put(cause, now);
        Logger.warn(message);
    }
}
