package io.edgelb.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemberHealthTest {
    private final AtomicLong clock = new AtomicLong(1_000);
    private final MemberHealth health = MemberHealth.monitored("web_1", 2, 3, clock::get);
    private final List<Boolean> transitions = new ArrayList<>();

    {
        health.setListener((up, reason) -> transitions.add(up));
    }

    @Test
    void riseAndFallFollowOctavia() {
        assertTrue(health.isUp(), "a monitored member starts up, unconfirmed");
        health.recordCheck(false, "HTTP 503 not in 200");
        assertFalse(health.isUp(), "the first failure of an unconfirmed member takes it down");

        health.recordCheck(true, "HTTP 200");
        assertFalse(health.isUp());
        health.recordCheck(true, "HTTP 200");
        assertTrue(health.isUp(), "up after max_retries successes");

        health.recordCheck(false, "x");
        health.recordCheck(false, "x");
        assertTrue(health.isUp(), "a confirmed member stays up before max_retries_down failures");
        health.recordCheck(true, "HTTP 200");
        health.recordCheck(false, "x");
        health.recordCheck(false, "x");
        assertTrue(health.isUp(), "a success resets the failure count");
        health.recordCheck(false, "x");
        assertFalse(health.isUp());
        assertEquals(List.of(false, true, false), transitions);
    }

    @Test
    void lastCheckSurvivesALaterConnectFailure() {
        clock.set(5_000);
        health.recordCheck(true, "HTTP 200");
        clock.set(6_000);
        health.recordConnectFailure("connection refused");

        assertEquals(new MemberHealth.Observation(true, "HTTP 200", 5_000, true), health.lastCheck());
        assertEquals(new MemberHealth.Observation(false, "connect failed: connection refused", 6_000, false),
                health.lastObservation());
    }

    @Test
    void nothingObservedYetHasTimeZero() {
        assertEquals(0, health.lastCheck().atMillis());
        assertEquals(0, health.lastObservation().atMillis());
    }
}
