package io.edgelb.agent.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import io.edgelb.agent.api.TrafficHistory.Sample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-listener history behind LuCI's traffic graph: bounded, oldest first, forgetting what is gone. */
class TrafficHistoryTest {
    private static Map<String, Sample> at(long t, String... ids) {
        Map<String, Sample> m = new LinkedHashMap<>();
        for (String id : ids) {
            m.put(id, new Sample(t, t * 10, t * 20, (int) (t % 7)));
        }
        return m;
    }

    @Test
    void keepsTheNewestSamplesOldestFirstAndNoMore() {
        TrafficHistory history = new TrafficHistory(60, 10_000);
        for (long t = 1; t <= 200; t++) {
            history.sample(at(t, "web"));
        }
        List<Sample> samples = history.samples("web");
        assertEquals(60, samples.size());
        for (int i = 0; i < 60; i++) {
            assertEquals(141 + i, samples.get(i).atMillis(), "sample " + i);
        }
    }

    @Test
    void beforeTheRingIsFullItHoldsWhatWasSampledInOrder() {
        TrafficHistory history = new TrafficHistory(60, 10_000);
        history.sample(at(1, "web"));
        history.sample(at(2, "web"));
        assertEquals(List.of(1L, 2L), history.samples("web").stream().map(Sample::atMillis).toList());
        assertEquals(List.of(), history.samples("other"));
    }

    @Test
    void aListenerThatIsGoneIsForgottenAndStartsAfreshIfItReturns() {
        TrafficHistory history = new TrafficHistory(60, 10_000);
        history.sample(at(1, "web", "db"));
        history.sample(at(2, "web"));
        assertEquals(List.of(), history.samples("db"));
        history.sample(at(3, "web", "db"));
        assertEquals(1, history.samples("db").size());
        assertEquals(3, history.samples("web").size());
    }

    @Test
    void listenersBeyondTheCeilingGetNoHistory() {
        TrafficHistory history = new TrafficHistory(2, 10_000);
        String[] ids = new String[TrafficHistory.MAX_LISTENERS + 5];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "l" + i;
        }
        history.sample(at(1, ids));
        assertEquals(1, history.samples("l0").size());
        assertEquals(0, history.samples("l" + (ids.length - 1)).size());
        assertEquals(TrafficHistory.MAX_LISTENERS, history.toJson(1).get("listeners").asObject().size());
    }

    @Test
    void theJsonGivesAgesFromNowNotTheRoutersClock() {
        TrafficHistory history = new TrafficHistory(60, 10_000);
        history.sample(Map.of("web", new Sample(100_000, 5, 7, 2)));
        history.sample(Map.of("web", new Sample(110_000, 15, 27, 3)));
        JsonObject json = history.toJson(112_500);
        assertEquals(10.0, json.getDouble("interval_seconds", 0), 1e-9);
        JsonArray samples = json.get("listeners").asObject().get("web").asObject().get("samples").asArray();
        assertEquals(2, samples.size());
        JsonObject oldest = samples.get(0).asObject();
        assertEquals(12.5, oldest.getDouble("age_seconds", -1), 1e-9);
        assertEquals(5, oldest.getLong("bytes_in", -1));
        assertEquals(7, oldest.getLong("bytes_out", -1));
        assertEquals(2, oldest.getInt("active_connections", -1));
        assertEquals(2.5, samples.get(1).asObject().getDouble("age_seconds", -1), 1e-9);
        assertTrue(history.toJson(0).get("listeners").asObject().get("web") != null);
    }
}
